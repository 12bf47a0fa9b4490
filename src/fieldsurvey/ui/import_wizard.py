"""The register import dialog: file -> columns -> check -> import -> result.

All the deciding is done by :mod:`fieldsurvey.register`; this module only shows
it and passes the officer's corrections back. The pages live in
:mod:`fieldsurvey.ui.import_pages` and :mod:`fieldsurvey.ui.import_check`; this
class reads, plans, imports and moves between them.

Reading the file runs on a worker thread (:mod:`fieldsurvey.ui.import_reading`),
with a progress bar and a button to stop waiting.

Planning and importing (50,000 rows take a few seconds) run in the
GUI thread, with a modal progress dialog whose progress object calls
``processEvents``. A worker thread was not chosen: the ``Database`` in
``store/db.py`` is one engine shared by every screen and its sessions must
not cross threads, SQLite allows one writer at a time anyway, and the modal
progress dialog already keeps the officer from starting anything else while
the import runs. Cancelling raises ``Cancelled`` inside the transaction, so
nothing is written.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
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
    plan_import,
)
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.import_check import CheckPage
from fieldsurvey.ui.import_pages import FilePage, MappingPage, ResultPage
from fieldsurvey.ui.import_reading import ReadOutcome, RegisterReading

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
    file_read = Signal()
    """Reading a file ended (read, refused or stopped); the file page says which."""

    FILE, MAPPING, CHECK, RESULT = range(4)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 path: Path | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.sheet: RegisterSheet | None = None
        self.plan: ImportPlan | None = None
        # Credit codes the officer typed on the check page, by Excel row.
        self.corrections: dict[int, str] = {}
        self.import_result: ImportResult | None = None
        self.reader = RegisterReading(self)
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
        self.file_page.stop_requested.connect(self.stop_reading)
        self.reader.progressed.connect(self.file_page.show_progress)
        self.reader.done.connect(self._file_done)
        self.mapping_page.changed.connect(self.replan)
        self.check_page.correction_requested.connect(self.correct)
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
        row = QHBoxLayout()
        row.addStretch(1)
        for button in (self.back_button, self.next_button, self.import_button,
                       self.close_button):
            # Enter presses the page's forward button (see _update_buttons), never the
            # button that happens to have the focus: that was 取消, throwing the work away.
            button.setAutoDefault(False)
            row.addWidget(button)
        return row

    # -- navigation -----------------------------------------------------------------------
    def _go(self, page: int) -> None:
        self.stack.setCurrentIndex(page)
        self.step_label.setText(self.ctx.tr(STEPS[page]))
        if page == self.CHECK:
            self.check_page.show_plan(self.plan)
            self.check_page.problem_view.setFocus()
        self._update_buttons()

    def _update_buttons(self) -> None:
        page = self.stack.currentIndex()
        self.back_button.setVisible(page in (self.MAPPING, self.CHECK))
        self.next_button.setVisible(page in (self.FILE, self.MAPPING))
        self.import_button.setVisible(page == self.CHECK)
        if page == self.FILE:
            self.next_button.setEnabled(self.sheet is not None and not self.reading
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
        forward = {self.FILE: self.next_button, self.MAPPING: self.next_button,
                   self.CHECK: self.import_button, self.RESULT: self.close_button}[page]
        for button in (self.back_button, self.next_button, self.import_button,
                       self.close_button):
            button.setDefault(button is forward)

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
        elif self._may_discard():
            self.reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not self._may_discard():
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Only the officer's own click on the window's close button asks; a close by
        # the program (the app quitting, a test ending) does not wait for an answer.
        if event.spontaneous() and not self._may_discard():
            event.ignore()
            return
        super().closeEvent(event)

    def reject(self) -> None:
        self.stop_reading()
        super().reject()

    def _may_discard(self) -> bool:
        """True when nothing read would be lost, or the officer says to throw it away."""
        unsaved = self.sheet is not None and self.stack.currentIndex() != self.RESULT
        return not unsaved or self._confirm_discard()

    def _confirm_discard(self) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, self.ctx.tr("ui.import.title"),
                          self.ctx.tr("ui.import.discard_question"), parent=self)
        discard = box.addButton(self.ctx.tr("ui.import.discard_yes"),
                                QMessageBox.ButtonRole.DestructiveRole)
        stay = box.addButton(self.ctx.tr("ui.import.discard_no"),
                             QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(stay)
        box.setEscapeButton(stay)
        box.exec()
        return box.clickedButton() is discard

    # -- page 1: the file -----------------------------------------------------------------
    def _browse(self) -> None:
        start = str(self.path.parent) if self.path else str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.ctx.tr("ui.import.choose_file"), start,
            self.ctx.tr("ui.import.file_filter") + " (*.xlsx *.xlsm *.xls *.xlsb *.ods)")
        if chosen:
            self.load_file(Path(chosen))

    def load_file(self, path: Path, sheet: str | None = None) -> None:
        """Start reading ``path`` (its first non-empty sheet, or ``sheet``) on a worker.

        :attr:`file_read` is emitted once the file page shows the outcome.
        """
        self.path = path
        self.file_page.start(path)
        self.sheet = None
        self.plan = None
        self.corrections = {}
        self.reader.forget()
        if self.ctx.profile is None:
            # New organizations need the township code; the file page says so.
            self._file_done(ReadOutcome(None, None, Message("ui.import.no_profile"), sheet))
            return
        self.file_page.set_reading(True)
        self.reader.start(path, sheet)
        self._update_buttons()

    @property
    def reading(self) -> bool:
        """True while a file is being read."""
        return self.reader.running

    def stop_reading(self) -> None:
        """Leave the file being read to its worker and forget it."""
        self.reader.stop()

    def _file_done(self, outcome: ReadOutcome) -> None:
        self.file_page.set_reading(False)
        problem = self.ctx.word(outcome.problem) if outcome.problem else ""
        if outcome.sheet is None and outcome.asked_sheet is None:
            self.file_page.clear_sheets()
        if outcome.sheet is not None:
            self.sheet = outcome.sheet
            # A sheet without a header stays chosen: another may be picked in the list.
            self.file_page.show_sheets(outcome.sheet)
        if outcome.sheet is not None and outcome.guess is not None:
            self.file_page.file_summary.setText(self.ctx.tr(
                "ui.import.file_summary", sheet=outcome.sheet.sheet,
                rows=len(outcome.sheet.rows), header=outcome.guess.row + 1))
            self.mapping_page.set_header(outcome.sheet, outcome.guess.row,
                                         outcome.guess.mapping)
        self.file_page.file_error.setText(problem)
        self._update_buttons()
        self.file_read.emit()

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
                                        _DialogProgress(progress_dialog, self.ctx),
                                        self.corrections)
        except RegisterError as exc:
            self.mapping_page.mapping_error.setText(self.ctx.word(exc.message))
        except Cancelled:
            self.mapping_page.mapping_error.setText(self.ctx.tr("ui.import.check_cancelled"))
        finally:
            _dismiss(progress_dialog)
        self.mapping_page.show_plan(self.plan)
        self._update_buttons()

    def correct(self, row: int, code: str) -> None:
        """Use ``code`` for the credit code of Excel ``row`` and check again."""
        self.corrections[row] = code
        self.replan()
        self.check_page.show_plan(self.plan)

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
