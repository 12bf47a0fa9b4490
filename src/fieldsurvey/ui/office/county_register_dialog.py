"""导入全县名录: the county's civil-affairs list, split by township, on a worker thread.

The dialog runs :func:`fieldsurvey.county.register_import.import_county_register`
(the same function as ``fieldsurvey register import``) with a progress bar
and a cancel button, then shows the split: one row per township, and every
problem on a line naming row, column and organization.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.county.register_import import CountyPlan, import_county_register
from fieldsurvey.messages import Message
from fieldsurvey.register import RegisterError
from fieldsurvey.ui.export_dialog import QtProgress
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.table_models import JobThread

COLUMNS = ("township", "new", "updated", "unchanged", "skipped", "problems")


def _run(ctx: OfficeContext, path: Path, progress: QtProgress) -> CountyPlan | Message:
    # A refused file is an answer to show, not a crash: its message names the file.
    try:
        return import_county_register(ctx.db, ctx.profile, path, progress=progress)
    except RegisterError as exc:
        return exc.message


class CountyRegisterDialog(QDialog):
    """``CountyRegisterDialog(ctx, path, parent).start()``; :attr:`plan` once done."""

    def __init__(self, ctx: OfficeContext, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path = path
        self.plan: CountyPlan | None = None
        self.worker: JobThread | None = None
        self.progress = QtProgress()
        self.setWindowTitle(ctx.tr("register_county.ui.title"))
        self.resize(760, 520)
        layout = QVBoxLayout(self)
        self.stage_label = QLabel(ctx.tr("register_county.ui.reading", file=path.name))
        self.stage_label.setWordWrap(True)
        self.bar = QProgressBar()
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(
            [ctx.tr(f"register_county.ui.column.{c}") for c in COLUMNS])
        self.table.verticalHeader().hide()
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        buttons = QDialogButtonBox()
        self.cancel_button = QPushButton(ctx.tr("register_county.ui.cancel"))
        self.close_button = QPushButton(ctx.tr("register_county.ui.close"))
        self.close_button.setEnabled(False)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button.clicked.connect(self.progress.cancel)
        self.close_button.clicked.connect(self.accept)
        for widget in (self.stage_label, self.bar, self.summary_label):
            layout.addWidget(widget)
        layout.addWidget(self.table, 2)
        layout.addWidget(QLabel(ctx.tr("register_county.ui.problems")))
        layout.addWidget(self.problems, 1)
        layout.addWidget(buttons)
        self.progress.progressed.connect(self._on_progress)

    def start(self) -> None:
        worker = JobThread(partial(_run, self.ctx, self.path, self.progress))
        worker.succeeded.connect(self._on_done)
        worker.failed.connect(self._on_failed)
        worker.stopped.connect(self._on_stopped)
        worker.finished.connect(self._on_finished)
        self.worker = worker
        worker.start_job()

    def reject(self) -> None:
        if self.worker is not None:  # not while it writes: ask it to stop instead
            self.progress.cancel()
            return
        super().reject()

    def _on_progress(self, done: int, total: int, stage: object) -> None:
        if isinstance(stage, Message):
            self.stage_label.setText(self.ctx.word(stage))
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))

    def _on_done(self, _tag: object, result: CountyPlan | Message) -> None:
        if isinstance(result, Message):
            self.stage_label.setText(self.ctx.word(result))
            return
        self.plan = result
        ctx = self.ctx
        self.stage_label.setText(ctx.tr("register_county.ui.done", file=self.path.name))
        self.summary_label.setText(ctx.tr(
            "register_county.county_summary", file=result.file, sheet=result.sheet,
            townships=len(result.parts), unplaced=len(result.unplaced), **result.totals()))
        self.table.setRowCount(len(result.parts))
        for row, part in enumerate(result.parts):
            counts = part.counts()
            cells = [f"{part.code} {part.name}", *(str(counts[c]) for c in COLUMNS[1:])]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        lines = [ctx.word(u.located()) for u in result.unplaced]
        for plan in (*(p.plan for p in result.parts), result.notes):
            lines += [ctx.word(p.located()) for _e, p in plan.problems()]
        self.problems.setPlainText("\n".join(lines))

    def _on_failed(self, _tag: object, detail: str) -> None:
        self.stage_label.setText(self.ctx.tr("register_county.ui.failed", detail=detail))

    def _on_stopped(self, _tag: object) -> None:
        self.stage_label.setText(self.ctx.tr("register_county.ui.cancelled"))

    def _on_finished(self) -> None:
        self.worker = None
        self.cancel_button.setEnabled(False)
        self.close_button.setEnabled(True)
