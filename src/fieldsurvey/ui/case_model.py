"""The case list as a Qt table model: a thin adapter over ``fieldsurvey.cases``.

The model holds the loaded rows and the indices currently shown. ``data()``
only formats a row the view asks for (the visible ones), from memory, so the
list stays instant with 50,000 organizations. Searching, filtering and sorting
are the plain-Python functions of ``cases.filtering``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from fieldsurvey import clock
from fieldsurvey.cases.filtering import CaseFilter, filter_cases, sort_indices
from fieldsurvey.cases.loading import CaseRow
from fieldsurvey.ui.context import AppContext

#: Column keys, in display order; each is also a key of ``cases.filtering.SORT_KEYS``.
COLUMNS = ("name", "uscc", "reg_type", "status", "last_visit", "next_visit", "staff", "members")

_OVERDUE = QColor("#b3261e")
RECENT_FILTERS = 16
_ModelIndex = QModelIndex | QPersistentModelIndex
_ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class CaseTableModel(QAbstractTableModel):
    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[CaseRow] = []
        self.complete = False
        self.visible: list[int] = []
        self._order: list[int] = []  # every row, in the current sort order
        self._filter = CaseFilter()
        # The last few filters' results, in the current order (cleared by a sort or a load).
        self._recent: dict[CaseFilter, list[int]] = {}
        self._sort: tuple[str, bool] = ("name", False)
        self._today = clock.today()
        lang = ctx.lang
        self._headers = [ctx.tr(f"ui.cases.column.{c}") for c in COLUMNS]
        self._types = ctx.form.choice_labels("reg_type", lang)
        self._forms = ctx.form.choice_labels("union_status", lang)
        self._status = {s: ctx.tr(f"ui.status.{s}") for s in
                        ("unvisited", "union", "no_union", "revisit", "gone")}
        self._formatters: dict[str, Callable[[CaseRow], str]] = {
            "name": lambda r: r.name + (" ✎" if r.has_draft else ""),
            "uscc": lambda r: (ctx.tr("ui.import.pending_code", value=r.uscc)
                               if r.uscc_pending else r.uscc),
            "reg_type": lambda r: self._types.get(r.reg_type, r.reg_type),
            "status": self._status_text,
            "last_visit": lambda r: _date(r.last_visit),
            "next_visit": lambda r: _date(r.next_visit),
            "staff": lambda r: "" if r.staff is None else str(r.staff),
            "members": lambda r: "" if r.members is None else str(r.members),
        }

    # --- loading, filtering, sorting -------------------------------------------------
    def set_rows(self, rows: Sequence[CaseRow], *, complete: bool = True) -> None:
        """Show ``rows``; ``complete`` is False while only the first screenful is loaded."""
        self.beginResetModel()
        self.rows = list(rows)
        self.complete = complete
        self._today = clock.today()
        self._order = sort_indices(self.rows, range(len(self.rows)), *self._sort)
        self.visible = filter_cases(self.rows, self._filter, self._today, within=self._order)
        self._recent = {self._filter: self.visible}
        self.endResetModel()

    def update_rows(self, changed: Sequence[CaseRow]) -> None:
        """Replace the rows of a few organizations (after a visit or an edit), or add them."""
        position = {row.id: i for i, row in enumerate(self.rows)}
        rows = list(self.rows)
        for row in changed:
            if row.id in position:
                rows[position[row.id]] = row
            else:
                rows.append(row)
        self.set_rows(rows, complete=self.complete)

    def set_filter(self, flt: CaseFilter) -> None:
        # Typing one more letter only needs to re-check the rows that matched before;
        # deleting it again finds the earlier result in the cache.
        cached = self._recent.pop(flt, None)
        if cached is None:
            within = self.visible if flt.is_narrowing_of(self._filter) else self._order
            cached = filter_cases(self.rows, flt, self._today, within=within)
        self._recent[flt] = cached
        while len(self._recent) > RECENT_FILTERS:
            del self._recent[next(iter(self._recent))]
        self._filter = flt
        self.beginResetModel()
        self.visible = cached
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (COLUMNS[column], order == Qt.SortOrder.DescendingOrder)
        self.layoutAboutToBeChanged.emit()
        self._order = sort_indices(self.rows, range(len(self.rows)), *self._sort)
        self.visible = sort_indices(self.rows, self.visible, *self._sort)
        self._recent = {self._filter: self.visible}
        self.layoutChanged.emit()

    def row_at(self, index: _ModelIndex) -> CaseRow:
        return self.rows[self.visible[index.row()]]

    def row_of(self, org_id: str) -> int | None:
        """The view row showing ``org_id``, if it is shown."""
        for view_row, i in enumerate(self.visible):
            if self.rows[i].id == org_id:
                return view_row
        return None

    def overdue_count(self) -> int:
        return sum(1 for r in self.rows if r.overdue(self._today))

    # --- Qt model interface ----------------------------------------------------------
    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.visible)

    def columnCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[self.visible[index.row()]]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._formatters[column](row)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "name" and row.has_draft:
                return self.ctx.tr("ui.cases.has_draft")
            if column in ("reg_type", "status"):  # long labels may be cut off on screen
                return self._formatters[column](row)
        if role == Qt.ItemDataRole.ForegroundRole and column in ("status", "next_visit") \
                and row.overdue(self._today):
            return QBrush(_OVERDUE)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("staff", "members"):
            return _ALIGN_RIGHT
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def _status_text(self, row: CaseRow) -> str:
        text = self._status[row.status]
        if row.status == "union" and row.union_status:
            return self.ctx.tr("ui.cases.status_with", status=text,
                               detail=self._forms.get(row.union_status, row.union_status))
        if row.next_visit is not None and row.status in ("revisit", "no_union"):
            key = "ui.cases.overdue_since" if row.overdue(self._today) else "ui.cases.due_on"
            return self.ctx.tr("ui.cases.status_with", status=text,
                               detail=self.ctx.tr(key, date=_date(row.next_visit)))
        return text


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""
