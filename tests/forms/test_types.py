"""Every supported question type and column, through the engine."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldsurvey.forms.answers import AnswerError
from fieldsurvey.forms.loader import load_form_markdown
from fieldsurvey.forms.state import FormState, Ref
from fieldsurvey.forms.validation import check

FORM = load_form_markdown("""
| survey |
| | type | name | label::中文 (zh) | label::English (en) | read_only | calculation | default | required | required_message::中文 (zh) | required_message::English (en) |
| | decimal | ratio | 比例 | Ratio | | | | | | |
| | time | at | 时间 | Time | | | | | | |
| | datetime | stamp | 时刻 | Stamp | | | | | | |
| | acknowledge | ok | 确认 | Confirm | | | | yes | 请确认已告知 | Please confirm |
| | hidden | source | | | | | paper | | | |
| | integer | doubled | 两倍 | Double | | int(${ratio} * 2) | | | | |
| | text | locked | 锁定 | Locked | yes | | 固定 | | | |
| | text | maybe_locked | 条件锁定 | Cond. locked | ${ratio} > 1 | | | | | |
| settings |
| | form_id | version | form_title | default_language |
| | types | 3 | 题型 | 中文 (zh) |
""")


def test_decimal_time_and_datetime_are_stored_in_canonical_form() -> None:
    s = FormState(FORM)
    assert s.set(Ref("ratio"), "1.25") == 1.25
    assert s.set(Ref("at"), "09:30") == "09:30:00"
    assert s.set(Ref("stamp"), dt.datetime(2026, 11, 2, 8, 5, 7, 123)) == "2026-11-02T08:05:07"
    assert s.value(Ref("stamp")) == dt.datetime(2026, 11, 2, 8, 5, 7)
    with pytest.raises(AnswerError):
        s.set(Ref("at"), "25:00")
    with pytest.raises(AnswerError):
        s.set(Ref("ratio"), "nan")


def test_acknowledge_is_ok_or_refused_and_its_required_message_is_the_forms() -> None:
    s = FormState(FORM)
    [issue] = [i for i in check(s) if i.ref.name == "ok"]
    assert issue.text("zh") == "请确认已告知" and issue.text("en") == "Please confirm"
    assert s.set(Ref("ok"), True) == "OK"
    with pytest.raises(AnswerError):
        s.set(Ref("ok"), "no")


def test_hidden_carries_its_default_into_the_submission() -> None:
    s = FormState(FORM)
    assert s.submission()["source"] == "paper"
    assert not FORM.question("source").takes_input


def test_a_calculation_on_a_question_makes_it_read_only_and_typed() -> None:
    s = FormState(FORM)
    s.set(Ref("ratio"), 2.6)
    assert s.read_only(Ref("doubled"))
    assert s.value(Ref("doubled")) == 5
    assert s.submission()["doubled"] == 5


def test_read_only_can_be_constant_or_an_expression() -> None:
    s = FormState(FORM)
    assert s.read_only(Ref("locked")) and s.raw(Ref("locked")) == "固定"
    s.set(Ref("ratio"), 0.5)
    assert not s.read_only(Ref("maybe_locked"))
    s.set(Ref("ratio"), 1.5)
    assert s.read_only(Ref("maybe_locked"))


def test_settings_and_both_languages_are_read() -> None:
    assert (FORM.form_id, FORM.version, FORM.title_in("zh")) == ("types", "3", "题型")
    assert FORM.label("ratio", "en") == "Ratio" and FORM.label("ratio", "zh") == "比例"
