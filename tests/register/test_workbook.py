"""Reading a sheet of a register workbook: formats, merged cells, sheets, bad files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from legacy_files import compound_file, xls_workbook
from openpyxl import Workbook
from register_workbooks import CALLIGRAPHY, TEA, messy_register

from fieldsurvey.register import RegisterError, read_register


def test_the_messy_register_reads_as_clean_rows(tmp_path: Path) -> None:
    sheet = read_register(messy_register(tmp_path / "名录.xlsx"))
    assert sheet.sheet == "名录"
    assert sheet.file_name == "名录.xlsx"
    # The title merged across the row is in every cell of it.
    assert set(sheet.rows[0]) == {"杭州市西湖区翠苑街道社会组织名录(2024年)"}
    assert sheet.rows[2][:3] == ("序号", "社会组织名称", "统一社会信用代码")
    # Full-width code and ideographic spaces are folded; the phone lost its ".0".
    assert sheet.rows[3][1:4] == ("西湖区茶叶协会", TEA, "社会团体")
    assert sheet.rows[3][7] == "13800138000"
    # The supervisor merged over rows 4-5 is in both.
    assert sheet.rows[4][4] == sheet.rows[3][4] == "区农业农村局"
    assert sheet.rows[4][2] == CALLIGRAPHY
    # Trailing formatted blank rows and columns are dropped; the totals line is the last.
    assert sheet.width == 8
    assert len(sheet.rows) == 13
    assert sheet.rows[-1][:2] == ("合计:共8个单位", "合计:共8个单位")
    assert sheet.lost_digits == frozenset()


def test_a_code_stored_as_a_number_is_flagged_not_guessed(tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["单位名称", "统一社会信用代码"])
    ws.append(["甲协会", 914403001922038216])
    book.save(tmp_path / "n.xlsx")
    sheet = read_register(tmp_path / "n.xlsx")
    assert sheet.lost_digits == frozenset({(1, 1)})


def test_the_first_non_empty_visible_sheet_is_read_by_default(tmp_path: Path) -> None:
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "说明"
    hidden = book.create_sheet("代码表")
    hidden.append(["代码", "名称"])
    hidden.sheet_state = "hidden"
    book.create_sheet("名录").append(["单位名称"])
    book.save(tmp_path / "s.xlsx")
    sheet = read_register(tmp_path / "s.xlsx")
    assert sheet.sheet == "名录"
    assert sheet.sheets == ("说明", "名录", "代码表")
    assert read_register(tmp_path / "s.xlsx", "代码表").rows == (("代码", "名称"),)


def test_a_missing_or_empty_sheet_is_named_in_the_error(tmp_path: Path) -> None:
    path = messy_register(tmp_path / "名录.xlsx")
    with pytest.raises(RegisterError) as missing:
        read_register(path, "Sheet9")
    assert missing.value.message.render("zh") == "文件“名录.xlsx”中没有名为“Sheet9”的工作表。"
    book = Workbook()
    book.save(tmp_path / "empty.xlsx")
    with pytest.raises(RegisterError) as empty:
        read_register(tmp_path / "empty.xlsx")
    assert empty.value.message.code == "register.empty_file"
    with pytest.raises(RegisterError) as empty_sheet:
        read_register(tmp_path / "empty.xlsx", "Sheet")
    assert empty_sheet.value.message.params == {"file": "empty.xlsx", "sheet": "Sheet"}


def test_an_old_xls_with_merged_cells_is_read(tmp_path: Path) -> None:
    path = tmp_path / "名录.xls"
    path.write_bytes(xls_workbook("名录", [
        ["社会组织名录", None, None],
        ["单位名称", "业务主管单位", "联系电话"],
        ["甲协会", "区民政局", 13800138000.0],
        ["乙协会", None, "0571-88881234"],
    ], merged=[(0, 0, 0, 2), (2, 3, 1, 1)]))
    sheet = read_register(path)
    assert sheet.rows == (
        ("社会组织名录",) * 3,
        ("单位名称", "业务主管单位", "联系电话"),
        ("甲协会", "区民政局", "13800138000"),
        ("乙协会", "区民政局", "0571-88881234"),
    )


def test_an_xlsx_saved_with_an_xls_name_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "名录.xls"
    path.write_bytes(messy_register(tmp_path / "x.xlsx").read_bytes())
    assert read_register(path).rows[2][1] == "社会组织名称"


MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type='
    '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>'
)


def test_an_ods_sheet_is_read_with_merged_cells_as_stored(tmp_path: Path) -> None:
    """calamine reports no merged ranges for ODS: only the first cell holds the value."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')

    def cell(text: str, span: int = 1) -> str:
        spanned = f' table:number-columns-spanned="{span}"' if span > 1 else ""
        return (f'<table:table-cell{spanned} office:value-type="string">'
                f"<text:p>{text}</text:p></table:table-cell>")

    rows = [cell("名录", 2) + "<table:covered-table-cell/>", cell("单位名称") + cell("联系电话"),
            cell("甲协会") + '<table:table-cell office:value-type="float" office:value='
            '"13800138000"><text:p>13800138000</text:p></table:table-cell>']
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}>'
               '<office:body><office:spreadsheet><table:table table:name="名录">'
               + "".join(f"<table:table-row>{r}</table:table-row>" for r in rows)
               + "</table:table></office:spreadsheet></office:body></office:document-content>")
    path = tmp_path / "名录.ods"
    with zipfile.ZipFile(path, "w") as ods:
        ods.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        ods.writestr("content.xml", content)
        ods.writestr("META-INF/manifest.xml", MANIFEST)
    assert read_register(path).rows == (("名录", ""), ("单位名称", "联系电话"),
                                        ("甲协会", "13800138000"))


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("名录.xlsx", "序号,单位名称\n1,甲协会\n".encode("gbk"), "register.not_a_workbook"),
        ("名录.xls", b"<html><table><tr><td>1</td></tr></table></html>",
         "register.not_a_workbook"),
        ("名录.xlsx", b"PK\x03\x04" + b"\0" * 200, "register.not_a_workbook"),
        ("名录.xlsx", b"", "register.not_a_workbook"),
        ("名录.xlsx", compound_file("EncryptedPackage", b"\x01" * 64), "register.encrypted"),
    ],
)
def test_a_file_that_is_no_readable_workbook_is_refused_by_name(
        tmp_path: Path, name: str, data: bytes, code: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(RegisterError) as refused:
        read_register(path)
    assert refused.value.message.code == code
    assert "名录" in refused.value.message.render("zh")


def test_a_missing_file_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(RegisterError) as refused:
        read_register(tmp_path / "不存在.xlsx")
    assert refused.value.message.render("zh") == "找不到文件“不存在.xlsx”，可能已被移动或删除。"
