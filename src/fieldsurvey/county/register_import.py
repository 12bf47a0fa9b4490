"""The county imports the civil-affairs list for its whole area, split by township.

Each row says its township (:mod:`fieldsurvey.county.register_townships`);
the rows of one township are then planned with the officer's own rules
(:func:`fieldsurvey.register.plan.plan_against`: cleaning, checks, totals
lines, duplicates, matching by code then by name) against that township's
organizations in ``merged_organization``. Nothing is checked twice over.

What the county's list may change (see docs/design.md, "The county's register"):

- an organization the county did not have is added, its provenance
  ``source_key = county-register`` and ``source_bundle`` the import's id;
- an organization an officer's bundle brought only has its *empty* fields
  filled: the township's register stays the authority on what it recorded,
  and its ``updated_at`` and ``content_hash`` are left alone, so the officer's
  next version still wins the merge (and the same version merges as unchanged);
- an organization an earlier county import added is updated like the
  officer's import updates its own (never blanking a value);
- a code that fails its check is reported (待核实) and not stored: the office
  register has no column for pending codes; the officer's copy keeps them.

Planning reads only; applying is one transaction that refuses if the
register changed since planning.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from fieldsurvey import clock
from fieldsurvey.bundles.records import OrganizationRecord
from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.intake import organization_hash
from fieldsurvey.county.models import MergedOrganization
from fieldsurvey.county.names import name_key
from fieldsurvey.county.office import OfficeProfile
from fieldsurvey.county.register_townships import load_townships, township_column
from fieldsurvey.messages import Message
from fieldsurvey.progress import NullProgress, Progress, check_cancelled
from fieldsurvey.register import RegisterError, RegisterSheet, find_header, read_register
from fieldsurvey.register.plan import (
    Action,
    ImportPlan,
    Known,
    KnownRegister,
    PlanEntry,
    Problem,
    column_letter,
    note_row,
    plan_against,
)
from fieldsurvey.store.models import new_id
from fieldsurvey.store.organizations import EDITABLE

#: ``source_key`` of the organizations the county's register import added.
COUNTY_REGISTER = "county-register"
_ORG_FIELDS = tuple(EDITABLE)  # uscc_pending has no column at the office


@dataclass(frozen=True)
class Unplaced:
    """A data row whose township cannot be told: skipped, and said so."""

    file: str
    sheet: str
    row: int
    column: str
    organization: str
    message: Message
    severity: str = "error"

    def located(self) -> Message:
        where = {"file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column,
                 "field": Message("register_county.field_township"), "detail": self.message}
        if self.organization:
            return Message("register.problem_at_org", {**where, "name": self.organization})
        return Message("register.problem_at", where)


@dataclass(frozen=True)
class TownshipPart:
    """One township's rows of the list and what importing them does."""

    code: str
    name: str
    plan: ImportPlan

    def counts(self) -> dict[str, int]:
        c = self.plan.counts()
        return {"new": c.new, "updated": c.update, "unchanged": c.unchanged,
                "skipped": c.skipped, "problems": sum(1 for _ in self.plan.problems())}


@dataclass(frozen=True)
class CountyPlan:
    file: str
    sheet: str
    parts: tuple[TownshipPart, ...]
    unplaced: tuple[Unplaced, ...]
    notes: ImportPlan  # totals and sign-off lines, township-less
    state: tuple[Any, ...]

    def totals(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for part in self.parts:
            total.update(part.counts())
        total["skipped"] += len(self.unplaced) + self.notes.counts().skipped
        return {k: total[k] for k in ("new", "updated", "unchanged", "skipped")}


def register_state(session: Session) -> tuple[Any, ...]:
    """Changes whenever an organization is added or changed (by a merge or an import)."""
    o = MergedOrganization
    return tuple(session.execute(select(func.count(), func.max(o.updated_at),
                                        func.max(o.imported_at))).one())


@dataclass
class _Stored:
    known: dict[str, dict[str, Known]]  # township -> id -> known
    source: dict[str, str]  # id -> source_key
    uscc_township: dict[str, str]  # county-wide, for codes claimed by another township


def _load(session: Session) -> _Stored:
    o = MergedOrganization
    columns = [getattr(o, name) for name in _ORG_FIELDS]
    stored = _Stored({}, {}, {})
    for org_id, township, source, *values in session.execute(
            select(o.id, o.township_code, o.source_key, *columns)
            .where(o.duplicate_of.is_(None)).order_by(o.created_at, o.id)):
        row = dict(zip(_ORG_FIELDS, values, strict=True))
        if isinstance(row.get("registered_on"), dt.date):  # the plan compares ISO text
            row["registered_on"] = row["registered_on"].isoformat()
        row["uscc_pending"] = None
        stored.known.setdefault(township, {})[org_id] = Known(org_id, row)
        stored.source[org_id] = source
        if row["uscc"]:
            stored.uscc_township.setdefault(row["uscc"], township)
    return stored


def _register_of(known: dict[str, Known]) -> KnownRegister:
    reg = KnownRegister({}, {})
    for k in known.values():
        if k.values["uscc"]:
            reg.by_uscc.setdefault(str(k.values["uscc"]), k)
        reg.by_name.setdefault(str(k.values["name"]), []).append(k)
    return reg


def _split(sheet: RegisterSheet, header_row: int, mapping: dict[str, int], column: int,
           townships: Any) -> tuple[dict[str, list[int]], list[int], list[Unplaced]]:
    rows: dict[str, list[int]] = {}
    notes: list[int] = []
    unplaced: list[Unplaced] = []
    for index in range(header_row + 1, len(sheet.rows)):
        if note_row(sheet, index, mapping):
            notes.append(index)  # blank rows pass; totals lines are told once
            continue
        found = townships.resolve(sheet.rows[index][column])
        if isinstance(found, Message):
            unplaced.append(Unplaced(sheet.file_name, sheet.sheet, index + 1,
                                     column_letter(column),
                                     sheet.rows[index][mapping["name"]].strip(), found))
        else:
            rows.setdefault(found, []).append(index)
    return rows, notes, unplaced


def _fill_only(entry: PlanEntry, known: Known) -> PlanEntry:
    """An update of a township's organization: only its empty fields are filled."""
    changes = {k: v for k, v in entry.changes.items()
               if k in _ORG_FIELDS and not known.values.get(k)}
    action = Action.UPDATE if changes else Action.UNCHANGED
    return dataclasses.replace(entry, action=action, changes=changes)


def _claimed(entry: PlanEntry, plan: ImportPlan, township: str, owner: str) -> PlanEntry:
    problem = Problem(plan.file, plan.sheet, entry.row, column_letter(plan.mapping["uscc"]),
                      "uscc", "error",
                      Message("register_county.uscc_other_township", {"township": owner}),
                      str(entry.values.get("name") or ""))
    return dataclasses.replace(entry, action=Action.SKIPPED,
                               problems=(*entry.problems, problem))


def _settle(plan: ImportPlan, township: str, stored: _Stored) -> ImportPlan:
    """The county's rules on top of the officer's plan (see the module's docstring)."""
    known = stored.known.get(township, {})
    entries: list[PlanEntry] = []
    for planned in plan.entries:
        entry, uscc = planned, planned.values.get("uscc")
        if entry.action is Action.NEW and uscc:
            owner = stored.uscc_township.setdefault(str(uscc), township)
            if owner != township:
                entry = _claimed(entry, plan, township, owner)
        elif entry.action is Action.UPDATE and entry.organization_id is not None:
            if stored.source.get(entry.organization_id) != COUNTY_REGISTER:
                entry = _fill_only(entry, known[entry.organization_id])
            else:
                entry = dataclasses.replace(entry, changes={
                    k: v for k, v in entry.changes.items() if k in _ORG_FIELDS})
        entries.append(entry)
    return dataclasses.replace(plan, entries=tuple(entries))


def plan_county_register(session: Session, profile: OfficeProfile, sheet: RegisterSheet,
                         progress: Progress | None = None) -> CountyPlan:
    """What importing the county's list would do, township by township. Reads only."""
    progress = progress or NullProgress()
    header = find_header(sheet)
    column = township_column(sheet.rows[header.row])
    if column is None:
        raise RegisterError(Message("register_county.no_township_column", {
            "file": sheet.file_name, "sheet": sheet.sheet}))
    mapping = {f: c for f, c in header.mapping.items() if c != column}
    townships = load_townships(session, profile)
    state = register_state(session)
    stored = _load(session)
    rows, notes, unplaced = _split(sheet, header.row, mapping, column, townships)
    parts: list[TownshipPart] = []
    for done, code in enumerate(sorted(rows)):
        check_cancelled(progress)
        progress.report(done, len(rows), Message("register.stage.checking"))
        plan = plan_against(sheet, header.row, mapping,
                            _register_of(stored.known.get(code, {})), code, state,
                            only=rows[code])
        parts.append(TownshipPart(code, townships.names.get(code, code),
                                  _settle(plan, code, stored)))
    note_plan = plan_against(sheet, header.row, mapping, KnownRegister({}, {}), "", state,
                             only=notes)
    return CountyPlan(sheet.file_name, sheet.sheet, tuple(parts), tuple(unplaced), note_plan,
                      state)


def _record(org_id: str, values: dict[str, Any], township: str, created: dt.datetime,
            updated: dt.datetime) -> dict[str, Any]:
    day = values.get("registered_on")
    registered = dt.date.fromisoformat(day) if isinstance(day, str) and day else day
    record = OrganizationRecord(
        org_id, str(values["name"]), values.get("uscc"), values.get("reg_type"),
        values.get("field"), values.get("supervisor"), values.get("address"),
        values.get("legal_rep"), values.get("phone"), township, created, updated,
        registered or None)
    return {**record._asdict(), "content_hash": organization_hash(record),
            "name_key": name_key(record.name)}


def _work(plan: CountyPlan) -> Iterator[tuple[str, PlanEntry]]:
    for part in plan.parts:
        for entry in part.plan.entries:
            if entry.action in (Action.NEW, Action.UPDATE):
                yield part.code, entry


def apply_county_plan(db: OfficeDatabase, plan: CountyPlan,
                      progress: Progress | None = None) -> None:
    """Carry the plan out in one transaction; :class:`RegisterError` if the register
    changed since planning, :class:`~fieldsurvey.progress.Cancelled` on cancel."""
    progress = progress or NullProgress()
    work = list(_work(plan))
    stage = Message("register.stage.importing")
    import_id = new_id()
    with db.transaction() as session:
        if register_state(session) != plan.state:
            raise RegisterError(Message("register.changed_since_check", {"file": plan.file}))
        now = clock.now()
        provenance = {"source_bundle": import_id, "source_key": COUNTY_REGISTER,
                      "imported_at": now, "duplicate_of": None}
        inserts: list[dict[str, Any]] = []
        for done, (township, entry) in enumerate(work):
            if done % 500 == 0:
                check_cancelled(progress)
                progress.report(done, len(work), stage)
            if entry.action is Action.NEW:
                values = {k: entry.values.get(k) for k in _ORG_FIELDS}
                inserts.append({**_record(new_id(), values, township, now, now), **provenance})
                continue
            org = session.get(MergedOrganization, entry.organization_id)
            assert org is not None
            if org.source_key == COUNTY_REGISTER:  # the county's own: updated, newer now
                values = {k: getattr(org, k) for k in _ORG_FIELDS} | dict(entry.changes)
                row = _record(org.id, values, township, org.created_at, now)
                session.execute(update(MergedOrganization), [{**row, **provenance}])
            else:  # a township's: empty fields filled, its version left as it was
                for k, v in entry.changes.items():
                    setattr(org, k, dt.date.fromisoformat(v) if k == "registered_on" and v
                            else v)
        if inserts:
            session.execute(insert(MergedOrganization), inserts)
        check_cancelled(progress)
        progress.report(len(work), len(work), stage)


def import_county_register(db: OfficeDatabase, profile: OfficeProfile, path: Path,
                           sheet: str | None = None, *, dry_run: bool = False,
                           progress: Progress | None = None) -> CountyPlan:
    """Read, plan and (unless ``dry_run``) apply the county's list; the plan it followed."""
    if profile.role != "county":  # a city's office has no townships of its own
        raise RegisterError(Message("register_county.county_only"))
    read = read_register(path, sheet, progress)
    with db.transaction() as session:
        plan = plan_county_register(session, profile, read, progress)
    if not dry_run:
        apply_county_plan(db, plan, progress)
    return plan
