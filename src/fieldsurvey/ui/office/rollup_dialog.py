"""Export the office's own signed bundle for the level above (county -> city).

The same three pages as the officer's Export screen (form, progress with Cancel,
result), the same worker thread and progress plumbing (:class:`QtProgress`,
:class:`ExportWorker` from :mod:`fieldsurvey.ui.export_dialog`). The work is
:func:`fieldsurvey.county.rollup.export_office_bundle`, which takes the office's
next bundle number itself; the key is unlocked first, so a mistyped passphrase
never uses a number up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont
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

from fieldsurvey.bundles import BundleError, ExportSummary
from fieldsurvey.bundles.monthly import bundle_file_name, default_month, month_span, previous_month
from fieldsurvey.bundles.trust import Signer
from fieldsurvey.county.models import OfficeSetting
from fieldsurvey.county.office import SEQUENCE_KEY
from fieldsurvey.county.rollup import export_office_bundle
from fieldsurvey.identity.keys import (
    IdentityError,
    PublicIdentity,
    identity_exists,
    load_public,
    unlock,
)
from fieldsurvey.messages import Message
from fieldsurvey.progress import Progress
from fieldsurvey.store import StoreError
from fieldsurvey.ui.export_dialog import ExportWorker, QtProgress
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.trust_page import fingerprint_font

MONTHS_OFFERED = 13
PAGES = ("no_identity", "form", "progress", "done")
ERROR_STYLE = "color: #c62828;"
DONE_FIELDS = ("path", "period", "sequence", "visits", "tombstones", "organizations",
               "signer", "fingerprint")


def peek_office_sequence(ctx: OfficeContext) -> int:
    """The number the next office bundle will take (for the file name shown)."""
    with ctx.db.transaction() as session:
        row = session.get(OfficeSetting, SEQUENCE_KEY)
        return int(row.value if row is not None and row.value.isdigit() else 0) + 1


def rollup_job(ctx: OfficeContext, signer: Signer, out_path: Path, start: dt.date,
               end: dt.date, progress: Progress) -> Callable[[], ExportSummary]:
    """The export, with a database problem reported as a bundle problem (one message)."""
    def job() -> ExportSummary:
        try:
            return export_office_bundle(ctx.db, ctx.form, signer, out_path, period_start=start,
                                        period_end=end, progress=progress)
        except StoreError as exc:
            raise BundleError(exc.message) from exc
    return job


class RollupDialog(QDialog):
    """``RollupDialog(ctx, parent)``: month, folder, passphrase -> the signed bundle."""

    exported = Signal(object)
    """Emitted with the :class:`ExportSummary` after a successful export."""

    def __init__(self, ctx: OfficeContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.summary: ExportSummary | None = None
        self.public: PublicIdentity | None = None
        self.progress: QtProgress | None = None
        self._worker: ExportWorker | None = None
        self.folder = ctx.paths.exports
        self.setWindowTitle(ctx.tr("ui.rollup.title"))
        self.setMinimumWidth(640)
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

    # -- pages -------------------------------------------------------------------------
    def page_name(self) -> str:
        return PAGES[self.stack.currentIndex()]

    def show_page(self, name: str) -> None:
        self.stack.setCurrentWidget(self.pages[name])
        main = self.main_buttons.get(name)
        if main is not None:
            main.setDefault(True)

    def _build_no_identity(self, problem: str | None) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.no_identity_label = QLabel(problem or self.ctx.tr("ui.rollup.no_identity"))
        self.no_identity_label.setWordWrap(True)
        layout.addWidget(self.no_identity_label)
        layout.addStretch(1)
        close = QPushButton(self.ctx.tr("ui.rollup.close"))
        close.clicked.connect(self.reject)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.main_buttons["no_identity"] = close
        return page

    def _build_form(self) -> QWidget:
        tr = self.ctx.tr
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(tr("ui.rollup.intro", unit=self.ctx.profile.unit_name))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.month_combo = QComboBox()
        today = self.ctx.today()
        year, month = today.year, today.month
        for _ in range(MONTHS_OFFERED):
            self.month_combo.addItem(tr("ui.rollup.month_item", year=year, month=month),
                                     f"{year:04d}-{month:02d}")
            year, month = previous_month(month_span(year, month)[0])
        start, _ = default_month(today)
        self.month_combo.setCurrentIndex(self.month_combo.findData(f"{start:%Y-%m}"))
        self.month_combo.currentIndexChanged.connect(self._update_file_name)
        form.addRow(tr("ui.rollup.month"), self.month_combo)
        self.folder_edit = QLineEdit(str(self.folder))
        self.folder_edit.setReadOnly(True)
        choose = QPushButton(tr("ui.rollup.choose_folder"))
        choose.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(choose)
        form.addRow(tr("ui.rollup.folder"), folder_row)
        self.file_name_label = QLabel()
        self.file_name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(tr("ui.rollup.file_name"), self.file_name_label)
        self.signer_label = QLabel()
        self.signer_label.setWordWrap(True)
        if self.public is not None:
            self.signer_label.setText(tr("ui.rollup.signer", name=self.public.name,
                                         unit=self.public.unit_name,
                                         fingerprint=self.public.fingerprint))
        form.addRow(tr("ui.rollup.key"), self.signer_label)
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setPlaceholderText(tr("ui.rollup.passphrase_hint"))
        form.addRow(tr("ui.rollup.passphrase"), self.passphrase_edit)
        layout.addLayout(form)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        close = QPushButton(tr("ui.rollup.close"))
        close.clicked.connect(self.reject)
        self.export_button = QPushButton(tr("ui.rollup.start"))
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
        self.cancel_button = QPushButton(self.ctx.tr("ui.rollup.cancel"))
        self.cancel_button.clicked.connect(self.cancel_export)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignRight)
        return page

    def _build_done(self) -> QWidget:
        tr = self.ctx.tr
        page = QWidget()
        layout = QVBoxLayout(page)
        heading = QLabel(tr("ui.rollup.done_title"))
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        grid = QFormLayout()
        self.done_labels: dict[str, QLabel] = {}
        for key in DONE_FIELDS:
            label = QLabel()
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.done_labels[key] = label
            grid.addRow(tr(f"ui.rollup.done.{key}"), label)
        self.done_labels["fingerprint"].setFont(fingerprint_font(1.15))
        layout.addLayout(grid)
        advice = QLabel(tr("ui.rollup.done_advice"))
        advice.setWordWrap(True)
        layout.addWidget(advice)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        self.open_folder_button = QPushButton(tr("ui.rollup.open_folder"))
        self.open_folder_button.clicked.connect(self.open_folder)
        finish = QPushButton(tr("ui.rollup.finish"))
        finish.clicked.connect(self.accept)
        self.main_buttons["done"] = finish
        buttons.addWidget(self.open_folder_button)
        buttons.addStretch(1)
        buttons.addWidget(finish)
        layout.addLayout(buttons)
        return page

    # -- the form ------------------------------------------------------------------------
    def selected_month(self) -> tuple[int, int]:
        year, month = str(self.month_combo.currentData()).split("-")
        return int(year), int(month)

    def set_folder(self, folder: Path) -> None:
        self.folder = folder
        self.folder_edit.setText(str(folder))
        self._update_file_name()

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.ctx.tr("ui.rollup.choose_folder"),
                                                  str(self.folder))
        if chosen:
            self.set_folder(Path(chosen))

    def file_name(self) -> str:
        start, _ = month_span(*self.selected_month())
        return bundle_file_name(self.ctx.profile.unit_code, start, peek_office_sequence(self.ctx))

    def _update_file_name(self) -> None:
        self.file_name_label.setText(self.file_name())

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def start_export(self) -> None:
        """Unlock the office key with the passphrase typed, then export on the worker."""
        if self._worker is not None or self.public is None:
            return
        passphrase = self.passphrase_edit.text()
        self.passphrase_edit.clear()
        if not passphrase:
            self._show_error(self.ctx.tr("ui.rollup.passphrase_missing"))
            self.passphrase_edit.setFocus()
            return
        if not self.folder.is_dir():
            self._show_error(self.ctx.tr("ui.rollup.folder_missing", folder=str(self.folder)))
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
        out_path = self.folder / self.file_name()
        progress = QtProgress()
        progress.progressed.connect(self._on_progress)
        self.progress = progress
        worker = ExportWorker(rollup_job(self.ctx, signer, out_path, start, end, progress), self)
        del signer  # only the job holds the key from here on
        worker.succeeded.connect(self._on_succeeded)
        worker.failed.connect(self._on_failed)
        worker.stopped.connect(self._on_stopped)
        worker.finished.connect(self._on_finished)
        self._worker = worker
        self.stage_label.setText(self.ctx.tr("ui.rollup.starting"))
        self.progress_bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.show_page("progress")
        worker.start()

    # -- while it runs -------------------------------------------------------------------
    def _on_progress(self, done: int, total: int, stage: object) -> None:
        if isinstance(stage, Message):
            self.stage_label.setText(self.ctx.word(stage))
        if total > 0:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(min(done, total))
        else:
            self.progress_bar.setRange(0, 0)

    def cancel_export(self) -> None:
        if self.progress is not None:
            self.progress.cancel()
            self.cancel_button.setEnabled(False)
            self.stage_label.setText(self.ctx.tr("ui.rollup.cancelling"))

    def is_running(self) -> bool:
        return self._worker is not None

    def reject(self) -> None:
        if self.is_running():  # cancel first; the dialog closes once the work stopped
            self.cancel_export()
            return
        super().reject()

    def _on_succeeded(self, summary: ExportSummary) -> None:
        self.summary = summary
        manifest = summary.manifest
        period = manifest.get("period", {})
        producer = manifest.get("producer", {})
        labels, tr = self.done_labels, self.ctx.tr
        labels["path"].setText(str(summary.path))
        labels["period"].setText(tr("ui.rollup.done.period_value",
                                    start=period.get("start", ""), end=period.get("end", "")))
        labels["sequence"].setText(str(manifest.get("sequence", "")))
        labels["visits"].setText(tr("ui.rollup.done.count_visits", count=summary.visits))
        labels["tombstones"].setText(tr("ui.rollup.done.count_visits", count=summary.tombstones))
        labels["organizations"].setText(tr("ui.rollup.done.count_organizations",
                                             count=summary.organizations))
        labels["signer"].setText(tr("ui.rollup.done.signer_value",
                                    name=producer.get("name", ""),
                                    unit=producer.get("unit_name", "")))
        labels["fingerprint"].setText(self.public.fingerprint if self.public else "")
        self.show_page("done")
        self.exported.emit(summary)

    def _on_failed(self, message: Message) -> None:
        self.show_page("form")
        self._show_error(self.ctx.tr("ui.rollup.failed", reason=self.ctx.word(message)))

    def _on_stopped(self) -> None:
        self.show_page("form")
        self._show_error(self.ctx.tr("ui.rollup.cancelled"))

    def _on_finished(self) -> None:
        worker, self._worker = self._worker, None
        self.progress = None
        if worker is not None:
            worker.deleteLater()
        self._update_file_name()  # the number has moved on

    # -- the result ----------------------------------------------------------------------
    def open_folder(self) -> None:
        if self.summary is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.summary.path.parent)))
