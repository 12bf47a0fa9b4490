"""A visit of an older form version opens on the newest (issue 17): a draft moves when
opened, a finalized visit when reopened, and the sections with new or changed
questions are marked in the navigator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from visit_helpers import complete_answers, stored, stored_answers

from fieldsurvey.forms.loader import load_form
from fieldsurvey.resources import forms_dir
from fieldsurvey.store.form_versions import remember_shipped_forms
from fieldsurvey.store.visits import create_visit, finalize, history
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.visit.editor import VisitEditor
from fieldsurvey.ui.visit.navigator import CHANGED_MARK

pytestmark = pytest.mark.gui
OLD = "2026120501"


def _on_old_version(ctx: AppContext, org_id: str, *, final: bool) -> str:
    old = load_form(forms_dir() / "history" / f"so_union_visit-{OLD}.xlsx")
    answers: dict[str, Any] = complete_answers()
    answers.pop("plaque_displayed")  # the question 2026120502 added
    with ctx.db.transaction() as s:
        remember_shipped_forms(s, forms_dir() / "so_union_visit.xlsx")
        visit = create_visit(s, organization_id=org_id, form=old, officer="王芳",
                             answers=answers)
        if final:
            finalize(s, visit.id, old, answers)
        return visit.id


def test_a_draft_of_the_old_version_moves_when_opened_and_marks_its_section(
        ctx: AppContext, org_id: str, open_editor: Callable[..., VisitEditor]) -> None:
    visit_id = _on_old_version(ctx, org_id, final=False)
    editor = open_editor(visit_id)
    assert stored(ctx, visit_id).form_version == ctx.form.version
    assert editor.version_changes == {"plaque_displayed"}
    page = editor.page_of["plaque_displayed"]
    assert editor.navigator.changed_rows() == [page]
    assert editor.navigator.item(page).text().startswith(CHANGED_MARK)
    assert stored_answers(ctx, visit_id)["union_chair"] == "王芳"  # carried over


def test_reopening_a_finalized_old_visit_moves_the_new_revision_only(
        ctx: AppContext, org_id: str, open_editor: Callable[..., VisitEditor]) -> None:
    visit_id = _on_old_version(ctx, org_id, final=True)
    editor = open_editor(visit_id)
    assert editor.read_only and editor.navigator.changed_rows() == []
    editor.lifecycle.reopen()
    visit = stored(ctx, visit_id)
    assert (visit.status, visit.revision, visit.form_version) == (
        "draft", 2, ctx.form.version)
    with ctx.db.transaction() as s:
        assert [r.form_version for r in history(s, visit_id)] == [OLD]
    assert editor.navigator.changed_rows() == [editor.page_of["plaque_displayed"]]
    assert not editor.read_only
