"""The monthly table as an Excel workbook laid out like an official statistics table.

Title with the month, a line naming the reporting unit, the as-of date and the date
filled in, then a two-level header (地区 | 登记类型 | 社会组织情况 | 建会情况 | 会员发展情况 |
规范化建设, each group over its figures), then one block per area: its registration
types and a 小计 row, the area's cell merged down the block; last, the 合计 block by type
with the 总计 row. Thin borders on every cell of the table, A4 landscape fitted to the
page width, header rows repeated on every printed page and frozen on screen. Rates are
numbers formatted 0.0%, rounded down to 0.1% first so Excel shows what the PDF shows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from fieldsurvey import clock
from fieldsurvey.atomic import write_atomically
from fieldsurvey.cases.month_end import RATES
from fieldsurvey.cases.rates import EXCEL_RATE_FORMAT, rate_value
from fieldsurvey.cellwriter import CellWriter
from fieldsurvey.county.stats import (
    COLUMN_GROUPS,
    COLUMNS,
    MonthlyTable,
    area_header,
    footnotes,
    heading_parts,
    row_labels,
    signature_labels,
    table_rows,
    title,
)
from fieldsurvey.messages import Message, render
from fieldsurvey.progress import NullProgress, Progress, check_cancelled

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
FIRST_FIGURE_COLUMN = 3  # A: area, B: registration type
HEADER_TOP, HEADER_BOTTOM = 3, 4
FIRST_DATA_ROW = HEADER_BOTTOM + 1
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
SHADE = PatternFill("solid", fgColor="EDEDED")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
COUNT_FORMAT = "0"


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> Any:
    """``sheet.cell(row, column, value)`` through the one cell writer: unit and area names
    come from bundles, so ``=HYPERLINK(...)`` must stay text."""
    return CellWriter(sheet).put(row, column, value)


def _font(size: float = 10, *, bold: bool = False, name: str = BODY_FONT) -> Font:
    return Font(name=name, size=size, bold=bold)


def write_table_xlsx(table: MonthlyTable, path: Path, lang: str,
                     progress: Progress | None = None, *,
                     filled_on: dt.date | None = None) -> None:
    """Write the table to ``path`` atomically (the old file stays if anything fails).

    ``filled_on`` is the 填报日期 shown (today by default). Raises
    :class:`~fieldsurvey.progress.Cancelled` or :class:`OSError`; no file is left then.
    """
    progress = progress or NullProgress()
    filled_on = filled_on or clock.today()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = render("office_stats.sheet", lang)
    workbook.properties.title = title(table, lang)
    workbook.properties.creator = "fieldsurvey"
    last_col = FIRST_FIGURE_COLUMN + len(COLUMNS) - 1
    _heading(sheet, table, lang, filled_on, last_col)
    _header(sheet, table, lang)
    rows = table_rows(table)
    stage = Message("office_stats.writing")
    row_no = FIRST_DATA_ROW
    for index, row in enumerate(rows):
        if index % 200 == 0:
            check_cancelled(progress)
            progress.report(index, len(rows), stage)
        area, kind = row_labels(row, table, lang)
        total = row.kind in ("subtotal", "grand_total", "type_total")
        if row.block_start:
            _put(sheet, row_no, 1, area)
            if row.block_size > 1:
                sheet.merge_cells(start_row=row_no, start_column=1,
                                  end_row=row_no + row.block_size - 1, end_column=1)
        _put(sheet, row_no, 2, kind)
        for offset, key in enumerate(COLUMNS):
            if key in RATES:
                # The exact ratio; the cell format shows it as rate_text does.
                rate = rate_value(*row.figures.rate_parts(key))
                cell = _put(sheet, row_no, FIRST_FIGURE_COLUMN + offset,
                            rate if rate is not None else render("office_stats.no_rate", lang))
                cell.number_format = EXCEL_RATE_FORMAT
            else:
                cell = _put(sheet, row_no, FIRST_FIGURE_COLUMN + offset, row.figures.value(key))
                cell.number_format = COUNT_FORMAT
        for col in range(1, last_col + 1):
            cell = sheet.cell(row_no, col)
            cell.border = BORDER
            cell.font = _font(bold=row.kind in ("subtotal", "grand_total"))
            cell.alignment = CENTER if col == 1 else (LEFT if col == 2 else RIGHT)
            if total and col > 1:
                cell.fill = SHADE
        row_no += 1
    notes_row = row_no + 1
    sheet.merge_cells(start_row=notes_row, start_column=1, end_row=notes_row,
                      end_column=last_col)
    cell = _put(sheet, notes_row, 1, footnotes(table, lang))
    cell.font = _font(9)
    cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    sheet.row_dimensions[notes_row].height = 130  # eight rules and the provenance line
    _spread(sheet, notes_row + 2, last_col, signature_labels(lang), ("left",) * 3)
    _page_setup(sheet, last_col)
    progress.report(len(rows), len(rows), stage)

    def write(fh: IO[bytes]) -> None:
        workbook.save(fh)

    write_atomically(path, write)


def _heading(sheet: Worksheet, table: MonthlyTable, lang: str, filled_on: dt.date,
             last_col: int) -> None:
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_col)
    cell = _put(sheet, 1, 1, title(table, lang))
    cell.font = _font(16, bold=True, name=TITLE_FONT)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 32
    # 填报单位 on the left, the as-of date in the middle, 填报日期 and units on the right.
    _spread(sheet, 2, last_col, heading_parts(table, lang, filled_on),
            ("left", "center", "right"))


def _spread(sheet: Worksheet, row: int, last_col: int, texts: tuple[str, str, str],
            aligns: tuple[str, ...]) -> None:
    """Three texts side by side across the table's width, each in merged cells."""
    third = (last_col - 1) // 3
    spans = ((1, 1 + third), (2 + third, 1 + 2 * third), (2 + 2 * third, last_col))
    for (first, last), text, align in zip(spans, texts, aligns, strict=True):
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        cell = _put(sheet, row, first, text)
        cell.font = _font(10)
        cell.alignment = Alignment(horizontal=align, vertical="center")
    sheet.row_dimensions[row].height = 20


def _header(sheet: Worksheet, table: MonthlyTable, lang: str) -> None:
    top, bottom = HEADER_TOP, HEADER_BOTTOM
    _put(sheet, top, 1, area_header(table.profile, lang))
    _put(sheet, top, 2, render("office_stats.col.type", lang))
    for col in (1, 2):
        sheet.merge_cells(start_row=top, start_column=col, end_row=bottom, end_column=col)
    col = FIRST_FIGURE_COLUMN
    for group, keys in COLUMN_GROUPS:
        _put(sheet, top, col, render(f"office_stats.group.{group}", lang))
        sheet.merge_cells(start_row=top, start_column=col, end_row=top,
                          end_column=col + len(keys) - 1)
        for offset, key in enumerate(keys):
            _put(sheet, bottom, col + offset, render(f"office_stats.figure.{key}", lang))
        col += len(keys)
    for row in (top, bottom):
        for c in range(1, col):
            cell = sheet.cell(row, c)
            cell.border = BORDER
            cell.font = _font(10, bold=True)
            cell.alignment = CENTER
            cell.fill = SHADE
    sheet.row_dimensions[top].height = 22
    sheet.row_dimensions[bottom].height = 42


def _page_setup(sheet: Worksheet, last_col: int) -> None:
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 24
    for col in range(FIRST_FIGURE_COLUMN, last_col + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 9.5
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, FIRST_FIGURE_COLUMN)
    sheet.print_title_rows = f"{HEADER_TOP}:{HEADER_BOTTOM}"
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "&P / &N"
