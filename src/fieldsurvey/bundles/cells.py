"""One answer <-> one cell, exactly, in both directions.

Writing: text is always a text cell (never a formula or an error value, even
when it reads ``=1+1`` or ``#N/A``), integers and decimals are numbers, dates,
datetimes and times are real Excel dates with a number format. A value that a
typed cell cannot carry exactly raises :class:`Unfit`, and the caller stores it
as JSON instead (see ``layout``).

Reading converts by the *question type*, never by the look of the value:
calamine returns every number as a float and date cells as ``date``/``datetime``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.cell.cell import ERROR_CODES  # type: ignore[import-untyped]

# Excel refuses longer cell text (openpyxl would silently cut it): the limit entry enforces.
from fieldsurvey.forms.answers import MAX_SAFE_INTEGER
from fieldsurvey.forms.answers import MAX_TEXT_LENGTH as MAX_CELL_TEXT
from fieldsurvey.forms.answers import UNSTORABLE_CHARS as _UNWRITABLE

TEXT_TYPES = frozenset({"text", "calculate", "hidden", "acknowledge", "select_one", "note"})
# Excel's 1900 leap-year bug makes serial numbers before this date ambiguous, so
# earlier dates travel as ISO text.
FIRST_EXCEL_DATE = dt.date(1900, 3, 1)
# Spreadsheet readers turn ``_xHHHH_`` into a character, and XML turns CR into LF.
# Excel's own escape fixes both: ``_`` before such a pattern becomes ``_x005F_``,
# CR becomes ``_x000D_``.
_ESCAPE_UNDERSCORE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_ERROR_CODES = frozenset(ERROR_CODES)  # text openpyxl would store as an error value
_XML_SPACE = re.compile("[ \t\n]")
_TIME = re.compile(r"\d\d:\d\d:\d\d")


class Unfit(Exception):
    """The value cannot be stored exactly in a typed cell."""


class CellWriter:
    """Makes openpyxl write-only cell values for one worksheet."""

    def __init__(self, worksheet: Any) -> None:
        self.ws = worksheet
        self._seen: dict[str, str] = {}

    def repeated(self, value: str) -> Any:
        """:meth:`text` for values that recur row after row (codes, labels, names).

        Only plain strings are remembered: openpyxl reuses a cell object passed to
        ``append`` for the next value, so a cell must never be shared between rows.
        """
        known = self._seen.get(value)
        if known is not None:
            return known
        made = self.text(value)
        if type(made) is str and len(self._seen) < 10_000:
            self._seen[value] = made
        return made

    def text(self, value: str) -> Any:
        if len(value) > MAX_CELL_TEXT or _UNWRITABLE.search(value):
            raise Unfit
        if "_x" in value or "\r" in value:
            value = _ESCAPE_UNDERSCORE.sub("_x005F_", value).replace("\r", "_x000D_")
        if value and not value.strip():
            # openpyxl marks only text with *some* non-space as xml:space="preserve",
            # so readers would trim all-space text to nothing.
            value = _XML_SPACE.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
        if len(value) > MAX_CELL_TEXT or value.startswith("=") or value in _ERROR_CODES:
            return self._text_cell(value)
        return value

    def _text_cell(self, value: str) -> Any:
        # openpyxl would make ``=...`` a formula and ``#N/A`` an error, and it cuts
        # text at 32,767 characters even when that length only comes from the
        # escapes above; binding the value directly keeps it a plain string.
        cell = WriteOnlyCell(self.ws)
        cell._value = value
        cell.data_type = "s"
        return cell

    def answer(self, qtype: str, value: Any) -> Any:
        """The cell value for a non-blank answer of ``qtype``, or :class:`Unfit`."""
        if qtype in TEXT_TYPES:
            if not isinstance(value, str):
                raise Unfit
            return self.text(value)
        if qtype == "integer":
            if type(value) is not int or abs(value) > MAX_SAFE_INTEGER:
                raise Unfit
            return value
        if qtype == "decimal":
            return self._decimal(value)
        if not isinstance(value, str):
            raise Unfit
        if qtype == "date":
            return self._date(value)
        if qtype == "datetime":
            return self._datetime(value)
        if qtype == "time":
            return self._time(value)
        raise Unfit

    def _decimal(self, value: Any) -> Any:
        if type(value) is not float or not math.isfinite(value):
            raise Unfit
        if float(f"{value:.16g}") == value:
            return value
        # openpyxl prints numbers with 16 significant digits; some doubles need 17.
        cell = WriteOnlyCell(self.ws)
        cell._value = repr(value)
        cell.data_type = "n"
        return cell

    def _date(self, value: str) -> Any:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise Unfit from None
        if day.isoformat() != value:
            raise Unfit
        return day if day >= FIRST_EXCEL_DATE else self.text(value)

    def _datetime(self, value: str) -> Any:
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise Unfit from None
        if moment.isoformat() != value:
            raise Unfit
        if moment.tzinfo is None and moment.microsecond == 0 and \
                moment.date() >= FIRST_EXCEL_DATE:
            return moment
        return self.text(value)  # Excel has no time zones and only millisecond precision

    def _time(self, value: str) -> Any:
        if not _TIME.fullmatch(value):
            raise Unfit
        try:
            return dt.time.fromisoformat(value)
        except ValueError:
            raise Unfit from None


class CellTypeError(ValueError):
    """A cell's content does not fit its column's question type."""


def read_answer(qtype: str, value: Any) -> Any:
    """The stored answer for a non-empty cell read by calamine."""
    if qtype in TEXT_TYPES:
        if isinstance(value, str):
            return value
    elif qtype == "integer":
        if isinstance(value, int | float) and not isinstance(value, bool) and \
                float(value).is_integer():
            return int(value)
    elif qtype == "decimal":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif qtype == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date | str):
            return value if isinstance(value, str) else value.isoformat()
    elif qtype == "datetime":
        if isinstance(value, dt.datetime | str):
            return value if isinstance(value, str) else value.isoformat()
        if isinstance(value, dt.date):  # calamine gives a date for midnight
            return dt.datetime.combine(value, dt.time()).isoformat()
    elif qtype == "time" and isinstance(value, dt.time):
        return value.isoformat()
    raise CellTypeError(f"{type(value).__name__} in a {qtype} column")
