"""Visits in the local store: exact round-trip, revisions, tombstones, checks."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import select, text

from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.store import Database
from fieldsurvey.store.models import Visit
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.visits import (
    VisitError,
    answers_of,
    create_visit,
    delete,
    finalize,
    history,
    reopen,
    save_draft,
)

ANSWERS = {
    "visit_date": "2026-11-02", "result": "completed", "union_status": "own", "staff": 25,
    "members": 20, "notes": "第一行\n第二行 🎉 =1+1 ＝SUM(A1) 0012",
    "leaders": [{"leader": "张三", "posts": ["chair"]}, {"leader": "李四", "posts": ["member"]}],
}


def new_org(db: Database) -> str:
    with db.transaction() as s:
        return add_organization(s, name="咸宁市茶叶协会", township_code="421202001",
                                uscc="91330100799655058B").id


def test_every_connection_gets_the_safety_pragmas(db: Database) -> None:
    for _ in range(3):  # new pooled connections as well as reused ones
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.engine.dispose()


def test_the_data_folder_is_owner_only(db: Database) -> None:
    mode = stat.S_IMODE(db.path.parent.stat().st_mode)
    assert mode == 0o700


def test_answers_round_trip_exactly_including_repeats(db: Database, form: FormDefinition) -> None:
    org = new_org(db)
    with db.transaction() as s:
        visit_id = create_visit(s, organization_id=org, form=form, officer="王芳",
                                answers=ANSWERS).id
    with db.transaction() as s:
        stored = s.get(Visit, visit_id)
        assert stored is not None
        assert answers_of(stored) == ANSWERS
        assert (stored.status, stored.revision, stored.form_id) == ("draft", 1, "visit_test")


def test_statistics_facts_are_plain_columns(db: Database, form: FormDefinition) -> None:
    org = new_org(db)
    with db.transaction() as s:
        create_visit(s, organization_id=org, form=form, officer="王芳", answers=ANSWERS)
    with db.engine.connect() as conn:
        row = conn.execute(text(
            "SELECT union_status, staff_total, union_members, visit_result, visit_date "
            "FROM visit")).one()
    assert tuple(row) == ("own", 25, 20, "completed", "2026-11-02")


def test_a_draft_can_be_saved_again_but_not_after_finalizing(db: Database,
                                                           form: FormDefinition) -> None:
    org = new_org(db)
    with db.transaction() as s:
        visit_id = create_visit(s, organization_id=org, form=form, officer="王芳").id
    with db.transaction() as s:
        save_draft(s, visit_id, form, ANSWERS)
    with db.transaction() as s:
        finalize(s, visit_id, form, ANSWERS)
    with pytest.raises(VisitError) as caught, db.transaction() as s:
        save_draft(s, visit_id, form, {**ANSWERS, "staff": 1})
    assert caught.value.message.code == "visit.not_draft"


def test_finalize_is_blocked_by_errors_and_changes_nothing(db: Database,
                                                          form: FormDefinition) -> None:
    org = new_org(db)
    with db.transaction() as s:
        visit_id = create_visit(s, organization_id=org, form=form, officer="王芳",
                                answers=ANSWERS).id
    bad = {**ANSWERS, "members": 30}  # more members than staff
    with pytest.raises(VisitError) as caught, db.transaction() as s:
        finalize(s, visit_id, form, bad)
    assert caught.value.message.code == "visit.has_errors"
    assert [i.ref.name for i in caught.value.issues] == ["members"]
    with db.transaction() as s:
        visit = s.get(Visit, visit_id)
        assert visit is not None
        assert visit.status == "draft" and answers_of(visit) == ANSWERS


def test_a_warning_needs_a_reason_which_is_kept(db: Database, form: FormDefinition) -> None:
    org = new_org(db)
    answers = {**ANSWERS, "uscc": "91330100799655058C"}  # wrong check character
    with db.transaction() as s:
        visit_id = create_visit(s, organization_id=org, form=form, officer="王芳",
                                answers=answers).id
    with pytest.raises(VisitError) as caught, db.transaction() as s:
        finalize(s, visit_id, form, answers)
    assert caught.value.message.code == "visit.needs_reason"
    with db.transaction() as s:
        finalize(s, visit_id, form, answers, overrides={"uscc": "证书原件如此，已拍照"})
    with db.transaction() as s:
        visit = s.get(Visit, visit_id)
        assert visit is not None
        assert json.loads(visit.overrides_json) == [
            {"field": "uscc", "warning": "form.warning", "reason": "证书原件如此，已拍照"}]


def test_reopening_a_finalized_visit_keeps_the_earlier_revision(db: Database,
                                                              form: FormDefinition) -> None:
    org = new_org(db)
    with db.transaction() as s:
        visit_id = create_visit(s, organization_id=org, form=form, officer="王芳",
                                answers=ANSWERS).id
        finalize(s, visit_id, form, ANSWERS)
    with db.transaction() as s:
        visit = reopen(s, visit_id)
        assert (visit.revision, visit.status) == (2, "draft")
        save_draft(s, visit_id, form, {**ANSWERS, "members": 22})
        finalize(s, visit_id, form, {**ANSWERS, "members": 22})
    with db.transaction() as s:
        revisions = history(s, visit_id)
        assert [r.revision for r in revisions] == [1, 2]
        assert [answers_of(r)["members"] for r in revisions] == [20, 22]
        current = s.get(Visit, visit_id)
        assert current is not None and current.union_members == 22


def test_finalized_answers_leave_out_what_is_not_relevant(db: Database,
                                                         form: FormDefinition) -> None:
    org = new_org(db)
    answers = {**ANSWERS, "union_status": "none"}
    with db.transaction() as s:
        visit_id = create_visit(s, organization_id=org, form=form, officer="王芳",
                                answers=answers).id
        finalize(s, visit_id, form, answers)
    with db.transaction() as s:
        visit = s.get(Visit, visit_id)
        assert visit is not None
        assert "members" not in answers_of(visit) and "leaders" not in answers_of(visit)
        assert visit.union_members is None


def test_delete_leaves_a_tombstone_with_a_reason(db: Database, form: FormDefinition) -> None:
    org = new_org(db)
    with db.transaction() as s:
        visit_id = create_visit(s, organization_id=org, form=form, officer="王芳").id
    with pytest.raises(VisitError), db.transaction() as s:
        delete(s, visit_id, "  ")
    with db.transaction() as s:
        delete(s, visit_id, "重复录入")
    with db.transaction() as s:
        visit = s.scalars(select(Visit)).one()
        assert visit.deleted_at is not None and visit.deleted_reason == "重复录入"
    with pytest.raises(VisitError) as caught, db.transaction() as s:
        save_draft(s, visit_id, form, ANSWERS)
    assert caught.value.message.code == "visit.deleted"


def test_a_visit_needs_an_organization_of_the_register(db: Database,
                                                      form: FormDefinition) -> None:
    with pytest.raises(VisitError) as caught, db.transaction() as s:
        create_visit(s, organization_id="nope", form=form, officer="王芳")
    assert caught.value.message.code == "visit.no_organization"


def test_the_database_file_lives_in_the_data_folder(db: Database, fresh_data_dir: Path) -> None:
    assert db.path == fresh_data_dir / "fieldsurvey.sqlite3"
