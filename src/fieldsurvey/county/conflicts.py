"""What a person must decide after a merge, and the record of the decision.

Three kinds:

- ``visit_content``: the same visit and revision arrived with different content
  (a database copied to two laptops, or edited outside the app). The versions
  are kept side by side; choosing one pins it.
- ``uscc_townships``: one credit code on the registers of two townships.
  Choosing the organization that keeps it marks the others as duplicates.
- ``name_duplicate``: organizations of one township whose names fold to the
  same key (see ``county.names``). Either one is kept and the others marked
  duplicates, or they are declared distinct.

A duplicate's visits count for the organization it duplicates (see
``county.stats``). Conflicts are found while merging and kept in step with the
data, so the set of open conflicts does not depend on the order of imports:
a group that dissolves, or a visit conflict a higher revision has overtaken,
is dropped while still open. A decided conflict is history and stays; it is
reopened if a new organization joins its group.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import and_, delete, distinct, func, select, update
from sqlalchemy.orm import Session

from fieldsurvey import clock
from fieldsurvey.county.models import (
    Conflict,
    ConflictVersion,
    MergedOrganization,
    MergedVisit,
    ReceivedBundle,
)
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.messages import Message, render

DISTINCT = "distinct"  # a name_duplicate resolution: different organizations after all
KINDS = ("visit_content", "uscc_townships", "name_duplicate")
_CHUNK = 500


class ConflictError(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message


# -- payloads: a row as JSON and back ------------------------------------------------------

def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()
            if not k.startswith("_")}


def _restored(model: type[MergedVisit], payload: Mapping[str, Any]) -> dict[str, Any]:
    """A payload's values typed for ``model``'s columns again."""
    out: dict[str, Any] = {}
    for column in model.__table__.columns:
        if column.name not in payload:
            continue
        value = payload[column.name]
        if value is not None and column.name.endswith("_at"):
            value = dt.datetime.fromisoformat(value)
        elif value is not None and column.name.endswith("_date"):
            value = dt.date.fromisoformat(value)
        out[column.name] = value
    return out


def _org_payload(org: MergedOrganization) -> dict[str, Any]:
    return _jsonable({c.name: getattr(org, c.name) for c in MergedOrganization.__table__.columns})


def _visit_payload(visit: MergedVisit) -> dict[str, Any]:
    return _jsonable({c.name: getattr(visit, c.name) for c in MergedVisit.__table__.columns})


# -- keeping conflicts in step with the merge ---------------------------------------------

def _conflict(session: Session, kind: str, subject: str) -> Conflict | None:
    return session.scalar(select(Conflict).where(Conflict.kind == kind,
                                                 Conflict.subject == subject))


def _drop(session: Session, conflict: Conflict) -> None:
    session.execute(delete(ConflictVersion).where(ConflictVersion.conflict_id == conflict.id))
    session.delete(conflict)


def _versions(session: Session, conflict_id: int) -> dict[str, ConflictVersion]:
    rows = session.scalars(select(ConflictVersion).where(
        ConflictVersion.conflict_id == conflict_id).order_by(ConflictVersion.id))
    return {v.version_key: v for v in rows}


def sync_visit_conflict(session: Session, stored: MergedVisit, incoming: Mapping[str, Any],
                        now: dt.datetime) -> None:
    """Record that ``incoming`` and ``stored`` are different contents of one revision."""
    subject = f"{stored.id}#{stored.revision}"
    conflict = _conflict(session, "visit_content", subject)
    if conflict is None:
        conflict = Conflict(kind="visit_content", subject=subject, status="open",
                            township_code=stored.township_code, detected_at=now)
        session.add(conflict)
        session.flush()
    versions = _versions(session, conflict.id)
    added = False
    for payload in (_visit_payload(stored), _jsonable(incoming)):
        if payload["content_hash"] not in versions:
            version = ConflictVersion(
                conflict_id=conflict.id, version_key=payload["content_hash"],
                payload_json=json.dumps(payload, ensure_ascii=False),
                source_bundle=payload["source_bundle"], source_key=payload["source_key"],
                township_code=payload["township_code"])
            session.add(version)
            versions[version.version_key] = version
            added = True
    if added and conflict.status == "resolved":
        conflict.status = "open"


def drop_overtaken_visit_conflicts(session: Session, visits: Iterable[tuple[str, int]]) -> None:
    """Open conflicts of revisions a visit has moved past (or been deleted at) go."""
    for visit_id, revision in visits:
        for conflict in session.scalars(select(Conflict).where(
                Conflict.kind == "visit_content", Conflict.status == "open",
                Conflict.subject.like(f"{visit_id}#%"))):
            if int(conflict.subject.rsplit("#", 1)[1]) <= revision:
                _drop(session, conflict)


class GroupKey(NamedTuple):
    """What puts an organization in a group: its township and name key, its code."""

    township_code: str
    name_key: str
    uscc: str | None


def sync_group_conflicts(session: Session, touched: Sequence[GroupKey],
                         now: dt.datetime) -> None:
    """Bring the USCC and name conflicts of the groups ``touched`` belongs to up to date.

    ``touched`` holds the organizations a merge added or changed, and the old
    (township, name key, code) of changed ones, so groups they left are checked too.
    Most groups have one member and no conflict: the database counts the members
    of all of them in one query per kind, and only the groups with several members,
    or with a conflict already, are read whole.
    """
    session.flush()  # the Core queries below do not flush pending changes themselves
    codes = sorted({o.uscc for o in touched if o.uscc})
    names = sorted({(o.township_code, o.name_key) for o in touched if o.name_key})
    org = MergedOrganization.__table__.c  # Core columns: plain tuples, no ORM rows to build
    spread: set[str] = set()  # codes on the registers of more than one township
    for i in range(0, len(codes), _CHUNK):
        spread.update(session.execute(
            select(org.uscc).where(org.uscc.in_(codes[i:i + _CHUNK])).group_by(org.uscc)
            .having(func.count(distinct(org.township_code)) > 1)).scalars())
    shared: set[tuple[str, str]] = set()  # (township, name key) of several organizations
    townships = sorted({t for t, _ in names})
    keys = sorted({k for _, k in names})
    for i in range(0, len(keys), _CHUNK):
        shared.update((t, k) for t, k in session.execute(
            select(org.township_code, org.name_key)
            .where(org.township_code.in_(townships), org.name_key.in_(keys[i:i + _CHUNK]))
            .group_by(org.township_code, org.name_key).having(func.count() > 1)))
    groups: list[tuple[str, str, str | None, bool]]
    groups = [("uscc_townships", code, None, code in spread) for code in codes]
    groups += [("name_duplicate", f"{township}|{key}", township, (township, key) in shared)
               for township, key in names]
    existing = _existing_conflicts(session, {(kind, subject) for kind, subject, *_ in groups})
    for kind, subject, township, several in groups:
        if several or (kind, subject) in existing:
            rows = _members(session, kind, subject) if several else []
            _sync_group(session, existing.get((kind, subject)), kind, subject, township, rows,
                        now)


def _members(session: Session, kind: str, subject: str) -> list[MergedOrganization]:
    """The organizations of the group a group conflict's subject names."""
    if kind == "uscc_townships":
        where = MergedOrganization.uscc == subject
    else:
        township, key = subject.split("|", 1)
        where = and_(MergedOrganization.township_code == township,
                     MergedOrganization.name_key == key)
    return list(session.scalars(select(MergedOrganization).where(where)
                                .order_by(MergedOrganization.id)))


def _existing_conflicts(session: Session, wanted: Set[tuple[str, str]]
                        ) -> dict[tuple[str, str], Conflict]:
    """The conflicts of ``wanted`` (kind, subject) pairs that exist, decided or not.

    Group conflicts are few next to the groups a bundle touches (hundreds against
    a thousand a bundle), so their keys are all read and matched here.
    """
    c = Conflict.__table__.c
    hits = [conflict_id for conflict_id, kind, subject in session.execute(
        select(c.id, c.kind, c.subject).where(c.kind.in_(sorted({k for k, _ in wanted}))))
        if (kind, subject) in wanted]
    found: dict[tuple[str, str], Conflict] = {}
    for i in range(0, len(hits), _CHUNK):
        for conflict in session.scalars(select(Conflict).where(
                Conflict.id.in_(hits[i:i + _CHUNK]))):
            found[(conflict.kind, conflict.subject)] = conflict
    return found


def _sync_group(session: Session, conflict: Conflict | None, kind: str, subject: str,
                township: str | None, members: Sequence[MergedOrganization],
                now: dt.datetime) -> None:
    if not members:
        if conflict is not None and conflict.status == "open":
            _drop(session, conflict)
        return
    if conflict is None:
        conflict = Conflict(kind=kind, subject=subject, township_code=township,
                            status="open", detected_at=now)
        session.add(conflict)
        session.flush()
    versions = _versions(session, conflict.id)
    current = {m.id: m for m in members}
    if conflict.status == "open":
        for key in versions.keys() - current.keys():
            session.delete(versions.pop(key))
    joined = current.keys() - versions.keys()
    for org_id, org in current.items():
        payload = json.dumps(_org_payload(org), ensure_ascii=False)
        if org_id in versions:
            versions[org_id].payload_json = payload
        else:
            session.add(ConflictVersion(
                conflict_id=conflict.id, version_key=org_id, payload_json=payload,
                source_bundle=org.source_bundle, source_key=org.source_key,
                township_code=org.township_code))
    if joined and conflict.status == "resolved":
        conflict.status = "open"


# -- reading and deciding ------------------------------------------------------------------

@dataclass(frozen=True)
class VersionView:
    key: str
    payload: dict[str, Any]
    source_bundle: str
    producer_name: str
    township_code: str
    imported_at: dt.datetime | None


@dataclass(frozen=True)
class ConflictView:
    id: int
    kind: str
    subject: str
    township_code: str | None
    status: str
    detected_at: dt.datetime
    resolution: str | None
    resolved_by: str | None
    resolved_at: dt.datetime | None
    note: str | None
    versions: list[VersionView]

    @property
    def title(self) -> Message:
        """A line naming the conflict for a list."""
        first = self.versions[0].payload if self.versions else {}
        if self.kind == "visit_content":  # a visit is known by its organization and day
            answers = json.loads(first.get("answers_json") or "{}")
            name = str(answers.get("org_name") or first.get("organization_id") or "")
            return Message("office.conflict.title_visit_content", {
                "name": name, "date": first.get("visit_date") or "",
                "count": len(self.versions)})
        return Message(f"office.conflict.title_{self.kind}", {
            "subject": self.subject.split("|")[-1], "name": first.get("name") or "",
            "count": len(self.versions)})


def list_conflicts(session: Session, status: str | None = "open") -> list[ConflictView]:
    """Conflicts (all when ``status`` is None), oldest first, with their versions."""
    stmt = select(Conflict).order_by(Conflict.id)
    if status is not None:
        stmt = stmt.where(Conflict.status == status)
    conflicts = list(session.scalars(stmt))
    versions: dict[int, list[ConflictVersion]] = defaultdict(list)
    ids = [c.id for c in conflicts]
    for i in range(0, len(ids), _CHUNK):
        for v in session.scalars(select(ConflictVersion).where(
                ConflictVersion.conflict_id.in_(ids[i:i + _CHUNK])).order_by(ConflictVersion.id)):
            versions[v.conflict_id].append(v)
    received = session.execute(select(ReceivedBundle.bundle_id, ReceivedBundle.producer_name,
                                      ReceivedBundle.imported_at)).all()
    bundles = {b: name for b, name, _ in received}
    imported = {b: when for b, _, when in received}
    return [ConflictView(
        c.id, c.kind, c.subject, c.township_code, c.status, c.detected_at, c.resolution,
        c.resolved_by, c.resolved_at, c.note,
        [VersionView(v.version_key, json.loads(v.payload_json), v.source_bundle,
                     bundles.get(v.source_bundle, ""), v.township_code,
                     imported.get(v.source_bundle))
         for v in sorted(versions[c.id], key=lambda v: v.version_key)])
        for c in conflicts]


def get_conflict(session: Session, conflict_id: int) -> ConflictView:
    found = [c for c in list_conflicts(session, None) if c.id == conflict_id]
    if not found:
        raise ConflictError(Message("office.conflict.not_found", {"id": conflict_id}))
    return found[0]


def resolve_conflict(session: Session, conflict_id: int, choice: str, *, by: str,
                     note: str = "", now: dt.datetime | None = None) -> None:
    """Decide a conflict: ``choice`` is a version key, or :data:`DISTINCT` for names."""
    conflict = session.get(Conflict, conflict_id)
    if conflict is None:
        raise ConflictError(Message("office.conflict.not_found", {"id": conflict_id}))
    versions = _versions(session, conflict.id)
    allowed = set(versions) | ({DISTINCT} if conflict.kind == "name_duplicate" else set())
    if choice not in allowed:
        raise ConflictError(Message("office.conflict.bad_choice", {"choice": choice}))
    if conflict.kind == "visit_content":
        payload = json.loads(versions[choice].payload_json)
        values = _restored(MergedVisit, payload)
        values["pinned"] = True
        session.execute(update(MergedVisit).where(MergedVisit.id == values.pop("id"))
                        .values(**values))
    elif choice != DISTINCT:
        for org_id in versions.keys() - {choice}:
            _mark_duplicate(session, org_id, choice)
        session.execute(update(MergedOrganization).where(MergedOrganization.id == choice)
                        .values(duplicate_of=None))
    conflict.status = "resolved"
    conflict.resolution = choice
    conflict.resolved_by = by
    conflict.resolved_at = now or clock.now()
    conflict.note = note.strip() or None


def _mark_duplicate(session: Session, org_id: str, keeper: str) -> None:
    # Whatever pointed at the duplicate now points at the keeper: one level, always.
    session.execute(update(MergedOrganization).where(MergedOrganization.duplicate_of == org_id)
                    .values(duplicate_of=keeper))
    session.execute(update(MergedOrganization).where(MergedOrganization.id == org_id)
                    .values(duplicate_of=keeper))


def reopen_conflict(session: Session, conflict_id: int) -> None:
    """Undo a decision: duplicates it marked are unmarked, a pinned visit unpinned."""
    conflict = session.get(Conflict, conflict_id)
    if conflict is None or conflict.status != "resolved":
        raise ConflictError(Message("office.conflict.not_found", {"id": conflict_id}))
    versions = _versions(session, conflict.id)
    if conflict.kind == "visit_content":
        visit_id = conflict.subject.rsplit("#", 1)[0]
        session.execute(update(MergedVisit).where(MergedVisit.id == visit_id)
                        .values(pinned=False))
    elif conflict.resolution and conflict.resolution != DISTINCT:
        session.execute(update(MergedOrganization).where(
            MergedOrganization.id.in_(list(versions)),
            MergedOrganization.duplicate_of == conflict.resolution).values(duplicate_of=None))
    conflict.status = "open"
    conflict.resolution = conflict.resolved_by = conflict.resolved_at = None


# -- side by side --------------------------------------------------------------------------

@dataclass(frozen=True)
class ComparisonRow:
    label: str
    values: list[str]  # one per version, in ConflictView.versions order

    @property
    def differs(self) -> bool:
        return len(set(self.values)) > 1


_VISIT_META = ("revision", "officer", "updated_at", "deleted_at")
_ORG_META = ("name", "uscc", "township_code", "reg_type", "field", "supervisor", "address",
             "legal_rep", "phone", "updated_at")


def _shown(value: Any, form: FormDefinition, name: str, lang: str) -> str:
    if value is None or value in ("", []):
        return ""
    question = form.nodes.get(name)
    list_name = getattr(question, "list_name", None)
    if list_name:
        labels = form.choice_labels(list_name, lang)
        items = value if isinstance(value, list) else [value]
        return "、".join(labels.get(str(v), str(v)) for v in items)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def comparison_rows(view: ConflictView, form: FormDefinition, lang: str) -> list[ComparisonRow]:
    """The versions of a conflict field by field: the meta data, then every answer."""
    payloads = [v.payload for v in view.versions]
    rows = [ComparisonRow(render("office.compare.source", lang),
                          [f"{v.producer_name}（{v.township_code}）" for v in view.versions])]
    if view.kind == "visit_content":
        rows += [ComparisonRow(render(f"office.compare.{k}", lang),
                               [_shown(p.get(k), form, k, lang) for p in payloads])
                 for k in _VISIT_META]
        answers = [json.loads(p.get("answers_json") or "{}") for p in payloads]
        names = [n for n in form.nodes if any(n in a for a in answers)]
        names += sorted({n for a in answers for n in a} - set(names))
        rows += [ComparisonRow(form.label(n, lang) if n in form.nodes else n,
                               [_shown(a.get(n), form, n, lang) for a in answers])
                 for n in names]
    else:
        rows += [ComparisonRow(render(f"office.compare.{k}", lang),
                               [str(p.get(k) or "") for p in payloads]) for k in _ORG_META]
    return rows
