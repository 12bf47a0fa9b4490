"""The officer's monthly bundle: which month, which file, the sequence, the reminder.

``fieldsurvey export`` and the Export screen share these steps, so both number
and name bundles the same way and both record the export:

1. the bundle sequence number is taken in a transaction of its own, *before*
   anything is written: a number is used up even when the export then fails or
   is cancelled, so a number is never reused for two different files;
2. the signed bundle is written atomically (a cancelled or failed export leaves
   no file behind);
3. only after success is ``last_export_at`` recorded, which the reminder reads.

Which month by default: the report is monthly, and an officer who exports in the
first days of a month is normally sending the month that has just ended. So the
default is the previous month up to and including day :data:`EARLY_DAYS` (10)
and the current month after it. Every bundle carries the full current state
anyway (see :mod:`fieldsurvey.bundles.export`); the month only labels it.

"More than a month old", for the reminder, is counted in calendar days in the
officer's time zone: an export made on day *d* is a month old on the same day
of the next month (or that month's last day when it is shorter: 31 January ->
28/29 February), and more than a month old from the day after. Days, not hours:
the reminder changes at midnight, not in the middle of a visit.
"""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldsurvey import clock
from fieldsurvey.bundles.export import ExportSummary, export_bundle
from fieldsurvey.bundles.trust import Signer
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.messages import Message
from fieldsurvey.progress import Progress
from fieldsurvey.store.db import Database
from fieldsurvey.store.models import Visit, VisitRevision
from fieldsurvey.store.settings import SEQUENCE_KEY, get_setting, next_bundle_sequence, set_setting

#: Settings key of the time of the last successful export (ISO 8601, UTC).
LAST_EXPORT_KEY = "last_export_at"
#: Up to this day of a month, the default month to export is the previous one.
EARLY_DAYS = 10


# -- months ----------------------------------------------------------------------------------
def month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a month."""
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def previous_month(day: dt.date) -> tuple[int, int]:
    return (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)


def default_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """The month an export made ``today`` reports by default (see the module doc)."""
    year, month = previous_month(today) if today.day <= EARLY_DAYS else (today.year, today.month)
    return month_span(year, month)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the last day of that month when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


# -- files and numbers -------------------------------------------------------------------------
def bundle_file_name(unit_code: str, month_start: dt.date, sequence: int) -> str:
    """``421202001-202611-0007.xlsx``: who, which month, which of the officer's bundles."""
    return f"{unit_code}-{month_start:%Y%m}-{sequence:04d}.xlsx"


def default_bundle_path(folder: Path, unit_code: str, month_start: dt.date,
                        sequence: int) -> Path:
    return folder / bundle_file_name(unit_code, month_start, sequence)


def peek_next_sequence(db: Database) -> int:
    """The number the next export will take, without taking it (for a file name preview)."""
    with db.sessions() as session:
        return int(get_setting(session, SEQUENCE_KEY) or 0) + 1


def last_export_at(session: Session) -> dt.datetime | None:
    """When the last export succeeded (aware, UTC), or ``None`` if never or unreadable."""
    value = get_setting(session, LAST_EXPORT_KEY)
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None  # a damaged value must not silence the reminder forever
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def export_month(db: Database, form: FormDefinition, signer: Signer, folder: Path,
                 month_start: dt.date, month_end: dt.date, progress: Progress | None = None,
                 now: dt.datetime | None = None, *,
                 out_path: Path | None = None) -> ExportSummary:
    """Take the next sequence number, write the signed bundle, record the export.

    The file is ``folder / bundle_file_name(...)`` unless ``out_path`` names it. The
    sequence number is used up even if the export fails (:class:`BundleError`,
    ``OSError``) or is cancelled (:class:`Cancelled`); then ``last_export_at`` is left
    as it was and no file is left behind. The sequence is in ``summary.manifest``.
    """
    now = now or clock.now()
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    with db.transaction() as session:  # committed before the export starts (module doc)
        sequence = next_bundle_sequence(session)
    target = out_path or default_bundle_path(folder, signer.public.unit_code, month_start,
                                             sequence)
    summary = export_bundle(db, form, signer, target, period_start=month_start,
                            period_end=month_end, sequence=sequence, progress=progress,
                            now=now)
    with db.transaction() as session:
        set_setting(session, LAST_EXPORT_KEY, now.astimezone(dt.UTC).isoformat())
    return summary


# -- the reminder ------------------------------------------------------------------------------
def export_reminder(last_export_at: dt.datetime | None, now: dt.datetime, *,
                    finalized_visits: int) -> Message | None:
    """Why the officer should export now, or ``None``.

    - never exported, and there are finalized visits to report: ``bundle.monthly.never``;
    - the last export is more than a month old (module doc): ``bundle.monthly.overdue``.

    Both times must be aware; days are counted in ``now``'s time zone.
    """
    if now.tzinfo is None or (last_export_at is not None and last_export_at.tzinfo is None):
        raise ValueError("times must be timezone-aware")
    if last_export_at is None:
        if finalized_visits > 0:
            return Message("bundle.monthly.never", {"visits": finalized_visits})
        return None
    last_day = last_export_at.astimezone(now.tzinfo).date()
    today = now.date()
    if today > add_months(last_day, 1):
        return Message("bundle.monthly.overdue",
                       {"date": last_day.isoformat(), "days": (today - last_day).days})
    return None


def count_finalized_visits(session: Session) -> int:
    """Visits with at least one finalized revision that are not deleted."""
    return int(session.scalar(
        select(func.count(func.distinct(VisitRevision.visit_id)))
        .join(Visit, Visit.id == VisitRevision.visit_id)
        .where(Visit.deleted_at.is_(None))) or 0)


def reminder_for(db: Database, now: dt.datetime) -> Message | None:
    """:func:`export_reminder` for the data in ``db``."""
    with db.sessions() as session:
        last = last_export_at(session)
        visits = count_finalized_visits(session) if last is None else 0
    return export_reminder(last, now, finalized_visits=visits)
