"""The office's monthly table (``county.stats``) on landscape A4, as the Excel file lays it out.

Two header rows (the column groups over their figures, repeated on every page), one
block per area (its registration types and a 小计 row, the area's cell spanning the
block), then the 合计 block by type ending in the 总计 row. Fonts, page decor, grid
colours and the rounding of rates (down to 0.1%) are the township table's
(``printing.stats_table``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from fieldsurvey import clock
from fieldsurvey.cases.month_end import RATES
from fieldsurvey.cases.rates import rate_text
from fieldsurvey.county.stats import (
    COLUMN_GROUPS,
    COLUMNS,
    MonthlyTable,
    TableRow,
    area_header,
    footnotes,
    heading_parts,
    row_labels,
    signature_labels,
    table_rows,
    title,
)
from fieldsurvey.messages import Message, render
from fieldsurvey.printing.layout import (
    FOOTER_SMALL,
    GRID,
    SHADE,
    PageNumberDecor,
    Styles,
    build_pdf,
    frame_size,
    landscape_a4,
    make_styles,
    para,
    parts_story,
)
from fieldsurvey.progress import Progress

AREA_WIDTH = 22 * mm
TYPE_WIDTH = 30 * mm
FONT_SIZE = 8
HEADER_ROWS = 2
#: Chinese characters a figure column's heading holds on one line.
HEADER_CHARS = 5


def _header_text(text: str, lang: str) -> str:
    """A Chinese heading too long for one line of its column, broken in the middle
    (三个委员/会健全) rather than before its last character."""
    if lang != "zh" or len(text) <= HEADER_CHARS:
        return text
    middle = (len(text) + 1) // 2
    return text[:middle] + "\n" + text[middle:]


def _figure_text(row: TableRow, key: str) -> str:
    if key in RATES:
        return rate_text(*row.figures.rate_parts(key))
    return str(row.figures.value(key))


def county_story(table: MonthlyTable, styles: Styles, lang: str, *,
                 filled_on: dt.date) -> list[Flowable]:
    width, _ = frame_size(landscape_a4(), FOOTER_SMALL)
    # Latin words wrap at spaces; Chinese between any characters.
    small_label = styles.label.clone("county_label", fontSize=7 if lang == "zh" else 6,
                                     leading=9.5 if lang == "zh" else 8, alignment=TA_CENTER,
                                     wordWrap="CJK" if lang == "zh" else None)
    cell_style = styles.cell.clone("county_cell", fontSize=FONT_SIZE, leading=10)
    top: list[Any] = [para(area_header(table.profile, lang), small_label),
                      para(render("office_stats.col.type", lang), small_label)]
    bottom: list[Any] = ["", ""]
    commands: list[Any] = [
        ("FONT", (0, 0), (-1, -1), styles.font.name, FONT_SIZE),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, HEADER_ROWS - 1), SHADE),
        ("ALIGN", (2, HEADER_ROWS), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, HEADER_ROWS - 1), 1.5),
        ("RIGHTPADDING", (0, 0), (-1, HEADER_ROWS - 1), 1.5),
        ("SPAN", (0, 0), (0, 1)),
        ("SPAN", (1, 0), (1, 1)),
    ]
    col = 2
    for group, keys in COLUMN_GROUPS:
        top += [para(render(f"office_stats.group.{group}", lang), small_label),
                *([""] * (len(keys) - 1))]
        bottom += [para(_header_text(render(f"office_stats.figure.{key}", lang), lang),
                        small_label) for key in keys]
        commands.append(("SPAN", (col, 0), (col + len(keys) - 1, 0)))
        col += len(keys)
    cells: list[list[Any]] = [top, bottom]
    for row in table_rows(table):
        index = len(cells)
        area, kind = row_labels(row, table, lang)
        cells.append([para(area, cell_style) if row.block_start else "",
                      para(kind, cell_style),
                      *(_figure_text(row, key) for key in COLUMNS)])
        if row.block_start and row.block_size > 1:
            commands.append(("SPAN", (0, index), (0, index + row.block_size - 1)))
        if row.kind != "type":
            commands.append(("BACKGROUND", (1, index), (-1, index), SHADE))
    other = (width - AREA_WIDTH - TYPE_WIDTH) / len(COLUMNS)
    grid = Table(cells, colWidths=[AREA_WIDTH, TYPE_WIDTH] + [other] * len(COLUMNS),
                 repeatRows=HEADER_ROWS)
    grid.setStyle(TableStyle(commands))
    return [
        para(title(table, lang), styles.title),
        _line(heading_parts(table, lang, filled_on), styles.body, width),
        Spacer(1, 1.5 * mm),
        grid,
        Spacer(1, 3 * mm),
        para(footnotes(table, lang), styles.small),
        Spacer(1, 5 * mm),
        _line(signature_labels(lang), styles.body, width, aligned=False),
    ]


def _line(texts: tuple[str, str, str], style: ParagraphStyle, width: float, *,
          aligned: bool = True) -> Table:
    """Three texts across the page: left, centre, right (or all left)."""
    aligns = (TA_LEFT, TA_CENTER, TA_RIGHT) if aligned else (TA_LEFT,) * 3
    cells = [[para(text, style.clone(f"line{i}", alignment=align))
              for i, (text, align) in enumerate(zip(texts, aligns, strict=True))]]
    line = Table(cells, colWidths=[width / 3] * 3)
    line.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return line


def write_county_table(table: MonthlyTable, out_path: Path, lang: str = "zh", *,
                       filled_on: dt.date | None = None,
                       progress: Progress | None = None) -> int:
    """The table as a landscape A4 PDF written atomically; returns the number of pages.

    Raises :class:`~fieldsurvey.printing.errors.PrintError` when the file cannot be written.
    """
    styles = make_styles()
    filled_on = filled_on or clock.today()
    decor = PageNumberDecor(styles.font, lang,
                            header=render("office_stats.title_short", lang))
    story = county_story(table, styles, lang, filled_on=filled_on)
    return build_pdf(out_path, parts_story([(decor, story)], 1, progress,
                                           Message("office_stats.writing")),
                     title=title(table, lang), pagesize=landscape_a4(), footer=FOOTER_SMALL)
