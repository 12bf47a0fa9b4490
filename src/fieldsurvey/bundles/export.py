"""Export: the township's visits and register as one signed ``.xlsx``.

The bundle carries the full current state (every visit of the form, at its
latest finalized revision, plus tombstones), not only the period's changes:
the county can merge any bundle on its own, in any order, and ``sequence``
tells which of an officer's bundles is newer. ``period`` labels the monthly
report the bundle belongs to.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from fieldsurvey import clock
from fieldsurvey.atomic import write_atomically
from fieldsurvey.bundles.common import FORMAT
from fieldsurvey.bundles.layout import build_layout
from fieldsurvey.bundles.manifest import build_manifest, manifest_bytes, utc_text
from fieldsurvey.bundles.records import (
    OrganizationRecord,
    VisitRecord,
    count_visits,
    iter_organizations,
    iter_visits,
)
from fieldsurvey.bundles.replies import Reply, replies_json
from fieldsurvey.bundles.sheets import WorkbookBuilder
from fieldsurvey.bundles.trust import Signer
from fieldsurvey.bundles.zipout import discard, save_signed
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.messages import LANGUAGES, Message, render
from fieldsurvey.progress import NullProgress, Progress, check_cancelled
from fieldsurvey.store.db import Database


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    bundle_id: str
    visits: int
    tombstones: int
    organizations: int
    repeats: dict[str, int]
    skipped_drafts: int  # drafts never finalized: not reported until they are
    manifest: dict[str, Any]


class RecordSource(Protocol):
    """Where a bundle's records come from: an officer's store, or an office's merged data."""

    def open(self) -> AbstractContextManager[Records]:
        """The number of visits, the visits (``None`` for a skipped draft), the register."""


Records = tuple[int, Iterable[VisitRecord | None], Iterable[OrganizationRecord]]


@dataclass(frozen=True)
class StoreRecords:
    """The officer's store, read in one session."""

    db: Database
    form_id: str

    @contextmanager
    def open(self) -> Iterator[Records]:
        with self.db.sessions() as session:
            yield (count_visits(session, self.form_id), iter_visits(session, self.form_id),
                   iter_organizations(session))


def export_bundle(db: Database, form: FormDefinition, signer: Signer, out_path: Path, *,
                  period_start: dt.date, period_end: dt.date, sequence: int,
                  progress: Progress | None = None,
                  now: dt.datetime | None = None) -> ExportSummary:
    """Write the officer's signed bundle to ``out_path`` (see :func:`export_records`),
    with every reply the officer wrote to the county."""
    from fieldsurvey.store.county import all_replies

    with db.transaction() as session:
        replies = all_replies(session)
    return export_records(StoreRecords(db, form.form_id), form, signer, out_path,
                          period_start=period_start, period_end=period_end, sequence=sequence,
                          progress=progress, now=now, replies=replies)


def export_records(source: RecordSource, form: FormDefinition, signer: Signer, out_path: Path,
                   *, period_start: dt.date, period_end: dt.date, sequence: int,
                   progress: Progress | None = None,
                   now: dt.datetime | None = None,
                   replies: Sequence[Reply] = ()) -> ExportSummary:
    """Write a signed bundle to ``out_path`` atomically; :class:`Cancelled` leaves no file.

    ``replies`` ride in the manifest (``bundles.replies``); without any the manifest is
    exactly what bundles before replies were.

    Raises :class:`BundleError` when a record cannot be stored exactly.
    """
    progress = progress or NullProgress()
    now = now or clock.now()
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(dt.UTC)
    if period_end < period_start:
        raise ValueError("period_end before period_start")
    layout = build_layout(form)
    book = WorkbookBuilder(form, layout)
    skipped = 0
    # Every form version a live visit was made on: the manifest lists them, so a county
    # can tell before decoding whether it holds every definition the bundle needs.
    needed: set[tuple[str, str]] = set()
    try:
        stage = Message("bundle.stage.visits")
        with source.open() as (total, visits, organizations):
            progress.report(0, total, stage)
            for done, record in enumerate(visits, 1):
                check_cancelled(progress)
                if record is None:
                    skipped += 1
                else:
                    book.add_visit(record)
                    if not record.is_tombstone:
                        needed.add((record.form_id, record.form_version))
                progress.report(done, total, stage)
            for org in organizations:
                book.add_organization(org)
        check_cancelled(progress)
        book.write_codes()
        bundle_id = str(uuid.uuid4())
        counts = {"visits": book.visits, "tombstones": book.tombstones,
                  "organizations": book.organizations, "repeats": dict(book.instances)}
        public = signer.public
        period = f"{period_start.isoformat()} – {period_end.isoformat()}"
        book.write_cover([
            (_words("officer"), public.name),
            (_words("unit"), f"{public.unit_name}（{public.unit_code}）"),
            (_words("month"), f"{period_start.year}-{period_start.month:02d}"),
            (_words("period"), period),
            # A bundle carries every visit keyed until it was made, whatever its date: a
            # paper form of last month keyed today is in this month's file.
            (_words("data_until"), now.astimezone().strftime("%Y-%m-%d %H:%M %z")),
            (_words("sequence"), sequence),
            (_words("created_at"), utc_text(now)),
            (_words("form"), f"{form.title_in('zh')}（{form.form_id} {form.version}）"),
            (_words("visits"), book.visits),
            (_words("tombstones"), book.tombstones),
            (_words("organizations"), book.organizations),
            *(({lang: form.label(name, lang) for lang in LANGUAGES}, n)
              for name, n in book.instances.items()),
            (_words("bundle_id"), bundle_id),
            (_words("key_id"), public.key_id),
            (_words("format"), FORMAT),
        ], {"file": out_path.name})
        progress.report(total, total, Message("bundle.stage.writing"))

        def finish(parts: dict[str, str], rows: dict[str, list[str]]) -> tuple[bytes, bytes]:
            check_cancelled(progress)
            sheet_parts = {ws.title: ws.path.lstrip("/") for ws in book.workbook.worksheets}
            manifest.update(build_manifest(
                bundle_id=bundle_id, form_id=form.form_id, form_version=form.version,
                producer=public, sequence=sequence, created_at=now,
                period=(period_start, period_end), counts=counts, layout=layout,
                parts=parts, sheet_parts=sheet_parts, rows=rows))
            if replies:
                manifest["replies"] = replies_json(replies)
            if needed - {(form.form_id, form.version)}:  # else the "form" key says it all
                manifest["forms"] = [{"id": i, "version": v} for i, v in sorted(needed)]
            data = manifest_bytes(manifest)
            return data, signer.sign(data)

        manifest: dict[str, Any] = {}

        def write(fh: IO[bytes]) -> None:
            save_signed(book.workbook, fh, finish)

        write_atomically(out_path, write)
    except BaseException:
        discard(book.workbook)
        raise
    return ExportSummary(out_path, bundle_id, book.visits, book.tombstones, book.organizations,
                         dict(book.instances), skipped, manifest)


def _words(key: str) -> dict[str, str]:
    """A cover label in every language."""
    return {lang: render(f"bundle.cover.{key}", lang) for lang in LANGUAGES}
