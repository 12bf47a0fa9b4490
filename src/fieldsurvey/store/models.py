"""The local schema. It changes only through migrations in ``store/migrations``.

A visit's answers are kept whole as canonical JSON (exact round-trip, repeats
included); the facts the statistics need are copied into typed, indexed columns
next to them. The ``visit`` row is the visit's current state; every finalized
revision is also frozen in ``visit_revision``, so reopening a finalized visit
never loses what was finalized before.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from fieldsurvey import clock


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None,
                             dialect: Dialect) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


def utcnow() -> dt.datetime:
    return clock.now()


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


class Organization(Base):
    """One registered social organization in the township's register."""

    __tablename__ = "organization"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    # Community organizations often have no code, hence nullable.
    uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    # A code that failed its check on import, kept as the list had it (待核实) while
    # ``uscc`` stays empty: only valid codes are ever matched or sent to the county.
    uscc_pending: Mapped[str | None] = mapped_column(String(60))
    reg_type: Mapped[str | None] = mapped_column(String(40))
    field: Mapped[str | None] = mapped_column(String(40))
    supervisor: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    legal_rep: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    township_code: Mapped[str] = mapped_column(String(12), index=True)
    # The registration date from the civil-affairs register, when it says: a month's
    # table counts the organization from then (else from the campaign's start). ISO
    # text like every register column, so importing, editing and comparing treat it
    # alike; register.dates checks it on the way in.
    registered_on: Mapped[str | None] = mapped_column(String(10))
    # Pinyin initials and full pinyin of the name, lower case, for instant search.
    search_key: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Visit(Base):
    """A visit at its current revision."""

    __tablename__ = "visit"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'final')", name="ck_visit_status"),
        CheckConstraint("revision >= 1", name="ck_visit_revision"),
        Index("ix_visit_org_date", "organization_id", "visit_date"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id"), index=True)
    form_id: Mapped[str] = mapped_column(String(100))
    form_version: Mapped[str] = mapped_column(String(40))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    answers_json: Mapped[str] = mapped_column(Text, default="{}")
    officer: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Tombstone: a deleted visit keeps its row, so the deletion can travel in a bundle.
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    deleted_reason: Mapped[str | None] = mapped_column(Text)
    # Warnings the officer overrode at finalize, with the reasons (JSON list).
    overrides_json: Mapped[str] = mapped_column(Text, default="[]")

    # Facts for statistics (see fieldsurvey.forms.stats), copied from the answers.
    visit_date: Mapped[dt.date | None] = mapped_column(Date)
    visit_result: Mapped[str | None] = mapped_column(String(40), index=True)
    operating_status: Mapped[str | None] = mapped_column(String(40))
    reg_type: Mapped[str | None] = mapped_column(String(40))
    staff_total: Mapped[int | None] = mapped_column(Integer)
    staff_women: Mapped[int | None] = mapped_column(Integer)
    union_status: Mapped[str | None] = mapped_column(String(40), index=True)
    union_setup_date: Mapped[dt.date | None] = mapped_column(Date)
    union_members: Mapped[int | None] = mapped_column(Integer)
    union_members_women: Mapped[int | None] = mapped_column(Integer)
    committees: Mapped[str | None] = mapped_column(String(200))
    dues_paid: Mapped[str | None] = mapped_column(String(40))
    next_visit_date: Mapped[dt.date | None] = mapped_column(Date, index=True)


class VisitRevision(Base):
    """A finalized revision, frozen. Never updated, never deleted."""

    __tablename__ = "visit_revision"

    visit_id: Mapped[str] = mapped_column(ForeignKey("visit.id"), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_version: Mapped[str] = mapped_column(String(40))
    answers_json: Mapped[str] = mapped_column(Text)
    overrides_json: Mapped[str] = mapped_column(Text, default="[]")
    officer: Mapped[str] = mapped_column(String(100))
    finalized_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class FormVersion(Base):
    """Every form version this store has used, as its source file's bytes.

    A finalized visit stays on its version, so printing and reading it need that
    version's definition long after a newer one arrived; the bytes are the file
    that passed the file gate, reloaded by ``forms.loader.load_form_source``.
    """

    __tablename__ = "form_version"

    form_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[bytes] = mapped_column(LargeBinary)
    source_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Setting(Base):
    """Small key/value settings that belong with the data (officer, township)."""

    __tablename__ = "app_setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class CountyKey(Base):
    """The county office's key, trusted after its fingerprint was read over the phone."""

    __tablename__ = "county_trust"

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))  # base64 of the 32 raw bytes
    fingerprint: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    unit_code: Mapped[str] = mapped_column(String(12))
    unit_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Packages the key signed on or after this moment are refused.
    revoked_from: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class CountyReview(Base):
    """The county's view of one visit it returned, as the newest package stated it."""

    __tablename__ = "county_review"

    visit_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    organization_name: Mapped[str] = mapped_column(String(200))
    revision: Mapped[int] = mapped_column(Integer)  # the county's revision of the visit
    state: Mapped[str] = mapped_column(String(20))
    # The county's thread (canonical JSON list of entries), whole.
    thread_json: Mapped[str] = mapped_column(Text)


class VisitReply(Base):
    """The officer's reply to the county about a visit; it travels in every bundle."""

    __tablename__ = "visit_reply"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    visit_id: Mapped[str] = mapped_column(String(36), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    officer: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
