"""A new visit starts from the register and from the organization's previous visit."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldsurvey.forms.loader import load_form_markdown
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.store import Database
from fieldsurvey.store.models import Organization, Visit
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.prefill import (
    pending_prefill,
    prefill_answers,
    previous_visit,
    set_pending_prefill,
    start_visit,
)
from fieldsurvey.store.visits import (
    VisitError,
    answers_of,
    create_visit,
    delete,
    finalize,
    save_draft,
)

TODAY = dt.date(2026, 11, 20)

ROSTER_FORM_MD = """
| survey |
| | type | name | label | relevant | required | fs_prefill | default | fs_stat |
| | date | visit_date | Date | | yes | | today() | visit_date |
| | text | org_name | Name | | yes | register.name | |
| | select_one reg_type | reg_type | Type | | | register.reg_type | |
| | text | org_phone | Phone | | | register.phone | |
| | select_one status | union_status | Union | | | previous | |
| | date | setup | Set up | ${union_status} = 'own' | | previous | |
| | integer | staff | Staff | | | | |
| | begin repeat | leaders | Leaders | | | | |
| | text | leader | Name | | | previous | |
| | select_one post | post | Post | | | previous | |
| | text | leader_note | Note | | | | none |
| | end repeat | | | | | | |
| choices |
| | list_name | name | label |
| | reg_type | social_group | 社会团体 |
| | reg_type | foundation | 基金会 |
| | status | none | None |
| | status | own | Own |
| | post | chair | Chair |
| | post | member | Member |
| settings |
| | form_id | version |
| | roster_test | 1 |
"""


@pytest.fixture
def roster_form() -> FormDefinition:
    return load_form_markdown(ROSTER_FORM_MD)



def new_org(db: Database, **attrs: str | None) -> str:
    with db.transaction() as s:
        return add_organization(s, name="咸宁市茶叶协会", township_code="421202001",
                                **attrs).id


def org_row(db: Database, org_id: str) -> Organization:
    with db.transaction() as s:
        org = s.get(Organization, org_id)
        assert org is not None
        s.expunge(org)
        return org


def visit_on(db: Database, form: FormDefinition, org: str, day: str, *, final: bool = False,
             **answers: object) -> str:
    with db.transaction() as s:
        visit = create_visit(s, organization_id=org, form=form, officer="王芳",
                             answers={"visit_date": day, **answers})
        if final:
            finalize(s, visit.id, form, {"visit_date": day, **answers})
        return visit.id


# -- previous_visit ---------------------------------------------------------------------
def test_there_is_no_previous_visit_for_a_new_organization(db: Database) -> None:
    org = new_org(db)
    with db.transaction() as s:
        assert previous_visit(s, org) is None


def test_the_latest_finalized_visit_is_preferred_to_a_later_draft(
    db: Database, form: FormDefinition
) -> None:
    org = new_org(db)
    visit_on(db, form, org, "2026-09-01", final=True, result="completed")
    latest_final = visit_on(db, form, org, "2026-10-01", final=True, result="completed")
    visit_on(db, form, org, "2026-11-01", result="completed")  # a draft, later still
    with db.transaction() as s:
        found = previous_visit(s, org)
        assert found is not None and found.id == latest_final


def test_a_draft_is_used_when_nothing_was_finalized(db: Database, form: FormDefinition) -> None:
    org = new_org(db)
    draft = visit_on(db, form, org, "2026-11-01")
    with db.transaction() as s:
        found = previous_visit(s, org)
        assert found is not None and found.id == draft
        assert previous_visit(s, org, exclude=draft) is None


def test_deleted_visits_are_never_previous(db: Database, form: FormDefinition) -> None:
    org = new_org(db)
    kept = visit_on(db, form, org, "2026-09-01", final=True, result="completed")
    gone = visit_on(db, form, org, "2026-10-01", final=True, result="completed")
    with db.transaction() as s:
        delete(s, gone, "录错单位")
    with db.transaction() as s:
        found = previous_visit(s, org)
        assert found is not None and found.id == kept


def test_same_date_falls_back_to_the_last_change(db: Database, form: FormDefinition) -> None:
    org = new_org(db)
    first = visit_on(db, form, org, "2026-10-01")
    second = visit_on(db, form, org, "2026-10-01")
    with db.transaction() as s:
        save_draft(s, first, form, {"visit_date": "2026-10-01", "staff": 3})
    with db.transaction() as s:
        found = previous_visit(s, org)
        assert found is not None and found.id == first != second


# -- prefill_answers --------------------------------------------------------------------
def test_register_columns_fill_their_questions(db: Database, roster_form: FormDefinition) -> None:
    org = org_row(db, new_org(db, reg_type="social_group", phone="0715-8123456"))
    answers, keys = prefill_answers(roster_form, org, None)
    assert answers == {"org_name": "咸宁市茶叶协会", "reg_type": "social_group",
                       "org_phone": "0715-8123456"}
    assert keys == {"org_name", "reg_type", "org_phone"}


def test_a_registration_type_given_by_its_label_becomes_its_code(
    db: Database, roster_form: FormDefinition
) -> None:
    org = org_row(db, new_org(db, reg_type="基金会"))
    answers, _ = prefill_answers(roster_form, org, None)
    assert answers["reg_type"] == "foundation"


def test_a_register_value_that_is_no_choice_is_not_carried(
    db: Database, roster_form: FormDefinition
) -> None:
    org = org_row(db, new_org(db, reg_type="宗教团体"))
    answers, keys = prefill_answers(roster_form, org, None)
    assert "reg_type" not in answers and "reg_type" not in keys


def test_previous_answers_carry_over_with_the_roster(db: Database,
                                                     roster_form: FormDefinition) -> None:
    org = org_row(db, new_org(db))
    previous = {"visit_date": "2026-10-01", "union_status": "own", "setup": "2024-05-01",
                "staff": 40,
                "leaders": [{"leader": "王芳", "post": "chair", "leader_note": "x"},
                            {"leader": "李明", "post": "member"}]}
    answers, keys = prefill_answers(roster_form, org, previous)
    assert answers == {
        "org_name": "咸宁市茶叶协会", "union_status": "own", "setup": "2024-05-01",
        "leaders": [{"leader": "王芳", "post": "chair"}, {"leader": "李明", "post": "member"}],
    }
    assert keys == {"org_name", "union_status", "setup", "leader@0", "post@0", "leader@1",
                    "post@1"}


def test_answers_that_were_not_relevant_last_time_are_not_carried(
    db: Database, roster_form: FormDefinition
) -> None:
    org = org_row(db, new_org(db))
    # A draft keeps everything typed, even a set-up date after the union was unticked.
    previous = {"union_status": "none", "setup": "2024-05-01"}
    answers, keys = prefill_answers(roster_form, org, previous)
    assert answers["union_status"] == "none"
    assert "setup" not in answers and "setup" not in keys


def test_stale_codes_of_an_older_form_are_dropped(db: Database,
                                                  roster_form: FormDefinition) -> None:
    org = org_row(db, new_org(db))
    previous = {"union_status": "retired_code", "leaders": [{"post": "treasurer"}]}
    answers, _ = prefill_answers(roster_form, org, previous)
    assert "union_status" not in answers
    assert "leaders" not in answers  # its only value was stale: no empty row


def test_the_shipped_form_carries_profile_and_union_facts(
    db: Database, shipped_form: FormDefinition
) -> None:
    """Whatever the shipped form marks is carried, and only that (it may mark more later)."""
    org = org_row(db, new_org(db, uscc="51421200MJH0000001", reg_type="social_group",
                              address="咸宁市温泉路1号", legal_rep="张华"))
    previous = {"visit_result": "completed", "org_field": "economic", "party_org": "yes",
                "union_status": "own", "union_setup_date": "2024-05-01",
                "union_chair": "王芳", "committees": ["union_committee"],
                "staff_total": 40, "union_members": 30, "respondent_name": "李明",
                "leaders": [{"leader_name": "王芳", "leader_sex": "female"}]}
    answers, keys = prefill_answers(shipped_form, org, previous)
    marks = {q.name: q.prefill for q in shipped_form.questions() if q.prefill and not q.repeats}
    register = {"org_name": "咸宁市茶叶协会", "reg_type": "social_group",
                "uscc": "51421200MJH0000001", "address": "咸宁市温泉路1号", "legal_rep": "张华"}
    expected = {name: value for name, value in {**previous, **register}.items()
                if name in marks}
    roster = [q for q in shipped_form.questions() if q.repeats == ("leaders",)]
    if any(q.prefill == "previous" for q in roster):
        expected["leaders"] = [{k: v for k, v in previous["leaders"][0].items()
                                if shipped_form.question(k).prefill == "previous"}]
    assert answers == expected
    # The facts the issue names carry over; what the respondent said last time does not.
    assert {"org_name", "uscc", "org_field", "party_org", "union_status", "union_chair",
            "committees"} <= set(answers)
    assert "respondent_name" not in answers and "visit_result" not in answers
    assert {k for k in keys if "@" not in k} == set(answers) - {"leaders"}


# -- start_visit ------------------------------------------------------------------------
def test_start_visit_creates_a_dated_prefilled_draft(db: Database,
                                                     roster_form: FormDefinition) -> None:
    org = new_org(db, reg_type="social_group")
    visit_on(db, roster_form, org, "2026-10-01", final=True, org_name="茶叶协会",
             union_status="own", leaders=[{"leader": "王芳", "post": "chair"}])
    with db.transaction() as s:
        visit = start_visit(s, roster_form, org, "李丽", TODAY)
        visit_id = visit.id
    with db.transaction() as s:
        stored = s.get(Visit, visit_id)
        assert stored is not None
        assert (stored.status, stored.revision, stored.officer) == ("draft", 1, "李丽")
        assert stored.visit_date == TODAY
        answers = answers_of(stored)
        assert answers["visit_date"] == "2026-11-20"
        assert answers["union_status"] == "own"
        # Carried rows get the form's defaults for what did not carry over.
        assert answers["leaders"] == [{"leader": "王芳", "post": "chair", "leader_note": "none"}]
        assert pending_prefill(s, visit_id) == {"org_name", "reg_type", "union_status",
                                                "leader@0", "post@0"}


def test_start_visit_refuses_an_unknown_organization(db: Database,
                                                     roster_form: FormDefinition) -> None:
    with pytest.raises(VisitError) as caught, db.transaction() as s:
        start_visit(s, roster_form, "no-such-id", "李丽", TODAY)
    assert caught.value.message.code == "visit.no_organization"


def test_pending_prefill_round_trips_and_can_be_emptied(db: Database,
                                                        roster_form: FormDefinition) -> None:
    org = new_org(db)
    with db.transaction() as s:
        visit_id = start_visit(s, roster_form, org, "李丽", TODAY).id
        assert pending_prefill(s, visit_id) == {"org_name"}
        set_pending_prefill(s, visit_id, [])
    with db.transaction() as s:
        assert pending_prefill(s, visit_id) == set()


def test_nothing_pending_leaves_no_setting_behind(db: Database, form: FormDefinition) -> None:
    org = new_org(db)
    with db.transaction() as s:
        visit_id = start_visit(s, form, org, "李丽", TODAY).id  # this form prefills nothing
        from fieldsurvey.store.settings import get_setting

        assert get_setting(s, "prefill_pending:" + visit_id) is None
        assert pending_prefill(s, visit_id) == set()
