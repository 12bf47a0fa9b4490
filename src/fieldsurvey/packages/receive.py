"""The officer receives a county package: verify, check, then apply in one transaction.

Refused, with the reason, and the store untouched: a package no trusted county
key signed exactly (tampered, unknown, revoked, re-saved), one addressed to
another township, the one applied last again (a replay), or one older than it.
Since a package carries the county's whole current view (``packages.contents``),
the newest one alone gives the same store as every one before it in order.

Applying:

- the register: an organization the officer lacks is added; one the county holds
  a newer version of (its ``updated_at``) takes the county's non-empty values, so
  nothing the officer recorded is ever blanked; where the officer's own version is
  the newer one and the county's differs, nothing changes and the difference is
  listed for the officer to choose;
- the county's view of returned visits replaces the previous one whole;
- a form version the county published is installed among the store's form versions
  (its bytes were signed with the rest), and new visits use the newest installed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fieldsurvey import clock
from fieldsurvey.bundles.manifest import utc_text
from fieldsurvey.bundles.records import OrganizationRecord
from fieldsurvey.canonical import canonical_json
from fieldsurvey.domain.search import search_key
from fieldsurvey.messages import Message
from fieldsurvey.packages.contents import ReturnedVisit
from fieldsurvey.packages.read import Package, PackageRefused, read_package
from fieldsurvey.store.county import county_trust
from fieldsurvey.store.db import Database
from fieldsurvey.store.form_versions import remember_source
from fieldsurvey.store.models import CountyReview, FormVersion, Organization
from fieldsurvey.store.organizations import EDITABLE
from fieldsurvey.store.profile import load_profile
from fieldsurvey.store.settings import get_setting, set_setting

LAST_SEQUENCE_KEY = "county_package.last_sequence"
LAST_ID_KEY = "county_package.last_id"
# The register columns a package carries; the store keeps each as text (registration
# dates as ISO text), the package's records carry dates as dates.
_FIELDS = EDITABLE


def _county_value(record: OrganizationRecord, name: str) -> Any:
    value = getattr(record, name)
    return value.isoformat() if isinstance(value, dt.date) else value


@dataclass(frozen=True)
class FieldConflict:
    """The officer's value and the county's differ, and the officer's is the newer."""

    organization_id: str
    name: str
    field: str
    mine: str
    county: str


@dataclass
class ReceiveSummary:
    """What a package holds for this store, and (after applying) what it changed."""

    package: Package
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: list[FieldConflict] = field(default_factory=list)
    #: The form version this package installed (None: none carried, or already kept).
    form_installed: str | None = None

    @property
    def returned(self) -> int:
        return self.package.contents.open_returns

    @property
    def found_gone(self) -> int:
        return len(self.package.contents.status)


def _refuse(code: str, **params: Any) -> PackageRefused:
    return PackageRefused(Message(code, params))


def _checked(session: Session, path: Path) -> Package:
    profile = load_profile(session)
    if profile is None:
        raise _refuse("receive.no_profile")
    trust = county_trust(session)
    if not trust:
        raise _refuse("receive.no_county")
    package = read_package(path, trust)
    township = package.contents.township_code
    if township != profile.township_code:
        raise _refuse("receive.other_township", township=township,
                      name=package.contents.township_name, mine=profile.township_code)
    stray = next((o for o in package.contents.register if o.township_code != township), None)
    if stray is not None:  # signed by the county, yet not this township's register
        raise _refuse("receive.foreign_organization", name=stray.name,
                      township=stray.township_code)
    last = int(get_setting(session, LAST_SEQUENCE_KEY) or 0)
    if package.package_id == get_setting(session, LAST_ID_KEY):
        raise _refuse("receive.replay", sequence=package.sequence)
    if package.sequence <= last:
        raise _refuse("receive.older", sequence=package.sequence, last=last)
    form = package.contents.form
    if form is not None:
        kept = session.get(FormVersion, (form.form_id, form.version))
        if kept is not None and kept.sha256 != hashlib.sha256(form.source).hexdigest():
            raise _refuse("form_archive.package_form_differs", form_id=form.form_id,
                          version=form.version)
    return package


def preview_package(db: Database, path: Path) -> ReceiveSummary:
    """Verify and check the package and say what it would change; nothing is written."""
    with db.sessions() as session:
        package = _checked(session, path)
        summary = ReceiveSummary(package)
        _register(session, package.contents.register, summary, write=False)
        session.rollback()
    return summary


def receive_package(db: Database, path: Path,
                    take: Collection[tuple[str, str]] = ()) -> ReceiveSummary:
    """Verify, check and apply the package, whole or not at all. Where the officer's value
    is the newer one, it stays, unless ``take`` names (organization id, field) for which
    the officer chose the county's (a conflict the preview listed)."""
    with db.transaction() as session:
        package = _checked(session, path)
        summary = ReceiveSummary(package)
        _register(session, package.contents.register, summary, write=True, take=take)
        _reviews(session, package.contents.returns)
        form = package.contents.form
        if form is not None and session.get(FormVersion, (form.form_id, form.version)) is None:
            remember_source(session, form.source, form.name)
            summary.form_installed = form.version
        set_setting(session, LAST_SEQUENCE_KEY, str(package.sequence))
        set_setting(session, LAST_ID_KEY, package.package_id)
    return summary


def _text(value: object) -> str:
    return "" if value is None else value.isoformat() if isinstance(value, dt.date) \
        else str(value)


def _register(session: Session, records: Sequence[OrganizationRecord], summary: ReceiveSummary,
              *, write: bool, take: Collection[tuple[str, str]] = ()) -> None:
    mine = {o.id: o for o in session.scalars(select(Organization))}
    by_code = {o.uscc: o for o in mine.values() if o.uscc}
    for record in records:
        org = mine.get(record.id) or (by_code.get(record.uscc) if record.uscc else None)
        if org is None:
            summary.added += 1
            if write:
                session.add(Organization(
                    id=record.id, search_key=search_key(record.name),
                    township_code=record.township_code, created_at=record.created_at,
                    updated_at=record.updated_at,
                    **{f: _county_value(record, f) for f in _FIELDS}))
            continue
        differs = [f for f in _FIELDS if _county_value(record, f) not in (None, "")
                   and _county_value(record, f) != getattr(org, f)]
        if not differs:
            summary.unchanged += 1
        elif record.updated_at > org.updated_at:
            summary.updated += 1
            if write:
                for f in differs:
                    setattr(org, f, _county_value(record, f))
                org.updated_at = record.updated_at
                if "name" in differs:
                    org.search_key = search_key(org.name)
        else:
            summary.unchanged += 1
            conflicts = [FieldConflict(org.id, org.name, f, _text(getattr(org, f)),
                                       _text(_county_value(record, f))) for f in differs]
            summary.conflicts += conflicts
            chosen = [c for c in conflicts if (c.organization_id, c.field) in take]
            if write and chosen:  # the officer chose the county's value for these
                for c in chosen:
                    setattr(org, c.field, _county_value(record, c.field))
                org.updated_at = clock.now()
                if any(c.field == "name" for c in chosen):
                    org.search_key = search_key(org.name)


def _reviews(session: Session, returns: Sequence[ReturnedVisit]) -> None:
    session.execute(delete(CountyReview))
    session.add_all(CountyReview(
        visit_id=r.visit_id, organization_id=r.organization_id,
        organization_name=r.organization_name, revision=r.revision, state=r.state,
        thread_json=canonical_json([{
            "number": e.number, "revision": e.revision, "action": e.action,
            "state": e.state, "comment": e.comment, "questions": e.questions, "by": e.by,
            "at": utc_text(e.at), "reply_id": e.reply_id} for e in r.thread]))
        for r in returns)
