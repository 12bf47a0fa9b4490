"""Merging townships' bundles into the office database.

Every file is verified against the office's trust list first, then merged in
one transaction of its own: a bundle is imported whole or not at all. The
rules make the result independent of the order the files arrive in:

- a visit keeps its highest revision; a tombstone deletes it for good (the
  officer's app never brings a deleted visit back);
- the same visit and revision with different content is a *conflict*: both
  versions are kept for a person, and until one is chosen the one modified
  last (then the larger content hash) stands, so any order gives the same;
- an organization keeps its newest version (``updated_at``, then content hash);
- a bundle imported before is "already imported, unchanged": not an error, since
  merging it again would change nothing (scripts and staff re-run whole folders);
- a bundle is refused when its signer already sent a *different* bundle with the
  same sequence number.
  An older bundle is merged like any other: its records lose to newer ones,
  so an older sequence number never overwrites newer data.

Each bundle holds the whole current state of its township, so merging one
twice, or an old one after a new one, changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import Table, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fieldsurvey import clock
from fieldsurvey.bundles.manifest import created_at as manifest_created_at
from fieldsurvey.bundles.replies import ReplyError, replies_of
from fieldsurvey.county.conflicts import (
    GroupKey,
    drop_overtaken_visit_conflicts,
    sync_group_conflicts,
    sync_visit_conflict,
)
from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.form_archive import ensure_shipped, form_set
from fieldsurvey.county.intake import (
    Intake,
    PreparedOrganization,
    PreparedVisit,
    taken_in,
)
from fieldsurvey.county.models import (
    BatchFile,
    ImportBatch,
    MergedOrganization,
    MergedVisit,
    ReceivedBundle,
    TrustedKeyRow,
    Unit,
)
from fieldsurvey.county.office import CHILD_ROLE, OfficeProfile
from fieldsurvey.county.outcomes import (
    OUTCOMES,
    BatchReport,
    FileReport,
    Outcome,
    Rejected,
    already,
)

# The report, the command line and the Import page take these from here.
__all__ = ["OUTCOMES", "BatchReport", "FileReport", "Outcome", "merge_bundles"]
from fieldsurvey.county.review import keep_replaced, replies_merged, revisions_merged
from fieldsurvey.county.trust import trust_mapping
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.messages import LANGUAGES, Message
from fieldsurvey.progress import NullProgress, Progress, check_cancelled

#: A bundle dated further ahead of the office's clock than this is refused.
CLOCK_SLACK = dt.timedelta(days=1)
_CHUNK = 500  # ids per IN (...) query: well under every backend's parameter limit
_Row = TypeVar("_Row", MergedOrganization, MergedVisit)


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


def merge_bundles(db: OfficeDatabase, files: Sequence[Path], *, form: FormDefinition,
                  profile: OfficeProfile, by: str, progress: Progress | None = None,
                  now: dt.datetime | None = None) -> BatchReport:
    """Verify and merge ``files`` one by one; the report says what became of each.

    :class:`~fieldsurvey.progress.Cancelled` stops between files: the files merged so
    far stay merged (each one whole), and the report of the batch is kept.

    The trust list is read once, at the start: a key revoked during a batch
    counts from the next one. The next files are read and verified by a worker
    process while this one merges (:func:`~fieldsurvey.county.intake.taken_in`).
    """
    progress = progress or NullProgress()
    started = now or clock.now()
    batch = BatchReport(str(uuid.uuid4()), by, started, [])
    # Every version the office knows, the shipped ones recorded on first use: a visit's
    # facts are read with its own version (county.form_archive).
    ensure_shipped(db)
    with db.transaction() as session:
        session.add(ImportBatch(id=batch.batch_id, started_at=started, imported_by=by))
        trust = trust_mapping(session)
        forms = form_set(session, form)
    intakes = taken_in(files, trust, forms)
    try:
        for n, path in enumerate(files):
            check_cancelled(progress)
            progress.report(n, len(files), Message("office.stage.file", {"file": path.name}))
            batch.files.append(_merge_file(db, next(intakes), n, batch, form, profile,
                                           now or clock.now()))
        progress.report(len(files), len(files), Message("office.stage.done"))
    finally:
        intakes.close()
        with db.transaction() as session:
            session.execute(update(ImportBatch).where(ImportBatch.id == batch.batch_id)
                            .values(finished_at=now or clock.now()))
    return batch


def _merge_file(db: OfficeDatabase, intake: Intake, position: int, batch: BatchReport,
                form: FormDefinition, profile: OfficeProfile, now: dt.datetime) -> FileReport:
    report = FileReport(intake.path, imported=False)
    try:
        report = _try_merge(db, intake, position, batch, form, profile, now, report)
    except Rejected as exc:
        report.imported, report.reason, report.details = False, exc.message, exc.details
        report.already = exc.already
        for counter in (report.counts, report.organizations, report.visits):
            counter.clear()
    if not report.imported:
        with db.transaction() as session:
            session.add(_batch_line(report, position, batch.batch_id, None))
    return report


def _batch_line(report: FileReport, position: int, batch_id: str,
                sha: str | None) -> BatchFile:
    reason = report.reason
    return BatchFile(
        batch_id=batch_id, position=position, file_name=str(report.path), file_sha256=sha,
        outcome=report.outcome,
        reason_json=json.dumps({lang: reason.render(lang) for lang in LANGUAGES},
                               ensure_ascii=False) if reason else None,
        details_json=json.dumps(report.details, ensure_ascii=False),
        bundle_id=report.bundle_id, producer_name=report.producer_name,
        unit_code=report.unit_code, unit_name=report.unit_name, sequence=report.sequence,
        **{k: report.counts[k] for k in OUTCOMES})


def _try_merge(db: OfficeDatabase, intake: Intake, position: int, batch: BatchReport,
               form: FormDefinition, profile: OfficeProfile, now: dt.datetime,
               report: FileReport) -> FileReport:
    path, sha, verdict = intake.path, intake.sha256, intake.verdict
    if verdict is None:  # not even read
        raise Rejected(intake.unreadable or Message("bundle.corrupt"))
    with db.transaction() as session:
        known = session.scalar(select(ReceivedBundle.bundle_id)
                               .where(ReceivedBundle.file_sha256 == sha))
    if known is not None:  # these very bytes were merged before
        raise already(path, known)
    if not verdict.ok or verdict.manifest is None:
        raise Rejected(verdict.message, verdict.details)
    manifest = verdict.manifest
    producer = manifest["producer"]
    report.bundle_id = str(manifest["bundle_id"])
    report.producer_name = str(producer["name"])
    report.unit_code = str(producer["unit_code"])
    report.unit_name = str(producer["unit_name"])
    report.sequence = int(manifest["sequence"])
    made = manifest_created_at(manifest)
    if made > now + CLOCK_SLACK:
        raise Rejected(Message("office.reject.future", {
            "file": path.name, "created_at": manifest["created_at"]}))
    if manifest["form"]["id"] != form.form_id:
        raise Rejected(Message("office.reject.wrong_form", {
            "file": path.name, "form": manifest["form"]["id"], "expected": form.form_id}))
    key_id = str(producer["key_id"])
    with db.transaction() as session:
        key = session.get(TrustedKeyRow, key_id)
        role = key.role if key else None
        earlier = session.scalar(select(ReceivedBundle.bundle_id).where(
            ReceivedBundle.key_id == key_id, ReceivedBundle.sequence == report.sequence))
        replay = session.get(ReceivedBundle, report.bundle_id)
    if replay is not None:  # the same signed bundle in another zip container
        raise already(path, report.bundle_id)
    if earlier is not None:
        raise Rejected(Message("office.reject.sequence_reused", {
            "file": path.name, "sequence": report.sequence, "bundle": earlier}))
    if role != CHILD_ROLE[profile.role]:
        raise Rejected(Message("office.reject.wrong_role", {
            "file": path.name, "role": Message(f"identity.role_{role}") if role else "-"}))
    if not report.unit_code.startswith(profile.unit_code[:4] if profile.role == "city"
                                       else profile.unit_code):
        raise Rejected(Message("office.reject.outside_office", {
            "file": path.name, "unit": report.unit_code, "office": profile.unit_code}))
    if intake.undecodable is not None:
        raise Rejected(intake.undecodable)
    if intake.unknown_version is not None:
        raise Rejected(intake.unknown_version)
    _check_townships(intake.organizations, report.unit_code, path)
    try:
        replies = replies_of(manifest)
    except ReplyError as exc:
        raise Rejected(Message("bundle.unreadable", {"detail": str(exc)})) from exc
    try:
        with db.transaction() as session:
            _one_writer(session)
            merger = _Merger(session, intake, report.bundle_id, report.unit_code, key_id, now)
            merger.run(by=report.producer_name)
            replies_merged(session, replies)
            report.organizations, report.visits = merger.organizations, merger.visits
            report.counts = merger.organizations + merger.visits
            session.add(ReceivedBundle(
                bundle_id=report.bundle_id, file_sha256=sha, key_id=key_id,
                role=str(role), producer_name=report.producer_name,
                unit_code=report.unit_code, unit_name=report.unit_name,
                sequence=report.sequence, created_at=made,
                period_start=dt.date.fromisoformat(manifest["period"]["start"]),
                period_end=dt.date.fromisoformat(manifest["period"]["end"]),
                imported_at=now, batch_id=batch.batch_id))
            _name_unit(session, report.unit_code, report.unit_name, made)
            report.imported = True
            session.add(_batch_line(report, position, batch.batch_id, sha))
    except IntegrityError as exc:
        # Another member of staff merged the same bundle a moment ago (shared database).
        report.imported = False
        raise already(path, report.bundle_id) from exc
    return report


#: PostgreSQL advisory lock key of "a bundle is being merged" (any constant of ours).
MERGE_LOCK = 0x46534D47


def _one_writer(session: Session) -> None:
    """One bundle is merged at a time, whoever merges it: the merge reads the stored
    records, then decides. SQLite's BEGIN IMMEDIATE already gives this; on PostgreSQL
    two staff merging at once would otherwise decide on what the other is changing.
    The lock is held until the transaction ends and waited for, not refused."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MERGE_LOCK})


def _check_townships(organizations: Sequence[PreparedOrganization], unit_code: str,
                     path: Path) -> None:
    """A township reports its own organizations, a county its townships'."""
    for n, org in enumerate((o.record for o in organizations), 3):
        if not org.township_code.startswith(unit_code):
            raise Rejected(Message("office.reject.foreign_organization", {
                "file": path.name, "row": n, "name": org.name,
                "township": org.township_code, "unit": unit_code}))


def _name_unit(session: Session, code: str, name: str, made: dt.datetime) -> None:
    """The unit's name as its newest bundle gives it."""
    newest = session.scalar(select(ReceivedBundle.created_at).where(
        ReceivedBundle.unit_code == code).order_by(ReceivedBundle.created_at.desc()).limit(1))
    unit = session.get(Unit, code)
    if unit is None:
        session.add(Unit(code=code, name=name))
    elif newest is None or made >= newest:
        unit.name = name


def _bulk_insert(model: type[MergedOrganization] | type[MergedVisit]) -> Any:
    # A Core insert of rows with the same keys is one executemany; the ORM's bulk path
    # costs several times more per row here.
    return insert(cast(Table, model.__table__))


class _Merger:
    """One bundle's records against the stored ones, in bulk."""

    def __init__(self, session: Session, intake: Intake, bundle_id: str, unit_code: str,
                 key_id: str, now: dt.datetime) -> None:
        self.session = session
        self.intake = intake
        self.unit_code = unit_code
        self.provenance = {"source_bundle": bundle_id, "source_key": key_id,
                           "imported_at": now}
        self.now = now
        self.organizations: Counter[str] = Counter()
        self.visits: Counter[str] = Counter()

    def run(self, *, by: str) -> None:
        touched = self._organizations()
        revised = self._visits()
        sync_group_conflicts(self.session, touched, self.now)
        # A new revision (or a first one) waits for review; a tombstone leaves review.
        revisions_merged(self.session, revised, by=by, now=self.now)

    # -- organizations ------------------------------------------------------------------

    def _organizations(self) -> list[GroupKey]:
        orgs = self.intake.organizations
        stored = self._load(MergedOrganization, [o.record.id for o in orgs])
        inserts, updates = [], []
        touched: list[GroupKey] = []
        for prepared in orgs:
            org, digest = prepared.record, prepared.content_hash
            have = stored.get(org.id)
            values = {**prepared.columns(), **self.provenance}
            if have is None:
                inserts.append(values)
                outcome: Outcome = "new"
            elif have.content_hash == digest:
                outcome = "unchanged"
            elif (org.updated_at, digest) > (have.updated_at, have.content_hash):
                touched.append(GroupKey(have.township_code, have.name_key, have.uscc))
                updates.append(values)
                outcome = "updated"
            else:
                outcome = "superseded"
            self.organizations[outcome] += 1
            if outcome in ("new", "updated"):
                touched.append(GroupKey(org.township_code, prepared.name_key, org.uscc))
        if inserts:
            self.session.execute(_bulk_insert(MergedOrganization), inserts)
        if updates:  # duplicate_of is the office's decision: an update keeps it
            self.session.execute(update(MergedOrganization), updates)
        return touched

    # -- visits -------------------------------------------------------------------------

    def _visits(self) -> list[tuple[str, int, str]]:
        """Merge the visits; returns (id, revision, township) of those that came in at a
        revision the office did not hold."""
        visits = self.intake.visits
        stored = self._load(MergedVisit, [v.id for v in visits])
        townships = {o.record.id: o.record.township_code for o in self.intake.organizations}
        missing = {v.organization_id for v in visits} - townships.keys()
        if missing:
            townships.update(dict(self.session.execute(
                select(MergedOrganization.id, MergedOrganization.township_code)
                .where(MergedOrganization.id.in_(sorted(missing)))).all()))
        inserts, updates = [], []
        overtaken: list[tuple[str, int]] = []
        revised: list[tuple[str, int, str]] = []
        # (id, revision, answers) read before the update below overwrites them
        replaced: list[tuple[str, int, str, str]] = []
        for visit in visits:
            have = stored.get(visit.id)
            values = {**visit.columns(), "pinned": False, **self.provenance,
                      "township_code": townships.get(visit.organization_id, self.unit_code)}
            outcome = self._decide(visit, have, values)
            self.visits[outcome] += 1
            # A changed visit waits for review: a new revision, or other content standing
            # in for the same revision (a conflict it wins until a person decides).
            if not visit.is_tombstone and (
                    (outcome in ("new", "updated")
                     and (have is None or visit.revision > have.revision))
                    or (outcome == "conflict" and values.get("_wins"))):
                revised.append((visit.id, visit.revision, str(values["township_code"])))
                if have is not None and have.deleted_at is None:
                    replaced.append((have.id, have.revision, have.answers_json,
                                     have.form_version))
            if outcome == "new":
                inserts.append(values)
            elif outcome == "updated" or (outcome == "conflict" and values.get("_wins")):
                values.pop("_wins", None)
                updates.append(values)
                if outcome == "updated" and have is not None:
                    overtaken.append((visit.id, have.revision))
        if inserts:
            self.session.execute(_bulk_insert(MergedVisit), inserts)
        if updates:
            self.session.execute(update(MergedVisit), updates)
            drop_overtaken_visit_conflicts(self.session, overtaken)
        keep_replaced(self.session, replaced, self.now)
        return revised

    def _decide(self, record: PreparedVisit, have: MergedVisit | None,
                values: dict[str, Any]) -> Outcome:
        digest = record.content_hash
        if have is None:
            return "new"
        if have.deleted_at is not None:
            if not record.is_tombstone:
                return "superseded"
            mine = (record.revision, record.deleted_at)
            theirs = (have.revision, have.deleted_at)
            return "unchanged" if mine == theirs else "updated" if mine > theirs else "superseded"
        if record.is_tombstone or record.revision > have.revision:
            return "updated"
        if record.revision < have.revision:
            return "superseded"
        if digest == have.content_hash:
            return "unchanged"
        wins = not have.pinned and (record.updated_at, digest) > (have.updated_at,
                                                                    have.content_hash)
        sync_visit_conflict(self.session, have, values, self.now)
        values["_wins"] = wins
        return "conflict"

    def _load(self, model: type[_Row], ids: Iterable[str]) -> dict[str, _Row]:
        found: dict[str, _Row] = {}
        for chunk in _chunks(sorted(set(ids))):
            found.update((row.id, row) for row in self.session.scalars(
                select(model).where(model.id.in_(chunk))
                .execution_options(populate_existing=True)))
        return found

