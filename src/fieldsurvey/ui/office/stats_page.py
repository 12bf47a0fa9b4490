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

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import (
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QFont,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey import clock
from fieldsurvey.bundles.monthly import default_month, month_span, previous_month
from fieldsurvey.cases.month_end import RATES, CountedOrganization
from fieldsurvey.cases.rates import COVERAGE_TARGET, rate_text, target_text
from fieldsurvey.county.stats import (
    COLUMNS,
    MonthlyTable,
    explain_cell,
    footnotes,
    monthly_table,
    provenance_text,
    type_label,
)
from fieldsurvey.ui.charts import count_text
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.stats_exports import StatsExports
from fieldsurvey.ui.office.stats_views import (
    FIRST_FIGURE_COLUMN,
    MONTHS_OFFERED,
    PEOPLE,
    CoverageBars,
    StatsTableModel,
    figure_shown,
    lay_out_table,
    organization_columns,
    rate_of,
)
from fieldsurvey.ui.office.table_models import (
    GroupedHeader,
    JobThread,
    RowsModel,
    wait_for_jobs,
)
from fieldsurvey.ui.print_preview import PrintPreviewDialog

__all__ = ["FIRST_FIGURE_COLUMN", "StatsPage"]


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
        self.exports = StatsExports(self)
        # Where exports go; tests replace this.
        self.ask_save_path: Callable[[str, str], Path | None] = self.exports.ask_save_path
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
        # A long unit name must not widen the window past a 125 % laptop screen.
        self.title_label.setWordWrap(True)
        self.month_combo = QComboBox()
        today = clock.today()
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
        bar.addWidget(self.title_label, 1)  # the spare room: it wraps only when short
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
        columns = organization_columns(self.ctx, self._township_text)
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
        lay_out_table(self.view, self.model, self.ctx)
        self.title_label.setText(self.ctx.tr(
            "ui.office_stats.heading", unit=self.ctx.profile.unit_name, year=table.year,
            month=table.month, date=table.month_end.isoformat()))
        self.status_label.setText((self.ctx.tr(
            "ui.office_stats.summary", registered=count_text(table.total.registered),
            operating=count_text(table.total.operating),
            unions=count_text(table.total.unions),
            coverage=rate_text(*table.total.rate_parts("coverage")),
            target=target_text(COVERAGE_TARGET)) if table.total.registered
            else self.ctx.tr("ui.office_stats.no_data"))
            + " " + provenance_text(table, self.ctx.lang))
        self.status_label.setToolTip(footnotes(table, self.ctx.lang))  # the rules in words
        self.chart.set_data(
            [(area.code, area.name, rate_of(table.area_totals[area.code].rate_parts("coverage")),
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

    # -- exports (stats_exports) -------------------------------------------------------------
    def export_excel(self) -> Path | None:
        """The table as an Excel workbook laid out like the printed table."""
        return self.exports.export_excel()

    def export_pdf(self) -> Path | None:
        """The table as a landscape A4 PDF."""
        return self.exports.export_pdf()

    def print_preview(self) -> PrintPreviewDialog | None:
        """The PDF on screen, to print or save."""
        return self.exports.print_preview()
