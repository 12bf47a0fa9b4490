"""Review at the office: every merged visit is pending, approved, returned or fixed.

A visit's state lives in ``visit_review``; every change to it is also an entry of
its thread (``review_event``), which is only ever appended to, so who did what
and when is never overwritten. The merge calls :func:`revisions_merged` for the
visits a bundle brought at a new revision: a returned visit that comes back
changed is *fixed, to be checked again*, any other enters *pending*. The
officer's replies travel in the bundles and join the thread once each
(:func:`replies_merged`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldsurvey import clock
from fieldsurvey.bundles.replies import Reply
from fieldsurvey.canonical import canonical_json
from fieldsurvey.county.form_archive import lined_up
from fieldsurvey.county.models import (
    MergedOrganization,
    MergedVisit,
    ReplacedRevision,
    ReviewEvent,
    VisitReview,
)
from fieldsurvey.messages import Message

State = Literal["pending", "approved", "returned", "fixed_pending"]
STATES: tuple[State, ...] = ("pending", "approved", "returned", "fixed_pending")
#: What a person may act on: approving an approved visit again records nothing.
APPROVABLE = frozenset({"pending", "returned", "fixed_pending"})
MAX_COMMENT = 2000  # a comment is read on a phone call and in a cell, not an essay


class ReviewError(Exception):
    """A review action that cannot be done; ``message`` says why."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message


@dataclass(frozen=True)
class ReviewItem:
    """One row of the review list."""

    visit_id: str
    organization_id: str
    organization_name: str
    township_code: str
    form_id: str
    revision: int
    visit_date: dt.date | None
    officer: str
    state: str
    changed_at: dt.datetime
    changed_by: str


@dataclass(frozen=True)
class ThreadEntry:
    """One entry of a visit's thread, oldest first."""

    revision: int
    action: str
    state: str
    comment: str | None
    questions: dict[str, str]
    by: str
    at: dt.datetime
    reply_id: str | None = None


# -- reading -------------------------------------------------------------------------------

def review_list(session: Session, *, township: str | None = None, state: str | None = None,
                form_id: str | None = None, month: tuple[int, int] | None = None
                ) -> list[ReviewItem]:
    """The live visits under review, by township, visit date and organization name."""
    if state is not None and state not in STATES:
        raise ReviewError(Message("review.bad_state", {"state": state,
                                                       "states": ", ".join(STATES)}))
    v, r, o = MergedVisit, VisitReview, MergedOrganization
    stmt = (select(v.id, v.organization_id, o.name, r.township_code, v.form_id, v.revision,
                   v.visit_date, v.officer, r.state, r.changed_at, r.changed_by)
            .join(r, r.visit_id == v.id)
            .outerjoin(o, o.id == v.organization_id)
            .where(v.deleted_at.is_(None)))
    if township:
        stmt = stmt.where(r.township_code.startswith(township))
    if state:
        stmt = stmt.where(r.state == state)
    if form_id:
        stmt = stmt.where(v.form_id == form_id)
    if month:
        first = dt.date(month[0], month[1], 1)
        after = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        stmt = stmt.where(v.visit_date >= first, v.visit_date < after)
    stmt = stmt.order_by(r.township_code, v.visit_date, o.name, v.id)
    return [ReviewItem(vid, org, name or org, town, form, rev, day, officer, st, at, by)
            for vid, org, name, town, form, rev, day, officer, st, at, by
            in session.execute(stmt).all()]


def form_ids(session: Session) -> list[str]:
    """The forms of the visits under review (the review list filters by them)."""
    return list(session.scalars(select(MergedVisit.form_id).distinct()
                                .order_by(MergedVisit.form_id)))


def thread(session: Session, visit_id: str) -> list[ThreadEntry]:
    """Every entry of a visit's thread in the order the office recorded it (a reply is
    dated by the officer's laptop, but the office learns of it with the bundle)."""
    rows = session.scalars(select(ReviewEvent).where(ReviewEvent.visit_id == visit_id)
                           .order_by(ReviewEvent.id))
    return [ThreadEntry(e.revision, e.action, e.state, e.comment,
                        json.loads(e.questions_json) if e.questions_json else {},
                        e.by, e.at, e.reply_id) for e in rows]


def state_of(session: Session, visit_id: str) -> str | None:
    return session.scalar(select(VisitReview.state).where(VisitReview.visit_id == visit_id))


def approved_visit_ids() -> Any:
    """A subquery of the visits approved at their current revision (for the table)."""
    return select(VisitReview.visit_id).where(VisitReview.state == "approved")


# -- acting --------------------------------------------------------------------------------

def _live(session: Session, visit_ids: Sequence[str]) -> dict[str, tuple[VisitReview, int]]:
    found: dict[str, tuple[VisitReview, int]] = {}
    for i in range(0, len(visit_ids), 500):
        chunk = visit_ids[i:i + 500]
        for review, revision in session.execute(
                select(VisitReview, MergedVisit.revision)
                .join(MergedVisit, MergedVisit.id == VisitReview.visit_id)
                .where(VisitReview.visit_id.in_(chunk), MergedVisit.deleted_at.is_(None))):
            found[review.visit_id] = (review, revision)
    missing = [vid for vid in visit_ids if vid not in found]
    if missing:
        raise ReviewError(Message("review.no_such_visit", {"visit": missing[0]}))
    return found


def _record(session: Session, review: VisitReview, revision: int, action: str, state: str,
            by: str, at: dt.datetime, comment: str | None = None,
            questions: Mapping[str, str] | None = None, reply_id: str | None = None) -> None:
    review.state, review.revision, review.changed_at, review.changed_by = state, revision, at, by
    session.add(ReviewEvent(visit_id=review.visit_id, revision=revision, action=action,
                            state=state, comment=comment,
                            questions_json=canonical_json(dict(questions)) if questions
                            else None, by=by, at=at, reply_id=reply_id))


def approve(session: Session, visit_ids: Iterable[str], *, by: str,
            now: dt.datetime | None = None) -> int:
    """Approve the visits (all or none); returns how many changed state."""
    at = now or clock.now()
    ids = list(dict.fromkeys(visit_ids))
    changed = 0
    for review, revision in _live(session, ids).values():
        if review.state in APPROVABLE:
            _record(session, review, revision, "approved", "approved", by, at)
            changed += 1
    return changed


def return_visit(session: Session, visit_id: str, comment: str, *, by: str,
                 questions: Mapping[str, str] | None = None,
                 known_questions: Iterable[str] | None = None,
                 now: dt.datetime | None = None) -> None:
    """Return a visit for correction with a comment, and optionally one per question."""
    comment = comment.strip()
    questions = {k: v.strip() for k, v in (questions or {}).items() if v.strip()}
    if not comment:
        raise ReviewError(Message("review.comment_required"))
    for text in (comment, *questions.values()):
        if len(text) > MAX_COMMENT:
            raise ReviewError(Message("review.comment_too_long", {"limit": MAX_COMMENT}))
    if known_questions is not None:
        unknown = sorted(set(questions) - set(known_questions))
        if unknown:
            raise ReviewError(Message("review.unknown_question", {"question": unknown[0]}))
    review, revision = _live(session, [visit_id])[visit_id]
    _record(session, review, revision, "returned", "returned", by, now or clock.now(),
            comment, questions)


# -- the merge's side ----------------------------------------------------------------------

def revisions_merged(session: Session, visits: Sequence[tuple[str, int, str]], *, by: str,
                     now: dt.datetime) -> None:
    """``visits`` (id, revision, township) arrived at a new revision: pending again, or
    fixed and pending when the office had returned it."""
    stored: dict[str, VisitReview] = {}
    ids = [v[0] for v in visits]
    for i in range(0, len(ids), 500):
        stored.update((r.visit_id, r) for r in session.scalars(
            select(VisitReview).where(VisitReview.visit_id.in_(ids[i:i + 500]))))
    fresh = []
    events = []
    for visit_id, revision, township in visits:
        review = stored.get(visit_id)
        if review is None:
            fresh.append({"visit_id": visit_id, "township_code": township, "state": "pending",
                          "revision": revision, "changed_at": now, "changed_by": by})
            state = "pending"
        else:
            state = "fixed_pending" if review.state in ("returned", "fixed_pending") \
                else "pending"
            review.state, review.revision = state, revision
            review.changed_at, review.changed_by = now, by
        events.append({"visit_id": visit_id, "revision": revision, "action": "revised",
                       "state": state, "by": by, "at": now})
    if fresh:
        session.bulk_insert_mappings(VisitReview, fresh)
    if events:
        session.bulk_insert_mappings(ReviewEvent, events)


def replies_merged(session: Session, replies: Sequence[Reply]) -> int:
    """Add the replies not in their threads yet; the state stays as it is. Returns how
    many were new. A reply to a visit the office does not hold is kept all the same."""
    if not replies:
        return 0
    known = set(session.scalars(select(ReviewEvent.reply_id).where(
        ReviewEvent.reply_id.in_([r.id for r in replies]))))
    added = 0
    for reply in replies:
        if reply.id in known:
            continue
        known.add(reply.id)
        state = state_of(session, reply.visit_id) or "pending"
        session.add(ReviewEvent(visit_id=reply.visit_id, revision=reply.revision,
                                action="replied", state=state, comment=reply.text,
                                by=reply.by, at=reply.at, reply_id=reply.id))
        added += 1
    return added


def keep_replaced(session: Session, visits: Sequence[tuple[str, int, str, str]],
                  now: dt.datetime) -> None:
    """Keep the answers of revisions a merge is replacing: (id, revision, answers JSON,
    form version), each revision once."""
    known: set[tuple[str, int]] = set()
    ids = [v[0] for v in visits]
    for i in range(0, len(ids), 500):
        known.update((vid, rev) for vid, rev in session.execute(
            select(ReplacedRevision.visit_id, ReplacedRevision.revision)
            .where(ReplacedRevision.visit_id.in_(ids[i:i + 500]))))
    session.add_all(ReplacedRevision(visit_id=vid, revision=rev, answers_json=answers,
                                     replaced_at=now, form_version=version)
                    for vid, rev, answers, version in visits if (vid, rev) not in known)


def _previous(session: Session, visit_id: str) -> ReplacedRevision | None:
    return session.scalars(select(ReplacedRevision).where(ReplacedRevision.visit_id == visit_id)
                           .order_by(ReplacedRevision.revision.desc()).limit(1)).first()


def previous_answers(session: Session, visit_id: str) -> tuple[int, dict[str, Any]] | None:
    """The revision before the current one, as the office last held it, if any."""
    row = _previous(session, visit_id)
    return (row.revision, json.loads(row.answers_json)) if row else None


def changed_answers(session: Session, visit_id: str) -> list[tuple[str, Any, Any]]:
    """(question, before, now) for every answer that differs from the previous revision.

    A previous revision on an older form version is first moved through the declared
    mappings (county.form_archive.lined_up), so a renamed question is compared with
    itself rather than listed as one answer removed and another added."""
    before = _previous(session, visit_id)
    current = session.execute(select(MergedVisit.answers_json, MergedVisit.form_id,
                                     MergedVisit.form_version)
                              .where(MergedVisit.id == visit_id)).first()
    if before is None or current is None:
        return []
    old, new = json.loads(before.answers_json), json.loads(current[0])
    if before.form_version and before.form_version != current[2]:
        old = lined_up(session, old, current[1], before.form_version, current[2])
    return [(name, old.get(name), new.get(name)) for name in sorted(old.keys() | new.keys())
            if old.get(name) != new.get(name)]
