"""The office's Conflicts page: what a person must decide after a merge, side by side.

Left, the conflicts (open ones, or all with "显示已处理的"); right, the chosen one's
versions in columns (:func:`fieldsurvey.county.conflicts.comparison_rows`), rows
that differ highlighted, each column headed by where the version came from. The
first row holds a button per version: 采用此版本 for a visit, 保留此单位（其余标为重复）
for organizations; a name duplicate may also be declared 不是同一单位. A decided
conflict shows who decided what and when, and 撤销处理 reopens it. Deciding is
:func:`~fieldsurvey.county.conflicts.resolve_conflict` with ``by=ctx.staff_name``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSignalBlocker,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from fieldsurvey.county.conflicts import (
    DISTINCT,
    ComparisonRow,
    ConflictError,
    ConflictView,
    comparison_rows,
    list_conflicts,
    reopen_conflict,
    resolve_conflict,
)
from fieldsurvey.county.form_archive import conflict_lined_up
from fieldsurvey.county.models import ReceivedBundle, Unit
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.table_models import MUTED_COLOR, local_time

_ModelIndex = QModelIndex | QPersistentModelIndex
DIFFERS_BACKGROUND = QColor("#fff1c2")
CHOSEN_BACKGROUND = QColor("#e3f1e4")
ID_ROLE = int(Qt.ItemDataRole.UserRole)


class ComparisonModel(QAbstractTableModel):
    """Row 0 holds the decision buttons (index widgets); then one row per compared field.

    Column 0 is the field's name, then one column per version.
    """

    def __init__(self, ctx: OfficeContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[ComparisonRow] = []
        self.headers: list[str] = []
        self.chosen: int | None = None  # the version column a decision kept

    def set_rows(self, rows: list[ComparisonRow], headers: list[str],
                 chosen: int | None) -> None:
        self.beginResetModel()
        self.rows, self.headers, self.chosen = rows, headers, chosen
        self.endResetModel()

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or not self.headers else len(self.rows) + 1

    def columnCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers) + 1

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return self.ctx.tr("ui.office_conflicts.field")
        return self.headers[section - 1]

    def row(self, index: int) -> ComparisonRow | None:
        """The compared field on view row ``index`` (None on the buttons' row)."""
        return self.rows[index - 1] if index > 0 else None

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row(index.row())
        column = index.column()
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole and column == 0:
                return self.ctx.tr("ui.office_conflicts.decide_row")
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = row.label if column == 0 else row.values[column - 1]
            return text if role == Qt.ItemDataRole.DisplayRole else (text or None)
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.differs:
                return QBrush(DIFFERS_BACKGROUND)
            if column > 0 and column - 1 == self.chosen:
                return QBrush(CHOSEN_BACKGROUND)
        if role == Qt.ItemDataRole.FontRole and row.differs:
            font = QFont()
            font.setBold(True)
            return font
        return None


class ConflictsPage(QWidget):
    """Decide conflicts (see the module doc)."""

    conflicts_changed = Signal()
    """A conflict was decided or reopened: figures and counts elsewhere may change."""

    def __init__(self, ctx: OfficeContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.conflicts: list[ConflictView] = []
        self.current: ConflictView | None = None
        self.version_buttons: list[QPushButton] = []
        self._units: dict[str, str] = {}
        self._sequences: dict[str, int] = {}
        outer = QHBoxLayout(self)
        outer.setContentsMargins(12, 8, 12, 8)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_list())
        splitter.addWidget(self._build_detail())
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([400, 900])
        splitter.setChildrenCollapsible(False)
        outer.addWidget(splitter)
        self._show(None)

    # -- building ------------------------------------------------------------------------------
    def _build_list(self) -> QWidget:
        tr = self.ctx.tr
        box = QGroupBox(tr("ui.office_conflicts.list_title"))
        layout = QVBoxLayout(box)
        self.count_label = QLabel()
        self.count_label.setWordWrap(True)
        self.conflict_list = QListWidget()
        self.conflict_list.setWordWrap(True)
        self.conflict_list.setSpacing(2)
        self.conflict_list.setAlternatingRowColors(True)
        self.conflict_list.currentItemChanged.connect(self._on_current_item)
        self.show_resolved = QCheckBox(tr("ui.office_conflicts.show_resolved"))
        self.show_resolved.toggled.connect(lambda _checked: self.refresh())
        layout.addWidget(self.count_label)
        layout.addWidget(self.conflict_list, 1)
        layout.addWidget(self.show_resolved)
        box.setMinimumWidth(300)
        return box

    def _build_detail(self) -> QWidget:
        tr = self.ctx.tr
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title_label = QLabel()
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explain_label = QLabel()
        self.explain_label.setWordWrap(True)
        self.only_differences = QCheckBox(tr("ui.office_conflicts.only_differences"))
        self.only_differences.toggled.connect(lambda _checked: self._show(self.current))
        self.comparison = ComparisonModel(self.ctx, self)
        self.table = QTableView()
        self.table.setModel(self.comparison)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # The resolution of a decided conflict, and the way back.
        self.resolution_box = QFrame()
        self.resolution_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.resolution_box.setStyleSheet("QFrame { background: #e3f1e4; }")
        resolution_layout = QHBoxLayout(self.resolution_box)
        self.resolution_label = QLabel()
        self.resolution_label.setWordWrap(True)
        self.resolution_label.setStyleSheet("background: transparent;")
        self.reopen_button = QPushButton(tr("ui.office_conflicts.reopen"))
        self.reopen_button.clicked.connect(self.reopen_current)
        resolution_layout.addWidget(self.resolution_label, 1)
        resolution_layout.addWidget(self.reopen_button)
        # What to decide with: a note, and for names "不是同一单位".
        self.decide_row = QWidget()
        decide = QHBoxLayout(self.decide_row)
        decide.setContentsMargins(0, 0, 0, 0)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(tr("ui.office_conflicts.note_hint"))
        self.distinct_button = QPushButton(tr("ui.office_conflicts.distinct"))
        self.distinct_button.clicked.connect(lambda: self.resolve_current(DISTINCT))
        decide.addWidget(QLabel(tr("ui.office_conflicts.note")))
        decide.addWidget(self.note_edit, 1)
        decide.addWidget(self.distinct_button)
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        for widget in (self.title_label, self.explain_label, self.resolution_box):
            layout.addWidget(widget)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.only_differences)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.decide_row)
        layout.addWidget(self.empty_label, 1)
        return panel

    # -- the list ------------------------------------------------------------------------------
    def refresh(self, select_id: int | None = None) -> None:
        """Read the conflicts again; keep (or move to) ``select_id`` when it is listed."""
        keep = select_id if select_id is not None else (
            self.current.id if self.current else None)
        with self.ctx.db.transaction() as session:
            self._units = dict(session.execute(select(Unit.code, Unit.name)).all())
            self._sequences = dict(session.execute(
                select(ReceivedBundle.bundle_id, ReceivedBundle.sequence)).all())
            every = list_conflicts(session, None)
        open_count = sum(c.status == "open" for c in every)
        self.conflicts = every if self.show_resolved.isChecked() else [
            c for c in every if c.status == "open"]
        # Open ones first (oldest first), then the decided ones, newest decision first.
        self.conflicts.sort(key=_order)
        self.count_label.setText(self.ctx.tr("ui.office_conflicts.count", open=open_count,
                                             resolved=len(every) - open_count))
        with QSignalBlocker(self.conflict_list):
            self.conflict_list.clear()
            for view in self.conflicts:
                self.conflict_list.addItem(self._item(view))
        row = next((i for i, c in enumerate(self.conflicts) if c.id == keep), None)
        if row is None and self.conflicts:
            row = 0
        if row is None:
            self._show(None)
        else:
            self.conflict_list.setCurrentRow(row)
            self._show(self.conflicts[row])

    def _item(self, view: ConflictView) -> QListWidgetItem:
        tr = self.ctx.tr
        second = tr(f"ui.office_conflicts.kind.{view.kind}")
        if view.township_code:
            second += " · " + self._unit_name(view.township_code)
        if view.status == "resolved":
            second += " · " + tr("ui.office_conflicts.resolved_mark")
        item = QListWidgetItem(f"{self.title(view)}\n{second}")
        item.setData(ID_ROLE, view.id)
        if view.status == "resolved":
            item.setForeground(QBrush(MUTED_COLOR))
        return item

    def title(self, view: ConflictView) -> str:
        return self.ctx.word(view.title)

    def _unit_name(self, code: str) -> str:
        name = self._units.get(code) or self._units.get(code[:6])
        return f"{name}（{code}）" if name else code

    def _on_current_item(self, current: QListWidgetItem | None,
                         _previous: QListWidgetItem | None) -> None:
        if current is None:
            self._show(None)
            return
        wanted = current.data(ID_ROLE)
        self.note_edit.clear()
        self._show(next((c for c in self.conflicts if c.id == wanted), None))

    def select_conflict(self, conflict_id: int) -> bool:
        """Show the conflict ``conflict_id`` if it is listed."""
        for row, view in enumerate(self.conflicts):
            if view.id == conflict_id:
                self.conflict_list.setCurrentRow(row)
                return True
        return False

    # -- one conflict --------------------------------------------------------------------------
    def _header(self, number: int, view: ConflictView, index: int) -> str:
        version = view.versions[index]
        lines = [self.ctx.tr("ui.office_conflicts.version", number=number),
                 self._unit_name(version.township_code)]
        if version.producer_name:
            sequence = self._sequences.get(version.source_bundle)
            lines.append(self.ctx.tr("ui.office_conflicts.signer", name=version.producer_name)
                         if sequence is None else
                         self.ctx.tr("ui.office_conflicts.signer_sequence",
                                     name=version.producer_name, sequence=sequence))
        if version.imported_at is not None:
            lines.append(self.ctx.tr("ui.office_conflicts.imported_at",
                                     time=local_time(version.imported_at)))
        return "\n".join(lines)

    def _chosen(self, view: ConflictView) -> int | None:
        if view.status != "resolved" or view.resolution in (None, DISTINCT):
            return None
        return next((i for i, v in enumerate(view.versions) if v.key == view.resolution), None)

    def _show(self, view: ConflictView | None) -> None:
        tr = self.ctx.tr
        self.current = view
        self.version_buttons = []
        has = view is not None
        for widget in (self.title_label, self.explain_label, self.table, self.decide_row,
                       self.only_differences):
            widget.setVisible(has)
        self.empty_label.setVisible(not has)
        if view is None:
            self.comparison.set_rows([], [], None)
            self.resolution_box.hide()
            self.empty_label.setText(tr("ui.office_conflicts.empty") if not self.conflicts
                                     else tr("ui.office_conflicts.choose"))
            return
        self.title_label.setText(self.title(view))
        self.explain_label.setText(tr(f"ui.office_conflicts.explain.{view.kind}",
                                      time=local_time(view.detected_at)))
        with self.ctx.db.sessions() as session:  # copies of two form versions line up
            lined, newer = conflict_lined_up(session, view)
        rows = comparison_rows(lined, newer or self.ctx.form, self.ctx.lang)
        if self.only_differences.isChecked():
            rows = [r for r in rows if r.differs]
        chosen = self._chosen(view)
        headers = [self._header(i + 1, view, i) for i in range(len(view.versions))]
        if chosen is not None:
            headers[chosen] += "\n" + tr("ui.office_conflicts.chosen_mark")
        self.comparison.set_rows(rows, headers, chosen)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, 150)
        resolved = view.status == "resolved"
        word = ("ui.office_conflicts.take" if view.kind == "visit_content"
                else "ui.office_conflicts.keep")
        for i, version in enumerate(view.versions):
            button = QPushButton(tr(word))
            button.setEnabled(not resolved)
            button.setToolTip(self._header(i + 1, view, i))
            button.clicked.connect(partial(self.resolve_current, version.key))
            self.table.setIndexWidget(self.comparison.index(0, i + 1), button)
            self.version_buttons.append(button)
        self.table.resizeRowsToContents()
        self.table.setRowHeight(0, max(self.table.rowHeight(0),
                                       self.version_buttons[0].sizeHint().height() + 6
                                       if self.version_buttons else 0))
        self.decide_row.setVisible(not resolved)
        self.distinct_button.setVisible(view.kind == "name_duplicate")
        self.resolution_box.setVisible(resolved)
        if resolved:
            self.resolution_label.setText(self._resolution_text(view, chosen))

    def _resolution_text(self, view: ConflictView, chosen: int | None) -> str:
        tr = self.ctx.tr
        when, by = local_time(view.resolved_at), view.resolved_by or ""
        if view.resolution == DISTINCT:
            text = tr("ui.office_conflicts.resolved_distinct", time=when, by=by)
        elif view.kind == "visit_content":
            text = tr("ui.office_conflicts.resolved_take", time=when, by=by,
                      number=(chosen or 0) + 1)
        else:
            kept = view.versions[chosen].payload.get("name", "") if chosen is not None else ""
            text = tr("ui.office_conflicts.resolved_keep", time=when, by=by,
                      number=(chosen or 0) + 1, name=kept)
        if view.note:
            text += "\n" + tr("ui.office_conflicts.resolved_note", note=view.note)
        return text

    # -- deciding ------------------------------------------------------------------------------
    def resolve_current(self, choice: str) -> bool:
        """Decide the conflict shown: ``choice`` is a version key or :data:`DISTINCT`."""
        view = self.current
        if view is None or view.status != "open":
            return False
        try:
            with self.ctx.db.transaction() as session:
                resolve_conflict(session, view.id, choice, by=self.ctx.staff_name,
                                 note=self.note_edit.text())
        except ConflictError as exc:
            QMessageBox.warning(self, self.ctx.tr("ui.office_conflicts.list_title"),
                                self.ctx.word(exc.message))
            self.refresh()
            return False
        self.note_edit.clear()
        row = self.conflict_list.currentRow()
        self.refresh(select_id=view.id if self.show_resolved.isChecked() else -1)
        if not self.show_resolved.isChecked() and self.conflicts:
            # The decided one left the list: the next one takes its place.
            self.conflict_list.setCurrentRow(min(row, len(self.conflicts) - 1))
        self.conflicts_changed.emit()
        return True

    def reopen_current(self) -> bool:
        """Undo the decision on the conflict shown."""
        view = self.current
        if view is None or view.status != "resolved":
            return False
        try:
            with self.ctx.db.transaction() as session:
                reopen_conflict(session, view.id)
        except ConflictError as exc:
            QMessageBox.warning(self, self.ctx.tr("ui.office_conflicts.list_title"),
                                self.ctx.word(exc.message))
        self.refresh(select_id=view.id)
        self.conflicts_changed.emit()
        return True


def _order(view: ConflictView) -> tuple[int, float, int]:
    if view.status == "open":
        return (0, 0.0, view.id)
    return (1, -(view.resolved_at.timestamp() if view.resolved_at else 0.0), view.id)
