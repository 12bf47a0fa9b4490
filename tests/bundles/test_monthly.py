"""The monthly export shared by the CLI and the Export screen, and the export reminder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fieldsurvey.bundles import trust_list, verify_bundle
from fieldsurvey.bundles.monthly import (
    LAST_EXPORT_KEY,
    add_months,
    bundle_file_name,
    count_finalized_visits,
    default_month,
    export_month,
    export_reminder,
    last_export_at,
    peek_next_sequence,
    reminder_for,
)
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.identity.keys import (
    MIN_SCRYPT_N,
    UnlockedIdentity,
    create_identity,
    load_public,
)
from fieldsurvey.paths import data_paths
from fieldsurvey.progress import Cancelled
from fieldsurvey.store import Database
from fieldsurvey.store.settings import SEQUENCE_KEY, get_setting, set_setting

UTC = dt.UTC
BEIJING = dt.timezone(dt.timedelta(hours=8))
NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
NOW = dt.datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for bundles (``tmp_path`` also holds the data folder)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def officer(fresh_data_dir: Path) -> UnlockedIdentity:
    return create_identity(data_paths().keys, "correct-horse-9", role="officer", name="王芳",
                           unit_code="421202001", unit_name="咸安区温泉街道",
                           scrypt_n=MIN_SCRYPT_N)


def sequence(db: Database) -> int:
    with db.sessions() as s:
        return int(get_setting(s, SEQUENCE_KEY) or 0)


def recorded(db: Database) -> dt.datetime | None:
    with db.sessions() as s:
        return last_export_at(s)


def at(day: str, hour: int = 12, tz: dt.tzinfo = BEIJING) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=tz)


class CancelAfter:
    """Progress that asks to stop once ``limit`` reports have come in."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.reports = 0

    def report(self, done: int, total: int | None = None, stage: object = None) -> None:
        self.reports += 1

    def cancelled(self) -> bool:
        return self.reports >= self.limit


# -- the export ---------------------------------------------------------------------------
def test_export_month_writes_a_bundle_verify_accepts(populated: Database,
                                                     shipped_form: FormDefinition,
                                                     officer: UnlockedIdentity,
                                                     out: Path) -> None:
    summary = export_month(populated, shipped_form, officer, out, *NOV, now=NOW)
    assert summary.path == out / "421202001-202611-0001.xlsx"
    assert summary.manifest["sequence"] == 1
    assert summary.manifest["period"] == {"start": "2026-11-01", "end": "2026-11-30"}
    verdict = verify_bundle(summary.path, trust_list([load_public(data_paths().keys)]))
    assert verdict.ok, verdict.message
    assert (summary.visits, summary.tombstones) == (2, 1)


def test_each_export_takes_the_next_number_and_records_the_time(
        populated: Database, shipped_form: FormDefinition, officer: UnlockedIdentity,
        out: Path) -> None:
    assert peek_next_sequence(populated) == 1
    first = export_month(populated, shipped_form, officer, out, *NOV, now=NOW)
    later = NOW + dt.timedelta(hours=2)
    second = export_month(populated, shipped_form, officer, out, *NOV, now=later)
    assert (first.manifest["sequence"], second.manifest["sequence"]) == (1, 2)
    assert second.path.name == "421202001-202611-0002.xlsx"
    assert sequence(populated) == 2 and peek_next_sequence(populated) == 3
    assert recorded(populated) == later


def test_out_path_names_the_file(populated: Database, shipped_form: FormDefinition,
                                 officer: UnlockedIdentity, out: Path) -> None:
    summary = export_month(populated, shipped_form, officer, out, *NOV, now=NOW,
                           out_path=out / "mine.xlsx")
    assert summary.path == out / "mine.xlsx" and summary.path.is_file()


def test_a_cancelled_export_uses_up_the_number_but_records_nothing(
        populated: Database, shipped_form: FormDefinition, officer: UnlockedIdentity,
        out: Path) -> None:
    with pytest.raises(Cancelled):
        export_month(populated, shipped_form, officer, out, *NOV, CancelAfter(2), NOW)
    assert sequence(populated) == 1
    assert recorded(populated) is None
    assert list(out.iterdir()) == []  # not even a temporary file


def test_a_failed_export_uses_up_the_number_but_records_nothing(
        populated: Database, shipped_form: FormDefinition, officer: UnlockedIdentity,
        out: Path) -> None:
    with pytest.raises(OSError):  # the USB stick was pulled out: the folder is gone
        export_month(populated, shipped_form, officer, out / "gone", *NOV, now=NOW)
    assert sequence(populated) == 1
    assert recorded(populated) is None
    summary = export_month(populated, shipped_form, officer, out, *NOV, now=NOW)
    assert summary.manifest["sequence"] == 2  # never reused
    assert [p.name for p in out.iterdir()] == [summary.path.name]


def test_export_month_wants_an_aware_time(populated: Database, shipped_form: FormDefinition,
                                          officer: UnlockedIdentity, out: Path) -> None:
    with pytest.raises(ValueError, match="aware"):
        export_month(populated, shipped_form, officer, out, *NOV,
                     now=dt.datetime(2026, 11, 21, 9, 30))


def test_file_names_say_who_which_month_and_which_bundle() -> None:
    assert bundle_file_name("421202001", dt.date(2027, 1, 1), 12) == "421202001-202701-0012.xlsx"


# -- which month -----------------------------------------------------------------------
@pytest.mark.parametrize(("today", "expected"), [
    ("2026-11-01", ("2026-10-01", "2026-10-31")),
    ("2026-11-10", ("2026-10-01", "2026-10-31")),
    ("2026-11-11", ("2026-11-01", "2026-11-30")),
    ("2026-11-30", ("2026-11-01", "2026-11-30")),
    ("2027-01-05", ("2026-12-01", "2026-12-31")),
    ("2028-03-02", ("2028-02-01", "2028-02-29")),
])
def test_the_default_month_is_last_month_in_the_first_ten_days(
        today: str, expected: tuple[str, str]) -> None:
    start, end = default_month(dt.date.fromisoformat(today))
    assert (start.isoformat(), end.isoformat()) == expected


@pytest.mark.parametrize(("day", "months", "expected"), [
    ("2026-01-31", 1, "2026-02-28"), ("2028-01-31", 1, "2028-02-29"),
    ("2026-03-31", 1, "2026-04-30"), ("2026-12-15", 1, "2027-01-15"),
    ("2026-11-21", -11, "2025-12-21"), ("2026-05-31", 9, "2027-02-28"),
])
def test_add_months_keeps_the_day_or_takes_the_last_of_the_month(
        day: str, months: int, expected: str) -> None:
    assert add_months(dt.date.fromisoformat(day), months).isoformat() == expected


# -- the reminder ------------------------------------------------------------------------
@pytest.mark.parametrize(("exported", "quiet_until", "first_reminder"), [
    ("2026-01-01", "2026-02-01", "2026-02-02"),  # 31 days is exactly a month here
    ("2026-04-01", "2026-05-01", "2026-05-02"),  # and 30 days here
    ("2026-01-31", "2026-02-28", "2026-03-01"),  # a short February: 28 days
    ("2028-01-31", "2028-02-29", "2028-03-01"),  # a leap year
    ("2026-02-28", "2026-03-28", "2026-03-29"),
    ("2026-03-31", "2026-04-30", "2026-05-01"),  # the next month is shorter
    ("2026-12-15", "2027-01-15", "2027-01-16"),  # over the new year
])
def test_a_reminder_comes_the_day_after_a_full_month(exported: str, quiet_until: str,
                                                     first_reminder: str) -> None:
    last = at(exported, 23)
    assert export_reminder(last, at(quiet_until, 23, BEIJING), finalized_visits=5) is None
    reminder = export_reminder(last, at(first_reminder, 0, BEIJING), finalized_visits=5)
    assert reminder is not None and reminder.code == "bundle.monthly.overdue"
    days = (dt.date.fromisoformat(first_reminder) - dt.date.fromisoformat(exported)).days
    assert reminder.params == {"date": exported, "days": days}


def test_days_are_counted_in_the_officers_time_zone() -> None:
    # 31 October 20:00 UTC is already 1 November in Beijing.
    last = dt.datetime(2026, 10, 31, 20, 0, tzinfo=UTC)
    assert export_reminder(last, at("2026-12-01", 9), finalized_visits=1) is None
    reminder = export_reminder(last, at("2026-12-02", 9), finalized_visits=1)
    assert reminder is not None and reminder.params["date"] == "2026-11-01"


def test_never_exported_reminds_only_when_there_is_something_to_send() -> None:
    assert export_reminder(None, NOW, finalized_visits=0) is None
    reminder = export_reminder(None, NOW, finalized_visits=3)
    assert reminder is not None
    assert (reminder.code, reminder.params) == ("bundle.monthly.never", {"visits": 3})


def test_a_recent_or_future_export_is_no_reason_to_remind() -> None:
    assert export_reminder(NOW - dt.timedelta(days=3), NOW, finalized_visits=9) is None
    assert export_reminder(NOW + dt.timedelta(days=40), NOW, finalized_visits=9) is None


def test_the_reminder_wants_aware_times() -> None:
    with pytest.raises(ValueError, match="aware"):
        export_reminder(None, dt.datetime(2026, 11, 21), finalized_visits=1)
    with pytest.raises(ValueError, match="aware"):
        export_reminder(dt.datetime(2026, 10, 1), NOW, finalized_visits=1)


def test_the_reminder_reads_the_store(populated: Database) -> None:
    with populated.sessions() as s:
        assert count_finalized_visits(s) == 2  # the reopened one counts, the deleted not
    never = reminder_for(populated, NOW)
    assert never is not None and never.params == {"visits": 2}
    with populated.transaction() as s:
        set_setting(s, LAST_EXPORT_KEY, (NOW - dt.timedelta(days=2)).isoformat())
    assert reminder_for(populated, NOW) is None
    with populated.transaction() as s:
        set_setting(s, LAST_EXPORT_KEY, "2026-09-01T08:00:00+00:00")
    old = reminder_for(populated, NOW)
    assert old is not None and old.code == "bundle.monthly.overdue"


def test_a_damaged_time_does_not_silence_the_reminder(populated: Database) -> None:
    with populated.transaction() as s:
        set_setting(s, LAST_EXPORT_KEY, "last tuesday")
    reminder = reminder_for(populated, NOW)
    assert reminder is not None and reminder.code == "bundle.monthly.never"


def test_an_empty_store_needs_no_reminder(db: Database) -> None:
    assert reminder_for(db, NOW) is None
