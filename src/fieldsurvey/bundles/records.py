"""The records a bundle carries, and how they are read from the store.

A visit travels at its current finalized state: a finalized visit with its
current answers; a draft as its latest *finalized* revision from
``visit_revision`` (or not at all, if it was never finalized); a deleted visit
as a tombstone with no answers, so the deletion reaches the county too.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from fieldsurvey.register.dates import iso_day
from fieldsurvey.store.models import Organization, Visit, VisitRevision


@dataclass(frozen=True)
class VisitRecord:
    visit_id: str
    organization_id: str
    revision: int
    status: str
    form_id: str
    form_version: str
    officer: str
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None = None
    deleted_reason: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)

    @property
    def is_tombstone(self) -> bool:
        return self.deleted_at is not None


class OrganizationRecord(NamedTuple):
    """A register row. A named tuple: the county's merge passes many between processes."""

    id: str
    name: str
    uscc: str | None
    reg_type: str | None
    field: str | None
    supervisor: str | None
    address: str | None
    legal_rep: str | None
    phone: str | None
    township_code: str
    created_at: dt.datetime
    updated_at: dt.datetime
    registered_on: dt.date | None = None  # unknown in bundles made before 2026-12


@dataclass(frozen=True)
class BundleContents:
    """Exactly what was exported: live visits, tombstones, the register, the manifest."""

    visits: list[VisitRecord]
    tombstones: list[VisitRecord]
    organizations: list[OrganizationRecord]
    manifest: dict[str, Any]
    # Where each visit was read from: visit id -> row of the visits sheet (for messages).
    visit_rows: dict[str, int] = field(default_factory=dict)


def count_visits(session: Session, form_id: str) -> int:
    return session.scalar(select(func.count()).select_from(Visit)
                          .where(Visit.form_id == form_id)) or 0


def iter_visits(session: Session, form_id: str) -> Iterator[VisitRecord | None]:
    """One record per visit of the form, oldest first; ``None`` for a skipped draft."""
    latest = (select(VisitRevision.visit_id, func.max(VisitRevision.revision).label("rev"))
              .group_by(VisitRevision.visit_id).subquery())
    frozen = aliased(VisitRevision)
    stmt = (
        select(Visit.id, Visit.organization_id, Visit.revision, Visit.status, Visit.form_id,
               Visit.form_version, Visit.officer, Visit.created_at, Visit.updated_at,
               Visit.deleted_at, Visit.deleted_reason, Visit.answers_json,
               frozen.revision, frozen.form_version, frozen.answers_json, frozen.officer,
               frozen.finalized_at)
        .outerjoin(latest, and_(latest.c.visit_id == Visit.id, Visit.status == "draft"))
        .outerjoin(frozen, and_(frozen.visit_id == latest.c.visit_id,
                                frozen.revision == latest.c.rev))
        .where(Visit.form_id == form_id)
        .order_by(Visit.created_at, Visit.id)
    )
    for row in session.execute(stmt).yield_per(1000):
        (vid, org, revision, status, form, version, officer, created, updated, deleted,
         reason, answers, f_rev, f_version, f_answers, f_officer, f_at) = row
        if deleted is not None:
            yield VisitRecord(vid, org, revision, status, form, version, officer, created,
                              updated, deleted, reason)
        elif status == "final":
            yield VisitRecord(vid, org, revision, status, form, version, officer, created,
                              updated, answers=json.loads(answers))
        elif f_rev is not None:
            yield VisitRecord(vid, org, f_rev, "final", form, f_version, f_officer, created,
                              f_at, answers=json.loads(f_answers))
        else:
            yield None  # a draft never finalized: nothing to report yet


def iter_organizations(session: Session) -> Iterator[OrganizationRecord]:
    stmt = select(Organization).order_by(Organization.township_code, Organization.name,
                                         Organization.id)
    for org in session.scalars(stmt):
        yield OrganizationRecord(org.id, org.name, org.uscc, org.reg_type, org.field,
                                 org.supervisor, org.address, org.legal_rep, org.phone,
                                 org.township_code, org.created_at, org.updated_at,
                                 iso_day(org.registered_on))

