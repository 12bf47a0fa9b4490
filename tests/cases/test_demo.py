"""The demo register: every case the screens show, answers the shipped form accepts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from fieldsurvey import clock
from fieldsurvey.canonical import canonical_json
from fieldsurvey.cases.dashboard import load_dashboard
from fieldsurvey.cases.demo import DemoOrganization, VisitPlan, populate_demo, visit_answers
from fieldsurvey.cases.loading import load_cases
from fieldsurvey.domain.search import search_key
from fieldsurvey.domain.uscc import validate_uscc
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.forms.state import FormState
from fieldsurvey.forms.stats import VisitFacts, extract_facts
from fieldsurvey.forms.validation import check
from fieldsurvey.store import Database
from fieldsurvey.store.models import Organization, Visit, VisitRevision
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.visits import create_visit, finalize

TOWNSHIP = "421202001"
TODAY = dt.date(2026, 11, 21)
FACTS = [f.name for f in dataclasses.fields(VisitFacts)]



def visits(db: Database) -> list[Visit]:
    with db.sessions() as s:
        return list(s.scalars(select(Visit)))


def finalized_at_visit_day(form: FormDefinition, answers: dict) -> FormState:
    """The form state as the officer saw it when finalizing on the visit day."""
    day = dt.date.fromisoformat(answers["visit_date"])
    return FormState(form, answers, now=lambda: dt.datetime.combine(day, dt.time(18, 30)))


def test_every_status_union_form_and_special_case_is_there(db: Database,
                                                          shipped_form: FormDefinition) -> None:
    summary = populate_demo(db, shipped_form, TOWNSHIP, 120, seed=1, today=TODAY)
    with db.sessions() as s:
        rows = load_cases(s, shipped_form, TOWNSHIP)
        board = load_dashboard(s, shipped_form, TOWNSHIP, TODAY)
    assert summary.organizations == len(rows) == 120
    assert all(board.by_status[status] > 0 for status in board.by_status)
    assert set(board.by_union_form) == {"own", "joint", "federation", "individual"}
    assert board.overdue > 0
    assert any(r.status in ("revisit", "no_union") and r.next_visit and r.next_visit >= TODAY
               for r in rows)  # due, not yet overdue
    assert board.new_unions_this_month > 0
    assert any(r.operating_status == "dormant" for r in rows)
    assert Counter(v.visit_result for v in visits(db))["refused"] > 0
    assert any(r.visits > 1 for r in rows)


def test_one_visit_is_reopened_over_its_frozen_revision(db: Database,
                                                       shipped_form: FormDefinition) -> None:
    summary = populate_demo(db, shipped_form, TOWNSHIP, 20, seed=1, today=TODAY)
    with db.sessions() as s:
        visit = s.get(Visit, summary.reopened_visit_id)
        assert visit is not None
        frozen = s.scalars(select(VisitRevision).where(
            VisitRevision.visit_id == visit.id)).all()
        rows = {r.id: r for r in load_cases(s, shipped_form, TOWNSHIP)}
    assert (visit.status, visit.revision) == ("draft", 2)
    assert [r.revision for r in frozen] == [1]
    assert frozen[0].answers_json == visit.answers_json
    row = rows[visit.organization_id]
    assert row.has_draft and row.status == "union"  # still counted from revision 1


def test_every_visit_passes_the_form_checks_on_its_day(db: Database,
                                                      shipped_form: FormDefinition) -> None:
    populate_demo(db, shipped_form, TOWNSHIP, 300, seed=3, today=TODAY)
    stored = visits(db)
    assert len(stored) > 250
    for visit in stored:
        answers = json.loads(visit.answers_json)
        state = finalized_at_visit_day(shipped_form, answers)
        assert check(state) == [], (visit.visit_result, answers)
        # Stored in the finalized shape: nothing non-relevant, calculations filled in.
        assert canonical_json(state.submission()) == visit.answers_json
        facts = extract_facts(shipped_form, answers)
        assert {f: getattr(visit, f) for f in FACTS} == dataclasses.asdict(facts)


def test_visits_match_what_finalize_stores(db: Database, shipped_form: FormDefinition) -> None:
    """Every demo visit finalize accepts today is stored byte for byte as finalize does."""
    today = clock.today()
    populate_demo(db, shipped_form, TOWNSHIP, 150, seed=5, today=today)
    compared: Counter[str] = Counter()
    for demo in visits(db):
        answers = json.loads(demo.answers_json)
        if check(FormState(shipped_form, answers)):
            continue  # a date the officer set then is in the past now (an overdue revisit)
        with db.transaction() as s:
            org = add_organization(s, name="对照单位", township_code=TOWNSHIP)
            made = create_visit(s, organization_id=org.id, form=shipped_form, officer=demo.officer,
                                answers=answers)
            finalize(s, made.id, shipped_form, answers)
            for column in ("answers_json", "overrides_json", "form_id", "form_version",
                           "officer", *FACTS):
                assert getattr(made, column) == getattr(demo, column), column
        compared[demo.visit_result] += 1
        compared[demo.union_status or ""] += 1
    assert {"completed", "refused", "revisit", "gone"} <= set(compared)
    assert {"none", "own", "joint", "federation", "individual"} <= set(compared)


def test_register_rows_are_what_add_organization_would_store(
        db: Database, shipped_form: FormDefinition) -> None:
    populate_demo(db, shipped_form, TOWNSHIP, 400, seed=9, today=TODAY)
    with db.sessions() as s:
        orgs = s.scalars(select(Organization)).all()
    assert len({o.name for o in orgs}) == len(orgs)
    for org in orgs:
        assert org.search_key == search_key(org.name), org.name
        assert org.township_code == TOWNSHIP
        if org.uscc:
            assert validate_uscc(org.uscc, org.reg_type) == [], org.uscc
    types = Counter(o.reg_type for o in orgs)
    assert types["private_non_enterprise"] > types["social_group"] > types["foundation"] > 0
    assert types[None] > 0  # a few entries of the register lack the type


def test_the_same_seed_gives_the_same_register(tmp_path: Path, shipped_form: FormDefinition,
                                               db: Database) -> None:
    from fieldsurvey.paths import DataPaths
    from fieldsurvey.store import open_store

    def snapshot(database: Database) -> list[tuple[str, str]]:
        with database.sessions() as s:
            return sorted((name, answers or "") for name, answers in s.execute(
                select(Organization.name, Visit.answers_json)
                .join(Visit, Visit.organization_id == Organization.id, isouter=True)))

    other = open_store(DataPaths(tmp_path / "other").ensure())
    third = open_store(DataPaths(tmp_path / "third").ensure())
    try:
        populate_demo(db, shipped_form, TOWNSHIP, 60, seed=4, today=TODAY)
        populate_demo(other, shipped_form, TOWNSHIP, 60, seed=4, today=TODAY)
        populate_demo(third, shipped_form, TOWNSHIP, 60, seed=5, today=TODAY)
        assert snapshot(db) == snapshot(other)
        assert snapshot(db) != snapshot(third)
    finally:
        other.close()
        third.close()


def test_visit_answers_refuse_a_plan_that_contradicts_itself() -> None:
    import random

    org = DemoOrganization(id="x", name="温泉茶叶协会", reg_type="social_group",
                           org_field="economic", uscc=None, supervisor=None,
                           address="温泉路1号", legal_rep="王芳", phone=None)
    rng = random.Random(0)
    with pytest.raises(ValueError, match="operating status"):
        visit_answers(org, VisitPlan(TODAY, "gone"), rng)
    with pytest.raises(ValueError, match="next visit"):
        visit_answers(org, VisitPlan(TODAY, "revisit", next_visit=TODAY), rng)


def test_a_form_without_the_demo_questions_is_refused(db: Database,
                                                      form: FormDefinition) -> None:
    with pytest.raises(ValueError, match="lacks the demo's questions"):
        populate_demo(db, form, TOWNSHIP, 5, seed=1, today=TODAY)
