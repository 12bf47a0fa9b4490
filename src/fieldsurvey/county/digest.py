"""A fingerprint of what the office database holds, for "nothing changed" checks.

The merged content (organizations, visits, conflicts and their sides, the
bundles received, the trust list) is hashed row by row in key order. Without
``provenance`` it leaves out which bundle brought a record and when, which
legitimately depends on the order of imports; with it, everything but the
import log (batches and their report lines) counts.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.models import (
    Conflict,
    ConflictVersion,
    MergedOrganization,
    MergedVisit,
    ReceivedBundle,
    TrustedKeyRow,
)

# A conflict side's payload is a snapshot that names its bundle; its key says what it is.
_PROVENANCE = {"source_bundle", "source_key", "imported_at", "detected_at", "batch_id",
               "payload_json"}


def content_digest(db: OfficeDatabase, *, provenance: bool = False) -> str:
    digest = hashlib.sha256()
    with db.transaction() as session:
        subjects = dict(session.execute(select(Conflict.id, Conflict.subject)).all())
        for model, order in ((MergedOrganization, MergedOrganization.id),
                             (MergedVisit, MergedVisit.id),
                             (Conflict, Conflict.subject),
                             (ConflictVersion, ConflictVersion.version_key),
                             (ReceivedBundle, ReceivedBundle.bundle_id),
                             (TrustedKeyRow, TrustedKeyRow.key_id)):
            rows = []
            for row in session.scalars(select(model).order_by(order)):
                values = {c.name: getattr(row, c.name) for c in model.__table__.columns}
                if model is ConflictVersion:  # ids are numbered in arrival order
                    values["conflict_id"] = subjects[values["conflict_id"]]
                if model in (Conflict, ConflictVersion):
                    values.pop("id")
                if not provenance:
                    for name in _PROVENANCE & values.keys():
                        values.pop(name)
                rows.append(json.dumps(values, sort_keys=True, default=str, ensure_ascii=False))
            for line in sorted(rows):
                digest.update(line.encode("utf-8") + b"\n")
            digest.update(model.__tablename__.encode() + b"\x00")
    return digest.hexdigest()
