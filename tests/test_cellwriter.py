"""The one cell writer on ordinary worksheets: risky text bound as text, and what no cell
can hold replaced visibly instead of failing the whole workbook."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from fieldsurvey.cellwriter import MAX_CELL_TEXT, CellWriter


def test_put_and_row_write_text_cells_and_replace_what_cannot_be_stored(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    cells = CellWriter(sheet)
    cells.put(1, 1, "=1+1")
    cells.put(1, 2, "#N/A")
    cells.put(1, 3, 7)
    sheet.append(cells.row(["bad\x01name.xlsx", "x" * (MAX_CELL_TEXT + 5), None, 2.5]))
    path = tmp_path / "out.xlsx"
    book.save(path)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["=1+1", "#N/A", 7]
    assert rows[1][0] == "bad\ufffdname.xlsx"
    assert rows[1][1].endswith("…") and len(rows[1][1]) < MAX_CELL_TEXT
    assert rows[1][3] == 2.5
