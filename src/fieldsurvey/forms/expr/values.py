"""Expression values and the XPath 1.0 conversions between them.

Numbers follow XPath (IEEE doubles: NaN and infinities are ordinary values);
dates become day numbers counted from 1970-01-01 in naive local time, which is
how JavaRosa lets forms add days to a date or compare dates with numbers.
"""

from __future__ import annotations

import datetime
import math
import re
from decimal import Decimal
from typing import TypeAlias

Scalar: TypeAlias = bool | int | float | str | datetime.date | datetime.datetime | None


class NodeSet(tuple[Scalar, ...]):
    """The values of one field across repeat instances (XPath node-set).

    Members are scalars: a repeat nested in a repeat is flattened by whoever
    builds the NodeSet. When a whole repeat is referenced, hold one entry per
    instance (any scalar; only the count matters).
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"NodeSet({tuple(self)!r})"


Value: TypeAlias = Scalar | NodeSet

EPOCH = datetime.date(1970, 1, 1)
_SECONDS_PER_DAY = 86400.0

# XPath 1.0 Number, optionally negative and padded. Python's float() would also
# take "1e5", "inf", "nan" and "1_000", which XPath and JavaRosa read as NaN.
_NUMBER_TEXT = re.compile(r"\s*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_number(value: Value) -> bool:
    """True for int/float answers but not bool (which Python counts as int)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_date(value: Value) -> bool:
    return isinstance(value, datetime.date)


def local_naive(moment: datetime.datetime) -> datetime.datetime:
    """Aware datetimes become local wall-clock time; day numbers assume it."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone().replace(tzinfo=None)


def parse_iso(text: str) -> datetime.date | datetime.datetime | None:
    """An ISO date (``YYYY-MM-DD``) or datetime (``YYYY-MM-DDTHH:MM…``), else None."""
    text = text.strip()
    if not _ISO_DATE.match(text):
        return None
    try:
        if len(text) == 10:
            return datetime.date.fromisoformat(text)
        # Require the T so that "2026-01-05 junk" is not half-accepted.
        if text[10] == "T":
            return local_naive(datetime.datetime.fromisoformat(text))
    except ValueError:
        return None
    return None


def day_number(moment: datetime.date) -> float:
    """Days since 1970-01-01; a datetime adds the fraction of its day."""
    if isinstance(moment, datetime.datetime):
        moment = local_naive(moment)
        seconds = moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6
        return (moment.date() - EPOCH).days + seconds / _SECONDS_PER_DAY
    return float((moment - EPOCH).days)


def first(value: Value) -> Scalar:
    """XPath reads a node-set as its first node when it needs a single value."""
    if isinstance(value, NodeSet):
        return value[0] if value else None
    return value


def to_number(value: Value) -> float:
    value = first(value)
    if value is None:
        return math.nan
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:
            return math.copysign(math.inf, value)
    if isinstance(value, float):
        return value
    if isinstance(value, datetime.date):
        return day_number(value)
    if _NUMBER_TEXT.fullmatch(value):
        return float(value)
    return math.nan


def date_number(value: Value) -> float:
    """Like :func:`to_number`, but ISO date strings count as their day number."""
    value = first(value)
    if isinstance(value, str):
        moment = parse_iso(value)
        if moment is not None:
            return day_number(moment)
    return to_number(value)


def format_number(number: float) -> str:
    """XPath's number-to-string: no exponent, no trailing ``.0``."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"  # also for -0.0
    # repr() is the shortest text that round-trips; Decimal removes its exponent.
    exact = Decimal(repr(number))
    if number.is_integer():
        exact = exact.to_integral_value()
    return format(exact, "f")


def to_string(value: Value) -> str:
    value = first(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def to_boolean(value: Value) -> bool:
    if isinstance(value, NodeSet):
        return len(value) > 0
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0 and not math.isnan(value)
    if isinstance(value, datetime.date):
        return True
    return value != ""
