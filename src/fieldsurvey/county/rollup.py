"""Roll-up: the office's merged data as one signed bundle for the level above.

The county's bundle has the township bundles' format (producer = the county's
key), so the city merges it with the same code. Duplicates the county resolved
are folded in: only the organization kept travels, and the visits of its
duplicates travel as its visits.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from fieldsurvey.bundles.export import ExportSummary, Records, export_records
from fieldsurvey.bundles.records import OrganizationRecord, VisitRecord
from fieldsurvey.bundles.trust import Signer
from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.models import MergedOrganization, MergedVisit
from fieldsurvey.county.office import next_office_sequence
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.progress import Progress


@dataclass(frozen=True)
class OfficeRecords:
    db: OfficeDatabase
    form_id: str

    @contextmanager
    def open(self) -> Iterator[Records]:
        with self.db.sessions() as session:
            kept = dict(session.execute(select(MergedOrganization.id,
                                               MergedOrganization.duplicate_of)).all())
            total = session.scalar(select(func.count()).select_from(MergedVisit)
                                   .where(MergedVisit.form_id == self.form_id)) or 0

            def visits() -> Iterator[VisitRecord]:
                stmt = (select(MergedVisit).where(MergedVisit.form_id == self.form_id)
                        .order_by(MergedVisit.created_at, MergedVisit.id))
                for v in session.scalars(stmt.execution_options(yield_per=1000)):
                    yield VisitRecord(
                        v.id, kept.get(v.organization_id) or v.organization_id, v.revision,
                        v.status, v.form_id, v.form_version, v.officer, v.created_at,
                        v.updated_at, v.deleted_at, v.deleted_reason,
                        {} if v.deleted_at else json.loads(v.answers_json))

            def organizations() -> Iterator[OrganizationRecord]:
                stmt = (select(MergedOrganization).where(MergedOrganization.duplicate_of.is_(None))
                        .order_by(MergedOrganization.township_code, MergedOrganization.name,
                                  MergedOrganization.id))
                for o in session.scalars(stmt.execution_options(yield_per=1000)):
                    yield OrganizationRecord(o.id, o.name, o.uscc, o.reg_type, o.field,
                                             o.supervisor, o.address, o.legal_rep, o.phone,
                                             o.township_code, o.created_at, o.updated_at,
                                             o.registered_on)

            yield total, visits(), organizations()


def export_office_bundle(db: OfficeDatabase, form: FormDefinition, signer: Signer,
                         out_path: Path, *, period_start: dt.date, period_end: dt.date,
                         progress: Progress | None = None,
                         now: dt.datetime | None = None) -> ExportSummary:
    """The office's signed bundle at ``out_path``; it takes the office's next number."""
    with db.transaction() as session:
        sequence = next_office_sequence(session)
    return export_records(OfficeRecords(db, form.form_id), form, signer, out_path,
                          period_start=period_start, period_end=period_end, sequence=sequence,
                          progress=progress, now=now)
