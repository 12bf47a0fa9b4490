"""The blank paper form: every question of the form, numbered in order, with skips in words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pdf_helpers import fonts, page_texts, squeeze

from fieldsurvey.forms.loader import load_form_markdown
from fieldsurvey.forms.model import FormDefinition, Question
from fieldsurvey.printing.blank_form import (
    BlankHeading,
    BlankQuestion,
    BlankRepeat,
    blank_form_items,
    write_blank_form,
)
from fieldsurvey.progress import Cancelled

SKIPS_MD = """
| survey |
| | type | name | label | relevant |
| | select_one result | result | Result | |
| | text | why | Why refused | ${result} = 'refused' |
| | text | note_a | First after | ${result} != 'refused' |
| | text | note_b | Second after | ${result} != 'refused' |
| | select_multiple reasons | reasons | Reasons | |
| | text | other | Other reason | selected(${reasons}, 'other') |
| | integer | staff | Staff | |
| | text | many | Many staff | ${staff} > 10 and ${result} = 'completed' |
| | text | odd | Odd | string-length(${why}) > 3 |
| | begin_group | union | Union | ${result} = 'completed' or ${result} = 'partial' |
| | text | chair | Chair | |
| | end_group | | | |
| | text | last | Last | |
| choices |
| | list_name | name | label |
| | result | completed | Completed |
| | result | partial | Partial |
| | result | refused | Refused |
| | reasons | few | Few staff |
| | reasons | other | Other |
| settings |
| | form_id | version |
| | skips | 1 |
"""


@pytest.fixture(scope="module")
def skips() -> FormDefinition:
    return load_form_markdown(SKIPS_MD)


def _by_name(items: list[BlankHeading | BlankQuestion | BlankRepeat]
             ) -> dict[str, BlankHeading | BlankQuestion | BlankRepeat]:
    return {i.name: i for i in items}


def test_every_asked_question_of_the_shipped_form_is_numbered_in_form_order(
        shipped_form: FormDefinition) -> None:
    items = blank_form_items(shipped_form, "zh")
    asked = [q.name for q in shipped_form.questions() if q.takes_input]
    printed: list[str] = []
    for item in items:
        if isinstance(item, BlankQuestion):
            printed.append(item.name)
        elif isinstance(item, BlankRepeat):
            printed += [c.name for c in item.columns]
    assert printed == asked
    top = [int(i.number) for i in items if isinstance(i, BlankQuestion | BlankRepeat)]
    assert top == list(range(1, len(top) + 1))
    roster = next(i for i in items if isinstance(i, BlankRepeat))
    assert [c.number for c in roster.columns] == [
        f"{roster.number}.{k}" for k in range(1, len(roster.columns) + 1)]


def test_the_pdf_lists_the_questions_with_their_numbers_in_order(
        shipped_form: FormDefinition, tmp_path: Path) -> None:
    out = tmp_path / "blank.pdf"
    pages = write_blank_form(shipped_form, out)
    texts = page_texts(out)
    assert pages == len(texts) >= 3
    whole = squeeze("".join(texts))
    position = 0
    for item in blank_form_items(shipped_form, "zh"):
        if isinstance(item, BlankQuestion):
            needle = squeeze(f"{item.number}. {item.label}")
            found = whole.find(needle, position)
            assert found >= 0, needle
            position = found
    assert all(r["emb"] == "yes" for r in fonts(out))
    assert "□" in whole and "单选" in whole
    assert "（可多选）（可多选）" not in whole  # a label that says it keeps its words only


def test_a_single_choice_condition_becomes_a_skip_to_the_next_question(
        skips: FormDefinition) -> None:
    items = _by_name(blank_form_items(skips, "zh"))
    numbers = {n: i.number for n, i in items.items() if isinstance(i, BlankQuestion)}
    assert numbers == {"result": "1", "why": "2", "note_a": "3", "note_b": "4", "reasons": "5",
                       "other": "6", "staff": "7", "many": "8", "odd": "9", "chair": "10",
                       "last": "11"}
    why = items["why"]
    assert isinstance(why, BlankQuestion)
    assert why.instruction == "若第1题选“Completed”或“Partial”，跳至第3题。"


def test_consecutive_questions_with_one_condition_share_one_instruction(
        skips: FormDefinition) -> None:
    items = _by_name(blank_form_items(skips, "zh"))
    first, second = items["note_a"], items["note_b"]
    assert isinstance(first, BlankQuestion) and isinstance(second, BlankQuestion)
    assert first.instruction == "若第1题选“Refused”，跳至第5题。"
    assert second.instruction == ""


def test_a_multiple_choice_condition_names_the_box_to_tick(skips: FormDefinition) -> None:
    other = _by_name(blank_form_items(skips, "zh"))["other"]
    assert isinstance(other, BlankQuestion)
    assert other.instruction == "若第5题未勾选“Other”，跳至第7题。"


def test_a_condition_on_two_questions_is_put_in_words(skips: FormDefinition) -> None:
    many = _by_name(blank_form_items(skips, "zh"))["many"]
    assert isinstance(many, BlankQuestion)
    assert many.instruction == "仅当第7题大于10，且第1题选“Completed”时填写本题；否则跳至第9题。"


def test_an_unusual_condition_is_shown_with_question_numbers(skips: FormDefinition) -> None:
    odd = _by_name(blank_form_items(skips, "zh"))["odd"]
    assert isinstance(odd, BlankQuestion)
    assert odd.instruction == "仅当满足条件 string-length(第2题) > 3时填写本题；否则跳至第10题。"


def test_a_conditional_section_skips_past_its_last_question(skips: FormDefinition) -> None:
    union = _by_name(blank_form_items(skips, "zh"))["union"]
    assert isinstance(union, BlankHeading)
    assert union.instruction == "若第1题选“Refused”，跳至第11题。"


def test_skip_instructions_in_english(skips: FormDefinition) -> None:
    items = _by_name(blank_form_items(skips, "en"))
    why, many = items["why"], items["many"]
    assert isinstance(why, BlankQuestion) and isinstance(many, BlankQuestion)
    assert why.instruction == "If question 1 is “Completed” or “Partial”, go to question 3."
    assert many.instruction == ("Answer only if question 7 is more than 10 and question 1 is "
                                "“Completed”; otherwise go to question 9.")


def test_the_shipped_forms_skips_point_at_the_right_questions(
        shipped_form: FormDefinition, tmp_path: Path) -> None:
    items = blank_form_items(shipped_form, "zh")
    numbers = {i.name: i.number for i in items if isinstance(i, BlankQuestion | BlankRepeat)}
    by_name = _by_name(items)
    result, union_status = numbers["visit_result"], numbers["union_status"]
    # The staff section is skipped unless the interview was completed: to union status.
    staff = by_name["staff"]
    assert isinstance(staff, BlankHeading)
    assert staff.instruction.startswith(f"若第{result}题选“拒访”")
    assert staff.instruction.endswith(f"跳至第{union_status}题。")
    # No union at all: past the union's own details to the members.
    union_org = by_name["union_org"]
    assert isinstance(union_org, BlankHeading)
    assert union_org.instruction == (f"若第{union_status}题选“未建会”或“职工单体入会”，"
                                     f"跳至第{numbers['union_members']}题。")
    # The roster is asked only for unions of their own (single or joint).
    leaders = by_name["leaders"]
    assert isinstance(leaders, BlankRepeat)
    assert leaders.instruction.endswith(f"跳至第{int(leaders.number) + 1}题。")
    # Every "go to" names a question after the instruction.
    for item in items:
        if isinstance(item, BlankQuestion | BlankRepeat) and item.instruction:
            target = re.search(r"跳至第(\d+)题", item.instruction)
            assert target is None or int(target.group(1)) > int(item.number), item
    out = tmp_path / "blank.pdf"
    write_blank_form(shipped_form, out)
    assert squeeze(union_org.instruction) in squeeze("".join(page_texts(out)))


def test_the_roster_is_an_empty_table_with_rows_to_fill(shipped_form: FormDefinition,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "blank.pdf"
    write_blank_form(shipped_form, out, repeat_rows=8)
    roster = next(i for i in blank_form_items(shipped_form, "zh", 8) if isinstance(i, BlankRepeat))
    text = squeeze("".join(page_texts(out)))
    assert squeeze(f"{roster.number}. {roster.label}") in text
    assert "共8行" in text
    for column in roster.columns:
        assert squeeze(f"{column.number} {column.label}") in text
    sex = next(c for c in roster.columns if c.name == "leader_sex")
    assert sex.choices == ("男", "女")


def test_notes_and_calculations_are_not_printed(shipped_form: FormDefinition) -> None:
    names = {i.name for i in blank_form_items(shipped_form, "zh")}
    silent = {q.name for q in shipped_form.questions() if not q.takes_input}
    assert silent and not names & silent
    assert isinstance(shipped_form.node("obstruction_flag"), Question)


def test_a_uscc_question_gets_eighteen_character_boxes(shipped_form: FormDefinition) -> None:
    uscc = _by_name(blank_form_items(shipped_form, "zh"))["uscc"]
    assert isinstance(uscc, BlankQuestion) and uscc.code_boxes == 18


def test_cancelling_the_blank_form_leaves_no_file(shipped_form: FormDefinition,
                                                  tmp_path: Path) -> None:
    class Cancel:
        def report(self, *args: object, **kwargs: object) -> None:
            pass

        def cancelled(self) -> bool:
            return True

    out = tmp_path / "blank.pdf"
    with pytest.raises(Cancelled):
        write_blank_form(shipped_form, out, progress=Cancel())
    assert list(tmp_path.iterdir()) == []
