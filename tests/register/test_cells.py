"""Cell values become clean text: half-width, NFKC, one space, numbers as typed."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldsurvey.register.cells import CellText, cell_text, clean_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\u3000西湖区茶叶协会\u3000", "西湖区茶叶协会"),
        ("ＡＢＣ培训学校（筹）", "ABC培训学校(筹)"),
        ("西湖区  文三路\n1号", "西湖区 文三路 1号"),
        ("茶叶\u200b协会\ufeff", "茶叶协会"),
        # Kangxi radicals from PDFs look like ordinary characters but do not compare equal.
        ("\u2f08\u2f2f协会", "人工协会"),
        ("①号楼", "1号楼"),
        ("", ""),
        ("\t \u00a0", ""),
    ],
)
def test_cells_are_cleaned(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_compatibility_ideographs_are_kept_as_typed() -> None:
    """NFKC would swap U+F900 豈 for U+8C48: a different glyph some names use on purpose."""
    assert clean_text("\uf900村\uff21") == "\uf900村A"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (13800138000.0, CellText("13800138000")),
        (1.5, CellText("1.5")),
        (7, CellText("7")),
        (513301000000000000.0, CellText("513301000000000000", lost_digits=True)),
        (914403001922038216, CellText("914403001922038216", lost_digits=True)),
        ("5.13301E+17", CellText("5.13301E+17", lost_digits=True)),
        ("51330106MJ0000018H", CellText("51330106MJ0000018H")),
        (dt.datetime(2024, 5, 1), CellText("2024-05-01")),
        (dt.datetime(2024, 5, 1, 8, 30), CellText("2024-05-01 08:30:00")),
        (dt.date(2024, 5, 1), CellText("2024-05-01")),
        (True, CellText("TRUE")),
        (None, CellText("")),
    ],
)
def test_cell_values_become_text(value: object, expected: CellText) -> None:
    assert cell_text(value) == expected


@given(st.text())
def test_cleaning_is_idempotent_and_tidy(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert "\u3000" not in once
    assert not any("\uff01" <= ch <= "\uff5e" for ch in once)


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_whole_numbers_up_to_15_digits_keep_every_digit(number: int) -> None:
    assert cell_text(float(number)) == CellText(str(number))
