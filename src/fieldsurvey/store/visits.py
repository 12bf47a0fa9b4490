"""Visits: drafts, finalizing, revisions and tombstones.

Each function works inside the caller's session and transaction, so a caller
can combine several steps atomically. Nothing here deletes a row: a finalized
revision is frozen in ``visit_revision``, and deleting leaves a tombstone.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldsurvey.canonical import canonical_json
from fieldsurvey.forms.answers import Answers
from fieldsurvey.forms.mapping import KEPT
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.forms.state import FormState, Ref
from fieldsurvey.forms.stats import extract_facts
from fieldsurvey.forms.validation import Issue, check, errors, warnings
from fieldsurvey.messages import Message
from fieldsurvey.store.models import Organization, Visit, VisitRevision, new_id, utcnow


class VisitError(Exception):
    """A visit operation was refused; the stored visit is unchanged."""

    def __init__(self, message: Message, issues: list[Issue] | None = None) -> None:
        super().__init__(message.code)
        self.message = message
        self.issues = issues or []


def ref_key(ref: Ref) -> str:
    """``name`` or ``name@0.2`` for a question inside repeats."""
    return ref.name + ("@" + ".".join(map(str, ref.indices)) if ref.indices else "")


def answers_of(visit: Visit | VisitRevision) -> Answers:
    loaded: Answers = json.loads(visit.answers_json)
    return loaded


def _apply_facts(visit: Visit, form: FormDefinition, answers: Answers) -> None:
    for key, value in dataclasses.asdict(extract_facts(form, answers)).items():
        setattr(visit, key, value)


def _get(session: Session, visit_id: str) -> Visit:
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise VisitError(Message("visit.not_found", {"id": visit_id}))
    return visit


def _live(session: Session, visit_id: str, status: str) -> Visit:
    """A visit that is not deleted and is in ``status`` ("draft" or "final")."""
    visit = _get(session, visit_id)
    if visit.deleted_at is not None:
        raise VisitError(Message("visit.deleted", {"id": visit_id}))
    if visit.status != status:
        code = "visit.not_draft" if status == "draft" else "visit.not_final"
        raise VisitError(Message(code, {"id": visit_id}))
    return visit


def live_draft(session: Session, visit_id: str) -> Visit:
    """A draft that is not deleted, else :class:`VisitError`."""
    return _live(session, visit_id, "draft")


def create_visit(session: Session, *, organization_id: str, form: FormDefinition,
                 officer: str, answers: Answers | None = None,
                 visit_id: str | None = None) -> Visit:
    """A new draft (revision 1) for an organization of the register."""
    if session.get(Organization, organization_id) is None:
        raise VisitError(Message("visit.no_organization", {"id": organization_id}))
    state = FormState(form, answers)
    visit = Visit(
        id=visit_id or new_id(), organization_id=organization_id, form_id=form.form_id,
        form_version=form.version, revision=1, status="draft",
        answers_json=canonical_json(state.answers), officer=officer, overrides_json="[]",
    )
    _apply_facts(visit, form, state.submission())
    session.add(visit)
    session.flush()
    return visit


def save_draft(session: Session, visit_id: str, form: FormDefinition, answers: Answers) -> Visit:
    """Store the answers as typed so far; drafts keep even non-relevant answers."""
    visit = _live(session, visit_id, "draft")
    visit.answers_json = canonical_json(answers)
    visit.form_version = form.version
    visit.updated_at = utcnow()
    _apply_facts(visit, form, FormState(form, answers).submission())
    return visit


def finalize(session: Session, visit_id: str, form: FormDefinition, answers: Answers,
             overrides: Mapping[str, str] | None = None, officer: str | None = None) -> Visit:
    """Finalize a draft and freeze this revision.

    Refused while any error remains, or while a warning has no override reason
    (``overrides`` maps :func:`ref_key` to the officer's reason).
    """
    visit = _live(session, visit_id, "draft")
    state = FormState(form, answers)
    issues = check(state)
    if errors(issues):
        raise VisitError(Message("visit.has_errors", {"count": len(errors(issues))}), issues)
    reasons = {k: v.strip() for k, v in (overrides or {}).items() if v and v.strip()}
    unexplained = [i for i in warnings(issues) if ref_key(i.ref) not in reasons]
    if unexplained:
        raise VisitError(Message("visit.needs_reason", {"count": len(unexplained)}), unexplained)
    final_answers = state.submission()
    if answers.get(KEPT):
        # Answers kept from an earlier form version are no question of this one, so
        # the submission leaves them out; they must still be finalized and travel.
        final_answers[KEPT] = answers[KEPT]
    used = [{"field": ref_key(i.ref), "warning": i.message.code, "reason": reasons[ref_key(i.ref)]}
            for i in warnings(issues)]
    visit.answers_json = canonical_json(final_answers)
    visit.overrides_json = canonical_json(used)
    visit.form_version = form.version
    visit.status = "final"
    visit.officer = officer or visit.officer
    visit.updated_at = utcnow()
    _apply_facts(visit, form, final_answers)
    session.add(VisitRevision(
        visit_id=visit.id, revision=visit.revision, form_version=form.version,
        answers_json=visit.answers_json, overrides_json=visit.overrides_json,
        officer=visit.officer, finalized_at=visit.updated_at,
    ))
    session.flush()
    return visit


def reopen(session: Session, visit_id: str) -> Visit:
    """Start the next revision of a finalized visit; the finalized one stays frozen."""
    visit = _live(session, visit_id, "final")
    visit.revision += 1
    visit.status = "draft"
    visit.updated_at = utcnow()
    return visit


def delete(session: Session, visit_id: str, reason: str) -> Visit:
    """Leave a tombstone: the row stays, marked deleted, with the reason."""
    if not reason.strip():
        raise VisitError(Message("visit.delete_needs_reason"))
    visit = _get(session, visit_id)
    if visit.deleted_at is None:
        visit.deleted_at = utcnow()
        visit.deleted_reason = reason.strip()
        visit.updated_at = visit.deleted_at
    return visit


def history(session: Session, visit_id: str) -> list[VisitRevision]:
    """Every finalized revision, oldest first."""
    return list(session.scalars(
        select(VisitRevision).where(VisitRevision.visit_id == visit_id)
        .order_by(VisitRevision.revision)
    ))
