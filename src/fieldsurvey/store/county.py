"""The officer's side of the county's answers: its key, returned visits, replies.

The county's key is trusted the way the county trusts an officer's: from an
enrollment card, once its fingerprint was read over the phone. The county's
view of returned visits is what the newest package said (``county_review``);
the officer's replies are the officer's own records and travel in every later
bundle (``bundles.replies``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldsurvey import clock
from fieldsurvey.bundles.replies import Reply
from fieldsurvey.bundles.trust import TrustedKey
from fieldsurvey.identity.records import PublicIdentity, b64, unb64
from fieldsurvey.messages import Message
from fieldsurvey.store.models import CountyKey, CountyReview, Visit, VisitReply, VisitRevision

MAX_REPLY = 2000


class CountyError(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message


# -- trusting the county -----------------------------------------------------------------

def trust_county(session: Session, public: PublicIdentity) -> tuple[CountyKey, bool]:
    """Trust the county key on a card whose fingerprint was confirmed; (row, new)."""
    if public.role != "county":
        raise CountyError(Message("receive.not_a_county_card", {"name": public.name}))
    row = session.get(CountyKey, public.key_id)
    if row is not None:  # a known key keeps its revocation
        return row, False
    row = CountyKey(key_id=public.key_id, public_key=b64(public.public_key),
                    fingerprint=public.fingerprint, role=public.role, name=public.name,
                    unit_code=public.unit_code, unit_name=public.unit_name,
                    phone=public.phone, added_at=clock.now())
    session.add(row)
    return row, True


def revoke_county(session: Session, key_id: str, revoked_from: dt.datetime) -> CountyKey:
    """Refuse the key's packages made from ``revoked_from`` on (an earlier date wins)."""
    row = session.get(CountyKey, key_id)
    if row is None:
        raise CountyError(Message("receive.no_such_key", {"key": key_id}))
    if row.revoked_from is None or revoked_from < row.revoked_from:
        row.revoked_from = revoked_from
    return row


def county_trust(session: Session) -> dict[str, TrustedKey]:
    """The trust mapping packages are verified against."""
    out = {}
    for row in session.scalars(select(CountyKey)):
        raw = unb64(row.public_key, 32)
        if raw is not None:
            out[row.key_id] = TrustedKey(row.key_id, raw, row.name, row.unit_code,
                                         row.revoked_from, row.role)
    return out


# -- returned visits and replies ------------------------------------------------------------

@dataclass(frozen=True)
class ReturnedCase:
    """A visit the county returned, as the officer's lists and editor show it."""

    visit_id: str
    organization_id: str
    organization_name: str
    county_revision: int
    state: str
    comment: str  # the latest return's comment on the visit
    questions: dict[str, str]  # question name -> the county's comment beside it
    fixed: bool  # finalized again since the county's revision
    replied: bool  # the officer replied since the latest return

    @property
    def to_fix(self) -> bool:
        """In the 退回待改 filter: returned, and neither fixed nor answered yet."""
        return self.state == "returned" and not self.fixed and not self.replied


def _finalized_revisions(session: Session) -> dict[str, int]:
    return dict(session.execute(select(VisitRevision.visit_id,
                                       func.max(VisitRevision.revision))
                                .group_by(VisitRevision.visit_id)).all())


def returned_cases(session: Session, organization_id: str | None = None) -> list[ReturnedCase]:
    """Every visit the county's newest package calls returned (or ever returned)."""
    stmt = select(CountyReview).order_by(CountyReview.organization_name, CountyReview.visit_id)
    if organization_id is not None:
        stmt = stmt.where(CountyReview.organization_id == organization_id)
    finalized = _finalized_revisions(session)
    replies: dict[str, dt.datetime] = dict(session.execute(
        select(VisitReply.visit_id, func.max(VisitReply.created_at))
        .group_by(VisitReply.visit_id)).all())
    out = []
    for row in session.scalars(stmt):
        thread = json.loads(row.thread_json)
        back = next((e for e in reversed(thread) if e["action"] == "returned"), None)
        back_at = dt.datetime.fromisoformat(back["at"]) if back else None
        last_reply = replies.get(row.visit_id)
        if last_reply is not None and last_reply.tzinfo is None:
            last_reply = last_reply.replace(tzinfo=dt.UTC)  # max() bypasses the UTC type
        out.append(ReturnedCase(
            row.visit_id, row.organization_id, row.organization_name, row.revision, row.state,
            back["comment"] if back else "", dict(back["questions"]) if back else {},
            finalized.get(row.visit_id, 0) > row.revision,
            last_reply is not None and back_at is not None and last_reply > back_at))
    return out


def add_reply(session: Session, visit_id: str, text: str, *, officer: str) -> VisitReply:
    """The officer's reply about a visit, at its latest finalized revision."""
    text = text.strip()
    if not text:
        raise CountyError(Message("receive.reply_required"))
    if len(text) > MAX_REPLY:
        raise CountyError(Message("review.comment_too_long", {"limit": MAX_REPLY}))
    if session.get(Visit, visit_id) is None:
        raise CountyError(Message("review.no_such_visit", {"visit": visit_id}))
    revision = _finalized_revisions(session).get(visit_id, 1)
    reply = VisitReply(visit_id=visit_id, revision=revision, text=text, officer=officer,
                       created_at=clock.now())
    session.add(reply)
    session.flush()
    return reply


def all_replies(session: Session) -> list[Reply]:
    """Every reply, oldest first: each bundle carries them all."""
    return [Reply(r.id, r.visit_id, r.revision, r.text, r.officer, r.created_at)
            for r in session.scalars(select(VisitReply).order_by(VisitReply.created_at,
                                                                 VisitReply.id))]


def visit_thread(session: Session, visit_id: str) -> list[dict[str, Any]]:
    """The county's thread of a visit, in the order the county recorded it, then the
    officer's replies it has not seen yet: what the editor shows beside the visit."""
    row = session.get(CountyReview, visit_id)
    thread: list[dict[str, Any]] = json.loads(row.thread_json) if row else []
    seen = {e.get("reply_id") for e in thread}
    unseen = session.scalars(select(VisitReply).where(VisitReply.visit_id == visit_id)
                             .order_by(VisitReply.created_at, VisitReply.id))
    thread.extend({"revision": reply.revision, "action": "replied", "state": "",
                   "comment": reply.text, "questions": {}, "by": reply.officer,
                   "at": reply.created_at.isoformat(), "reply_id": reply.id}
                  for reply in unseen if reply.id not in seen)
    return thread
