"""The office's Import page: drop the townships' signed bundles, read what became of each.

Files come from the drop zone (many at once) or 选择数据包… (:meth:`ImportPage.pick_files`,
also in the window's menu); both end in :meth:`ImportPage.import_files`. The merge is
:func:`fieldsurvey.county.merge.merge_bundles`, the same as ``fieldsurvey merge``, on a
worker thread with a progress bar naming the file and a Cancel button; a cancelled
batch keeps the files merged before it stopped (each one whole).

The report is read back from the database (:mod:`fieldsurvey.county.report`), so a
batch chosen in the history list shows exactly as the one just imported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from PySide6.QtCore import QMimeData, QModelIndex, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select

from fieldsurvey import clock
from fieldsurvey.county.merge import OUTCOMES, BatchReport, merge_bundles
from fieldsurvey.county.models import Conflict
from fieldsurvey.county.report import (
    BatchLine,
    BatchSummary,
    batch_lines,
    recent_batches,
    totals,
    write_batch_report,
)
from fieldsurvey.messages import Message
from fieldsurvey.ui.export_dialog import QtProgress
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.table_models import (
    ERROR_COLOR,
    Column,
    GroupedHeader,
    JobThread,
    RowsModel,
    local_time,
    wrapped_width,
)

HISTORY_LIMIT = 20
BUNDLE_SUFFIX = ".xlsx"
_ZONE_STYLE = ("QFrame#dropZone {{ border: 2px dashed {color}; border-radius: 10px;"
               " background: {background}; }}")
_ZONE_IDLE = _ZONE_STYLE.format(color="#8a9bb0", background="#f4f7fb")
_ZONE_HOT = _ZONE_STYLE.format(color="#1e6fb8", background="#e3effb")


def bundle_paths(mime: QMimeData) -> list[Path]:
    """The local ``.xlsx`` files among what is dragged, in the order given."""
    if not mime.hasUrls():
        return []
    found = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [p for p in found if p.suffix.lower() == BUNDLE_SUFFIX]


class DropZone(QFrame):
    """A large target for bundles dragged from the file manager or an e-mail program."""

    files_dropped = Signal(list)
    """The dropped ``.xlsx`` files (a list of :class:`Path`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropZone")
        self.setAcceptDrops(True)
        self.setStyleSheet(_ZONE_IDLE)
        self.setMinimumHeight(140)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.isEnabled() and bundle_paths(event.mimeData()):
            event.acceptProposedAction()
            self.setStyleSheet(_ZONE_HOT)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self.isEnabled() and bundle_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.setStyleSheet(_ZONE_IDLE)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.setStyleSheet(_ZONE_IDLE)
        paths = bundle_paths(event.mimeData())
        if not paths or not self.isEnabled():
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_dropped.emit(paths)


class ImportPage(QWidget):
    """Merge bundles and show the batch report (see the module doc)."""

    show_conflicts = Signal()
    """The person wants to see the open conflicts (the window switches pages)."""
    imported = Signal(object)
    """A batch ended (finished or cancelled); carries its id. Other pages may reload."""
    import_ended = Signal()
    """The worker has stopped, however the import ended; a new one may start."""

    def __init__(self, ctx: OfficeContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.progress: QtProgress | None = None
        self._worker: JobThread | None = None
        self._known_batches: set[str] = set()
        self.batch_id: str | None = None
        self.lines: list[BatchLine] = []
        # Where files come from and where the report goes; tests replace these.
        self.ask_open_paths: Callable[[], list[Path]] = self._ask_open_paths
        self.ask_save_path: Callable[[str], Path | None] = self._ask_save_path
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 8, 12, 8)
        outer.setSpacing(8)
        # The drop zone and the history side by side at the top; the report below takes
        # the whole width (a dozen columns).
        top = QHBoxLayout()
        top.addWidget(self._build_zone(), 3)
        top.addWidget(self._build_history(), 2)
        outer.addLayout(top)
        outer.addWidget(self._build_progress())
        outer.addWidget(self._build_report(), 1)
        self._show_lines(None, [])

    # -- building ------------------------------------------------------------------------------
    def _build_zone(self) -> QWidget:
        tr = self.ctx.tr
        self.drop_zone = DropZone()
        self.drop_zone.files_dropped.connect(self.import_files)
        layout = QVBoxLayout(self.drop_zone)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addStretch(1)
        title = QLabel(tr("ui.office_import.drop_title"))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel(tr("ui.office_import.drop_hint", unit=self.ctx.profile.unit_name))
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pick_button = QPushButton(tr("ui.office_import.pick"))
        self.pick_button.clicked.connect(self.pick_files)
        for widget in (title, hint):
            widget.setStyleSheet("background: transparent;")
            layout.addWidget(widget)
        layout.addWidget(self.pick_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(1)
        return self.drop_zone

    def _build_progress(self) -> QWidget:
        self.progress_box = QFrame()
        self.progress_box.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self.progress_box)
        self.stage_label = QLabel()
        self.stage_label.setMinimumWidth(360)
        self.progress_bar = QProgressBar()
        self.progress_bar.setFormat("%v / %m")
        self.cancel_button = QPushButton(self.ctx.tr("ui.office_import.cancel"))
        self.cancel_button.clicked.connect(self.cancel_import)
        layout.addWidget(self.stage_label, 2)
        layout.addWidget(self.progress_bar, 3)
        layout.addWidget(self.cancel_button)
        self.progress_box.hide()
        return self.progress_box

    def _build_history(self) -> QWidget:
        tr = self.ctx.tr
        box = QGroupBox(tr("ui.office_import.history"))
        layout = QVBoxLayout(box)
        self.history_model: RowsModel[BatchSummary] = RowsModel([
            Column(tr("ui.office_import.history_col.time"), lambda b: local_time(b.started_at)),
            Column(tr("ui.office_import.history_col.by"), lambda b: b.imported_by),
            Column(tr("ui.office_import.history_col.imported"), lambda b: str(b.imported),
                   numeric=True),
            Column(tr("ui.office_import.history_col.rejected"), lambda b: str(b.rejected),
                   numeric=True, color=lambda b: ERROR_COLOR if b.rejected else None),
        ], self)
        self.history_view = _table(self.history_model)
        self.history_view.setHorizontalHeader(GroupedHeader(self.history_view))
        self.history_view.horizontalHeader().setStretchLastSection(True)
        self.history_view.selectionModel().currentRowChanged.connect(self._on_history_row)
        layout.addWidget(self.history_view)
        self.history_empty = QLabel(tr("ui.office_import.history_empty"))
        self.history_empty.setWordWrap(True)
        layout.addWidget(self.history_empty)
        box.setMaximumHeight(190)
        box.setMinimumWidth(380)
        return box

    def _build_report(self) -> QWidget:
        tr = self.ctx.tr
        box = QGroupBox(tr("ui.office_import.report"))
        layout = QVBoxLayout(box)
        self.report_heading = QLabel()
        heading_font = QFont(self.report_heading.font())
        heading_font.setBold(True)
        self.report_heading.setFont(heading_font)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.hide()
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        columns: list[Column[BatchLine]] = [
            Column(tr("office.report.col.file"), lambda r: Path(r.file_name).name,
                   tooltip=lambda r: r.file_name),
            Column(tr("office.report.col.unit"), _unit_text),
            Column(tr("office.report.col.producer"), lambda r: r.producer_name or ""),
            Column(tr("office.report.col.sequence"),
                   lambda r: "" if r.sequence is None else str(r.sequence), numeric=True),
            Column(tr("office.report.col.outcome"), lambda r: tr(f"office.report.{r.outcome}"),
                   color=lambda r: ERROR_COLOR if r.outcome == "rejected" else None,
                   bold=lambda r: r.outcome == "rejected"),
            *(Column(tr(f"office.report.col.{key}"), partial(_count_text, key), numeric=True)
              for key in OUTCOMES),
            Column(tr("office.report.col.reason"), lambda r: r.reason_in(self.ctx.lang),
                   tooltip=self._line_details, color=lambda r: ERROR_COLOR),
        ]
        self.report_model: RowsModel[BatchLine] = RowsModel(columns, self)
        self.report_view = _table(self.report_model)
        self.report_view.setHorizontalHeader(GroupedHeader(self.report_view))
        self.report_view.horizontalHeader().setStretchLastSection(True)
        self.report_view.selectionModel().currentRowChanged.connect(self._on_report_row)
        self.details_label = QLabel()
        self.details_label.setWordWrap(True)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_label.setStyleSheet("color: #5f6368;")
        buttons = QHBoxLayout()
        self.save_button = QPushButton(tr("ui.office_import.save_report"))
        self.save_button.clicked.connect(self.save_report)
        self.conflicts_button = QPushButton(tr("ui.office_import.view_conflicts"))
        self.conflicts_button.clicked.connect(self.show_conflicts.emit)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.conflicts_button)
        for widget in (self.report_heading, self.status_label, self.summary_label):
            layout.addWidget(widget)
        layout.addWidget(self.report_view, 1)
        layout.addWidget(self.details_label)
        layout.addLayout(buttons)
        return box

    # -- choosing files ----------------------------------------------------------------------
    def _ask_open_paths(self) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(
            self, self.ctx.tr("ui.office_import.pick_title"), str(Path.home()),
            self.ctx.tr("ui.office_import.pick_filter"))
        return [Path(n) for n in names]

    def pick_files(self) -> None:
        """Ask for bundles (several may be chosen) and import them."""
        if self.is_running():
            return
        paths = self.ask_open_paths()
        if paths:
            self.import_files(paths)

    def is_running(self) -> bool:
        return self._worker is not None

    def import_files(self, paths: Sequence[Path]) -> bool:
        """Merge ``paths`` on the worker thread; False when an import is already running."""
        files = [Path(p) for p in paths]
        if self.is_running() or not files:
            return False
        ctx = self.ctx
        with ctx.db.transaction() as session:
            self._known_batches = {b.batch_id for b in recent_batches(session, HISTORY_LIMIT)}
        progress = QtProgress()
        progress.progressed.connect(self._on_progress)
        self.progress = progress
        worker = JobThread(partial(merge_bundles, ctx.db, files, form=ctx.form,
                                   profile=ctx.profile, by=ctx.staff_name,
                                   progress=progress))
        worker.succeeded.connect(self._on_succeeded)
        worker.failed.connect(self._on_failed)
        worker.stopped.connect(self._on_stopped)
        worker.finished.connect(self._on_finished)
        self._worker = worker
        self.stage_label.setText(ctx.tr("ui.office_import.starting", count=len(files)))
        self.progress_bar.setRange(0, len(files))
        self.progress_bar.setValue(0)
        self.cancel_button.setEnabled(True)
        self.progress_box.show()
        self.drop_zone.setEnabled(False)
        self._status("")
        worker.start_job()
        return True

    # -- while it runs -----------------------------------------------------------------------
    def shutdown(self) -> None:
        """Before the window closes: stop after the file being merged, and wait for it."""
        worker = self._worker
        if worker is not None:
            self.cancel_import()
            worker.wait()

    def _on_progress(self, done: int, total: int, stage: object) -> None:
        if isinstance(stage, Message):
            self.stage_label.setText(self.ctx.word(stage))
        if total > 0:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(min(done, total))

    def cancel_import(self) -> None:
        """Stop after the file being merged (it is merged whole or not at all)."""
        if self.progress is not None:
            self.progress.cancel()
            self.cancel_button.setEnabled(False)
            self.stage_label.setText(self.ctx.tr("ui.office_import.cancelling"))

    def _on_succeeded(self, _tag: object, report: BatchReport) -> None:
        self.refresh(select_batch=report.batch_id)
        self.imported.emit(report.batch_id)

    def _on_stopped(self, _tag: object) -> None:
        self._show_new_batch(self.ctx.tr("ui.office_import.cancelled"))

    def _on_failed(self, _tag: object, detail: str) -> None:
        self._show_new_batch(self.ctx.tr("ui.office_import.failed", detail=detail), error=True)

    def _show_new_batch(self, text: str, *, error: bool = False) -> None:
        """After a cancel or a failure: the batch as far as it went, and why it stopped."""
        with self.ctx.db.transaction() as session:
            mine = [b for b in recent_batches(session, HISTORY_LIMIT)
                    if b.batch_id not in self._known_batches
                    and b.imported_by == self.ctx.staff_name]
        self.refresh(select_batch=mine[0].batch_id if mine else None)
        self._status(text, error=error)
        if mine:
            self.imported.emit(mine[0].batch_id)

    def _status(self, text: str, *, error: bool = False) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet(f"color: {ERROR_COLOR.name()};" if error else "")
        self.status_label.setVisible(bool(text))

    def _on_finished(self) -> None:
        self._worker = None
        self.progress = None
        self.progress_box.hide()
        self.drop_zone.setEnabled(True)
        self.import_ended.emit()

    # -- the report --------------------------------------------------------------------------
    def refresh(self, select_batch: str | None = None) -> None:
        """Read the history again and show ``select_batch`` (else the batch shown, else
        the newest)."""
        with self.ctx.db.transaction() as session:
            history = recent_batches(session, HISTORY_LIMIT)
        self.history_model.set_rows(history)
        fm = self.history_view.fontMetrics()
        for column, spec in enumerate(self.history_model.columns):
            contents = max((fm.horizontalAdvance(spec.text(b)) for b in history), default=0)
            self.history_view.setColumnWidth(column, max(contents + 16,
                                                         wrapped_width(fm, spec.header)))
        self.history_empty.setVisible(not history)
        self.history_view.setVisible(bool(history))
        wanted = select_batch or self.batch_id or (history[0].batch_id if history else None)
        row = next((i for i, b in enumerate(history) if b.batch_id == wanted), None)
        if row is not None:
            with QSignalBlocker(self.history_view.selectionModel()):
                self.history_view.setCurrentIndex(self.history_model.index(row, 0))
        if wanted is not None:
            self.show_batch(wanted)
        else:
            self._show_lines(None, [])

    def _on_history_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            batch = self.history_model.row_at(current.row())
            if batch.batch_id != self.batch_id:
                self._status("")
            self.show_batch(batch.batch_id)

    def show_batch(self, batch_id: str) -> None:
        """Show the report of batch ``batch_id`` as the database keeps it."""
        with self.ctx.db.transaction() as session:
            lines = batch_lines(session, batch_id)
        self._show_lines(batch_id, lines)

    def _open_conflicts(self) -> int:
        with self.ctx.db.transaction() as session:
            return int(session.scalar(select(func.count()).select_from(Conflict)
                                      .where(Conflict.status == "open")) or 0)

    def _show_lines(self, batch_id: str | None, lines: list[BatchLine]) -> None:
        tr = self.ctx.tr
        self.batch_id, self.lines = batch_id, lines
        self.report_model.set_rows(lines)
        self._fit_columns()
        batch = next((b for b in self.history_model.rows if b.batch_id == batch_id), None)
        if batch is not None:
            self.report_heading.setText(tr("ui.office_import.report_heading",
                                           time=local_time(batch.started_at),
                                           by=batch.imported_by))
        else:
            self.report_heading.setText(tr("ui.office_import.no_report") if batch_id is None
                                        else "")
        if batch_id is None:
            self.summary_label.clear()
        else:
            sums = totals(lines)
            self.summary_label.setText(tr(
                "ui.office_import.summary", files=len(lines),
                imported=len(lines) - sums["rejected"], **sums))
        self.details_label.setText(tr("ui.office_import.details_hint")
                                   if any(line.outcome == "rejected" for line in lines) else "")
        self.save_button.setEnabled(bool(lines))
        open_conflicts = self._open_conflicts()
        batch_conflicts = sum(line.conflict for line in lines)
        self.conflicts_button.setText(tr("ui.office_import.view_conflicts_count",
                                         count=open_conflicts))
        self.conflicts_button.setVisible(batch_conflicts > 0 or open_conflicts > 0)

    def _fit_columns(self) -> None:
        """Text columns as wide as their contents (within reason); numbers and short
        words as narrow as their heading on two lines allows."""
        view, model = self.report_view, self.report_model
        fm = view.fontMetrics()
        for column, spec in enumerate(model.columns[:-1]):
            contents = max((fm.horizontalAdvance(spec.text(r)) for r in model.rows),
                           default=0) + 16
            cap = 240 if column in (0, 1) else 400
            view.setColumnWidth(column, min(max(contents, wrapped_width(fm, spec.header)),
                                            cap))

    def _line_details(self, line: BatchLine) -> str:
        return "\n".join(t for t in (line.reason_in(self.ctx.lang), *line.details) if t)

    def _on_report_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        line = self.report_model.row_at(current.row())
        tr = self.ctx.tr
        if line.outcome == "rejected":
            self.details_label.setText(tr("ui.office_import.details_rejected",
                                          file=Path(line.file_name).name,
                                          reason=self._line_details(line)))
        else:
            self.details_label.setText(tr("ui.office_import.details_imported",
                                          file=Path(line.file_name).name,
                                          bundle=line.bundle_id or ""))
        self.details_label.setToolTip(line.file_name)

    def _ask_save_path(self, suggested: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.ctx.tr("ui.office_import.save_report"),
            str(self.ctx.paths.exports / suggested), self.ctx.tr("ui.office_import.xlsx_filter"))
        return Path(name) if name else None

    def save_report(self) -> Path | None:
        """Write the report shown to an Excel file the person chooses."""
        if not self.lines:
            return None
        batch = next((b for b in self.history_model.rows if b.batch_id == self.batch_id), None)
        moment = batch.started_at if batch else clock.now()
        stamp = moment.astimezone().strftime("%Y%m%d-%H%M")
        target = self.ask_save_path(self.ctx.tr("ui.office_import.report_file", stamp=stamp))
        if target is None:
            return None
        if target.suffix.lower() != BUNDLE_SUFFIX:
            target = target.with_name(target.name + BUNDLE_SUFFIX)
        try:
            write_batch_report(self.lines, target, self.ctx.lang)
        except OSError as exc:
            QMessageBox.warning(self, self.ctx.tr("ui.office_import.save_report"),
                                self.ctx.tr("ui.office_import.save_failed", path=str(target),
                                            detail=exc.strerror or type(exc).__name__))
            return None
        self._status(self.ctx.tr("ui.office_import.saved", path=str(target)))
        return target


def _unit_text(line: BatchLine) -> str:
    if not line.unit_code:
        return ""
    return f"{line.unit_name or ''}（{line.unit_code}）"


def _count_text(key: str, line: BatchLine) -> str:
    return str(getattr(line, key)) if line.outcome == "imported" else ""


def _table(model: RowsModel[BatchLine] | RowsModel[BatchSummary]) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.setWordWrap(False)
    view.horizontalHeader().setStretchLastSection(True)
    return view
