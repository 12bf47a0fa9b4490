"""Register import: every hostile file is refused by the gate, naming the file and what
was found, before calamine sees a byte; honest files of the same shapes still read."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import hostile_legacy as legacy
import pytest
from hostile_files import HEADER_ROW, HOSTILE, MAIN, hostile, sheet_xml, xlsx
from python_calamine import CalamineWorkbook

from fieldsurvey.register import RegisterError, read_register

# The gate's own words for each reason (the register keeps its older words for some).
REGISTER_CODES = {"encrypted": "register.encrypted", "corrupt": "register.not_a_workbook"}


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """calamine must never be reached for a refused file."""

    def boom(*_: object, **__: object) -> None:
        raise AssertionError("calamine parsed a file the gate should have refused")

    monkeypatch.setattr(CalamineWorkbook, "from_filelike", boom)


@pytest.mark.parametrize(("cls", "name", "reason"), HOSTILE,
                         ids=[f"{c}:{n}" for c, n, _ in HOSTILE])
@pytest.mark.usefixtures("no_parsing")
def test_a_hostile_register_is_refused_before_parsing(
        cls: str, name: str, reason: str, tmp_path: Path) -> None:
    path = tmp_path / f"名录-{name}.xlsx"
    path.write_bytes(hostile(name))
    with pytest.raises(RegisterError) as refused:
        read_register(path)
    message = refused.value.message
    assert message.code == REGISTER_CODES.get(reason, f"filegate.{reason}")
    for lang in ("zh", "en"):
        words = message.render(lang)
        assert path.name in words and "{" not in words and "filegate." not in words
    if message.code.startswith("filegate."):
        assert message.params["found"], "the message says what was found"


def _read(tmp_path: Path, data: bytes, name: str = "名录.xlsx") -> tuple[tuple[str, ...], ...]:
    path = tmp_path / name
    path.write_bytes(data)
    return read_register(path).rows


def test_formatting_far_down_is_not_a_range(tmp_path: Path) -> None:
    """Styled empty cells and rows at the bottom (Excel counts them, calamine skips them)."""
    rows = HEADER_ROW + '<row r="1048576" ht="20" customHeight="1"><c r="B1048576" s="1"/></row>'
    assert _read(tmp_path, xlsx(sheet_xml(rows, dimension="A1:B1048576"))) == (
        ("单位名称", "统一社会信用代码"), ("甲协会", ""))


def test_cells_without_references_and_prefixed_names_read_as_usual(tmp_path: Path) -> None:
    loose = "<row>" + "<c t='inlineStr'><is><t>名称</t></is></c><c><v>7</v></c>" + "</row>"
    assert _read(tmp_path, xlsx(sheet_xml(loose * 3, dimension=None))) == (("名称", "7"),) * 3
    prefixed = (f"<?xml version='1.0'?><x:worksheet xmlns:x='{MAIN}'><x:sheetData>"
                "<x:row r='1'><x:c r='A1' t='inlineStr'><x:is><x:t>甲</x:t></x:is></x:c>"
                "<x:c r='C1'><x:v>3</x:v></x:c></x:row></x:sheetData></x:worksheet>")
    assert _read(tmp_path, xlsx(prefixed.encode())) == (("甲", "", "3"),)


def test_an_ods_with_the_usual_empty_runs_at_the_end_reads(tmp_path: Path) -> None:
    data = legacy.ods(legacy.ODS_HEADER + legacy.ODS_TRAILER)
    assert _read(tmp_path, data, "名录.ods") == (("单位名称",), ("甲协会",))


def test_a_wide_honest_register_within_the_range_reads(tmp_path: Path) -> None:
    """40 columns of 1,000 rows: far inside the bound."""
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{col}{r}"><v>{r}</v></c>'
                                             for col in ("A", "M", "AN")) + "</row>"
                   for r in range(1, 1001))
    read = _read(tmp_path, xlsx(sheet_xml(rows, dimension="A1:AN1000")))
    assert len(read) == 1000 and len(read[0]) == 40


def test_an_xls_within_bounds_still_reads(tmp_path: Path) -> None:
    data = legacy.xls(legacy.number(0, 0, 5) + legacy.number(99, 9, 6),
                      dimensions=(0, 100, 0, 10))
    read = _read(tmp_path, data, "名录.xls")
    assert (len(read), read[0][0], read[99][9]) == (100, "5", "6")


def test_a_refusal_inside_a_real_zip_names_the_part(tmp_path: Path) -> None:
    """An xlsm saved by a program, not built by hand: the message names vbaProject.bin."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx())) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/vbaProject.bin", b"\0" * 100)
    with pytest.raises(RegisterError) as refused:
        _read(tmp_path, out.getvalue(), "宏.xlsm")
    assert "vbaProject.bin" in refused.value.message.render("en")
