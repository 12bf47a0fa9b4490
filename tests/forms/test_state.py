"""The form engine: relevance chains, choice filters, repeats, calculations, checks."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldsurvey.forms.answers import MAX_TEXT_LENGTH, AnswerError
from fieldsurvey.forms.loader import load_form_markdown
from fieldsurvey.forms.state import FormState, Ref
from fieldsurvey.forms.validation import check, errors, warnings

NOW = dt.datetime(2026, 11, 21, 10, 30)

FORM = load_form_markdown("""
| survey |
| | type | name | label | relevant | constraint | required | calculation | choice_filter | default | repeat_count | fs_warning |
| | select_one status | union_status | Union | | | yes | | | | | |
| | integer | staff | Staff | | . >= 0 | | | | | | |
| | begin group | details | Details | ${union_status} != 'none' and ${union_status} != '' | | | | | | | |
| | date | setup | Set up | | . <= today() | yes | | | | | |
| | integer | members | Members | | . <= ${staff} | | | | | | |
| | select_one yn | has_chair | Chair? | | | | | | no | | |
| | text | chair | Chair name | ${has_chair} = 'yes' | | yes | | | | | |
| | end group | | | | | | | | | | |
| | select_multiple reason | reasons | Reasons | ${union_status} = 'none' | | | | | | | |
| | text | reason_other | Other | selected(${reasons}, 'other') | | yes | | | | | |
| | select_one province | province | Province | | | | | | | | |
| | select_one city | city | City | | | | | province = ${province} | | | |
| | begin repeat | leaders | Leaders | ${union_status} = 'own' | | | | | | | |
| | text | leader | Name | | | yes | | | | | |
| | integer | years | Years | | | | | | 1 | | |
| | end repeat | | | | | | | | | | |
| | calculate | n_leaders | | | | | count(${leaders}) | | | | |
| | calculate | years_total | | | | | sum(${years}) | | | | |
| | integer | n_visits | Visits | | | | | | 2 | | |
| | begin repeat | visits | Visits | | | | | | | ${n_visits} | |
| | date | when | When | | | | | | today() | | |
| | end repeat | | | | | | | | | | |
| | text | code | Code | | | | | | | | string-length(.) = 3 |
| choices |
| | list_name | name | label | province |
| | status | none | None | |
| | status | own | Own | |
| | status | joint | Joint | |
| | yn | yes | Yes | |
| | yn | no | No | |
| | reason | few | Few staff | |
| | reason | other | Other | |
| | province | hb | Hubei | |
| | province | jl | Jilin | |
| | city | xn | Xianning | hb |
| | city | wh | Wuhan | hb |
| | city | cc | Changchun | jl |
""")


def state(answers: dict[str, object] | None = None) -> FormState:
    return FormState(FORM, answers, now=lambda: NOW)  # type: ignore[arg-type]


def test_defaults_fill_a_new_form_including_dynamic_ones_and_repeat_counts() -> None:
    s = state()
    assert s.raw(Ref("has_chair")) == "no"
    assert s.instance_count("visits") == 2
    assert s.raw(Ref("when", (1,))) == "2026-11-21"


def test_relevance_chain_collapses_when_the_root_answer_changes() -> None:
    s = state({"union_status": "own", "has_chair": "yes", "chair": "王"})
    assert s.relevant(Ref("chair"))
    s.set(Ref("union_status"), "none")
    # chair depends on has_chair, which sits in a group that is now not relevant.
    assert not s.relevant(Ref("details"))
    assert not s.relevant(Ref("has_chair"))
    assert not s.relevant(Ref("chair"))
    assert s.value(Ref("has_chair")) is None
    assert s.relevant(Ref("reasons"))


def test_a_relevance_chain_through_selected() -> None:
    s = state({"union_status": "none", "reasons": ["few"]})
    assert not s.relevant(Ref("reason_other"))
    s.set(Ref("reasons"), ["few", "other"])
    assert s.relevant(Ref("reason_other"))
    assert [i.ref.name for i in errors(check(s))] == ["reason_other"]


def test_choice_filter_cascades_on_the_parent_answer() -> None:
    s = state({"province": "hb"})
    assert [c.name for c in s.choices(Ref("city"))] == ["xn", "wh"]
    s.set(Ref("province"), "jl")
    assert [c.name for c in s.choices(Ref("city"))] == ["cc"]
    s.set(Ref("province"), None)
    assert s.choices(Ref("city")) == []


def test_a_choice_that_the_filter_excludes_is_an_error() -> None:
    s = state({"union_status": "joint", "province": "jl", "city": "xn"})
    assert ("city", "form.not_a_choice") in {(i.ref.name, i.message.code) for i in check(s)}


def test_repeat_aggregates_count_and_sum_instances() -> None:
    s = state({"union_status": "own"})
    assert s.value(Ref("n_leaders")) == 0
    for name in ("甲", "乙", "丙"):
        i = s.add_instance("leaders")
        s.set(Ref("leader", (i,)), name)
    s.set(Ref("years", (2,)), 5)
    assert s.value(Ref("n_leaders")) == 3
    assert s.value(Ref("years_total")) == 7  # defaults 1 + 1 + 5
    s.remove_instance("leaders", (0,))
    assert s.value(Ref("n_leaders")) == 2
    assert [s.raw(Ref("leader", (i,))) for i in range(2)] == ["乙", "丙"]


def test_a_non_relevant_repeat_counts_as_empty() -> None:
    s = state({"union_status": "own", "leaders": [{"leader": "甲"}]})
    s.set(Ref("union_status"), "joint")
    assert s.value(Ref("n_leaders")) == 0
    assert "leaders" not in s.submission()


def test_repeat_count_follows_its_expression() -> None:
    s = state()
    s.set(Ref("n_visits"), 4)
    assert s.instance_count("visits") == 4
    s.set(Ref("n_visits"), 1)
    assert s.instance_count("visits") == 1


def test_constraints_use_the_current_value_and_other_answers() -> None:
    s = state({"union_status": "own", "staff": 10, "members": 12, "setup": "2027-01-01"})
    found = {(i.ref.name, i.message.code) for i in errors(check(s))}
    assert ("members", "form.constraint") in found
    assert ("setup", "form.constraint") in found  # in the future
    s.set(Ref("members"), 10)
    s.set(Ref("setup"), "2020-05-01")
    found = {(i.ref.name, i.message.code) for i in errors(check(s))}
    assert ("members", "form.constraint") not in found
    assert ("setup", "form.constraint") not in found


def test_required_applies_only_while_relevant() -> None:
    s = state({"union_status": "none"})
    names = {i.ref.name for i in errors(check(s))}
    assert "setup" not in names  # required but in a non-relevant group
    s.set(Ref("union_status"), "own")
    assert "setup" in {i.ref.name for i in errors(check(s))}


def test_required_in_each_repeat_instance() -> None:
    s = state({"union_status": "own", "setup": "2020-01-01"})
    s.add_instance("leaders")
    s.add_instance("leaders")
    s.set(Ref("leader", (0,)), "甲")
    missing = [i.ref for i in errors(check(s)) if i.ref.name == "leader"]
    assert missing == [Ref("leader", (1,))]


def test_a_failed_fs_warning_is_a_warning_not_an_error() -> None:
    s = state({"union_status": "none", "code": "ABCD"})
    assert [(i.ref.name, i.severity) for i in warnings(check(s))] == [("code", "warning")]
    assert "code" not in {i.ref.name for i in errors(check(s))}


def test_submission_prunes_non_relevant_answers_and_fills_calculations() -> None:
    s = state({"union_status": "none", "setup": "2020-01-01", "reasons": ["few"],
               "has_chair": "yes", "chair": "王"})
    out = s.submission()
    assert "setup" not in out and "chair" not in out and "has_chair" not in out
    assert out["reasons"] == ["few"]
    assert out["n_leaders"] == "0"
    # The draft itself keeps everything the officer typed.
    assert s.answers["chair"] == "王"


@pytest.mark.parametrize(
    ("name", "value", "stored"),
    [
        ("staff", "12", 12),
        ("staff", "1,200", 1200),
        ("setup", dt.date(2020, 1, 2), "2020-01-02"),
        ("setup", "2020-01-02", "2020-01-02"),
        ("reasons", "few other", ["few", "other"]),
        ("reasons", ["other", "few", "other"], ["other", "few"]),
        ("code", "0012", "0012"),
        ("code", "=1+1", "=1+1"),
        ("code", "第一行\n第二行 🎉", "第一行\n第二行 🎉"),
        ("code", "", ""),
    ],
)
def test_values_are_stored_exactly(name: str, value: object, stored: object) -> None:
    s = state()
    assert s.set(Ref(name), value) == stored
    assert s.raw(Ref(name)) == stored


@pytest.mark.parametrize(
    ("name", "value", "code"),
    [
        ("staff", "12.5", "answer.not_integer"),
        ("staff", "十二", "answer.not_integer"),
        ("staff", 2**60, "answer.too_large"),
        ("setup", "2020-02-30", "answer.not_date"),
        ("code", "x" * (MAX_TEXT_LENGTH + 1), "answer.too_long"),
        ("code", "bell\x07", "answer.control_char"),
        ("code", "lone \ud800 surrogate", "answer.control_char"),
        ("reasons", ["few", "other\tx"], "answer.bad_choice"),
        ("reasons", ["a" * 20_000, "b" * 20_000], "answer.bad_choice"),
    ],
)
def test_values_that_cannot_be_stored_exactly_are_refused(name: str, value: object,
                                                         code: str) -> None:
    s = state({"staff": 3})
    with pytest.raises(AnswerError) as caught:
        s.set(Ref(name), value)
    assert caught.value.message.code == code
    assert s.raw(Ref("staff")) == 3  # unchanged


def test_a_text_of_exactly_the_excel_limit_is_kept() -> None:
    s = state()
    assert len(s.set(Ref("code"), "字" * MAX_TEXT_LENGTH)) == MAX_TEXT_LENGTH


def test_an_evaluation_error_is_reported_not_raised() -> None:
    form = load_form_markdown("""
| survey |
| | type | name | label | constraint |
| | text | a | A | regex(., '(') |
""")
    s = FormState(form, {"a": "x"})
    assert [i.message.code for i in check(s)] == ["form.eval_failed"]
