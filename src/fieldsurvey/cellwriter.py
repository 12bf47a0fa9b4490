"""The one cell writer: no workbook the app writes holds a formula, and no cell reads as one.

Bundles, roll-ups, batch reports, statistics tables and any export to come write
their cells through :class:`CellWriter`. openpyxl makes a string that starts
with ``=`` a formula and ``#N/A`` an error value; here every string becomes a
text cell, bound directly, whatever it starts with. Risky starts (``= + - @``,
tab, CR, LF, ``＝``) and error-like text are the cases that matter: a
spreadsheet program, or a CSV copy, would otherwise evaluate them.

Text is escaped so every reader gives back exactly what was written:
``_xHHHH_`` would be decoded as a character, XML turns CR into LF, and
all-space text would be trimmed. Strict writers (bundles) refuse what a cell
cannot hold exactly (:class:`Unfit`); tables for people (:meth:`CellWriter.shown`)
replace it visibly instead.

Typed answers: integers and decimals are numbers, dates, datetimes and times
real Excel dates; a value a typed cell cannot carry exactly raises
:class:`Unfit`, and the bundle stores it as JSON instead.
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
#: Starts that make a spreadsheet program (or a CSV import) evaluate the text.
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝")
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
_SHOWN_CUT = MAX_CELL_TEXT // 8  # room for every character to grow 7-fold in escapes


class Unfit(Exception):
    """The value cannot be stored exactly in a typed cell."""


def escape_text(value: str) -> str:
    """``value`` as cell text that every reader gives back unchanged; :class:`Unfit` if no
    cell can hold it (too long, characters XML cannot carry)."""
    if len(value) > MAX_CELL_TEXT or _UNWRITABLE.search(value):
        raise Unfit
    if "_x" in value or "\r" in value:
        value = _ESCAPE_UNDERSCORE.sub("_x005F_", value).replace("\r", "_x000D_")
    if value and not value.strip():
        # openpyxl marks only text with *some* non-space as xml:space="preserve",
        # so readers would trim all-space text to nothing.
        value = _XML_SPACE.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return value


def needs_text_cell(value: str) -> bool:
    """True for text openpyxl would not store as plain text on its own."""
    return (value.startswith(RISKY_STARTS) or value in _ERROR_CODES
            or len(value) > MAX_CELL_TEXT)


class CellWriter:
    """Makes openpyxl cell values for one worksheet (write-only or not)."""

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
        """A value for ``append`` that is a text cell holding exactly ``value``, or
        :class:`Unfit`."""
        value = escape_text(value)
        return self._text_cell(value) if needs_text_cell(value) else value

    def shown(self, value: Any) -> Any:
        """:meth:`text` for tables people read: what no cell can hold is replaced (U+FFFD
        for a character, an ellipsis past the length limit), never refused. Values
        other than text pass as they are."""
        if not isinstance(value, str):
            return value
        value = _UNWRITABLE.sub("\ufffd", value)
        try:
            return self.text(value)
        except Unfit:
            return self.text(value[:_SHOWN_CUT] + "…")

    def row(self, values: list[Any]) -> list[Any]:
        """A row for ``worksheet.append``: every text through :meth:`shown`."""
        return [self.shown(v) for v in values]

    def put(self, row: int, column: int, value: Any) -> Any:
        """Set one cell of an ordinary worksheet (``ws.cell(row, column, value)``, safely)."""
        cell = self.ws.cell(row, column)
        made = self.shown(value)
        if isinstance(made, str):
            self._bind(cell, made)
        elif hasattr(made, "data_type"):
            self._bind(cell, made._value)
        else:
            cell.value = made
        return cell

    @staticmethod
    def _bind(cell: Any, text: str) -> None:
        # Assigning ``cell.value`` lets openpyxl guess the type (formula, error);
        # binding the value directly keeps it a plain string.
        cell._value = text
        cell.data_type = "s"

    def _text_cell(self, value: str) -> Any:
        # openpyxl would make ``=...`` a formula and ``#N/A`` an error, and it cuts
        # text at 32,767 characters even when that length only comes from the
        # escapes above.
        cell = WriteOnlyCell(self.ws)
        self._bind(cell, value)
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
