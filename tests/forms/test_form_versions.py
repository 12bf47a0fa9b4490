"""Comparing two versions of a form: every change named by place; losses refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldsurvey.cli import main
from fieldsurvey.forms.loader import load_form_markdown
from fieldsurvey.forms.versions import Change, compare, refused
from version_forms import V1, V2, v3


def _by_kind(changes: list[Change]) -> dict[str, Change]:
    return {c.kind + ":" + str(c.params.get("name", c.params.get("new"))): c for c in changes}


def test_a_rename_and_a_move_into_a_group_are_reported_and_accepted() -> None:
    changes = compare(load_form_markdown(V1), load_form_markdown(V2))
    found = _by_kind(changes)
    rename = found["renamed:chair_name"]
    assert (rename.side, rename.sheet, rename.row, rename.column) == (
        "new", "survey", 5, "fs_previous_name")
    assert rename.params == {"old": "chair_nm", "new": "chair_name"}
    move = found["moved:contact"]
    assert (move.row, move.params["new"]) == (7, "contact_g")
    assert refused(changes) == []


def test_a_declared_split_removal_and_new_required_question_are_accepted() -> None:
    changes = compare(load_form_markdown(V2), load_form_markdown(v3()))
    found = _by_kind(changes)
    split = found["choice_split:parttime"]
    assert (split.sheet, split.row, split.column) == ("choices", 5, "fs_previous_value")
    assert split.params["targets"] == "parttime_staff, retired"
    assert found["removed_declared:old_remark"].column == "fs_removed"
    assert "added:plaque" in found
    assert refused(changes) == []


def test_a_removed_question_with_answers_is_refused_without_a_declaration() -> None:
    bad = refused(compare(load_form_markdown(V2), load_form_markdown(v3(removed=""))))
    assert [(c.kind, c.side, c.row) for c in bad if c.kind == "removed_undeclared"] == [
        ("removed_undeclared", "old", 10)]


def test_a_split_choice_without_a_mapping_is_refused() -> None:
    bad = refused(compare(load_form_markdown(V2), load_form_markdown(v3(split=""))))
    assert [(c.kind, c.sheet, c.row, c.params["name"]) for c in bad] == [
        ("choice_removed", "choices", 5, "parttime")]


def test_a_type_that_cannot_hold_the_old_answers_is_refused() -> None:
    narrowed = V2.replace("| text | chair_name |", "| integer | chair_name |")
    bad = refused(compare(load_form_markdown(V1), load_form_markdown(narrowed)))
    assert [(c.kind, c.params["old"], c.params["new"]) for c in bad] == [
        ("retyped", "text", "integer")]
    widened = V2.replace("| integer | staff |", "| decimal | staff |")
    # staff feeds a statistic: even a widening changes what the county sums.
    assert [c.kind for c in refused(compare(load_form_markdown(V1),
                                            load_form_markdown(widened)))] == ["stat_retyped"]


def test_a_changed_fs_stat_meaning_is_refused() -> None:
    moved = V2.replace("| integer | staff | Staff | | staff_total |",
                       "| integer | staff | Staff | | |").replace(
        "| text | old_remark | Remark | | |", "| integer | old_remark | Remark | | staff_total |")
    kinds = {c.kind for c in refused(compare(load_form_markdown(V1), load_form_markdown(moved)))}
    assert "stat_moved" in kinds
    stat_split = V1.replace("| status | own | Own |", "| status | own_single | Own |\n"
                            "| | status | own_joint | Joint |").replace(
        "| list_name | name | label |", "| list_name | name | label | fs_previous_value |").replace(
        "| vt | 1 |", "| vt | 2 |")
    stat_split = stat_split.replace("| status | own_single | Own |", "| status | own_single | Own | own |")
    stat_split = stat_split.replace("| status | own_joint | Joint |", "| status | own_joint | Joint | own |")
    assert "stat_choices" in {c.kind for c in refused(compare(
        load_form_markdown(V1), load_form_markdown(stat_split)))}


def test_a_version_must_be_later_and_of_the_same_form() -> None:
    same = refused(compare(load_form_markdown(V2), load_form_markdown(V2)))
    assert [c.kind for c in same] == ["version_not_later"]
    other = load_form_markdown(V2.replace("| vt | 2 |", "| other | 2 |"))
    assert [c.kind for c in refused(compare(load_form_markdown(V1), other))] == ["other_form"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_form_check_against_reports_by_sheet_row_and_column(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str) -> None:
    old, good, bad = tmp_path / "v2.md", tmp_path / "v3.md", tmp_path / "v3_bad.md"
    old.write_text(V2, encoding="utf-8")
    good.write_text(v3(), encoding="utf-8")
    bad.write_text(v3(removed=""), encoding="utf-8")
    assert main(["--lang", lang, "form", "check", str(good), "--against", str(old)]) == 0
    out = capsys.readouterr().out
    assert ("第5行 fs_previous_value 列" if lang == "zh" else "row 5 column fs_previous_value") in out
    assert main(["--lang", lang, "form", "check", str(bad), "--against", str(old)]) == 1
    out = capsys.readouterr().out
    assert ("v2.md survey 表 第10行" if lang == "zh" else "v2.md sheet survey row 10") in out
    assert "old_remark" in out


def test_form_check_against_a_missing_or_broken_old_form_is_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = tmp_path / "v3.md"
    new.write_text(v3(), encoding="utf-8")
    assert main(["--lang", "en", "form", "check", str(new), "--against",
                 str(tmp_path / "nope.md")]) == 1
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    assert main(["--lang", "en", "form", "check", str(new), "--against", str(broken)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err


def test_a_choice_removed_with_fs_removed_is_accepted_and_its_answers_kept() -> None:
    from fieldsurvey.forms.mapping import KEPT, move_answers

    dropped = v3().replace("| | reason | unaware | Unaware | |", "").replace(
        "| list_name | name | label | fs_previous_value |",
        "| list_name | name | label | fs_previous_value | fs_removed |").replace(
        "| | yn | no | No | |", "| | yn | no | No | | |\n| | reason | unaware | Unaware | | yes |")
    v2, new = load_form_markdown(V2), load_form_markdown(dropped)
    assert [c.name for c in new.choices["reason"]] == ["few", "parttime_staff", "retired"]
    changes = compare(v2, new)
    assert refused(changes) == []
    declared = _by_kind(changes)["choice_removed_declared:unaware"]
    assert (declared.sheet, declared.row, declared.column) == ("choices", 9, "fs_removed")
    moved = move_answers({"reasons": ["unaware", "few"]}, [v2, new]).answers
    assert moved["reasons"] == ["few"] and moved[KEPT] == {"2": {"reasons": ["unaware", "few"]}}
