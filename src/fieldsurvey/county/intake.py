"""Taking in a bundle before it is merged: read once, verify, decode, hash.

Everything here depends on the file alone (and the batch's trust list and the
archived versions of its form, ``county.form_archive.FormSet``),
never on the office database, so the next files are taken in by a worker process
while the current one is merged (:func:`taken_in`). The file's bytes are read
once: the same bytes are hashed, verified and decoded, so what was verified is
what is merged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
from collections import deque
from collections.abc import Generator, Mapping, Sequence
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, NamedTuple

from fieldsurvey.bundles import BundleError, TrustedKey, Verdict, read_verified, verify_bundle
from fieldsurvey.bundles.common import SHEET_VISITS
from fieldsurvey.bundles.records import OrganizationRecord, VisitRecord
from fieldsurvey.canonical import canonical_json
from fieldsurvey.county.form_archive import FormSet
from fieldsurvey.county.names import name_key
from fieldsurvey.filegate import BUNDLE, Refused, read_bounded
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.forms.stats import FactError, VisitFacts, extract_facts
from fieldsurvey.forms.versions import version_key
from fieldsurvey.messages import Message

ORG_FIELDS = ("name", "uscc", "reg_type", "field", "supervisor", "address", "legal_rep",
              "phone", "township_code")
FACT_NAMES = tuple(f.name for f in fields(VisitFacts))
# A tombstone carries no answers, so none of the facts either.
NO_FACTS: tuple[None, ...] = (None,) * len(FACT_NAMES)
#: Files taken in ahead of the one being merged (bounds the memory held).
AHEAD = 2
#: From this many files on, a worker process takes them in: starting one costs
#: about 0.7 s, taking a file in about 55 ms (500 visits).
WORKER_FROM = 12


def visit_hash(record: VisitRecord, answers_json: str) -> str:
    """What makes two copies of one revision "the same visit" (``answers_json`` is the
    canonical JSON of its answers, computed once for storing and hashing)."""
    meta = canonical_json({
        "organization_id": record.organization_id, "form_id": record.form_id,
        "form_version": record.form_version, "officer": record.officer,
        "deleted": record.deleted_at is not None, "deleted_reason": record.deleted_reason,
    })
    return hashlib.sha256(f"{meta}\n{answers_json}".encode()).hexdigest()


def organization_hash(record: OrganizationRecord) -> str:
    values: dict[str, Any] = {k: getattr(record, k) for k in ORG_FIELDS}
    if record.registered_on is not None:
        # Only when known, so an organization merged before the date travelled keeps
        # its hash and does not look changed.
        values["registered_on"] = record.registered_on.isoformat()
    return hashlib.sha256(canonical_json(values).encode("utf-8")).hexdigest()


class PreparedVisit(NamedTuple):
    """A visit's ``merged_visit`` columns, but for its township and provenance (the merge
    adds those). A plain tuple: it crosses from the worker process for a third of what
    a dataclass costs to pickle."""

    id: str
    organization_id: str
    revision: int
    status: str
    form_id: str
    form_version: str
    officer: str
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None
    deleted_reason: str | None
    answers_json: str
    content_hash: str
    facts: tuple[Any, ...]  # VisitFacts' fields in order; all None for a tombstone

    @property
    def is_tombstone(self) -> bool:
        return self.deleted_at is not None

    def columns(self) -> dict[str, Any]:
        values = self._asdict()
        values.update(zip(FACT_NAMES, values.pop("facts"), strict=True))
        return values


class PreparedOrganization(NamedTuple):
    record: OrganizationRecord
    content_hash: str
    name_key: str

    def columns(self) -> dict[str, Any]:
        """The ``merged_organization`` columns it fills, but for its provenance."""
        return {**self.record._asdict(), "content_hash": self.content_hash,
                "name_key": self.name_key}


@dataclass
class Intake:
    """One file as far as it could be taken without the database.

    ``unreadable`` is set when the file could not be read at all; otherwise
    ``verdict`` is the verification's, and a valid bundle's records are here or,
    when they cannot be decoded, ``undecodable`` says why.
    """

    path: Path
    sha256: str = ""
    unreadable: Message | None = None
    verdict: Verdict | None = None
    undecodable: Message | None = None
    #: A form version the office does not know (refused, naming it, before any write).
    unknown_version: Message | None = None
    visits: list[PreparedVisit] = field(default_factory=list)  # tombstones included
    organizations: list[PreparedOrganization] = field(default_factory=list)
    taken_by: int = field(default_factory=os.getpid, compare=False)  # which process


def _form_set(form: FormDefinition | FormSet) -> FormSet:
    return form if isinstance(form, FormSet) else FormSet.of(form)


def take_in(path: Path, trust: Mapping[str, TrustedKey],
            form: FormDefinition | FormSet) -> Intake:
    """Read, verify and (when valid) decode the file at ``path``; never raises for a bad
    file: what is wrong with it is in the :class:`Intake`. Each visit is read with its
    own form version's definition from ``form`` (one definition: that version only)."""
    forms = _form_set(form)
    intake = Intake(path)
    try:
        data = read_bounded(path, BUNDLE.file_bytes)
    except Refused as exc:
        intake.unreadable = Message("bundle.zip_bomb") if exc.reason == "too_large" else \
            Message("office.reject.unreadable", {
                "file": path.name, "detail": exc.found or Message(f"filegate.{exc.reason}", {
                    "file": path.name, "found": ""})})
        return intake
    intake.sha256 = hashlib.sha256(data).hexdigest()
    intake.verdict = verify_bundle(data, trust)
    manifest = intake.verdict.manifest
    if not intake.verdict.ok or manifest is None or manifest["form"]["id"] != forms.form_id:
        return intake  # refused on the merging side, which says why
    try:
        contents = read_verified(data, manifest)
        records = [*contents.visits, *contents.tombstones]
        # Tombstones carry no answers, so no facts to read: any version will do.
        intake.unknown_version = _unknown_version(
            forms, path, str(manifest["form"].get("version", "")), contents.visits)
        if intake.unknown_version is not None:
            return intake
        intake.visits = [_prepare_visit(forms.get(record.form_id, record.form_version),
                                        record, contents.visit_rows) for record in records]
    except BundleError as exc:
        intake.undecodable = exc.message
        return intake
    intake.organizations = [
        PreparedOrganization(org, organization_hash(org), name_key(org.name))
        for org in contents.organizations]
    return intake


def _unknown_version(forms: FormSet, path: Path, exported_with: str,
                     records: Sequence[VisitRecord]) -> Message | None:
    """The first form version (the bundle's own, then its visits' in order) the office
    has no definition of; None when it knows them all."""
    wanted = [(forms.form_id, exported_with)] if exported_with else []
    wanted += [(r.form_id, r.form_version) for r in records]
    for form_id, version in wanted:
        if forms.get(form_id, version) is None:
            return Message("form_archive.unknown_version", {
                "file": path.name, "form_id": form_id, "version": version,
                "known": ", ".join(sorted(forms.versions, key=version_key))})
    return None


def _fact_values(facts: VisitFacts) -> tuple[Any, ...]:
    return tuple(getattr(facts, name) for name in FACT_NAMES)


def _prepare_visit(form: FormDefinition | None, record: VisitRecord,
                   rows: Mapping[str, int]) -> PreparedVisit:
    answers_json = canonical_json(record.answers)
    try:
        facts = NO_FACTS if record.is_tombstone or form is None else _fact_values(
            extract_facts(form, record.answers))
    except FactError as exc:  # signed as exported, yet not countable: edited outside the app
        raise BundleError(Message("bundle.unreadable", {
            "detail": f"{SHEET_VISITS} row {rows.get(record.visit_id, '?')} "
                      f"(visit {record.visit_id}) {exc}"})) from exc
    return PreparedVisit(
        record.visit_id, record.organization_id, record.revision, record.status,
        record.form_id, record.form_version, record.officer, record.created_at,
        record.updated_at, record.deleted_at, record.deleted_reason, answers_json,
        visit_hash(record, answers_json), facts)


def taken_in(paths: Sequence[Path], trust: Mapping[str, TrustedKey],
             form: FormDefinition | FormSet, *,
             worker: bool | None = None) -> Generator[Intake, None, None]:
    """:func:`take_in` of every path, in order.

    With ``worker`` (by default when there are :data:`WORKER_FROM` files or more) a
    worker process takes in up to :data:`AHEAD` files ahead while the caller merges:
    a process, not a thread, because both sides are mostly Python and would take
    turns on one GIL. Should the worker fail to start or die, the files are taken in
    here instead. Closing the generator early (a cancel) waits for the file in hand.
    """
    use_worker = len(paths) >= WORKER_FROM if worker is None else worker
    form = _form_set(form)
    pool = _start_worker(trust, form) if use_worker else None
    queued: deque[tuple[Path, Future[Intake] | None]] = deque()
    waiting = iter(paths)
    try:
        for _ in range(len(paths)):
            while pool is not None and len(queued) < AHEAD and \
                    (path := next(waiting, None)) is not None:
                try:
                    queued.append((path, pool.submit(_take_in_here, path)))
                except (BrokenExecutor, RuntimeError, OSError):
                    queued.append((path, None))
                    _stop(pool)
                    pool = None
            path, future = queued.popleft() if queued else (next(waiting), None)
            intake = None
            if future is not None:
                try:
                    intake = future.result()
                except (BrokenExecutor, OSError):  # the worker died: carry on without it
                    _stop(pool)
                    pool = None
            yield intake or take_in(path, trust, form)
    finally:
        _stop(pool)


# What a worker process was started with (see _start_worker).
_worker_args: tuple[Mapping[str, TrustedKey], FormSet] | None = None


def _start_worker(trust: Mapping[str, TrustedKey],
                  form: FormSet) -> ProcessPoolExecutor | None:
    # "spawn" everywhere: forking a process with Qt's threads running is unsafe.
    try:
        return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_set_worker_args, initargs=(dict(trust), form))
    except (OSError, ValueError, NotImplementedError):
        return None


def _set_worker_args(trust: Mapping[str, TrustedKey], form: FormSet) -> None:
    global _worker_args
    _worker_args = (trust, form)


def _take_in_here(path: Path) -> Intake:
    assert _worker_args is not None, "not a worker started by _start_worker"
    return take_in(path, *_worker_args)


def _stop(pool: ProcessPoolExecutor | None) -> None:
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
