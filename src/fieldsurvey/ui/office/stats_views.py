"""The Statistics page's table model, coverage bars and column layout."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QSizePolicy,
    QTableView,
    QWidget,
)

from fieldsurvey.cases.month_end import RATES, CountedOrganization
from fieldsurvey.cases.rates import COVERAGE_TARGET, rate_text
from fieldsurvey.county.stats import (
    COLUMN_GROUPS,
    COLUMNS,
    MonthlyTable,
    TableRow,
    area_header,
    row_labels,
    table_rows,
    type_label,
)
from fieldsurvey.ui.charts import STATUS_COLORS, TARGET_COLOR, count_text
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.table_models import (
    ALIGN_LEFT,
    ALIGN_RIGHT,
    GROUP_ROLE,
    Column,
    wrapped_width,
)

#: How many months the picker offers, the current one included.
MONTHS_OFFERED = 24
FIRST_FIGURE_COLUMN = 2  # 0: area, 1: registration type
SUBTOTAL_BACKGROUND = QColor("#eef1f5")
TOTAL_BACKGROUND = QColor("#dfe5ee")
BELOW_TARGET = STATUS_COLORS["no_union"]
REACHED_TARGET = STATUS_COLORS["union"]
_ModelIndex = QModelIndex | QPersistentModelIndex
_GROUP_OF = {key: group for group, keys in COLUMN_GROUPS for key in keys}
#: Figures that sum people over the organizations listed (the rest count organizations).
PEOPLE = ("staff", "members")


def figure_shown(key: str) -> str:
    """The figure a cell's organizations are listed for: a rate lists its numerator's."""
    return RATES[key][0] if key in RATES else key


class StatsTableModel(QAbstractTableModel):
    """The rows of :func:`table_rows`: area, registration type, then every figure."""

    def __init__(self, ctx: OfficeContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.table: MonthlyTable | None = None
        self.rows: list[TableRow] = []
        self._labels: list[tuple[str, str]] = []

    def set_table(self, table: MonthlyTable | None) -> None:
        self.beginResetModel()
        self.table = table
        self.rows = table_rows(table) if table is not None else []
        self._labels = ([row_labels(r, table, self.ctx.lang) for r in self.rows]
                        if table is not None else [])
        self.endResetModel()

    def cell_of(self, index: _ModelIndex) -> tuple[str | None, str | None, str] | None:
        """(area, registration type, figure key) of a figure cell; None: totals across."""
        if not index.isValid() or index.column() < FIRST_FIGURE_COLUMN:
            return None
        row = self.rows[index.row()]
        return row.area, row.reg_type, COLUMNS[index.column() - FIRST_FIGURE_COLUMN]

    def labels(self, row: int) -> tuple[str, str]:
        return self._labels[row]

    def text(self, row: TableRow, key: str) -> str:
        if key in RATES:
            return rate_text(*row.figures.rate_parts(key))
        value = row.figures.value(key)
        return count_text(int(value or 0))

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else FIRST_FIGURE_COLUMN + len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        lang = self.ctx.lang
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return area_header(self.ctx.profile, lang)
            if section == 1:
                return self.ctx.tr("office_stats.col.type")
            return self.ctx.tr(f"office_stats.figure.{COLUMNS[section - FIRST_FIGURE_COLUMN]}")
        if role == GROUP_ROLE and section >= FIRST_FIGURE_COLUMN:
            group = _GROUP_OF[COLUMNS[section - FIRST_FIGURE_COLUMN]]
            return self.ctx.tr(f"office_stats.group.{group}")
        return None

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return self._labels[index.row()][0] if row.block_start else ""
            if column == 1:
                return self._labels[index.row()][1]
            return self.text(row, COLUMNS[column - FIRST_FIGURE_COLUMN])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return ALIGN_RIGHT if column >= FIRST_FIGURE_COLUMN else ALIGN_LEFT
        if role == Qt.ItemDataRole.BackgroundRole and column > 0:
            if row.kind == "grand_total":
                return QBrush(TOTAL_BACKGROUND)
            if row.kind != "type":
                return QBrush(SUBTOTAL_BACKGROUND)
        if role == Qt.ItemDataRole.FontRole and row.kind in ("subtotal", "grand_total"):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column >= FIRST_FIGURE_COLUMN:
            key = COLUMNS[column - FIRST_FIGURE_COLUMN]
            area, kind = self._labels[index.row()]
            return self.ctx.tr("ui.office_stats.cell_tip", area=area, type=kind,
                               figure=self.ctx.tr(f"office_stats.figure.{key}"),
                               value=self.text(row, key))
        return None


class CoverageBars(QWidget):
    """One horizontal bar per area, filled to its coverage rate, with the target as a line.

    Takes plain labels and numbers (no database, no messages), like ``ui.charts``.
    A click on a bar emits its row's key.
    """

    ROW_HEIGHT = 14
    GAP = 6
    TOP = 18

    area_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, str, float | None, str]] = []  # key, label, rate, text
        self.target = float(COVERAGE_TARGET)
        self.target_label = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(260)

    def set_data(self, rows: Sequence[tuple[str, str, float | None, str]], target: float,
                 target_label: str) -> None:
        self.rows = list(rows)
        self.target = target
        self.target_label = target_label
        self.setAccessibleName("; ".join(f"{label}: {text}" for _, label, _, text in self.rows))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, self.TOP + max(len(self.rows), 1) * (self.ROW_HEIGHT + self.GAP) + 4)

    def minimumSizeHint(self) -> QSize:
        return QSize(260, self.sizeHint().height())

    def _geometry(self) -> tuple[float, float, float]:
        """Left edge of the bars, their width, and the width kept for the value."""
        fm = self.fontMetrics()
        label_w = min(max((fm.horizontalAdvance(label) for _, label, _, _ in self.rows),
                          default=40) + 10, self.width() * 0.4)
        value_w = fm.horizontalAdvance("100.0%") + 10
        return label_w, max(self.width() - label_w - value_w, 20.0), value_w

    def row_at(self, y: float) -> int | None:
        index = int((y - self.TOP) // (self.ROW_HEIGHT + self.GAP))
        return index if y >= self.TOP and 0 <= index < len(self.rows) else None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.row_at(event.position().y())
        if index is not None:
            self.area_clicked.emit(self.rows[index][0])
        super().mousePressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        palette = self.palette()
        text_color = palette.color(QPalette.ColorRole.WindowText)
        left, width, value_w = self._geometry()
        bottom = self.TOP + len(self.rows) * (self.ROW_HEIGHT + self.GAP)
        for index, (_, label, rate, text) in enumerate(self.rows):
            top = self.TOP + index * (self.ROW_HEIGHT + self.GAP) + self.GAP / 2
            painter.setPen(text_color)
            painter.drawText(QRectF(0, top, left - 8, self.ROW_HEIGHT),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             fm.elidedText(label, Qt.TextElideMode.ElideMiddle, int(left - 8)))
            track = QRectF(left, top, width, self.ROW_HEIGHT)
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
            painter.setBrush(palette.color(QPalette.ColorRole.Base))
            painter.drawRect(track)
            if rate:
                filled = QRectF(left, top, width * min(max(rate, 0.0), 1.0), self.ROW_HEIGHT)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(REACHED_TARGET if rate >= self.target else BELOW_TARGET)
                painter.drawRect(filled)
            painter.setPen(text_color)
            painter.drawText(QRectF(left + width + 6, top, value_w, self.ROW_HEIGHT),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        # The target across every bar, its label above them.
        x = left + width * self.target
        painter.setPen(QPen(TARGET_COLOR, 2, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(x, self.TOP - 2), QPointF(x, bottom))
        painter.setPen(TARGET_COLOR)
        label_w = fm.horizontalAdvance(self.target_label) + 4
        painter.drawText(QRectF(min(max(x - label_w / 2, 0.0), self.width() - label_w), 0,
                                label_w, self.TOP - 2), Qt.AlignmentFlag.AlignCenter,
                         self.target_label)
        painter.end()


def lay_out_table(view: QTableView, model: StatsTableModel, ctx: OfficeContext) -> None:
    """Column widths like the printed table's: labels capped, figures as wide as their heading."""
    view.clearSpans()
    for i, row in enumerate(model.rows):
        if row.block_start and row.block_size > 1:
            view.setSpan(i, 0, row.block_size, 1)
    fm = view.fontMetrics()
    widths = [max((fm.horizontalAdvance(model.labels(i)[c]) for i in range(len(model.rows))),
                  default=40) + 16 for c in (0, 1)]
    widths[0] = min(max(widths[0], fm.horizontalAdvance(area_header(
        ctx.profile, ctx.lang)) + 16), 150)
    widths[1] = min(max(widths[1], fm.horizontalAdvance(
        ctx.tr("office_stats.col.type")) + 16), 130)
    for column, width in enumerate(widths):
        view.setColumnWidth(column, width)
    header_fm = view.horizontalHeader().fontMetrics()
    bold = QFont(view.font())
    bold.setBold(True)  # subtotals are bold
    bold_fm = QFontMetrics(bold)
    for offset, key in enumerate(COLUMNS):
        values = max((bold_fm.horizontalAdvance(model.text(r, key)) for r in model.rows),
                     default=0) + 10
        heading = wrapped_width(header_fm, ctx.tr(f"office_stats.figure.{key}"), 10)
        view.setColumnWidth(FIRST_FIGURE_COLUMN + offset, max(heading, values, 44))


def rate_of(parts: tuple[int, int]) -> float | None:
    part, whole = parts
    return part / whole if whole else None


def number_text(value: int | None) -> str:
    return "" if value is None else count_text(value)


def organization_columns(ctx: OfficeContext, township_text: Callable[[CountedOrganization], str],
                         ) -> list[Column[CountedOrganization]]:
    """The columns of the list of organizations a cell counts."""
    tr = ctx.tr
    types = ctx.form.choice_labels("union_status", ctx.lang)
    return [
        Column(tr("ui.office_stats.org_col.name"), lambda o: o.name),
        Column(tr("ui.office_stats.org_col.uscc"), lambda o: o.uscc),
        Column(tr("ui.office_stats.org_col.township"), township_text),
        Column(tr("ui.office_stats.org_col.type"),
               lambda o: type_label(o.reg_type, ctx.lang)),
        Column(tr("ui.office_stats.org_col.status"), lambda o: tr(f"ui.status.{o.status}")),
        Column(tr("ui.office_stats.org_col.union"),
               lambda o: types.get(o.union_status, o.union_status)),
        Column(tr("ui.office_stats.org_col.staff"), lambda o: number_text(o.staff),
               numeric=True),
        Column(tr("ui.office_stats.org_col.members"), lambda o: number_text(o.members),
               numeric=True),
        Column(tr("ui.office_stats.org_col.last_visit"),
               lambda o: o.last_visit.isoformat() if o.last_visit else ""),
    ]
