"""Acceptance (issue 17): visits made on v1 of a form live on through v2 and v3.

The forms are in ``tests/version_forms.py``: v1 -> v2 renames a question and moves
one into a group; v2 -> v3 splits a choice (declared), removes a question that
has answers (declared) and adds a required question.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bundle_helpers import PERIOD, FakeSigner
from sqlalchemy import select

from fieldsurvey.bundles import export_bundle
from fieldsurvey.bundles.reader import read_bundle
from fieldsurvey.bundles.verify import verify_bundle
from fieldsurvey.forms.loader import load_form_markdown
from fieldsurvey.forms.mapping import KEPT, kept_answers
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.forms.state import FormState
from fieldsurvey.forms.validation import check, errors
from fieldsurvey.store import Database
from fieldsurvey.store.form_versions import (
    open_draft,
    remember_source,
    reopen_on_newest,
    stored_form,
)
from fieldsurvey.store.models import FormVersion, Visit
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.visits import (
    VisitError,
    answers_of,
    create_visit,
    finalize,
    history,
    save_draft,
)
from version_forms import V1, V2, v3

ON_V1 = {
    "visit_date": "2026-11-02", "union_status": "own", "staff": 12, "chair_nm": "张三",
    "contact": "0715-8123456", "reasons": ["parttime", "few"], "old_remark": "门口无牌子",
    "leaders": [{"leader": "李四"}],
}


@pytest.fixture
def forms(db: Database) -> list[FormDefinition]:
    """v1, v2, v3, all known to the store (as the app records each form it loads)."""
    with db.transaction() as s:
        return [remember_source(s, text.encode("utf-8"), "vt.md") for text in (V1, V2, v3())]


def _visit(db: Database, form: FormDefinition, answers: dict[str, object],
           final: bool = False) -> str:
    with db.transaction() as s:
        org = add_organization(s, name="咸宁市茶叶协会", township_code="421202001")
        visit = create_visit(s, organization_id=org.id, form=form, officer="王芳",
                             answers=answers)
        if final:
            finalize(s, visit.id, form, answers)
        return visit.id


def test_a_draft_on_v1_moves_to_v3_when_opened_and_says_what_changed(
        db: Database, forms: list[FormDefinition]) -> None:
    visit_id = _visit(db, forms[0], ON_V1)
    with db.transaction() as s:
        moved = open_draft(s, visit_id, forms[2])
    assert moved is not None
    assert moved.added == {"contact_g", "plaque"}
    assert moved.changed == {"chair_name", "contact", "reasons"}
    with db.sessions() as s:
        visit = s.get_one(Visit, visit_id)
        answers = answers_of(visit)
    assert visit.form_version == "3"
    assert answers["chair_name"] == "张三"  # renamed
    assert answers["contact"] == "0715-8123456"  # moved into a group
    assert answers["reasons"] == ["few"]  # the split choice must be chosen again...
    assert answers[KEPT] == {"2": {"reasons": ["parttime", "few"], "old_remark": "门口无牌子"}}
    assert "chair_nm" not in answers and "old_remark" not in answers
    with db.transaction() as s:
        assert open_draft(s, visit_id, forms[2]) is None  # already there


def test_a_finalized_visit_stays_on_its_version_and_stays_valid(
        db: Database, forms: list[FormDefinition]) -> None:
    """v3 adds a required question; a visit finalized on v1 is judged by v1."""
    visit_id = _visit(db, forms[0], ON_V1, final=True)
    with db.sessions() as s:
        (frozen,) = history(s, visit_id)
        as_it_was = stored_form(s, "vt", frozen.form_version)
    assert frozen.form_version == "1"
    assert as_it_was is not None and as_it_was.label("chair_nm", "en") == "Chair"
    assert errors(check(FormState(as_it_was, answers_of(frozen)))) == []


def test_reopening_a_finalized_visit_moves_the_new_revision_to_the_newest(
        db: Database, forms: list[FormDefinition]) -> None:
    visit_id = _visit(db, forms[0], ON_V1, final=True)
    with db.transaction() as s:
        moved = reopen_on_newest(s, visit_id, forms[2])
    assert moved is not None and "plaque" in moved.added
    with db.transaction() as s:
        visit = s.get_one(Visit, visit_id)
        assert (visit.revision, visit.status, visit.form_version) == (2, "draft", "3")
        answers = answers_of(visit)
        with pytest.raises(VisitError):  # the new required question is asked
            finalize(s, visit_id, forms[2], answers)
    answers["plaque"] = "yes"
    with db.transaction() as s:
        finalize(s, visit_id, forms[2], answers)
        first, second = history(s, visit_id)
    assert (first.form_version, second.form_version) == ("1", "3")
    assert json.loads(first.answers_json)["chair_nm"] == "张三"  # frozen as it was
    assert kept_answers(json.loads(second.answers_json))["2"]["old_remark"] == "门口无牌子"


def test_kept_answers_of_a_removed_question_are_exported(
        db: Database, forms: list[FormDefinition], tmp_path: Path) -> None:
    """Only finalized revisions travel: the moved draft is finished on v3 first."""
    visit_id = _visit(db, forms[0], ON_V1)
    with db.transaction() as s:
        open_draft(s, visit_id, forms[2])
        answers = answers_of(s.get_one(Visit, visit_id))
        finalize(s, visit_id, forms[2], {**answers, "plaque": "no"})
    path = tmp_path / "bundle.xlsx"
    export_bundle(db, forms[2], FakeSigner(), path, period_start=PERIOD[0],
                  period_end=PERIOD[1], sequence=1)
    (record,) = read_bundle(path).visits
    assert record.answers[KEPT]["2"]["old_remark"] == "门口无牌子"
    assert record.form_version == "3"


def test_the_removal_is_refused_without_a_declaration_so_no_store_sees_it() -> None:
    from fieldsurvey.forms.versions import compare, refused

    undeclared = load_form_markdown(v3(removed=""))
    assert [c.params["name"] for c in refused(compare(load_form_markdown(V2), undeclared))] == [
        "old_remark"]


def test_one_version_number_cannot_stand_for_two_forms(
        db: Database, forms: list[FormDefinition]) -> None:
    with db.transaction() as s, pytest.raises(VisitError) as caught:
        remember_source(s, V2.replace("Chair's name", "Chair").encode("utf-8"), "vt.md")
    assert caught.value.message.code == "formver.version_differs"
    with db.sessions() as s:
        assert list(s.scalars(select(FormVersion.version).order_by(FormVersion.version))) == [
            "1", "2", "3"]


def test_a_draft_saved_again_on_v3_keeps_the_kept_answers(
        db: Database, forms: list[FormDefinition]) -> None:
    visit_id = _visit(db, forms[0], ON_V1)
    with db.transaction() as s:
        open_draft(s, visit_id, forms[2])
    with db.transaction() as s:
        answers = answers_of(s.get_one(Visit, visit_id))
        answers["reasons"] = ["retired", "few"]
        save_draft(s, visit_id, forms[2], answers)
        assert answers_of(s.get_one(Visit, visit_id))[KEPT]["2"]["old_remark"] == "门口无牌子"


def test_prefilled_answers_awaiting_confirmation_follow_the_rename(
        db: Database, forms: list[FormDefinition]) -> None:
    from fieldsurvey.store.prefill import pending_prefill, set_pending_prefill

    visit_id = _visit(db, forms[0], ON_V1)
    with db.transaction() as s:
        set_pending_prefill(s, visit_id, ["chair_nm", "staff", "old_remark", "leader@0"])
        open_draft(s, visit_id, forms[2])
        assert pending_prefill(s, visit_id) == {"chair_name", "staff", "leader@0"}


def test_the_manifest_lists_every_form_version_the_visits_need(
        db: Database, forms: list[FormDefinition], tmp_path: Path) -> None:
    _visit(db, forms[0], ON_V1, final=True)  # stays on v1
    on_v3 = _visit(db, forms[0], ON_V1)
    with db.transaction() as s:
        open_draft(s, on_v3, forms[2])
        answers = answers_of(s.get_one(Visit, on_v3))
        finalize(s, on_v3, forms[2], {**answers, "plaque": "no"})
    path = tmp_path / "bundle.xlsx"
    signer = FakeSigner()
    export_bundle(db, forms[2], signer, path, period_start=PERIOD[0],
                  period_end=PERIOD[1], sequence=1)
    assert verify_bundle(path, signer.trust()).kind == "valid"
    manifest = read_bundle(path).manifest
    assert manifest["form"] == {"id": forms[2].form_id, "version": "3"}
    assert manifest["forms"] == [{"id": forms[0].form_id, "version": "1"},
                                 {"id": forms[2].form_id, "version": "3"}]
    assert sorted(v.form_version for v in read_bundle(path).visits) == ["1", "3"]
