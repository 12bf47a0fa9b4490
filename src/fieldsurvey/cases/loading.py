"""Loading every organization with its status in a few set-based queries.

The case list must open instantly with 50,000 organizations, so this reads
plain tuples (no ORM objects) in four queries and folds them in one pass;
nothing is queried per row afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from fieldsurvey.cases.status import Status, VisitFacts, derive_status, is_overdue
from fieldsurvey.cases.text import searchable_text
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.forms.stats import extract_facts
from fieldsurvey.store.models import Organization, Visit, VisitRevision


@dataclass(slots=True)
class CaseRow:
    """One organization as the case list and the dashboard see it."""

    id: str
    name: str
    uscc: str
    reg_type: str  # choice code; the latest visit's answer, else the register's
    field: str
    status: Status
    union_status: str  # the form of the union when status is "union"
    last_visit: dt.date | None
    next_visit: dt.date | None
    operating_status: str
    staff: int | None
    members: int | None
    union_setup: dt.date | None
    visits: int
    has_draft: bool
    # Lower-case name, code and pinyin, for substring search (see cases.filtering).
    haystack: str
    # Full pinyin of the name, so Chinese names sort the way officers expect.
    sort_name: str

    def overdue(self, today: dt.date) -> bool:
        return is_overdue(self.status, self.next_visit, today)


@dataclass(slots=True)
class _Folded:
    """The latest finalized visit and the latest completed one of an organization."""

    latest: VisitFacts | None = None
    completed: VisitFacts | None = None
    completed_extra: tuple[str | None, int | None, int | None, dt.date | None, str | None] = (
        None, None, None, None, None)
    reg_type: str | None = None
    count: int = 0


_FACT_COLUMNS = (Visit.organization_id, Visit.visit_date, Visit.updated_at, Visit.visit_result,
                 Visit.union_status, Visit.next_visit_date, Visit.operating_status,
                 Visit.staff_total, Visit.union_members, Visit.union_setup_date, Visit.reg_type)


def _finalized_facts(session: Session, form: FormDefinition) -> Iterable[tuple[Any, ...]]:
    """Fact tuples of every finalized visit that is not deleted.

    A reopened visit (a draft of revision n > 1) still counts with the facts of
    its last finalized revision, read from the frozen copy.
    """
    yield from session.execute(
        select(*_FACT_COLUMNS).where(Visit.status == "final", Visit.deleted_at.is_(None)))
    reopened = session.execute(
        select(Visit.organization_id, Visit.updated_at, VisitRevision.answers_json)
        .join(VisitRevision, and_(VisitRevision.visit_id == Visit.id,
                                  VisitRevision.revision == Visit.revision - 1))
        .where(Visit.status == "draft", Visit.revision > 1, Visit.deleted_at.is_(None)))
    for org_id, updated_at, answers_json in reopened:
        f = extract_facts(form, json.loads(answers_json))
        yield (org_id, f.visit_date, updated_at, f.visit_result, f.union_status,
               f.next_visit_date, f.operating_status, f.staff_total, f.union_members,
               f.union_setup_date, f.reg_type)


def _fold(rows: Iterable[tuple[Any, ...]]) -> dict[str, _Folded]:
    folded: dict[str, _Folded] = {}
    latest_key: dict[str, tuple[dt.date, dt.datetime]] = {}
    completed_key: dict[str, tuple[dt.date, dt.datetime]] = {}
    for (org_id, visit_date, updated_at, result, union, next_date, operating, staff, members,
         setup, reg_type) in rows:
        entry = folded.setdefault(org_id, _Folded())
        entry.count += 1
        key = (visit_date or dt.date.min, updated_at)
        facts = VisitFacts(visit_date, result, union, next_date)
        if org_id not in latest_key or key > latest_key[org_id]:
            latest_key[org_id] = key
            entry.latest = facts
            entry.reg_type = reg_type or entry.reg_type
        if result == "completed" and (org_id not in completed_key
                                      or key > completed_key[org_id]):
            completed_key[org_id] = key
            entry.completed = facts
            entry.completed_extra = (operating, staff, members, setup, reg_type)
    return folded


def load_cases(session: Session, form: FormDefinition, township_code: str | None = None
               ) -> list[CaseRow]:
    """Every organization of the register (optionally one township), with its status."""
    folded = _fold(_finalized_facts(session, form))
    drafts = set(session.scalars(
        select(Visit.organization_id).where(Visit.status == "draft",
                                            Visit.deleted_at.is_(None)).distinct()))
    query = select(Organization.id, Organization.name, Organization.uscc, Organization.reg_type,
                   Organization.field, Organization.search_key)
    if township_code is not None:
        query = query.where(Organization.township_code == township_code)
    empty = _Folded()
    rows: list[CaseRow] = []
    for org_id, name, uscc, reg_type, field, key in session.execute(query):
        entry = folded.get(org_id, empty)
        status = derive_status(entry.latest, entry.completed)
        operating, staff, members, setup, visit_reg_type = entry.completed_extra
        union = entry.completed.union_status if entry.completed else None
        full_pinyin = key.partition(" ")[2]
        rows.append(CaseRow(
            id=org_id, name=name, uscc=uscc or "",
            reg_type=visit_reg_type or entry.reg_type or reg_type or "",
            field=field or "", status=status,
            union_status=(union or "") if status == "union" else "",
            last_visit=entry.latest.visit_date if entry.latest else None,
            next_visit=entry.latest.next_visit_date if entry.latest else None,
            operating_status=operating or "", staff=staff, members=members, union_setup=setup,
            visits=entry.count, has_draft=org_id in drafts,
            haystack=searchable_text(name, uscc or "", key),
            sort_name=full_pinyin or name,
        ))
    return rows
