"""A month's figures are the same whichever form versions its visits used (issue 17).

v2 renames the statistics question ``staff`` (fs_stat staff_total) to
``staff_count``; the statistic follows the ``fs_stat`` role, not the name.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fieldsurvey.cases.dashboard import month_figures
from fieldsurvey.cases.loading import load_cases
from fieldsurvey.forms.loader import load_form_markdown
from fieldsurvey.forms.mapping import move_answers
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.forms.stats import extract_facts
from fieldsurvey.forms.versions import compare, refused
from fieldsurvey.store import Database
from fieldsurvey.store.form_versions import remember_source, reopen_on_newest
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.visits import create_visit, finalize
from version_forms import stat_form_md

V1, V2 = stat_form_md(1), stat_form_md(2)
ANSWERS: dict[str, Any] = {"visit_date": "2026-11-03", "result": "completed", "staff": 12,
                           "union_status": "own", "members": 9}


def test_the_rename_of_a_stat_question_is_accepted_and_keeps_its_facts() -> None:
    v1, v2 = load_form_markdown(V1), load_form_markdown(V2)
    assert refused(compare(v1, v2)) == []
    moved = move_answers(ANSWERS, [v1, v2]).answers
    assert moved["staff_count"] == 12 and "staff" not in moved
    assert extract_facts(v2, moved) == extract_facts(v1, ANSWERS)
    assert extract_facts(v1, ANSWERS).staff_total == 12


def _store(db: Database, forms: list[FormDefinition]) -> None:
    """Three organizations: finalized on v1; finalized on v2; finalized on v1 and
    reopened onto v2 (it counts with its frozen v1 revision until finalized)."""
    v1, v2 = forms
    with db.transaction() as s:
        for form, text in zip(forms, (V1, V2), strict=True):
            assert remember_source(s, text.encode("utf-8"), "st.md").version == form.version
        ids = []
        for name, form in (("一号协会", v1), ("二号协会", v2), ("三号协会", v1)):
            org = add_organization(s, name=name, township_code="330106001")
            answers = ANSWERS if form is v1 else move_answers(ANSWERS, [v1, v2]).answers
            visit = create_visit(s, organization_id=org.id, form=form, officer="王芳",
                                 answers=answers)
            finalize(s, visit.id, form, answers)
            ids.append(visit.id)
    with db.transaction() as s:
        reopen_on_newest(s, ids[2], v2)


def test_a_months_figures_are_the_same_whichever_versions_its_visits_used(
        db: Database) -> None:
    forms = [load_form_markdown(V1), load_form_markdown(V2)]
    _store(db, forms)
    with db.sessions() as s:
        figures = month_figures(s, forms[1], None, 2026, 11)
        cases = load_cases(s, forms[1])
    # By hand: three operating organizations, each with 12 staff and a union of 9.
    assert (figures.registered, figures.visited, figures.unions) == (3, 3, 3)
    assert (figures.staff, figures.members) == (36, 27)
    assert [(c.staff, c.members, c.status) for c in cases] == [(12, 9, "union")] * 3
    # The same as if every visit had been on v1.
    assert dataclasses.asdict(figures)["staff"] == 3 * extract_facts(forms[0], ANSWERS).staff_total
