"""Finding the header row and proposing which column is which field."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from register_workbooks import messy_register

from fieldsurvey.register import RegisterError, detect_header, find_header, read_register
from fieldsurvey.register.headers import HEADER_SCAN_ROWS, match_header, propose_mapping


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("单位名称", "name"), ("名称", "name"), ("社会组织名称", "name"), ("名  称", "name"),
        ("*单位名称（盖章）", "name"),
        ("统一社会信用代码", "uscc"), ("信用代码", "uscc"), ("社会组织统一社会信用代码", "uscc"),
        ("登记类型", "reg_type"), ("类型", "reg_type"), ("单位类型", "reg_type"),
        ("业务主管单位", "supervisor"), ("业务主管单位名称", "supervisor"),
        ("住所", "address"), ("地址", "address"), ("单位地址", "address"),
        ("法定代表人", "legal_rep"), ("负责人", "legal_rep"), ("法定代表人（负责人）", "legal_rep"),
        ("法定代表人/负责人", "legal_rep"),
        ("联系电话", "phone"), ("负责人电话", "phone"), ("联系方式", "phone"),
        ("领域", "field"), ("行业类别", "field"),
        ("成立日期", "registered_on"), ("成立登记日期", "registered_on"),
        ("登记日期", "registered_on"),
    ],
)
def test_header_words_name_their_field(header: str, field: str) -> None:
    found = match_header(header)
    assert found is not None and found[0] == field


@pytest.mark.parametrize("header", ["序号", "备注", "联系人", "法人登记证号", "登记证号", ""])
def test_other_columns_match_nothing(header: str) -> None:
    assert match_header(header) is None


def test_the_header_is_found_below_a_title_and_a_note(tmp_path: Path) -> None:
    guess = find_header(read_register(messy_register(tmp_path / "名录.xlsx")))
    assert guess.row == 2
    assert guess.mapping == {"name": 1, "uscc": 2, "reg_type": 3, "supervisor": 4,
                             "address": 5, "legal_rep": 6, "phone": 7}


def test_the_lower_row_of_a_two_row_header_wins() -> None:
    rows = [
        ["单位名称", "联系方式", "联系方式", "备注"],  # merged cells filled across
        ["单位名称", "电话", "地址", "备注"],
        ["甲协会", "13800138000", "某路1号", ""],
    ]
    guess = detect_header(rows)
    assert guess is not None
    assert (guess.row, dict(guess.mapping)) == (1, {"name": 0, "address": 2, "phone": 1})


def test_a_header_must_name_the_name_column() -> None:
    assert detect_header([["序号", "电话", "地址"], ["1", "13800138000", "某路"]]) is None


def test_a_header_further_down_than_the_scan_is_not_found() -> None:
    rows = [["说明"]] * HEADER_SCAN_ROWS + [["单位名称", "统一社会信用代码"]]
    assert detect_header(rows) is None


def test_no_header_is_reported_with_file_and_sheet(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Sheet1"
    ws.append(["甲", "乙"])
    book.save(tmp_path / "list.xlsx")
    with pytest.raises(RegisterError) as missing:
        find_header(read_register(tmp_path / "list.xlsx"))
    assert missing.value.message.render("zh").startswith(
        "在文件“list.xlsx”工作表“Sheet1”的前 20 行中找不到表头")


def test_a_field_named_twice_takes_the_stronger_then_the_leftmost_column() -> None:
    assert propose_mapping(["名称", "单位名称", "电话", "联系电话"]) == {"name": 1, "phone": 3}
    assert propose_mapping(["XX街道社会组织名录", "XX街道社会组织名录"]) == {"name": 0}


HEADERS = {"name": "单位名称", "uscc": "统一社会信用代码", "reg_type": "登记类型",
           "supervisor": "业务主管单位", "address": "住所", "legal_rep": "法定代表人",
           "phone": "联系电话", "field": "所属领域"}


@given(st.permutations([*HEADERS, "序号", "备注"]))
def test_the_mapping_follows_the_columns_in_any_order(order: list[str]) -> None:
    cells = [HEADERS.get(name, name) for name in order]
    assert propose_mapping(cells) == {f: order.index(f) for f in HEADERS}
