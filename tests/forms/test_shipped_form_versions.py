"""The shipped form goes through the path it asks of the county (issue 17): each
version follows the one before it in ``forms/history/`` without a refused change."""

from __future__ import annotations

import itertools

from fieldsurvey.forms.loader import load_form
from fieldsurvey.forms.mapping import move_answers
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.forms.versions import compare, refused, version_key
from fieldsurvey.resources import forms_dir
from fieldsurvey.store import Database
from fieldsurvey.store.form_versions import remember_shipped_forms, stored_versions


def _versions() -> list[FormDefinition]:
    history = [load_form(p) for p in
               sorted((forms_dir() / "history").glob("so_union_visit-*.xlsx"))]
    forms = [*history, load_form(forms_dir() / "so_union_visit.xlsx")]
    return sorted(forms, key=lambda f: version_key(f.version))


def test_every_shipped_version_follows_the_one_before_without_a_refusal() -> None:
    forms = _versions()
    assert len(forms) >= 2
    for old, new in itertools.pairwise(forms):
        changes = compare(old, new)
        assert refused(changes) == [], [c.render("en", "new", "old") for c in changes]


def test_the_shuangliang_question_is_new_in_2026120502() -> None:
    old, new = (f for f in _versions() if f.version in ("2026120501", "2026120502"))
    assert [(c.kind, c.params.get("name")) for c in compare(old, new)] == [
        ("added", "plaque_displayed")]
    assert new.question("plaque_displayed").list_name == "shuangliang"
    assert move_answers({"union_status": "own"}, [old, new]).added == {"plaque_displayed"}


def test_the_app_records_every_shipped_version_in_the_store(db: Database) -> None:
    with db.transaction() as s:
        shipped = remember_shipped_forms(s, forms_dir() / "so_union_visit.xlsx")
        remember_shipped_forms(s, forms_dir() / "so_union_visit.xlsx")  # idempotent
        assert stored_versions(s, "so_union_visit") == [f.version for f in _versions()]
    assert shipped.version == _versions()[-1].version
