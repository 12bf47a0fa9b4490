"""The office's Statistics page: the figures are monthly_table's, a cell lists explain_cell's."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "county"))
from office_helpers import COUNTY, Township, make_office

from fieldsurvey.cases.month_end import RATES
from fieldsurvey.cases.rates import rate_text
from fieldsurvey.county.merge import merge_bundles
from fieldsurvey.county.stats import (
    COLUMNS,
    explain_cell,
    monthly_table,
    table_rows,
)
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.stats_page import FIRST_FIGURE_COLUMN, StatsPage
from fieldsurvey.ui.office.table_models import wait_for_jobs

pytestmark = pytest.mark.gui


@pytest.fixture
def ctx(office_ctx: OfficeContext, tmp_path: Path,
        shipped_form: FormDefinition) -> Iterator[OfficeContext]:
    """The conftest's county office with two townships' bundles merged."""
    towns = [Township(tmp_path / "a", "421202001", "温泉街道", shipped_form).populate(40, 21),
             Township(tmp_path / "b", "421202002", "浮山街道", shipped_form).populate(30, 22)]
    make_office(office_ctx.db, COUNTY, trusted=tuple(t.signer for t in towns))
    report = merge_bundles(office_ctx.db, [t.export() for t in towns], form=shipped_form,
                           profile=COUNTY, by="张三")
    assert all(f.imported for f in report.files)
    yield office_ctx
    wait_for_jobs()


@pytest.fixture
def page(qtbot: QtBot, ctx: OfficeContext) -> StatsPage:
    widget = StatsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1340, 740)
    widget.show()
    with qtbot.waitSignal(widget.table_ready, timeout=30_000):
        widget.refresh()
    qtbot.waitUntil(lambda: not widget.is_busy())
    return widget


def shown(page: StatsPage) -> list[list[str]]:
    model = page.model
    return [[model.index(r, c).data() for c in range(FIRST_FIGURE_COLUMN, model.columnCount())]
            for r in range(model.rowCount())]


def expected(ctx: OfficeContext, year: int, month: int) -> list[list[str]]:
    table = monthly_table(ctx.db, year, month, ctx.profile)
    return [[rate_text(*row.figures.rate_parts(k)) if k in RATES
             else f"{row.figures.value(k):,}" for k in COLUMNS] for row in table_rows(table)]


def click(qtbot: QtBot, page: StatsPage, row: int, column: int) -> list[str]:
    index = page.model.index(row, column)
    page.view.scrollTo(index)
    with qtbot.waitSignal(page.explained, timeout=30_000) as blocker:
        qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton,
                         pos=page.view.visualRect(index).center())
    return [o.id for o in blocker.args[0]]


def test_the_figures_are_the_monthly_tables(qtbot: QtBot, page: StatsPage,
                                            ctx: OfficeContext) -> None:
    assert page.selected_month() == (2026, 11)  # the 20th: this month
    assert shown(page) == expected(ctx, 2026, 11)
    table = page.table
    assert table is not None and table.total.registered == 66  # the gone ones are off it
    model = page.model
    # Area names head their blocks; the header has the groups over the figures.
    assert model.index(0, 0).data() == "温泉街道"
    assert model.headerData(0, Qt.Orientation.Horizontal) == "乡镇（街道）"
    assert model.headerData(FIRST_FIGURE_COLUMN, Qt.Orientation.Horizontal) == "登记在册"
    assert page.view.rowSpan(0, 0) == table_rows(table)[0].block_size
    assert page.chart.rows[0][:2] == ("421202001", "温泉街道")
    assert page.chart.rows[0][3] == rate_text(*table.area_totals["421202001"]
                                              .rate_parts("coverage"))
    # Another month is computed again.
    with qtbot.waitSignal(page.table_ready, timeout=30_000):
        page.month_combo.setCurrentIndex(page.month_combo.findData("2026-10"))
    assert shown(page) == expected(ctx, 2026, 10)


def test_a_clicked_cell_lists_exactly_explain_cells_organizations(
        qtbot: QtBot, page: StatsPage, ctx: OfficeContext) -> None:
    table = page.table
    assert table is not None
    rows = table_rows(table)
    checked = 0
    for r, row in enumerate(rows):
        if (row.kind == "type" and row.block_start) or row.kind in ("subtotal", "grand_total"):
            for key in ("registered", "unions", "staff", "coverage"):
                ids = click(qtbot, page, r, FIRST_FIGURE_COLUMN + COLUMNS.index(key))
                figure = RATES[key][0] if key in RATES else key
                want = explain_cell(ctx.db, 2026, 11, ctx.profile, row.area, row.reg_type,
                                    figure)
                assert ids == [o.id for o in want]
                assert [page.org_model.index(i, 0).data() for i in range(len(want))] == \
                    [o.name for o in want]
                if key == "registered":
                    assert len(ids) == row.figures.registered
                checked += 1
    assert checked >= 12
    assert "总计" in page.explain_label.text()  # the last click: the grand total's rate
    assert "已建会合计" in page.explain_label.text()

    # A bar of the chart selects its area's coverage.
    with qtbot.waitSignal(page.explained, timeout=30_000):
        page.chart.area_clicked.emit("421202002")
    assert page.explained_cell == ("421202002", None, "coverage")


def test_exports_and_preview(qtbot: QtBot, page: StatsPage, tmp_path: Path) -> None:
    asked: list[str] = []

    def save_to(suggested: str, _filter: str) -> Path:
        asked.append(suggested)
        return tmp_path / ("table" + Path(suggested).suffix)

    page.ask_save_path = save_to
    xlsx = page.export_excel()
    assert xlsx == tmp_path / "table.xlsx"
    assert asked[-1] == "咸安区总工会统计表-2026年11月.xlsx"
    sheet = load_workbook(xlsx).active
    texts = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert any("2026年11月" in t for t in texts) and "温泉街道" in texts
    assert str(xlsx) in page.status_label.text()
    pdf = page.export_pdf()
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF")
    dialog = page.print_preview()
    assert dialog is not None and dialog.page_count >= 1
    dialog.close()
