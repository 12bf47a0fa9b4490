"""The office's Statistics page: the monthly table, coverage by area, and what a cell counts.

The figures are :func:`fieldsurvey.county.stats.monthly_table`, the same as
``fieldsurvey stats`` and the Excel and PDF files; the page adds layout and
rounding only. The table is laid out like the printed one (areas × registration
types with subtotals, then the totals by type), under a two-level header (the
column groups over their figures). Selecting a cell lists the organizations it
counts (:func:`~fieldsurvey.county.stats.explain_cell`; for a rate, those of its
numerator). Both run on a worker thread: 50,000 organizations take about a second.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, cast

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
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.bundles.monthly import default_month, month_span, previous_month
from fieldsurvey.cases.month_end import RATES, CountedOrganization
from fieldsurvey.cases.rates import COVERAGE_TARGET, rate_text, target_text
from fieldsurvey.county.stats import (
    COLUMN_GROUPS,
    COLUMNS,
    MonthlyTable,
    TableRow,
    area_header,
    explain_cell,
    monthly_table,
    row_labels,
    table_rows,
    type_label,
)
from fieldsurvey.county.stats_xlsx import write_table_xlsx
from fieldsurvey.printing.county_table import write_county_table
from fieldsurvey.printing.errors import PrintError
from fieldsurvey.ui.charts import STATUS_COLORS, TARGET_COLOR, count_text
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.table_models import (
    ALIGN_LEFT,
    ALIGN_RIGHT,
    GROUP_ROLE,
    Column,
    GroupedHeader,
    JobThread,
    RowsModel,
    wait_for_jobs,
    wrapped_width,
)
from fieldsurvey.ui.print_preview import PrintPreviewDialog, preview_document

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


class StatsPage(QWidget):
    """The monthly table (see the module doc)."""

    table_ready = Signal(object)
    """A :class:`MonthlyTable` was computed and is shown."""
    explained = Signal(object)
    """The organizations of the selected cell are listed (a list of CountedOrganization)."""

    def __init__(self, ctx: OfficeContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.table: MonthlyTable | None = None
        self.explained_cell: tuple[str | None, str | None, str] | None = None
        self.organizations: list[CountedOrganization] = []
        self._running = 0
        self._table_job = 0  # the newest request wins; older results are dropped
        self._explain_job = 0
        # Where exports go; tests replace this.
        self.ask_save_path: Callable[[str, str], Path | None] = self._ask_save_path
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 8, 12, 8)
        outer.setSpacing(6)
        outer.addLayout(self._build_bar())
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        outer.addWidget(self.status_label)
        # The table takes the whole width (17 columns); below it, what a cell counts and
        # the coverage by area side by side.
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self._build_explain())
        lower.addWidget(self._build_chart())
        lower.setStretchFactor(0, 1)
        lower.setStretchFactor(1, 0)
        lower.setSizes([820, 340])
        lower.setChildrenCollapsible(False)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self._build_table())
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([400, 260])
        split.setChildrenCollapsible(False)
        outer.addWidget(split, 1)
        self._set_enabled(False)

    # -- building ------------------------------------------------------------------------------
    def _build_bar(self) -> QHBoxLayout:
        tr = self.ctx.tr
        bar = QHBoxLayout()
        self.title_label = QLabel()
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.month_combo = QComboBox()
        today = self.ctx.today()
        year, month = today.year, today.month
        for _ in range(MONTHS_OFFERED):
            self.month_combo.addItem(tr("ui.office_stats.month_item", year=year, month=month),
                                     f"{year:04d}-{month:02d}")
            year, month = previous_month(month_span(year, month)[0])
        start, _ = default_month(today)
        self.month_combo.setCurrentIndex(self.month_combo.findData(f"{start:%Y-%m}"))
        self.month_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh_button = QPushButton(tr("ui.office_stats.refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.excel_button = QPushButton(tr("ui.office_stats.export_excel"))
        self.excel_button.clicked.connect(self.export_excel)
        self.pdf_button = QPushButton(tr("ui.office_stats.export_pdf"))
        self.pdf_button.clicked.connect(self.export_pdf)
        self.preview_button = QPushButton(tr("ui.office_stats.print_preview"))
        self.preview_button.clicked.connect(self.print_preview)
        bar.addWidget(self.title_label)
        bar.addStretch(1)
        bar.addWidget(QLabel(tr("ui.office_stats.month")))
        bar.addWidget(self.month_combo)
        bar.addWidget(self.refresh_button)
        bar.addSpacing(12)
        for button in (self.excel_button, self.pdf_button, self.preview_button):
            bar.addWidget(button)
        return bar

    def _build_table(self) -> QWidget:
        self.model = StatsTableModel(self.ctx, self)
        self.view = QTableView()
        header = GroupedHeader(self.view)
        # Seventeen columns across a laptop screen: the headings a little smaller.
        small = QFont(header.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        header.setFont(small)
        self.view.setHorizontalHeader(header)
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.view.setWordWrap(False)
        self.view.selectionModel().currentChanged.connect(self._on_current_cell)
        return self.view

    def _build_chart(self) -> QWidget:
        box = QGroupBox(self.ctx.tr("ui.office_stats.chart_title"))
        layout = QVBoxLayout(box)
        self.chart = CoverageBars()
        self.chart.area_clicked.connect(self.select_area)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.chart)
        layout.addWidget(scroll, 1)
        legend = QLabel(self.ctx.tr("ui.office_stats.chart_legend"))
        legend.setWordWrap(True)
        legend.setStyleSheet("color: #5f6368;")
        layout.addWidget(legend)
        box.setMinimumWidth(280)
        return box

    def _build_explain(self) -> QWidget:
        tr = self.ctx.tr
        box = QGroupBox(tr("ui.office_stats.explain_title"))
        layout = QVBoxLayout(box)
        self.explain_label = QLabel(tr("ui.office_stats.explain_hint"))
        self.explain_label.setWordWrap(True)
        types = self.ctx.form.choice_labels("union_status", self.ctx.lang)
        columns: list[Column[CountedOrganization]] = [
            Column(tr("ui.office_stats.org_col.name"), lambda o: o.name),
            Column(tr("ui.office_stats.org_col.uscc"), lambda o: o.uscc),
            Column(tr("ui.office_stats.org_col.township"), self._township_text),
            Column(tr("ui.office_stats.org_col.type"),
                   lambda o: type_label(o.reg_type, self.ctx.lang)),
            Column(tr("ui.office_stats.org_col.status"), lambda o: tr(f"ui.status.{o.status}")),
            Column(tr("ui.office_stats.org_col.union"),
                   lambda o: types.get(o.union_status, o.union_status)),
            Column(tr("ui.office_stats.org_col.staff"), lambda o: _number(o.staff),
                   numeric=True),
            Column(tr("ui.office_stats.org_col.members"), lambda o: _number(o.members),
                   numeric=True),
            Column(tr("ui.office_stats.org_col.last_visit"),
                   lambda o: o.last_visit.isoformat() if o.last_visit else ""),
        ]
        self.org_model: RowsModel[CountedOrganization] = RowsModel(columns, self)
        self.org_view = QTableView()
        self.org_view.setModel(self.org_model)
        self.org_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.org_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.org_view.setAlternatingRowColors(True)
        self.org_view.verticalHeader().hide()
        self.org_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.org_view.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.explain_label)
        layout.addWidget(self.org_view, 1)
        return box

    # -- computing -----------------------------------------------------------------------------
    def selected_month(self) -> tuple[int, int]:
        year, month = str(self.month_combo.currentData()).split("-")
        return int(year), int(month)

    def is_busy(self) -> bool:
        return self._running > 0

    def shutdown(self) -> None:
        """Before the window closes: let the computations running end."""
        wait_for_jobs()

    def _run(self, job: Callable[[], object], tag: tuple[Any, ...]) -> None:
        worker = JobThread(job, tag)
        worker.succeeded.connect(self._on_job_done)
        worker.failed.connect(self._on_job_failed)
        worker.finished.connect(self._on_job_finished)
        self._running += 1
        worker.start_job()

    def _on_job_finished(self) -> None:
        self._running -= 1

    def _on_job_done(self, tag: tuple[Any, ...], result: object) -> None:
        if tag[0] == "table":
            self._on_table(tag[1], result)
        else:
            _, number, table, area, reg_type, key = tag
            self._on_explained(number, table, area, reg_type, key, result)

    def _on_job_failed(self, tag: tuple[Any, ...], detail: str) -> None:
        current = self._table_job if tag[0] == "table" else self._explain_job
        if tag[1] != current:
            return
        text = self.ctx.tr("ui.office_stats.failed", detail=detail)
        if tag[0] == "table":
            self.status_label.setText(text)
            self.status_label.setStyleSheet("color: #b3261e;")
        else:
            self.explain_label.setText(text)

    def refresh(self) -> None:
        """Compute the chosen month's table again (on the worker thread)."""
        year, month = self.selected_month()
        self._table_job += 1
        self.status_label.setText(self.ctx.tr("ui.office_stats.computing", year=year,
                                              month=month))
        self.status_label.setStyleSheet("")
        self._set_enabled(False)
        self._run(partial(monthly_table, self.ctx.db, year, month, self.ctx.profile),
                  ("table", self._table_job))

    def _on_table(self, number: int, result: object) -> None:
        if number != self._table_job or not isinstance(result, MonthlyTable):
            return
        table = result
        previous = self.explained_cell
        self.table = table
        self.model.set_table(table)
        self._lay_out_table()
        self.title_label.setText(self.ctx.tr(
            "ui.office_stats.heading", unit=self.ctx.profile.unit_name, year=table.year,
            month=table.month, date=table.month_end.isoformat()))
        self.status_label.setText(self.ctx.tr(
            "ui.office_stats.summary", registered=count_text(table.total.registered),
            operating=count_text(table.total.operating),
            unions=count_text(table.total.unions),
            coverage=rate_text(*table.total.rate_parts("coverage")),
            target=target_text(COVERAGE_TARGET)) if table.total.registered
            else self.ctx.tr("ui.office_stats.no_data"))
        self.chart.set_data(
            [(area.code, area.name, _rate(table.area_totals[area.code].rate_parts("coverage")),
              rate_text(*table.area_totals[area.code].rate_parts("coverage")))
             for area in table.areas],
            float(COVERAGE_TARGET), self.ctx.tr("ui.office_stats.target", target=target_text(
                COVERAGE_TARGET)))
        self._set_enabled(True)
        self.organizations = []
        self.org_model.set_rows([])
        self.explained_cell = None
        self.explain_label.setText(self.ctx.tr("ui.office_stats.explain_hint"))
        if previous is not None:  # the same cell of the new month, if it is there
            self.select_cell(*previous)
        self.table_ready.emit(table)

    def _lay_out_table(self) -> None:
        view, model = self.view, self.model
        view.clearSpans()
        for i, row in enumerate(model.rows):
            if row.block_start and row.block_size > 1:
                view.setSpan(i, 0, row.block_size, 1)
        fm = view.fontMetrics()
        widths = [max((fm.horizontalAdvance(model.labels(i)[c]) for i in range(len(model.rows))),
                      default=40) + 16 for c in (0, 1)]
        widths[0] = min(max(widths[0], fm.horizontalAdvance(area_header(
            self.ctx.profile, self.ctx.lang)) + 16), 150)
        widths[1] = min(max(widths[1], fm.horizontalAdvance(
            self.ctx.tr("office_stats.col.type")) + 16), 130)
        for column, width in enumerate(widths):
            view.setColumnWidth(column, width)
        header_fm = view.horizontalHeader().fontMetrics()
        bold = QFont(view.font())
        bold.setBold(True)  # subtotals are bold
        bold_fm = QFontMetrics(bold)
        for offset, key in enumerate(COLUMNS):
            values = max((bold_fm.horizontalAdvance(model.text(r, key)) for r in model.rows),
                         default=0) + 10
            heading = wrapped_width(header_fm, self.ctx.tr(f"office_stats.figure.{key}"), 10)
            view.setColumnWidth(FIRST_FIGURE_COLUMN + offset, max(heading, values, 44))

    def _set_enabled(self, ready: bool) -> None:
        for button in (self.excel_button, self.pdf_button, self.preview_button):
            button.setEnabled(ready and self.table is not None)

    # -- what a cell counts --------------------------------------------------------------------
    def select_cell(self, area: str | None, reg_type: str | None, figure: str) -> bool:
        """Select the table's cell of ``area``, ``reg_type`` (None: the totals) and ``figure``."""
        if figure not in COLUMNS:
            return False
        column = FIRST_FIGURE_COLUMN + COLUMNS.index(figure)
        for i, row in enumerate(self.model.rows):
            if row.area == area and row.reg_type == reg_type:
                index = self.model.index(i, column)
                self.view.setCurrentIndex(index)
                self.view.scrollTo(index)
                return True
        return False

    def select_area(self, area: str) -> None:
        """An area's coverage (its subtotal row): what the bar shows."""
        self.select_cell(area, None, "coverage")

    def _on_current_cell(self, current: QModelIndex, _previous: QModelIndex) -> None:
        cell = self.model.cell_of(current)
        if cell is None or self.table is None:
            return
        self.explain(*cell)

    def explain(self, area: str | None, reg_type: str | None, key: str) -> None:
        """List the organizations a cell counts (on the worker thread)."""
        table = self.table
        if table is None:
            return
        figure = figure_shown(key)
        self._explain_job += 1
        self.explained_cell = (area, reg_type, key)
        self.explain_label.setText(self.ctx.tr("ui.office_stats.explaining"))
        self._run(partial(explain_cell, self.ctx.db, table.year, table.month,
                          self.ctx.profile, area, reg_type, figure),
                  ("explain", self._explain_job, table, area, reg_type, key))

    def _on_explained(self, number: int, table: MonthlyTable, area: str | None,
                      reg_type: str | None, key: str, result: object) -> None:
        if number != self._explain_job or table is not self.table:
            return
        organizations = cast(list[CountedOrganization], result)
        self.organizations = organizations
        self.org_model.set_rows(organizations)
        self.org_view.resizeColumnsToContents()
        for column, cap in ((0, 260), (3, 200), (5, 160)):  # long names, types and forms
            self.org_view.setColumnWidth(column, min(self.org_view.columnWidth(column), cap))
        tr = self.ctx.tr
        where = [table.area_name(area) if area is not None else tr("office_stats.total"),
                 type_label(reg_type, self.ctx.lang) if reg_type is not None
                 else tr("office_stats.subtotal") if area is not None
                 else tr("office_stats.grand_total")]
        figure = figure_shown(key)
        text = tr("ui.office_stats.explain_caption", cell=" · ".join(where),
                  figure=tr(f"office_stats.figure.{figure}"), count=len(organizations))
        if key in RATES:
            part, whole = RATES[key]
            text += " " + tr("ui.office_stats.explain_rate", rate=tr(f"office_stats.figure.{key}"),
                             part=tr(f"office_stats.figure.{part}"),
                             whole=tr(f"office_stats.figure.{whole}"))
        if figure in PEOPLE:
            people = sum(getattr(o, figure) or 0 for o in organizations)
            text += " " + tr("ui.office_stats.explain_people", count=count_text(people))
        self.explain_label.setText(text)
        self.explained.emit(organizations)

    def _township_text(self, org: CountedOrganization) -> str:
        if self.table is None:
            return org.township_code
        name = self.table.area_name(org.township_code)
        return name if name != org.township_code else org.township_code

    # -- exports -------------------------------------------------------------------------------
    def _ask_save_path(self, suggested: str, file_filter: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, self.ctx.tr("ui.office_stats.save_title"),
                                              str(self.ctx.paths.exports / suggested),
                                              file_filter)
        return Path(name) if name else None

    def _file_stem(self) -> str:
        assert self.table is not None
        return self.ctx.tr("ui.office_stats.file_stem", unit=self.ctx.profile.unit_name,
                           year=self.table.year, month=self.table.month)

    def _target(self, suffix: str, file_filter: str) -> Path | None:
        target = self.ask_save_path(self._file_stem() + suffix, self.ctx.tr(file_filter))
        if target is not None and target.suffix.lower() != suffix:
            target = target.with_name(target.name + suffix)
        return target

    def _saved(self, target: Path) -> None:
        self.status_label.setStyleSheet("")
        self.status_label.setText(self.ctx.tr("ui.office_stats.saved", path=str(target)))

    def _save_failed(self, target: Path, detail: str) -> None:
        QMessageBox.warning(self, self.ctx.tr("ui.office_stats.save_title"),
                            self.ctx.tr("ui.office_stats.save_failed", path=str(target),
                                        detail=detail))

    def export_excel(self) -> Path | None:
        """The table as an Excel workbook laid out like the printed table."""
        if self.table is None:
            return None
        target = self._target(".xlsx", "ui.office_stats.xlsx_filter")
        if target is None:
            return None
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            write_table_xlsx(self.table, target, self.ctx.lang, filled_on=self.ctx.today())
        except OSError as exc:
            self._save_failed(target, exc.strerror or type(exc).__name__)
            return None
        finally:
            QApplication.restoreOverrideCursor()
        self._saved(target)
        return target

    def _write_pdf(self, table: MonthlyTable, path: Path) -> int:
        return write_county_table(table, path, self.ctx.lang, filled_on=self.ctx.today())

    def export_pdf(self) -> Path | None:
        """The table as a landscape A4 PDF."""
        if self.table is None:
            return None
        target = self._target(".pdf", "ui.office_stats.pdf_filter")
        if target is None:
            return None
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self._write_pdf(self.table, target)
        except PrintError as exc:
            self._save_failed(target, self.ctx.word(exc.message))
            return None
        finally:
            QApplication.restoreOverrideCursor()
        self._saved(target)
        return target

    def print_preview(self) -> PrintPreviewDialog | None:
        """The PDF on screen, to print or save."""
        table = self.table
        if table is None:
            return None
        # preview_document only words messages (tr, word), which OfficeContext has too.
        return preview_document(self.ctx, self._file_stem(),
                                partial(self._write_pdf, table), self)


def _rate(parts: tuple[int, int]) -> float | None:
    part, whole = parts
    return part / whole if whole else None


def _number(value: int | None) -> str:
    return "" if value is None else count_text(value)
