"""The Export screen: the signed monthly bundle, with progress, and what was written.

Pages, in order: the form (month, folder, passphrase), progress (with Cancel),
the result (where the file is, what it holds, which key signed it). Without a
signing key there is one page that says where the key comes from.

The work itself is :func:`fieldsurvey.bundles.monthly.export_month`, the same as
``fieldsurvey export``. It runs on a worker ``QThread``: SQLAlchemy's pool gives
that thread its own SQLite connection (the engine is a file database, for which
SQLAlchemy turns pysqlite's same-thread check off), and WAL lets the rest of the
app keep reading meanwhile. The passphrase is read from its field and the field
cleared in the same step; the unlocked key lives only until the export ends.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import ClassVar, Generic, Protocol, TypeVar

from PySide6.QtCore import QObject, Qt, QThread, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QFontDatabase
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey import clock
from fieldsurvey.bundles import BundleError, ExportSummary
from fieldsurvey.bundles.monthly import (
    bundle_file_name,
    default_month,
    export_month,
    month_span,
    peek_next_sequence,
    previous_month,
)
from fieldsurvey.bundles.trust import Signer
from fieldsurvey.identity.keys import (
    IdentityError,
    PublicIdentity,
    identity_exists,
    load_public,
    unlock,
)
from fieldsurvey.messages import Message
from fieldsurvey.paths import DataPaths
from fieldsurvey.progress import Cancelled
from fieldsurvey.ui.context import AppContext, Words

#: How many months the picker offers, the current one included.
MONTHS_OFFERED = 13
PAGES = ("no_identity", "form", "progress", "done")
ERROR_STYLE = "color: #c62828;"


class ExportContext(Words, Protocol):
    """What the shared export dialog needs of a context (the officer's or the office's)."""

    @property
    def paths(self) -> DataPaths: ...


C = TypeVar("C", bound=ExportContext)


class QtProgress(QObject):
    """:class:`fieldsurvey.progress.Progress` for work on another thread.

    Reports become a queued signal to the GUI thread, at most one every
    ``interval`` seconds (a bundle reports once per visit: 50,000 signals would
    flood the event loop); the first, the last and every change of stage always
    go through. Cancelling sets a thread-safe flag the work polls.
    """

    progressed = Signal(int, int, object)
    """done, total (-1 when unknown), stage (a Message or None)."""

    def __init__(self, interval: float = 0.05) -> None:
        super().__init__()
        self._interval = interval
        self._last = 0.0
        self._stage: Message | None = None
        self._cancel = threading.Event()

    def report(self, done: int, total: int | None = None, stage: Message | None = None) -> None:
        now = time.monotonic()
        if stage == self._stage and done != total and now - self._last < self._interval:
            return
        self._last, self._stage = now, stage
        self.progressed.emit(done, -1 if total is None else total, stage)

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()


class ExportWorker(QThread):
    """Runs one export job and reports how it ended, always exactly once."""

    succeeded = Signal(object)
    """The :class:`ExportSummary`."""
    failed = Signal(object)
    """A :class:`Message` saying why."""
    stopped = Signal()
    """The officer cancelled; nothing was written."""

    def __init__(self, job: Callable[[], ExportSummary], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job: Callable[[], ExportSummary] | None = job

    def run(self) -> None:
        job, self._job = self._job, None  # the job holds the unlocked key: drop it with it
        assert job is not None
        try:
            summary = job()
        except Cancelled:
            self.stopped.emit()
        except BundleError as exc:
            self.failed.emit(exc.message)
        except OSError as exc:
            self.failed.emit(Message("ui.export.write_failed",
                                     {"detail": exc.strerror or type(exc).__name__}))
        except Exception as exc:  # noqa: BLE001  # the dialog must hear back, whatever happened
            self.failed.emit(Message("ui.export.unexpected", {"detail": repr(exc)}))
        else:
            self.succeeded.emit(summary)


class BundleExportDialog(QDialog, Generic[C]):
    """The shared export dialog (see the module doc); subclasses fill in the hooks.

    ``PREFIX`` is the message area of its words (``{PREFIX}.title`` ...); the hooks are
    :meth:`file_name`, :meth:`export_job` and :meth:`done_values`.
    """

    PREFIX: ClassVar[str]
    MIN_WIDTH: ClassVar[int] = 620
    DONE_FIELDS: ClassVar[tuple[str, ...]] = (
        "path", "period", "sequence", "visits", "tombstones", "organizations", "signer",
        "fingerprint")

    exported = Signal(object)
    """Emitted with the :class:`ExportSummary` after a successful export."""
    export_ended = Signal()
    """The export thread has stopped, however the export ended; a new one may start."""

    def __init__(self, ctx: C, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.summary: ExportSummary | None = None
        self.public: PublicIdentity | None = None
        self.progress: QtProgress | None = None
        self._worker: ExportWorker | None = None
        self.setWindowTitle(self.msg("title"))
        self.setMinimumWidth(self.MIN_WIDTH)
        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self.pages: dict[str, QWidget] = {}
        self.main_buttons: dict[str, QPushButton] = {}
        problem: str | None = None
        if identity_exists(ctx.paths.keys):
            try:
                self.public = load_public(ctx.paths.keys)
            except IdentityError as exc:
                problem = ctx.word(exc.message)
        for name, build in (("no_identity", lambda: self._build_no_identity(problem)),
                            ("form", self._build_form), ("progress", self._build_progress),
                            ("done", self._build_done)):
            page = build()
            self.pages[name] = page
            self.stack.addWidget(page)
        self.show_page("form" if self.public is not None else "no_identity")

    # -- hooks -------------------------------------------------------------------------------
    def msg(self, key: str, **params: object) -> str:
        """The words ``{PREFIX}.{key}`` in the current language."""
        return self.ctx.tr(f"{self.PREFIX}.{key}", **params)

    def intro_text(self) -> str:
        return self.msg("intro")

    def file_name(self, start: dt.date) -> str | None:
        """The name the bundle for the month from ``start`` will get (None: not known)."""
        raise NotImplementedError

    def export_job(self, signer: Signer, start: dt.date, end: dt.date,
                   progress: QtProgress) -> Callable[[], ExportSummary]:
        """The export, to run on the worker thread (made here, on the GUI thread)."""
        raise NotImplementedError

    def new_progress(self) -> QtProgress:
        return QtProgress()

    def done_values(self, summary: ExportSummary) -> dict[str, str]:
        """The text of each of :attr:`DONE_FIELDS` on the result page."""
        manifest = summary.manifest
        period = manifest.get("period", {})
        producer = manifest.get("producer", {})
        msg = self.msg
        return {
            "path": str(summary.path),
            "period": msg("done.period_value", start=period.get("start", ""),
                          end=period.get("end", "")),
            "sequence": str(manifest.get("sequence", "")),
            "visits": msg("done.count_visits", count=summary.visits),
            "tombstones": msg("done.count_visits", count=summary.tombstones),
            "organizations": msg("done.count_organizations", count=summary.organizations),
            "signer": msg("done.signer_value", name=producer.get("name", ""),
                          unit=producer.get("unit_name", "")),
            "fingerprint": self.public.fingerprint if self.public else "",
        }

    # -- pages ---------------------------------------------------------------------------------
    def page_name(self) -> str:
        return PAGES[self.stack.currentIndex()]

    def show_page(self, name: str) -> None:
        self.stack.setCurrentWidget(self.pages[name])
        # Enter presses the page's main button. Set here, not when the button is made:
        # QDialog only keeps a default button that is already inside it and visible.
        main = self.main_buttons.get(name)
        if main is not None:
            main.setDefault(True)
            # The focus leaves the page just hidden for the next button in the chain;
            # an auto-default button with the focus would take Enter from the main one.
            main.setFocus(Qt.FocusReason.OtherFocusReason)

    def _build_no_identity(self, problem: str | None) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.no_identity_label = QLabel(problem or self.msg("no_identity"))
        self.no_identity_label.setWordWrap(True)
        layout.addWidget(self.no_identity_label)
        layout.addStretch(1)
        close = QPushButton(self.msg("close"))
        close.clicked.connect(self.reject)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.main_buttons["no_identity"] = close
        return page

    def _build_form(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(self.intro_text())
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.month_combo = QComboBox()
        today = clock.today()
        year, month = today.year, today.month
        for _ in range(MONTHS_OFFERED):
            self.month_combo.addItem(self.msg("month_item", year=year, month=month),
                                     f"{year:04d}-{month:02d}")
            year, month = previous_month(month_span(year, month)[0])
        start, _ = default_month(today)
        self.month_combo.setCurrentIndex(self.month_combo.findData(f"{start:%Y-%m}"))
        self.month_combo.currentIndexChanged.connect(self._update_file_name)
        form.addRow(self.msg("month"), self.month_combo)

        self.folder = self.ctx.paths.exports
        self.folder_edit = QLineEdit(str(self.folder))
        self.folder_edit.setReadOnly(True)
        choose = QPushButton(self.msg("choose_folder"))
        choose.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(choose)
        form.addRow(self.msg("folder"), folder_row)
        self.file_name_label = QLabel()
        self.file_name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.msg("file_name"), self.file_name_label)

        self.signer_label = QLabel()
        self.signer_label.setWordWrap(True)
        if self.public is not None:
            self.signer_label.setText(self.msg("signer", name=self.public.name,
                                         unit=self.public.unit_name,
                                         fingerprint=self.public.fingerprint))
        form.addRow(self.msg("key"), self.signer_label)
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setPlaceholderText(self.msg("passphrase_hint"))
        # Enter here presses the default button (Export); connecting returnPressed as well
        # would start a second attempt with the field already emptied.
        form.addRow(self.msg("passphrase"), self.passphrase_edit)
        layout.addLayout(form)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        close = QPushButton(self.msg("close"))
        close.clicked.connect(self.reject)
        self.export_button = QPushButton(self.msg("start"))
        self.export_button.clicked.connect(self.start_export)
        self.main_buttons["form"] = self.export_button
        buttons.addWidget(close)
        buttons.addWidget(self.export_button)
        layout.addLayout(buttons)
        self._update_file_name()
        return page

    def _build_progress(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.stage_label = QLabel()
        self.progress_bar = QProgressBar()
        layout.addWidget(self.stage_label)
        layout.addWidget(self.progress_bar)
        layout.addStretch(1)
        self.cancel_button = QPushButton(self.msg("cancel"))
        self.cancel_button.clicked.connect(self.cancel_export)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignRight)
        return page

    def _build_done(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        heading = QLabel(self.msg("done_title"))
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        grid = QFormLayout()
        self.done_labels: dict[str, QLabel] = {}
        for key in self.DONE_FIELDS:
            label = QLabel()
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.done_labels[key] = label
            grid.addRow(self.msg(f"done.{key}"), label)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(self.font().pointSizeF() * 1.15)
        self.done_labels["fingerprint"].setFont(mono)
        layout.addLayout(grid)
        advice = QLabel(self.msg("done_advice"))
        advice.setWordWrap(True)
        layout.addWidget(advice)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        self.open_folder_button = QPushButton(self.msg("open_folder"))
        self.open_folder_button.clicked.connect(self.open_folder)
        self.open_folder_button.setAutoDefault(False)  # Enter finishes (完成), as the page says
        finish = QPushButton(self.msg("finish"))
        finish.clicked.connect(self.accept)
        self.main_buttons["done"] = finish
        buttons.addWidget(self.open_folder_button)
        buttons.addStretch(1)
        buttons.addWidget(finish)
        layout.addLayout(buttons)
        return page

    # -- the form ----------------------------------------------------------------------------
    def selected_month(self) -> tuple[int, int]:
        year, month = str(self.month_combo.currentData()).split("-")
        return int(year), int(month)

    def set_folder(self, folder: Path) -> None:
        """Export into ``folder`` (the folder picker ends here)."""
        self.folder = folder
        self.folder_edit.setText(str(folder))
        self._update_file_name()

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.msg("choose_folder"),
                                                  str(self.folder))
        if chosen:
            self.set_folder(Path(chosen))

    def _update_file_name(self) -> None:
        name = self.file_name(month_span(*self.selected_month())[0])
        if name is not None:
            self.file_name_label.setText(name)

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def start_export(self) -> None:
        """Unlock the key with the passphrase typed, then export on the worker thread."""
        if self._worker is not None or self.public is None:
            return
        # Taken out of the field at once: it is not left in the widget while we work.
        passphrase = self.passphrase_edit.text()
        self.passphrase_edit.clear()
        if not passphrase:
            self._show_error(self.msg("passphrase_missing"))
            self.passphrase_edit.setFocus()
            return
        if not self.folder.is_dir():  # checked before a sequence number is used up
            self._show_error(self.msg("folder_missing", folder=str(self.folder)))
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            signer = unlock(self.ctx.paths.keys, passphrase)
        except IdentityError as exc:
            self._show_error(self.ctx.word(exc.message))
            self.passphrase_edit.setFocus()
            return
        finally:
            del passphrase
            QApplication.restoreOverrideCursor()
        self._show_error("")
        start, end = month_span(*self.selected_month())
        progress = self.new_progress()
        progress.progressed.connect(self._on_progress)
        self.progress = progress
        worker = ExportWorker(self.export_job(signer, start, end, progress), self)
        del signer  # from here on only the job holds the key; it drops it when done
        worker.succeeded.connect(self._on_succeeded)
        worker.failed.connect(self._on_failed)
        worker.stopped.connect(self._on_stopped)
        worker.finished.connect(self._on_finished)
        self._worker = worker
        self.stage_label.setText(self.msg("starting"))
        self.progress_bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.show_page("progress")
        worker.start()

    # -- while it runs -----------------------------------------------------------------------
    def _on_progress(self, done: int, total: int, stage: object) -> None:
        if isinstance(stage, Message):
            self.stage_label.setText(self.ctx.word(stage))
        if total > 0:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(min(done, total))
        else:
            self.progress_bar.setRange(0, 0)  # busy: the total is not known

    def cancel_export(self) -> None:
        if self.progress is not None:
            self.progress.cancel()
            self.cancel_button.setEnabled(False)
            self.stage_label.setText(self.msg("cancelling"))

    def is_running(self) -> bool:
        return self._worker is not None

    def reject(self) -> None:
        # Closing while the bundle is written would leave the thread running: cancel first,
        # and stay open until the work has stopped (it says so on the progress page).
        if self.is_running():
            self.cancel_export()
            return
        super().reject()

    def _on_succeeded(self, summary: ExportSummary) -> None:
        self.summary = summary
        for key, text in self.done_values(summary).items():
            self.done_labels[key].setText(text)
        self.show_page("done")
        self.exported.emit(summary)

    def _on_failed(self, message: Message) -> None:
        self.show_page("form")
        self._show_error(self.msg("failed", reason=self.ctx.word(message)))

    def _on_stopped(self) -> None:
        self.show_page("form")
        self._show_error(self.msg("cancelled"))

    def _on_finished(self) -> None:
        worker, self._worker = self._worker, None
        self.progress = None
        if worker is not None:
            worker.deleteLater()
        self._update_file_name()  # the sequence number has moved on
        self.export_ended.emit()

    # -- the result --------------------------------------------------------------------------
    def open_folder(self) -> None:
        """Show the folder holding the bundle in the system's file manager."""
        if self.summary is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.summary.path.parent)))


class ExportDialog(BundleExportDialog[AppContext]):
    """Export the officer's signed monthly bundle (see the module doc)."""

    PREFIX = "ui.export"
    DONE_FIELDS = ("path", "period", "sequence", "visits", "tombstones", "organizations",
                   "drafts", "signer", "fingerprint")

    def file_name(self, start: dt.date) -> str | None:
        if self.public is None:
            return None
        return bundle_file_name(self.public.unit_code, start, peek_next_sequence(self.ctx.db))

    def export_job(self, signer: Signer, start: dt.date, end: dt.date,
                   progress: QtProgress) -> Callable[[], ExportSummary]:
        return partial(export_month, self.ctx.db, self.ctx.form, signer, self.folder, start,
                       end, progress)

    def done_values(self, summary: ExportSummary) -> dict[str, str]:
        values = super().done_values(summary)
        values["drafts"] = (self.msg("done.drafts_value", count=summary.skipped_drafts)
                            if summary.skipped_drafts else self.msg("done.drafts_none"))
        return values
