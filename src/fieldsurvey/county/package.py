"""The office's side of the county package: what each township gets, and its number.

A package holds the county's whole current view of the township (see
``packages.contents``): its register as merged (duplicates the office resolved
left out, as in the roll-up), what the county's latest visits found about
organizations that left the register, and every visit it ever returned with
its thread. Each township's packages are numbered 1, 2, … by the office; a
number is used up when it is taken, even if writing then fails, so a number
never names two different packages.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldsurvey import clock
from fieldsurvey.bundles.records import OrganizationRecord
from fieldsurvey.bundles.trust import Signer
from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.form_archive import published_form
from fieldsurvey.county.models import (
    MergedOrganization,
    MergedVisit,
    OfficeSetting,
    ReviewEvent,
    Unit,
    VisitReview,
)
from fieldsurvey.county.office import OfficeProfile
from fieldsurvey.messages import Message
from fieldsurvey.packages.contents import Entry, PackageContents, PackageForm, ReturnedVisit
from fieldsurvey.packages.write import package_counts, write_package

#: What a county visit found that the township should hear about.
NOTED_STATUSES = frozenset({"deregistered", "not_found", "dormant"})
_SEQUENCE_PREFIX = "package_sequence."
TOWNSHIP_DIGITS = 9


class PackageError(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message


@dataclass(frozen=True)
class PackagePlan:
    """One township's package before it is written: what it holds, its next number."""

    contents: PackageContents
    sequence: int

    @property
    def counts(self) -> dict[str, int]:
        return package_counts(self.contents)


@dataclass(frozen=True)
class BuiltPackage:
    path: Path
    township_code: str
    sequence: int
    manifest: dict[str, Any]


def townships(session: Session, profile: OfficeProfile) -> list[tuple[str, str]]:
    """The office's townships (code, name): the units that sent bundles and the
    townships of merged organizations, in code order."""
    if profile.role != "county":
        raise PackageError(Message("package.county_only"))
    names = dict(session.execute(select(Unit.code, Unit.name)).all())
    codes = {c for c in names if len(c) == TOWNSHIP_DIGITS}
    codes |= set(session.scalars(select(MergedOrganization.township_code).distinct()))
    return [(c, names.get(c, c)) for c in sorted(codes) if c.startswith(profile.unit_code)]


def last_sequence(session: Session, township: str) -> int:
    row = session.get(OfficeSetting, _SEQUENCE_PREFIX + township)
    return int(row.value) if row else 0


def _take_sequence(session: Session, township: str) -> int:
    number = last_sequence(session, township) + 1
    row = session.get(OfficeSetting, _SEQUENCE_PREFIX + township)
    if row is None:
        session.add(OfficeSetting(key=_SEQUENCE_PREFIX + township, value=str(number)))
    else:
        row.value = str(number)
    return number


def package_contents(session: Session, township: tuple[str, str],
                     notice: str = "", form: PackageForm | None = None) -> PackageContents:
    code, name = township
    o, v = MergedOrganization, MergedVisit
    register = tuple(
        OrganizationRecord(r.id, r.name, r.uscc, r.reg_type, r.field, r.supervisor, r.address,
                           r.legal_rep, r.phone, r.township_code, r.created_at, r.updated_at,
                           r.registered_on)
        for r in session.scalars(select(o).where(o.township_code == code,
                                                 o.duplicate_of.is_(None))
                                 .order_by(o.name, o.id)))
    # Oldest first, so each organization ends with what its latest visit found.
    latest: dict[str, str | None] = dict(session.execute(
        select(v.organization_id, v.operating_status)
        .where(v.township_code == code, v.deleted_at.is_(None), v.status == "final")
        .order_by(v.visit_date, v.updated_at, v.id)).all())
    status = {k: s for k, s in latest.items() if s in NOTED_STATUSES}
    return PackageContents(code, name, _returns(session, code), register, status, notice,
                           form)


def _returns(session: Session, code: str) -> tuple[ReturnedVisit, ...]:
    v, r, e, o = MergedVisit, VisitReview, ReviewEvent, MergedOrganization
    returned = (select(e.visit_id).where(e.action == "returned").distinct())
    visits = session.execute(
        select(v.id, v.organization_id, o.name, v.visit_date, v.revision, r.state)
        .join(r, r.visit_id == v.id).outerjoin(o, o.id == v.organization_id)
        .where(v.township_code == code, v.deleted_at.is_(None), v.id.in_(returned))
        .order_by(v.visit_date, v.id)).all()
    threads: dict[str, list[Entry]] = {row[0]: [] for row in visits}
    for ev in session.scalars(select(e).where(e.visit_id.in_(list(threads)))
                              .order_by(e.id)):
        entries = threads[ev.visit_id]
        entries.append(Entry(len(entries) + 1, ev.revision, ev.action, ev.state,
                             ev.comment or "",
                             json.loads(ev.questions_json) if ev.questions_json else {},
                             ev.by, ev.at, ev.reply_id or ""))
    return tuple(ReturnedVisit(vid, org, org_name or org, day, rev, state, tuple(threads[vid]))
                 for vid, org, org_name, day, rev, state in visits)


def plan_packages(db: OfficeDatabase, profile: OfficeProfile, codes: Sequence[str] | None,
                  notice: str = "", form: PackageForm | None = None) -> list[PackagePlan]:
    """What each township's package would hold (``codes`` None: every township).

    Every package carries ``form`` if given (a dry run of publishing it), else the
    newest form version the office published, if any (county.form_archive)."""
    with db.transaction() as session:
        form = form or published_form(session)
        known = dict(townships(session, profile))
        wanted = list(known) if codes is None else list(codes)
        for code in wanted:
            if code not in known:
                raise PackageError(Message("package.unknown_township", {"township": code}))
        return [PackagePlan(package_contents(session, (c, known[c]), notice, form),
                            last_sequence(session, c) + 1) for c in wanted]


def package_file_name(plan: PackagePlan | PackageContents, sequence: int) -> str:
    contents = plan.contents if isinstance(plan, PackagePlan) else plan
    return f"{contents.township_code}-{contents.township_name}-下发包-{sequence:03d}.xlsx"


def build_packages(db: OfficeDatabase, plans: Sequence[PackagePlan], signer: Signer,
                   out_dir: Path, *, labels: Mapping[str, str] | None = None,
                   now: dt.datetime | None = None) -> list[BuiltPackage]:
    """Write the planned packages into ``out_dir``, each with its township's next number."""
    built = []
    for plan in plans:
        code = plan.contents.township_code
        with db.transaction() as session:
            sequence = _take_sequence(session, code)
        path = out_dir / package_file_name(plan, sequence)
        manifest = write_package(plan.contents, signer, path, sequence=sequence,
                                 now=now or clock.now(), labels=labels)
        built.append(BuiltPackage(path, code, sequence, manifest))
    return built
