"""Messy register workbooks, written with openpyxl the way civil-affairs lists look.

``messy_register`` writes the standard file of these tests: a title merged
across the columns, a note line, full-width characters and ideographic
spaces, a supervisor merged over two rows, a phone stored as a number, a bad
check character, an in-file duplicate, a row without a name, a totals line
and trailing formatted blank rows and columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from fieldsurvey.domain.uscc import org_code_check_char, uscc_check_char

TOWNSHIP = "330106001"
HEADER = ("序号", "社会组织名称", "统一社会信用代码", "登记类型", "业务主管单位", "住所",
          "法定代表人", "联系电话")


def make_uscc(kind: str, serial: int, division: str = "330106") -> str:
    """A valid USCC: both check characters right (no warnings unless the type disagrees)."""
    body = f"MJ{serial:06d}"
    first17 = kind + division + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


def fullwidth(text: str) -> str:
    """ASCII letters and digits as a Chinese input method types them."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def corrupt(code: str) -> str:
    """The code with a wrong check character."""
    return code[:17] + ("0" if code[17] != "0" else "1")


TEA = make_uscc("51", 1)
CALLIGRAPHY = make_uscc("51", 2)
SCHOOL = make_uscc("52", 3)
FOUNDATION = make_uscc("53", 4)
BAD = corrupt(make_uscc("51", 5))

# Excel rows 4.. of the standard file; None is an empty cell.
ROWS: list[tuple[object, ...]] = [
    (1, "\u3000西湖区茶叶协会\u3000", fullwidth(TEA), "社会团体", "区农业农村局",
     "西湖区 文三路 １号", "张三", 13800138000),
    (2, "西湖区书法家协会", CALLIGRAPHY, "社团", None,  # supervisor merged from above
     "西湖区文二路2号", "李四", "0571-8888 1234"),
    (3, fullwidth("ABC") + "培训学校", SCHOOL, "民办非企业单位（社会服务机构）", "区教育局",
     "西湖区教工路3号", "王五", "13900139000"),
    (4, "翠苑社区老年协会", None, "社区社会组织", "翠苑街道", "翠苑一区", "赵六", None),
    (5, "坏代码协会", BAD, "社会团体", "区民政局", "西湖区某路5号", "钱七", "13700137000"),
    (6, "西湖区茶叶协会（重复）", TEA, "社会团体", "区农业农村局", "西湖区文三路1号", "张三",
     "13800138000"),
    (7, None, make_uscc("51", 7), "社会团体", "区民政局", "西湖区某路7号", "孙八", None),
    (8, "西湖区慈善基金会", FOUNDATION, "基金会", "区民政局", "西湖区某路8号", "周九", "12345"),
]


def messy_register(path: Path, rows: Sequence[tuple[object, ...]] = ROWS, *,
                   sheet: str = "名录", totals: bool = True) -> Path:
    """Write the messy register to ``path`` (header on Excel row 3, data from row 4)."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(["杭州市西湖区翠苑街道社会组织名录（2024年）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws["A1"].font = Font(bold=True, size=16)
    ws.append(["填报单位：翠苑街道总工会　　　　填报日期：２０２４年５月"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADER))
    ws.append(list(HEADER))
    for row in rows:
        ws.append(list(row))
    if len(rows) >= 2 and rows[1][4] is None:
        ws.merge_cells(start_row=4, start_column=5, end_row=5, end_column=5)
    last = 3 + len(rows)
    if totals:
        ws.cell(row=last + 2, column=1, value="合计：共8个单位")
        ws.merge_cells(start_row=last + 2, start_column=1, end_row=last + 2, end_column=2)
        last += 2
    # Formatted but empty cells below and to the right, as lists copied around have.
    fill = PatternFill("solid", fgColor="FFFF00")
    for r in range(last + 1, last + 6):
        ws.cell(row=r, column=len(HEADER) + 2).fill = fill
    book.save(path)
    return path
