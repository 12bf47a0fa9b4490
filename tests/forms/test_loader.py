"""Loading XLSForms: what is supported, and the report for what is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldsurvey.forms.loader import (
    FormLoadError,
    language_code,
    load_form,
    load_form_markdown,
)

GOOD = """
| survey |
| | type | name | label::中文 (zh) | label::English (en) | hint::中文 (zh) | required | relevant | constraint | constraint_message::中文 (zh) | appearance | calculation |
| | text | org_name | 单位名称 | Name | 以登记证书为准 | yes | | | | |
| | integer | staff | 职工人数 | Staff | | yes | | . >= 0 | 不能为负数 | |
| | select_one yn | has_union | 是否建会 | Union? | | | | | | minimal |
| | begin group | union | 工会 | Union | | | ${has_union} = 'yes' | | | field-list |
| | integer | members | 会员数 | Members | | | | . <= ${staff} | 会员不能多于职工 | |
| | end group | | | | | | | | | |
| | begin repeat | leaders | 领导 | Leaders | | | ${has_union} = 'yes' | | | |
| | text | leader_name | 姓名 | Name | | yes | | | | |
| | end repeat | | | | | | | | | |
| | calculate | n_leaders | | | | | | | | | count(${leaders}) |
| | note | done | 完成 | Done | | | | | | |
| choices |
| | list_name | name | label::中文 (zh) | label::English (en) |
| | yn | yes | 是 | Yes |
| | yn | no | 否 | No |
| settings |
| | form_id | version | form_title | default_language |
| | demo | 2026112101 | 演示 | 中文 (zh) |
"""


def test_a_supported_form_loads_with_its_structure() -> None:
    form = load_form_markdown(GOOD)
    assert (form.form_id, form.version, form.default_language) == ("demo", "2026112101", "zh")
    assert form.languages == ("en", "zh")
    assert [q.name for q in form.questions()] == [
        "org_name", "staff", "has_union", "members", "leader_name", "n_leaders", "done"]
    assert form.question("members").repeats == ()
    assert form.question("leader_name").repeats == ("leaders",)
    assert form.question("org_name").hints == {"zh": "以登记证书为准"}
    assert form.question("has_union").appearance == frozenset({"minimal"})
    assert [c.name for c in form.choices["yn"]] == ["yes", "no"]
    assert form.label("staff", "en") == "Staff"
    assert [g.name for g in form.ancestors("members")] == ["union"]


def test_unsupported_items_are_each_reported_with_sheet_row_and_column() -> None:
    """The acceptance case: geopoint, audio, an unknown function and select_one_from_file."""
    md = """
| survey |
| | type | name | label | relevant |
| | text | a | A | |
| | geopoint | where | Where | |
| | audio | voice | Voice | |
| | integer | b | B | pulldata('x', 'y', 'z', ${a}) |
| | select_one_from_file towns.csv | town | Town | |
"""
    with pytest.raises(FormLoadError) as caught:
        load_form_markdown(md)
    report = {(p.sheet, p.row, p.column, p.message.code): p.message.params
              for p in caught.value.problems}
    assert ("survey", 3, "type", "form.unsupported_type") in report
    assert report[("survey", 3, "type", "form.unsupported_type")] == {"type": "geopoint"}
    assert report[("survey", 4, "type", "form.unsupported_type")] == {"type": "audio"}
    assert report[("survey", 5, "relevant", "form.unsupported_function")] == {
        "function": "pulldata"}
    assert report[("survey", 6, "type", "form.unsupported_type")] == {
        "type": "select_one_from_file towns.csv"}
    assert len(caught.value.problems) == 4
    rendered = "\n".join(p.render("zh") for p in caught.value.problems)
    assert "geopoint" in rendered and "pulldata" in rendered and "第5行" in rendered


@pytest.mark.parametrize(
    ("md_rows", "code", "column"),
    [
        ("| | text | a | A | concat(${nope}) |", "form.unknown_reference", "relevant"),
        ("| | text | a | A | /data/x = 1 |", "form.bad_expression", "relevant"),
        ("| | text | a | A | county = 'x' |", "form.bare_name", "relevant"),
        ("| | select_one nolist | a | A | |", "form.unknown_list", "type"),
        ("| | select_one yn or_other | a | A | |", "form.unsupported_type", "type"),
        ("| | image | a | A | |", "form.unsupported_type", "type"),
        ("| | begin group | g | G | |", "form.unclosed_group", "type"),
        ("| | text | 1a | A | |", "form.bad_name", "name"),
    ],
)
def test_each_kind_of_problem_is_reported(md_rows: str, code: str, column: str) -> None:
    md = f"| survey |\n| | type | name | label | relevant |\n{md_rows}\n"
    with pytest.raises(FormLoadError) as caught:
        load_form_markdown(md)
    assert (code, column) in {(p.message.code, p.column) for p in caught.value.problems}


def test_duplicate_names_and_unsupported_columns_are_reported() -> None:
    md = """
| survey |
| | type | name | label | media::image | guidance_hint |
| | text | a | A | | |
| | text | a | Again | x.png | |
"""
    with pytest.raises(FormLoadError) as caught:
        load_form_markdown(md)
    found = {(p.row, p.column, p.message.code) for p in caught.value.problems}
    assert (3, "name", "form.duplicate_name") in found
    assert (1, "media::image", "form.unsupported_column") in found
    assert (1, "guidance_hint", "form.unsupported_column") in found


def test_unsupported_settings_and_fs_columns_are_checked() -> None:
    md = """
| survey |
| | type | name | label | fs_stat | fs_prefill |
| | integer | a | A | staff_total | register.name |
| | integer | b | B | staff_total | elsewhere |
| settings |
| | form_id | submission_url |
| | x | http://example.invalid |
"""
    with pytest.raises(FormLoadError) as caught:
        load_form_markdown(md)
    found = {(p.sheet, p.row, p.column, p.message.code) for p in caught.value.problems}
    assert ("survey", 3, "fs_stat", "form.duplicate_stat") in found
    assert ("survey", 3, "fs_prefill", "form.bad_prefill") in found
    assert ("settings", 1, "submission_url", "form.unsupported_setting") in found


def test_an_xlsx_form_is_read_with_row_numbers(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "survey"
    ws.append(["type", "name", "label"])
    ws.append(["text", "a", "A"])
    ws.append([None, None, None])  # a blank row must not shift the numbering
    ws.append(["geopoint", "g", "G"])
    path = tmp_path / "f.xlsx"
    wb.save(path)
    with pytest.raises(FormLoadError) as caught:
        load_form(path)
    assert [(p.row, p.message.code) for p in caught.value.problems] == [
        (4, "form.unsupported_type")]


def test_language_codes_come_from_the_column_suffix() -> None:
    assert language_code("中文 (zh)") == "zh"
    assert language_code("English (en)") == "en"
    assert language_code("") == "default"


def test_pyxform_structure_errors_carry_their_row() -> None:
    md = """
| survey |
| | type | name | label |
| | text | a | A |
| | calculate | c | |
"""
    with pytest.raises(FormLoadError) as caught:
        load_form_markdown(md)
    [problem] = caught.value.problems
    assert (problem.row, problem.message.code) == (3, "form.pyxform")
