"""Property (issue 17): drafts and finalized visits made on v1, moved to v3 through
the declared mappings, keep every answer: each is on v3 under its new name, or
kept, unchanged, under its old name in ``#kept``."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldsurvey.forms.loader import load_form_markdown
from fieldsurvey.forms.mapping import kept_answers, move_answers
from fieldsurvey.forms.versions import identify
from fieldsurvey.store import Database
from fieldsurvey.store.form_versions import open_draft, remember_source, reopen_on_newest
from fieldsurvey.store.models import Visit
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.visits import answers_of, create_visit, finalize, history
from version_forms import V1, V2, v3

FORMS = [load_form_markdown(text) for text in (V1, V2, v3())]
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
V1_ANSWERS = st.fixed_dictionaries({}, optional={
    "visit_date": st.dates(dt.date(2026, 1, 1), dt.date(2026, 11, 20)).map(str),
    "union_status": st.sampled_from(["none", "own", ""]),
    "staff": st.integers(0, 10_000),
    "chair_nm": TEXT,
    "contact": TEXT,
    "reasons": st.lists(st.sampled_from(["few", "parttime", "unaware"]), unique=True),
    "old_remark": TEXT,
    "leaders": st.lists(st.fixed_dictionaries({}, optional={"leader": TEXT}), max_size=3),
})


def _new_name(name: str) -> str:
    for old, new in itertools.pairwise(FORMS):
        name = identify(old, new).new_of_old.get(name, "#gone")
    return name


def _leaves(answers: dict[str, Any]) -> list[tuple[str, str, int | None, Any]]:
    """(ref_key, name, repeat instance, value) of every answer."""
    out: list[tuple[str, str, int | None, Any]] = []
    for key, value in answers.items():
        if key == "leaders":
            for i, instance in enumerate(value):
                out += [(f"{k}@{i}", k, i, v) for k, v in instance.items()]
        elif not key.startswith("#"):
            out.append((key, key, None, value))
    return out


def assert_every_answer_kept(before: dict[str, Any], after: dict[str, Any]) -> None:
    kept = {ref: value for bucket in kept_answers(after).values() for ref, value in bucket.items()}
    for ref, name, instance, value in _leaves(before):
        new = _new_name(name)
        home = after if instance is None else after.get("leaders", [{}] * (instance + 1))[instance]
        assert home.get(new) == value or kept.get(ref) == value, (ref, value, after)


@settings(max_examples=150, deadline=None)
@given(answers=V1_ANSWERS)
def test_moving_answers_from_v1_to_v3_keeps_every_answer(answers: dict[str, Any]) -> None:
    assert_every_answer_kept(answers, move_answers(answers, FORMS).answers)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=V1_ANSWERS, date=st.dates(dt.date(2026, 1, 1), dt.date(2026, 11, 20)))
def test_stored_drafts_and_finalized_visits_keep_every_answer(
        db: Database, answers: dict[str, Any], date: dt.date) -> None:
    with db.transaction() as s:
        for text in (V1, V2, v3()):
            remember_source(s, text.encode("utf-8"), "vt.md")
        org = add_organization(s, name="咸宁市茶叶协会", township_code="421202001")
        draft = create_visit(s, organization_id=org.id, form=FORMS[0], officer="王芳",
                             answers=answers).id
        final = create_visit(s, organization_id=org.id, form=FORMS[0], officer="王芳",
                             answers={**answers, "visit_date": str(date)}).id
        finalize(s, final, FORMS[0], {**answers, "visit_date": str(date)})
    with db.transaction() as s:
        open_draft(s, draft, FORMS[2])
        reopen_on_newest(s, final, FORMS[2])
    with db.sessions() as s:
        assert_every_answer_kept(answers, answers_of(s.get_one(Visit, draft)))
        (frozen,) = history(s, final)
        assert frozen.form_version == "1"
        assert_every_answer_kept(answers_of(frozen), answers_of(s.get_one(Visit, final)))
