"""The monthly table as Excel (read back by calamine and openpyxl), as PDF (pdftotext)
and on the command line."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from collections.abc import Iterator
from fractions import Fraction as F
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from python_calamine import CalamineWorkbook
from stats_fixture import COUNTY, MONTH, YEAR, build

from fieldsurvey.cases.rates import rate_text
from fieldsurvey.commands.stats import stats_command
from fieldsurvey.county.db import open_office
from fieldsurvey.county.stats import MonthlyTable, monthly_table
from fieldsurvey.county.stats_xlsx import write_table_xlsx
from fieldsurvey.printing.county_table import write_county_table
from fieldsurvey.progress import Cancelled

FILLED_ON = dt.date(2026, 12, 3)
LAST_COL = 18  # A, B and 16 figure columns (R)
# Row 5 on: 温泉街道 (3 types + 小计), 横沟桥镇 (2 + 小计), 贺胜桥镇 (小计), 合计 (4 types + 总计).
LAST_TABLE_ROW = 17
# In column order: registered, visited, census, operating, unions and their four forms,
# coverage, new, staff, members, membership, all three committees, dues in full.
T1_SUBTOTAL = [8, 5, F(5, 8), 7, 3, 1, 1, 1, 0, F(3, 7), 1, 64, 27, F(27, 64), 2, 2]
GRAND_TOTAL = [15, 10, F(10, 15), 14, 5, 2, 1, 1, 1, F(5, 14), 2, 132, 73, F(73, 132), 3, 4]


def cells(values: list[int | F]) -> list[Any]:
    """The values as a spreadsheet holds them: rates as the exact ratio (to a double's
    precision, which openpyxl writes with 16 significant digits)."""
    return [pytest.approx(float(v), rel=1e-15) if isinstance(v, F) else v for v in values]


@pytest.fixture(scope="module")
def office_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("office") / "office.sqlite3"
    db = open_office(path)
    build(db)
    db.close()
    return path


@pytest.fixture(scope="module")
def table(office_file: Path) -> Iterator[MonthlyTable]:
    db = open_office(office_file)
    yield monthly_table(db, YEAR, MONTH, COUNTY)
    db.close()


@pytest.fixture(scope="module")
def workbook(table: MonthlyTable, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "table.xlsx"
    write_table_xlsx(table, path, "zh", filled_on=FILLED_ON)
    return path


def _rows(path: Path) -> list[list[Any]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def test_the_workbook_reads_back_with_its_title_header_and_figures(workbook: Path) -> None:
    rows = _rows(workbook)
    assert rows[0][0] == "社会组织建会专项行动实施进展情况统计表（2026年11月）"
    assert rows[1][0] == "填报单位：咸安区总工会"
    assert rows[1][6] == "统计截至：2026-11-30"
    assert rows[1][11].startswith("填报日期：2026-12-03")
    assert rows[2][:7] == ["乡镇（街道）", "登记类型", "社会组织情况", "", "", "", "建会情况"]
    assert rows[2][13] == "会员发展情况" and rows[2][16] == "规范化建设"
    assert rows[3][2:12] == ["登记在册", "已走访", "走访进度", "正常运营", "已建会合计", "单独建",
                             "联合建", "兜底建", "单体入会", "建会率"]
    assert rows[4][:2] == ["温泉街道", "社会团体"]
    assert rows[7][:2] == ["", "小计"] and rows[7][2:] == cells(T1_SUBTOTAL)
    assert rows[11][:2] == ["贺胜桥镇", "小计"]
    assert rows[11][4] == rows[11][11] == "—"  # nothing registered or operating: no rate
    assert rows[12][:2] == ["合计", "社会团体"]
    assert rows[15][1] == "未知"
    assert rows[16][:2] == ["", "总计"] and rows[16][2:] == cells(GRAND_TOTAL)
    assert rows[18][0].startswith("说明：")
    # The footnote says how the table was made and from what.
    assert "本表生成于 2026-11-21" in rows[18][0] and "依据已汇入的 0 个数据包" in rows[18][0]


def test_the_workbook_is_laid_out_for_printing(workbook: Path) -> None:
    sheet = openpyxl.load_workbook(workbook).active
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:R1", "A3:A4", "B3:B4", "C3:F3", "G3:M3", "N3:P3", "Q3:R3",
            "A5:A8", "A9:A11", "A13:A17"} <= merged
    assert "A12:A12" not in merged  # a block of one row is not merged
    assert sheet.freeze_panes == "C5"
    assert sheet.print_title_rows == "$3:$4"
    setup = sheet.page_setup
    assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9)  # A4
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # The exact ratio, shown by the format as the screen shows it (42.86%).
    assert sheet["L8"].number_format == "0.00%" and sheet["L8"].value == pytest.approx(3 / 7, rel=1e-15)
    assert sheet["C5"].font.name == "宋体" and sheet["A1"].font.bold
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["C"].width
    # Thin borders round every cell of the table (a merged range: round its outline).
    ranges = [r for r in sheet.merged_cells.ranges if r.min_row >= 3]
    for row in range(3, LAST_TABLE_ROW + 1):
        for col in range(1, LAST_COL + 1):
            box = next((r for r in ranges if r.min_row <= row <= r.max_row
                        and r.min_col <= col <= r.max_col), None)
            edges = {"left": box is None or col == box.min_col,
                     "right": box is None or col == box.max_col,
                     "top": box is None or row == box.min_row,
                     "bottom": box is None or row == box.max_row}
            border = sheet.cell(row, col).border
            for side, outline in edges.items():
                if outline:
                    assert getattr(border, side).style == "thin", (row, col, side)


def test_the_english_workbook_and_a_cancelled_write(table: MonthlyTable, tmp_path: Path) -> None:
    path = tmp_path / "table.xlsx"
    write_table_xlsx(table, path, "en", filled_on=FILLED_ON)
    rows = _rows(path)
    assert rows[0][0].endswith("(2026-11)") and rows[2][0] == "Township"
    assert rows[16][1] == "Grand total"

    class Cancelling:
        def report(self, *args: object) -> None:
            pass

        def cancelled(self) -> bool:
            return True

    before = path.read_bytes()
    with pytest.raises(Cancelled):
        write_table_xlsx(table, path, "zh", Cancelling())
    assert path.read_bytes() == before and sorted(tmp_path.iterdir()) == [path]


def _pdf_lines(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]


def _figures(values: list[int | F]) -> str:
    return " ".join(rate_text(v.numerator, v.denominator) if isinstance(v, F) else str(v)
                    for v in values)


def test_the_pdf_has_the_title_and_figures(table: MonthlyTable, tmp_path: Path) -> None:
    path = tmp_path / "table.pdf"
    assert write_county_table(table, path, "zh", filled_on=FILLED_ON) == 1
    lines = _pdf_lines(path)
    assert "社会组织建会专项行动实施进展情况统计表（2026年11月）" in lines
    assert any("填报单位：咸安区总工会" in line and "填报日期：2026-12-03" in line
               for line in lines)
    assert f"小计 {_figures(T1_SUBTOTAL)}" in lines
    assert f"总计 {_figures(GRAND_TOTAL)}" in lines
    # The area's name is centred on its block, beside none of its rows.
    assert "温泉街道" in lines and "合计" in lines
    assert "社会团体 4 3 75.00% 4 2 1 1 0 0 50.00% 1 60 23 38.33% 1 1" in lines
    assert "已建会合计" in " ".join(lines)  # a header cell on one line
    assert "贺胜桥镇 小计 0 0 — 0 0 0 0 0 0 — 0 0 0 — 0 0" in lines


def test_the_command_prints_the_table_and_writes_the_files(
        office_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlsx, pdf = tmp_path / "t.xlsx", tmp_path / "t.pdf"
    assert stats_command(str(office_file), "zh", "2026-11", str(xlsx), str(pdf), False) == 0
    out = capsys.readouterr().out
    lines = [re.sub(r"\s+", " ", line).strip() for line in out.splitlines()]
    assert lines[0] == "社会组织建会专项行动实施进展情况统计表（2026年11月）"
    assert f"温泉街道 {_figures(T1_SUBTOTAL)}" in lines
    assert "社会团体 6 5 83.33% 6 2 1 1 0 0 33.33% 1 67 23 34.33% 1 1" in lines
    assert any(line.startswith("说明：1. 数据截至当月最后一天") for line in lines)
    assert f"合计 {_figures(GRAND_TOTAL)}" in lines
    assert f"已写出 {xlsx}" in lines and xlsx.is_file() and pdf.is_file()

    assert stats_command(str(office_file), "en", "2026-11", None, None, True) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"]["unions"] == 5 and data["areas"][0]["code"] == "421202001"


def test_the_command_refuses_bad_input(office_file: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert stats_command(str(office_file), "en", "2026-13", None, None, False) == 2
    assert "YYYY-MM" in capsys.readouterr().err
    assert stats_command(str(office_file), "en", "November", None, None, False) == 2
    missing = tmp_path / "nothing.sqlite3"
    assert stats_command(str(missing), "en", "2026-11", None, None, False) == 1
    assert "No office database" in capsys.readouterr().err and not missing.exists()
    empty = tmp_path / "empty.sqlite3"
    open_office(empty).close()
    assert stats_command(str(empty), "zh", "2026-11", None, None, False) == 1
    assert "还没有设置本单位" in capsys.readouterr().err
    blocked = tmp_path / "no-such-folder" / "t.xlsx"
    assert stats_command(str(office_file), "en", "2026-11", str(blocked), None, False) == 1
    assert "Could not write" in capsys.readouterr().err
