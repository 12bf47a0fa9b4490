"""The shipped survey form, driven through the engine as an officer would fill it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fieldsurvey.forms.loader import load_form
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.forms.state import FormState, Ref
from fieldsurvey.forms.stats import extract_facts
from fieldsurvey.forms.validation import check, errors, warnings
from fieldsurvey.resources import forms_dir

NOW = dt.datetime(2026, 11, 21, 10, 0)


@pytest.fixture(scope="module")
def form() -> FormDefinition:
    return load_form(forms_dir() / "so_union_visit.xlsx")


def own_union_visit() -> dict[str, Any]:
    """A completed census visit to an association with its own union."""
    return {
        "visit_date": "2026-11-20", "visit_kind": "census", "visit_result": "completed",
        "respondent_name": "李明", "respondent_post": "秘书长", "respondent_phone": "13907151234",
        "org_name": "咸宁市茶叶协会", "reg_type": "social_group",
        "uscc": "51421200MJH0000001", "org_field": "economic", "address": "咸宁市温泉路1号",
        "legal_rep": "张华", "operating_status": "operating",
        "staff_total": 40, "staff_women": 18, "staff_fulltime": 30, "staff_parttime": 10,
        "party_org": "yes", "union_status": "own", "union_setup_date": "2024-05-01",
        "union_chair": "王芳", "chair_elected": "yes", "union_members": 36,
        "union_members_women": 16,
        "committees": ["union_committee", "audit_committee", "women_committee"],
        "members_congress": "yes", "workers_congress": "no", "collective_bargaining": "no",
        "workers_home": "yes", "dues_paid": "yes", "plaque_displayed": "both",
        "leaders": [{"leader_name": "王芳", "leader_sex": "female", "leader_post": "chair",
                     "leader_tenure": "part_time", "leader_phone": "0715-8123456"}],
    }


def state(form: FormDefinition, answers: dict[str, Any]) -> FormState:
    return FormState(form, answers, now=lambda: NOW)


def codes(s: FormState) -> set[tuple[str, str]]:
    return {(i.ref.name, i.severity) for i in check(s)}


def with_valid_uscc(answers: dict[str, Any]) -> dict[str, Any]:
    from fieldsurvey.domain.uscc import uscc_check_char

    body = answers["uscc"][:17]
    return {**answers, "uscc": body + uscc_check_char(body)}


def test_a_complete_own_union_visit_has_no_issues(form: FormDefinition) -> None:
    s = state(form, with_valid_uscc(own_union_visit()))
    assert check(s) == []


def test_its_statistics_facts_are_extracted(form: FormDefinition) -> None:
    s = state(form, with_valid_uscc(own_union_visit()))
    facts = extract_facts(form, s.submission())
    assert (facts.union_status, facts.staff_total, facts.union_members) == ("own", 40, 36)
    assert facts.union_setup_date == dt.date(2024, 5, 1)
    assert facts.committees == "audit_committee union_committee women_committee"
    assert (facts.visit_result, facts.reg_type, facts.dues_paid) == ("completed", "social_group", "yes")


def test_union_details_only_when_a_union_exists(form: FormDefinition) -> None:
    s = state(form, with_valid_uscc(own_union_visit()))
    s.set(Ref("union_status"), "none")
    for name in ("union_setup_date", "union_members", "dues_paid", "leader_name"):
        assert not s.relevant(Ref(name, (0,) if name == "leader_name" else ()))
    assert s.relevant(Ref("no_union_reasons")) and s.relevant(Ref("planned_form"))
    submitted = s.submission()
    assert "union_members" not in submitted and "leaders" not in submitted


def test_the_roster_only_for_an_own_or_joint_union(form: FormDefinition) -> None:
    s = state(form, with_valid_uscc(own_union_visit()))
    assert s.relevant(Ref("leaders", (0,)))
    s.set(Ref("union_status"), "joint")
    assert s.relevant(Ref("leaders", (0,)))
    s.set(Ref("union_status"), "federation")
    assert not s.relevant(Ref("leaders", (0,)))
    assert s.relevant(Ref("union_members"))


def test_reasons_and_target_date_only_when_there_is_no_union(form: FormDefinition) -> None:
    s = state(form, with_valid_uscc(own_union_visit()))
    assert not s.relevant(Ref("no_union_reasons")) and not s.relevant(Ref("target_date"))
    s.set(Ref("union_status"), "none")
    s.set(Ref("planned_form"), "joint")
    assert s.relevant(Ref("target_date"))
    s.set(Ref("no_union_reasons"), ["obstructs"])
    assert s.relevant(Ref("obstruction_note"))
    assert ("notes", "error") in codes(s)  # obstruction must be described


def test_members_may_not_exceed_staff(form: FormDefinition) -> None:
    s = state(form, with_valid_uscc({**own_union_visit(), "union_members": 41}))
    assert ("union_members", "error") in codes(s)


def test_women_may_not_exceed_the_total(form: FormDefinition) -> None:
    s = state(form, with_valid_uscc({**own_union_visit(), "staff_women": 41,
                                     "union_members_women": 37}))
    assert {("staff_women", "error"), ("union_members_women", "error")} <= codes(s)


@pytest.mark.parametrize("name", ["visit_date", "union_setup_date"])
def test_dates_may_not_be_in_the_future(form: FormDefinition, name: str) -> None:
    s = state(form, with_valid_uscc({**own_union_visit(), name: "2026-11-22"}))
    assert (name, "error") in codes(s)


def test_a_union_cannot_be_set_up_after_the_visit(form: FormDefinition) -> None:
    visit = with_valid_uscc({**own_union_visit(), "visit_date": "2017-08-15"})
    assert ("union_setup_date", "error") in codes(state(
        form, {**visit, "union_setup_date": "2017-08-16"}))
    assert ("union_setup_date", "error") not in codes(state(
        form, {**visit, "union_setup_date": "2017-08-15"}))


def test_the_target_date_follows_the_visit_not_the_day_of_keying(
        form: FormDefinition) -> None:
    """A 2017 paper form keyed today keeps the deadline agreed at the door."""
    visit = with_valid_uscc({**own_union_visit(), "visit_date": "2017-08-15",
                             "union_status": "none", "no_union_reasons": ["few_staff"],
                             "planned_form": "own"})
    assert ("target_date", "error") not in codes(state(
        form, {**visit, "target_date": "2017-12-31"}))
    assert ("target_date", "error") in codes(state(
        form, {**visit, "target_date": "2017-08-15"}))
    # Keyed years later, it is a warning to confirm, never an error.
    assert ("visit_date", "warning") in codes(state(form, visit))


def test_a_revisit_needs_a_next_visit_date_after_the_visit(form: FormDefinition) -> None:
    s = state(form, {"visit_date": "2026-10-02", "visit_kind": "follow_up",
                     "visit_result": "revisit", "org_name": "甲协会", "reg_type": "foundation",
                     "operating_status": "operating"})
    assert ("next_visit_date", "error") in codes(s)  # required for a revisit
    s.set(Ref("next_visit_date"), "2026-10-02")  # the visit's own day
    assert ("next_visit_date", "error") in codes(s)
    s.set(Ref("next_visit_date"), "2026-10-16")  # after the visit, though before today
    assert errors(check(s)) == []
    # The interview sections are skipped for a revisit.
    assert not s.relevant(Ref("staff_total")) and not s.relevant(Ref("union_status"))


def test_a_bad_uscc_is_an_error_and_a_type_mismatch_a_warning(form: FormDefinition) -> None:
    good = with_valid_uscc(own_union_visit())
    wrong_check = good["uscc"][:17] + ("0" if good["uscc"][17] != "0" else "1")
    s = state(form, {**good, "uscc": wrong_check})
    assert ("uscc", "error") in codes(s)
    s = state(form, {**good, "reg_type": "foundation"})  # 51 is a social group
    assert [i.ref.name for i in warnings(check(s))] == ["uscc"]
    assert errors(check(s)) == []


def test_a_gone_organization_skips_the_interview(form: FormDefinition) -> None:
    s = state(form, {"visit_date": "2026-11-20", "visit_kind": "census", "visit_result": "gone",
                     "org_name": "已注销协会", "reg_type": "social_group",
                     "operating_status": "deregistered"})
    assert errors(check(s)) == []
    assert not s.relevant(Ref("respondent_name"))
    s.set(Ref("operating_status"), "operating")  # contradicts "gone"
    assert ("operating_status", "error") in codes(s)


def test_both_languages_label_every_question(form: FormDefinition) -> None:
    for question in form.questions():
        if question.type in ("calculate", "hidden"):
            continue
        assert question.labels.get("zh") and question.labels.get("en"), question.name
