"""The county (or city) office's schema: a second database, not the officer's.

An office merges many townships' bundles, so every row says where it came
from (bundle, signer, import time), and the answers of each visit are kept
whole as canonical JSON beside the typed facts the statistics aggregate. The
schema changes only through the migrations in ``county/migrations``, which run
unchanged on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from fieldsurvey.store.models import UTCDateTime


class OfficeBase(DeclarativeBase):
    pass


class OfficeSetting(OfficeBase):
    """The office profile and counters (``office.*``, ``last_bundle_sequence``)."""

    __tablename__ = "office_setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class TrustedKeyRow(OfficeBase):
    """A signer the office accepts bundles from, imported from an enrollment card."""

    __tablename__ = "trusted_key"

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))  # base64 of the 32 raw bytes
    fingerprint: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    unit_code: Mapped[str] = mapped_column(String(12), index=True)
    unit_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    added_by: Mapped[str] = mapped_column(String(100))
    # Bundles the key signed on or after this moment are refused.
    revoked_from: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(100))
    revoke_reason: Mapped[str | None] = mapped_column(Text)


class Unit(OfficeBase):
    """A township (or county, at the city) by code, named as its bundles name it."""

    __tablename__ = "unit"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class ImportBatch(OfficeBase):
    """One "import these files" action: the report is its files' lines."""

    __tablename__ = "import_batch"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    imported_by: Mapped[str] = mapped_column(String(100))


class BatchFile(OfficeBase):
    """What became of one file of a batch: imported with counts, or rejected with why."""

    __tablename__ = "batch_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("import_batch.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20))  # "imported" | "rejected"
    reason_json: Mapped[str | None] = mapped_column(Text)  # a Message as JSON
    details_json: Mapped[str] = mapped_column(Text, default="[]")
    bundle_id: Mapped[str | None] = mapped_column(String(36))
    producer_name: Mapped[str | None] = mapped_column(String(100))
    unit_code: Mapped[str | None] = mapped_column(String(12))
    unit_name: Mapped[str | None] = mapped_column(String(200))
    sequence: Mapped[int | None] = mapped_column(Integer)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    superseded: Mapped[int] = mapped_column(Integer, default=0)
    conflict: Mapped[int] = mapped_column(Integer, default=0)


class ReceivedBundle(OfficeBase):
    """Every bundle merged, once: a second import of it is refused as a replay."""

    __tablename__ = "received_bundle"
    __table_args__ = (UniqueConstraint("key_id", "sequence", name="uq_bundle_key_sequence"),)

    bundle_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    file_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    key_id: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(20))
    producer_name: Mapped[str] = mapped_column(String(100))
    unit_code: Mapped[str] = mapped_column(String(12))
    unit_name: Mapped[str] = mapped_column(String(200))
    sequence: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    batch_id: Mapped[str] = mapped_column(ForeignKey("import_batch.id"))


class MergedOrganization(OfficeBase):
    """An organization from a township's register, at the newest version seen."""

    __tablename__ = "merged_organization"
    __table_args__ = (Index("ix_morg_township_name", "township_code", "name_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    reg_type: Mapped[str | None] = mapped_column(String(40))
    field: Mapped[str | None] = mapped_column(String(40))
    supervisor: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    legal_rep: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    township_code: Mapped[str] = mapped_column(String(12))
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(64))
    # The name folded for duplicate detection (see county.names).
    name_key: Mapped[str] = mapped_column(String(200))
    # Set when a person decided this is the same organization as another one.
    duplicate_of: Mapped[str | None] = mapped_column(String(36), index=True)
    source_bundle: Mapped[str] = mapped_column(String(36))
    source_key: Mapped[str] = mapped_column(String(32))
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class MergedVisit(OfficeBase):
    """A visit at the highest revision seen (or its tombstone), with its facts."""

    __tablename__ = "merged_visit"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    organization_id: Mapped[str] = mapped_column(String(36))
    township_code: Mapped[str] = mapped_column(String(12), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    form_id: Mapped[str] = mapped_column(String(100))
    form_version: Mapped[str] = mapped_column(String(40))
    officer: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    deleted_reason: Mapped[str | None] = mapped_column(Text)
    answers_json: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    # True once a person chose this version in a conflict: equal revisions never replace it.
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    source_bundle: Mapped[str] = mapped_column(String(36))
    source_key: Mapped[str] = mapped_column(String(32))
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    # Facts for the statistics (fieldsurvey.forms.stats), as in the officer's store.
    visit_date: Mapped[dt.date | None] = mapped_column(Date)
    visit_result: Mapped[str | None] = mapped_column(String(40))
    operating_status: Mapped[str | None] = mapped_column(String(40))
    reg_type: Mapped[str | None] = mapped_column(String(40))
    staff_total: Mapped[int | None] = mapped_column(Integer)
    staff_women: Mapped[int | None] = mapped_column(Integer)
    union_status: Mapped[str | None] = mapped_column(String(40))
    union_setup_date: Mapped[dt.date | None] = mapped_column(Date)
    union_members: Mapped[int | None] = mapped_column(Integer)
    union_members_women: Mapped[int | None] = mapped_column(Integer)
    committees: Mapped[str | None] = mapped_column(String(200))
    dues_paid: Mapped[str | None] = mapped_column(String(40))
    next_visit_date: Mapped[dt.date | None] = mapped_column(Date)


class Conflict(OfficeBase):
    """Something a person must decide; ``subject`` names it within its kind."""

    __tablename__ = "conflict"
    __table_args__ = (UniqueConstraint("kind", "subject", name="uq_conflict_subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # visit_content | uscc_townships | name_duplicate
    subject: Mapped[str] = mapped_column(String(300))
    township_code: Mapped[str | None] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    detected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(String(100))
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)


class ConflictVersion(OfficeBase):
    """One side of a conflict: a visit version or an organization, as JSON."""

    __tablename__ = "conflict_version"
    __table_args__ = (UniqueConstraint("conflict_id", "version_key", name="uq_conflict_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conflict_id: Mapped[int] = mapped_column(ForeignKey("conflict.id"), index=True)
    version_key: Mapped[str] = mapped_column(String(64))  # content hash or organization id
    payload_json: Mapped[str] = mapped_column(Text)
    source_bundle: Mapped[str] = mapped_column(String(36))
    source_key: Mapped[str] = mapped_column(String(32))
    township_code: Mapped[str] = mapped_column(String(12))


class VisitReview(OfficeBase):
    """Where a merged visit stands in review now; its history is in ``review_event``."""

    __tablename__ = "visit_review"

    visit_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    township_code: Mapped[str] = mapped_column(String(12), index=True)
    # pending | approved | returned | fixed_pending (see county.review.STATES)
    state: Mapped[str] = mapped_column(String(20), index=True)
    revision: Mapped[int] = mapped_column(Integer)  # the revision the state is about
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    changed_by: Mapped[str] = mapped_column(String(100))


class ReviewEvent(OfficeBase):
    """One entry of a visit's review thread; never updated, never deleted."""

    __tablename__ = "review_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    visit_id: Mapped[str] = mapped_column(String(36), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))  # revised | approved | returned | replied
    state: Mapped[str] = mapped_column(String(20))  # the state after this entry
    comment: Mapped[str | None] = mapped_column(Text)
    # {question name: comment} for a return (canonical JSON), else NULL.
    questions_json: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # The officer's reply id: a reply travels in every later bundle, and is kept once.
    reply_id: Mapped[str | None] = mapped_column(String(36), unique=True)


class ReplacedRevision(OfficeBase):
    """A visit's answers as they were before a newer revision replaced them, so review
    can show what changed (only the current revision lives in ``merged_visit``)."""

    __tablename__ = "replaced_revision"

    visit_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    answers_json: Mapped[str] = mapped_column(Text)
    replaced_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # The replaced revision's form version (NULL: kept before versions were recorded).
    form_version: Mapped[str | None] = mapped_column(String(40))


class ArchivedForm(OfficeBase):
    """Every form version the office has published or received, as its source bytes.

    Bundles may carry visits of any version the campaign used; each visit's facts are
    read with its own version's ``fs_stat`` roles, so the office must keep them all.
    """

    __tablename__ = "form_archive"

    form_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[bytes] = mapped_column(LargeBinary)
    source_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(20))  # shipped, published or received
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
