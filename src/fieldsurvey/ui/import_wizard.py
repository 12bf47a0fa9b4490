"""The register import dialog: file -> columns -> check -> import -> result.

All the deciding is done by :mod:`fieldsurvey.register`; this module only shows
it and passes the officer's corrections back. The pages live in
:mod:`fieldsurvey.ui.import_pages` and :mod:`fieldsurvey.ui.import_check`; this
class reads, plans, imports and moves between them.

Long work (planning and importing 50,000 rows takes a few seconds) runs in the
GUI thread, with a modal progress dialog whose progress object calls
``processEvents``. A worker thread was not chosen: the ``Database`` in
``store/db.py`` is one engine shared by every screen and its sessions must
not cross threads, SQLite allows one writer at a time anyway, and the modal
progress dialog already keeps the officer from starting anything else while
the import runs. Cancelling raises ``Cancelled`` inside the transaction, so
nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from fieldsurvey.messages import Message
from fieldsurvey.progress import Cancelled
from fieldsurvey.register import (
    ImportPlan,
    ImportResult,
    RegisterError,
    RegisterSheet,
    apply_plan,
    find_header,
    plan_import,
    read_register,
)
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.import_check import CheckPage
from fieldsurvey.ui.import_pages import FilePage, MappingPage, ResultPage

STEPS = ("ui.import.step.file", "ui.import.step.mapping", "ui.import.step.check",
         "ui.import.step.result")


class _DialogProgress:
    """A core ``Progress`` shown in a modal QProgressDialog, in the GUI thread."""

    def __init__(self, dialog: QProgressDialog, ctx: AppContext) -> None:
        self.dialog = dialog
        self.ctx = ctx

    def report(self, done: int, total: int | None = None, stage: Message | None = None) -> None:
        if stage is not None:
            self.dialog.setLabelText(self.ctx.word(stage))
        if total:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
        QApplication.processEvents()

    def cancelled(self) -> bool:
        QApplication.processEvents()
        return self.dialog.wasCanceled()


class ImportWizard(QDialog):
    """Import the township's register of organizations from an Excel list."""

    imported = Signal()
    """Organizations were added or changed; lists showing the register should reload."""

    FILE, MAPPING, CHECK, RESULT = range(4)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 path: Path | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.sheet: RegisterSheet | None = None
        self.plan: ImportPlan | None = None
        self.import_result: ImportResult | None = None
        self.setWindowTitle(ctx.tr("ui.import.title"))
        # Fits a 1366x768 laptop screen with the taskbar and title bar.
        self.resize(1120, 660)
        self.setMinimumSize(860, 520)
        self.file_page = FilePage(ctx)
        self.mapping_page = MappingPage(ctx)
        self.check_page = CheckPage(ctx)
        self.result_page = ResultPage(ctx)
        self.file_page.browse_requested.connect(self._browse)
        self.file_page.sheet_requested.connect(self._sheet_chosen)
        self.mapping_page.changed.connect(self.replan)
        self.stack = QStackedWidget()
        for page in (self.file_page, self.mapping_page, self.check_page, self.result_page):
            self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        self.step_label = QLabel()
        self.step_label.setStyleSheet("font-weight: bold; font-size: 15px;")
        layout.addWidget(self.step_label)
        layout.addWidget(self.stack, 1)
        layout.addLayout(self._build_buttons())
        self._go(self.FILE)
        if path is not None:
            self.load_file(path)

    def _build_buttons(self) -> QHBoxLayout:
        self.back_button = QPushButton(self.ctx.tr("ui.import.back"))
        self.next_button = QPushButton(self.ctx.tr("ui.import.next"))
        self.import_button = QPushButton(self.ctx.tr("ui.import.do_import"))
        self.close_button = QPushButton(self.ctx.tr("ui.import.cancel"))
        self.back_button.clicked.connect(self._back)
        self.next_button.clicked.connect(self._next)
        self.import_button.clicked.connect(self.start_import)
        self.close_button.clicked.connect(self._close)
        self.next_button.setDefault(True)
        row = QHBoxLayout()
        row.addStretch(1)
        for button in (self.back_button, self.next_button, self.import_button,
                       self.close_button):
            row.addWidget(button)
        return row

    # -- navigation -----------------------------------------------------------------------
    def _go(self, page: int) -> None:
        self.stack.setCurrentIndex(page)
        self.step_label.setText(self.ctx.tr(STEPS[page]))
        if page == self.CHECK:
            self.check_page.show_plan(self.plan)
        self._update_buttons()

    def _update_buttons(self) -> None:
        page = self.stack.currentIndex()
        self.back_button.setVisible(page in (self.MAPPING, self.CHECK))
        self.next_button.setVisible(page in (self.FILE, self.MAPPING))
        self.import_button.setVisible(page == self.CHECK)
        if page == self.FILE:
            self.next_button.setEnabled(self.sheet is not None
                                        and not self.file_page.file_error.text())
        elif page == self.MAPPING:
            self.next_button.setEnabled(self.plan is not None)
        counts = self.plan.counts() if self.plan else None
        self.import_button.setEnabled(bool(counts and counts.new + counts.update))
        if counts:
            self.import_button.setText(self.ctx.tr("ui.import.do_import_count",
                                                   count=counts.new + counts.update))
        self.close_button.setText(self.ctx.tr(
            "ui.import.finish" if page == self.RESULT else "ui.import.cancel"))

    def _next(self) -> None:
        page = self.stack.currentIndex()
        if page == self.FILE and self.sheet is not None:
            self._go(self.MAPPING)
        elif page == self.MAPPING and self.plan is not None:
            self._go(self.CHECK)

    def _back(self) -> None:
        self._go(max(self.FILE, self.stack.currentIndex() - 1))

    def _close(self) -> None:
        if self.stack.currentIndex() == self.RESULT:
            self.accept()
        else:
            self.reject()

    # -- page 1: the file -----------------------------------------------------------------
    def _browse(self) -> None:
        start = str(self.path.parent) if self.path else str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.ctx.tr("ui.import.choose_file"), start,
            self.ctx.tr("ui.import.file_filter") + " (*.xlsx *.xlsm *.xls *.xlsb *.ods)")
        if chosen:
            self.load_file(Path(chosen))

    def load_file(self, path: Path, sheet: str | None = None) -> bool:
        """Read ``path`` (its first non-empty sheet, or ``sheet``); False on a problem."""
        self.path = path
        self.file_page.start(path)
        self.sheet = None
        self.plan = None
        if self.ctx.profile is None:
            # New organizations need the township code; the file page says so.
            self._update_buttons()
            return False
        error = self.file_page.file_error
        error.clear()
        try:
            with _busy():
                self.sheet = read_register(path, sheet)
        except RegisterError as exc:
            error.setText(self.ctx.word(exc.message))
            if sheet is None:
                self.file_page.clear_sheets()
            self._update_buttons()
            return False
        self.file_page.show_sheets(self.sheet)
        try:
            guess = find_header(self.sheet)
        except RegisterError as exc:
            # The sheet stays chosen: the officer may pick another one in the list.
            error.setText(self.ctx.word(exc.message))
            self._update_buttons()
            return False
        self.file_page.file_summary.setText(self.ctx.tr(
            "ui.import.file_summary", sheet=self.sheet.sheet, rows=len(self.sheet.rows),
            header=guess.row + 1))
        self.mapping_page.set_header(self.sheet, guess.row, guess.mapping)
        self._update_buttons()
        return True

    def _sheet_chosen(self, name: str) -> None:
        if self.path is not None:
            self.load_file(self.path, name)

    # -- page 2: planning -----------------------------------------------------------------
    def replan(self) -> None:
        """Plan again with the current header row and columns; update preview and check."""
        self.plan = None
        self.mapping_page.mapping_error.clear()
        if self.sheet is None or self.ctx.profile is None:
            return
        progress_dialog = self._progress_dialog("register.stage.checking")
        try:
            with self.ctx.db.sessions() as session:
                self.plan = plan_import(self.sheet, self.mapping_page.header_row,
                                        self.mapping_page.mapping(), session,
                                        self.ctx.profile.township_code,
                                        _DialogProgress(progress_dialog, self.ctx))
        except RegisterError as exc:
            self.mapping_page.mapping_error.setText(self.ctx.word(exc.message))
        except Cancelled:
            self.mapping_page.mapping_error.setText(self.ctx.tr("ui.import.check_cancelled"))
        finally:
            _dismiss(progress_dialog)
        self.mapping_page.show_plan(self.plan)
        self._update_buttons()

    # -- importing ------------------------------------------------------------------------
    def _progress_dialog(self, stage: str) -> QProgressDialog:
        dialog = QProgressDialog(self.ctx.tr(stage), self.ctx.tr("ui.import.cancel"), 0, 0, self)
        dialog.setWindowTitle(self.ctx.tr("ui.import.title"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        # Small registers finish before the dialog would flash up.
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        return dialog

    def start_import(self) -> None:
        """Write the checked plan: new and changed organizations, in one transaction."""
        if self.plan is None:
            return
        check_error = self.check_page.check_error
        dialog = self._progress_dialog("register.stage.importing")
        try:
            result = apply_plan(self.ctx.db, self.plan, _DialogProgress(dialog, self.ctx))
        except Cancelled:
            check_error.setText(self.ctx.tr("ui.import.import_cancelled"))
            return
        except RegisterError as exc:
            # The register changed since the check: check again before importing.
            self.replan()
            self.check_page.show_plan(self.plan)
            check_error.setText(self.ctx.word(exc.message))
            return
        except (SQLAlchemyError, OSError) as exc:
            check_error.setText(self.ctx.tr("ui.import.failed", detail=str(exc)))
            return
        finally:
            _dismiss(dialog)
        self.import_result = result
        self.result_page.show_result(result)
        self._go(self.RESULT)
        self.imported.emit()


def _dismiss(dialog: QProgressDialog) -> None:
    # reset() also stops the timer that would show the dialog after its minimum
    # duration, which a plain close() leaves running.
    dialog.reset()
    dialog.close()
    dialog.deleteLater()


@contextmanager
def _busy() -> Iterator[None]:
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
