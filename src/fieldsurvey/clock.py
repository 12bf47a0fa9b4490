"""The one clock: what "now" and "today" are, in the officer's time zone.

Nothing else in ``src/`` reads the system clock (a test scans for it). The
officer's time zone is the computer's: a visit keyed at 07:30 in Beijing is
dated that day, not the day before in UTC.

Tests pin the clock with :func:`pinned` (or :func:`pin`/:func:`unpin`); a child
process started by a test, or a screenshot run, is pinned through the
``FIELDSURVEY_CLOCK`` environment variable (an ISO date or date-time). The
whole suite also runs under ``faketime`` years away, so nothing may depend on
the real date either way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from collections.abc import Iterator
from typing import NamedTuple

ENV_CLOCK = "FIELDSURVEY_CLOCK"


class _Pin(NamedTuple):
    moment: dt.datetime
    at: float  # time.monotonic() when pinned
    frozen: bool


_pinned: _Pin | None = None
# A process pinned by the environment starts its clock when this module loads.
_STARTED = time.monotonic()


def _as_moment(value: dt.datetime | dt.date | str) -> dt.datetime:
    """An aware moment; a bare date means 10:00 local time that day."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value or " " in value.strip() \
            else dt.date.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(10, 0))
    if value.tzinfo is None:
        value = value.astimezone()  # naive means local wall time
    return value


def _from_environment() -> dt.datetime | None:
    text = os.environ.get(ENV_CLOCK, "").strip()
    if not text:
        return None
    try:
        return _as_moment(text)
    except ValueError:
        return None  # a malformed override is ignored rather than stopping the app


def now() -> dt.datetime:
    """The current moment, aware, in UTC (for storing and signing)."""
    pin_ = _pinned
    if pin_ is None:
        moment = _from_environment()
        if moment is None:
            return dt.datetime.now(dt.UTC)
        pin_ = _Pin(moment, _STARTED, frozen=False)
    # A pinned clock still ticks unless frozen, so "later" stays later: an edit
    # made after another must carry a later timestamp, or merges would tie.
    elapsed = 0.0 if pin_.frozen else time.monotonic() - pin_.at
    return (pin_.moment + dt.timedelta(seconds=elapsed)).astimezone(dt.UTC)


def local_now() -> dt.datetime:
    """The current moment in the officer's time zone, aware."""
    return now().astimezone()


def today() -> dt.date:
    """Today's date in the officer's time zone."""
    return local_now().date()


def pin(moment: dt.datetime | dt.date | str, *, frozen: bool = False) -> None:
    """Start the clock at ``moment`` until :func:`unpin` (tests, demos).

    It ticks on from there in real time unless ``frozen``.
    """
    global _pinned
    _pinned = _Pin(_as_moment(moment), time.monotonic(), frozen)


def unpin() -> None:
    global _pinned
    _pinned = None


@contextlib.contextmanager
def pinned(moment: dt.datetime | dt.date | str, *, frozen: bool = False) -> Iterator[None]:
    """Within the block, the clock starts at ``moment``."""
    global _pinned
    before = _pinned
    pin(moment, frozen=frozen)
    try:
        yield
    finally:
        _pinned = before
