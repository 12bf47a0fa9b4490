"""The cell range of an OpenDocument spreadsheet's tables, before calamine expands them.

ODS compresses runs: ``table:number-rows-repeated`` and
``number-columns-repeated`` make one element stand for up to a million rows or
16,384 columns. Every saved sheet ends in such runs of *empty* cells, which
readers skip; a run that holds a value is expanded cell by cell. So a table's
range is bounded by its last row that holds something (counting every
repeated row before it) times the widest such row (counting the repeats of
its cells up to its last value). Only the ``table:`` prefix is accepted for
the table namespace, so no other spelling of a row escapes the count.

Empty rows cost no Python work: the scan jumps from one value to the next
with ``bytes.find`` and counts the rows in between in C. Chunks are cut at a
row's start, so every row is seen whole.
"""

from __future__ import annotations

import itertools
import operator
import re

from fieldsurvey.filegate.errors import Refused
from fieldsurvey.filegate.limits import EXCEL_ROWS, MAX_TOKEN, Limits

_TABLE_NS = b"urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_NS_DECL = re.compile(rb"""xmlns(?::([\w.-]+))?\s*=\s*["']([^"']*)["']""")
_ROW = b"<table:table-row"
_TABLE = re.compile(rb"<table:table(?=[\s>/])")
_ROW_HEAD = re.compile(rb"""<table:table-row(?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*""")
_ROWS_REPEATED = re.compile(rb"""number-rows-repeated\s*=\s*["']\s*(\d+)""")
_COLS_REPEATED = re.compile(rb"""number-columns-repeated\s*=\s*["']\s*(\d+)""")
# Anything that can make a cell hold something: a value attribute or a paragraph.
_MARKERS = (b"value", b":p", b"<p")
#: Rows with a value measured one by one (when the quick bound is not enough); a list
#: of this many uneven rows costs about 2 s, so more are refused.
MAX_EXACT_ROWS = 300_000


def _count(digits: bytes) -> int:
    return int(digits) if len(digits) < 9 else EXCEL_ROWS * 100


def _repeats(pattern: re.Pattern[bytes], data: bytes, start: int, end: int) -> int:
    """The rows (or columns) that repeat attributes in ``data[start:end]`` add."""
    return sum(max(_count(n), 1) - 1 for n in pattern.findall(data, start, end))


class OdsScan:
    """Feed ``content.xml`` chunk by chunk; :meth:`finish` checks the last table."""

    def __init__(self, part: str, limits: Limits) -> None:
        self.part = part
        self.limits = limits
        self.carry = b""
        self.row_tags = 0
        self.position = 0        # rows of the current table so far, repeats expanded
        self.last_row = 0        # end of the last row that holds something
        self.width = 0           # widest row that holds something
        self.exact_rows = 0
        self._next = [-1] * len(_MARKERS)

    def feed(self, chunk: bytes) -> None:
        data = self.carry + chunk
        cut = data.rfind(_ROW)
        if cut <= 0:
            self.carry = data
        else:
            self.carry = data[cut:]
            self._scan(data[:cut])
        if len(self.carry) > MAX_TOKEN:
            raise Refused("sheet_too_large", f"{self.part}: one row over {MAX_TOKEN:,} bytes")

    def _scan(self, data: bytes) -> None:
        for prefix, uri in _NS_DECL.findall(data):
            if (uri == _TABLE_NS) != (prefix == b"table"):
                raise Refused("corrupt", f"{self.part}: table namespace as "
                              f"{prefix.decode('ascii', 'replace') or 'default'}")
        self.row_tags += data.count(_ROW)
        if self.row_tags > EXCEL_ROWS:
            raise Refused("sheet_too_large", f"{self.part}: more than {EXCEL_ROWS:,} rows")
        tables = [m.start() for m in _TABLE.finditer(data)]
        bounds = [0, *tables, len(data)]
        for i, (start, end) in enumerate(itertools.pairwise(bounds)):
            if i:
                self._check()
                self.position = self.last_row = self.width = 0
            if not self._quick(data, start, end):
                self._rows(data, start, end)

    def _quick(self, data: bytes, start: int, end: int) -> bool:
        """A bound for ``data[start:end]`` in C alone: rows up to the last value, each as
        wide as the widest row plus every column repeat before that value. False when
        the bound is too loose to pass (then each row with a value is measured)."""
        last = max(data.rfind(m, start, end) for m in _MARKERS)
        rows = data.count(_ROW, start, end) + _repeats(_ROWS_REPEATED, data, start, end)
        if last < 0:
            self.position += rows
            return True
        before = data.count(_ROW, start, last) + _repeats(_ROWS_REPEATED, data, start, last)
        pieces = data[start:last].split(_ROW)
        widest = max(map(operator.add,
                         map(bytes.count, pieces, itertools.repeat(b"<table:table-cell")),
                         map(bytes.count, pieces, itertools.repeat(b"<table:covered-"))))
        width = max(widest + _repeats(_COLS_REPEATED, data, start, last), self.width, 1)
        if (self.position + before) * width > self.limits.area:
            return False
        self.last_row = self.position + before
        self.width = width
        self.position += rows
        return True

    def _next_value(self, data: bytes, start: int, end: int) -> int:
        # Each marker's next place is remembered: searching again for one that does not
        # occur would scan to the end for every row.
        for i, marker in enumerate(_MARKERS):
            if -1 < self._next[i] < start:
                self._next[i] = data.find(marker, start, end)
        found = [p for p in self._next if p >= 0]
        return min(found, default=-1)

    def _rows(self, data: bytes, start: int, end: int) -> None:
        """The rows of one table in ``data[start:end]``; only rows with a value cost Python."""
        cursor = start
        self._next = [data.find(m, start, end) for m in _MARKERS]
        value = self._next_value(data, cursor, end)
        while value >= 0:
            row = data.rfind(_ROW, cursor, value)
            if row < 0:  # a value before any row of this piece (a table's attributes)
                cursor = value + 1
                value = self._next_value(data, cursor, end)
                continue
            # The rows before this one hold nothing: only their number counts.
            self.position += data.count(_ROW, cursor, row) + _repeats(
                _ROWS_REPEATED, data, cursor, row)
            close = data.find(b"</table:table-row", row, end)
            close = end if close < 0 else close
            head = _ROW_HEAD.match(data, row)
            head_end = head.end() if head else row + len(_ROW)
            found = _ROWS_REPEATED.search(data, row, head_end)
            self.position += max(_count(found.group(1)), 1) if found else 1
            last = max(data.rfind(m, row, close) for m in _MARKERS)
            width = (data.count(b"<table:table-cell", head_end, last)
                     + data.count(b"<table:covered-table-cell", head_end, last)
                     + _repeats(_COLS_REPEATED, data, head_end, last))
            self.last_row = self.position
            self.width = max(self.width, width, 1)
            self._check()
            self.exact_rows += 1
            if self.exact_rows > MAX_EXACT_ROWS:
                raise Refused("sheet_too_large", f"{self.part}: over {MAX_EXACT_ROWS:,} rows "
                              "of uneven width")
            cursor = max(close, row + 1)
            value = self._next_value(data, cursor, end)
        self.position += data.count(_ROW, cursor, end) + _repeats(
            _ROWS_REPEATED, data, cursor, end)

    def _check(self) -> None:
        area = self.last_row * self.width
        if area > self.limits.area:
            raise Refused("sheet_too_large", f"{self.part} holds {self.last_row:,} rows x "
                          f"{self.width:,} columns")

    def finish(self) -> None:
        if self.carry:
            self._scan(self.carry)
            self.carry = b""
        self._check()
