"""The cell range of an OpenDocument spreadsheet's tables, before calamine expands them.

ODS compresses runs: ``table:number-rows-repeated`` and
``number-columns-repeated`` make one element stand for up to a million rows or
16,384 columns. Every saved sheet ends in such runs of *empty* cells, which
readers skip; a run that holds a value is expanded cell by cell. So a table's
range is bounded by its last row that holds something (counting every
repeated row before it) times the widest such row (counting the repeats of
its cells up to its last value). Only the ``table:`` prefix is accepted for
the table namespace, so no other spelling of a row escapes the count.
"""

from __future__ import annotations

import re

from fieldsurvey.filegate.errors import Refused
from fieldsurvey.filegate.limits import EXCEL_ROWS, MAX_TOKEN, Limits

_TABLE_NS = b"urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_NS_DECL = re.compile(rb"""xmlns(?::([\w.-]+))?\s*=\s*["']([^"']*)["']""")
_SPLIT = re.compile(rb"<table:(table-row|table)(?=[\s/>])")
_ATTRS = re.compile(rb"""(?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*""")
_ROWS_REPEATED = re.compile(rb"""number-rows-repeated\s*=\s*["']\s*(\d+)""")
_COLS_REPEATED = re.compile(rb"""number-columns-repeated\s*=\s*["']\s*(\d+)""")
_CELL = re.compile(rb"<table:(?:covered-)?table-cell(?=[\s/>])")
# Anything that can make a cell hold something: a value attribute or a paragraph.
_MARKERS = (b"value", b":p", b"<p")


def _count(digits: bytes) -> int:
    return int(digits) if len(digits) < 9 else EXCEL_ROWS * 100


class OdsScan:
    """Feed ``content.xml`` chunk by chunk; :meth:`finish` checks the last table."""

    def __init__(self, part: str, limits: Limits) -> None:
        self.part = part
        self.limits = limits
        self.carry = b""
        self.row_tags = 0
        self.open = b""          # the row being read: its start tag on, so far
        self.in_row = False
        self.position = 0        # rows of the current table so far, repeats expanded
        self.last_row = 0        # end of the last row that holds something
        self.width = 0           # widest row that holds something

    def feed(self, chunk: bytes) -> None:
        data = self.carry + chunk
        cut = data.rfind(b"<")
        if cut <= 0:
            self.carry = data
        else:
            self.carry = data[cut:]
            self._scan(data[:cut])
        if len(self.carry) > MAX_TOKEN or len(self.open) > MAX_TOKEN:
            raise Refused("sheet_too_large", f"{self.part}: one row over {MAX_TOKEN} bytes")

    def _scan(self, data: bytes) -> None:
        for prefix, uri in _NS_DECL.findall(data):
            if (uri == _TABLE_NS) != (prefix == b"table"):
                raise Refused("corrupt", f"{self.part}: table namespace as "
                              f"{prefix.decode('ascii', 'replace') or 'default'}")
        self.row_tags += data.count(b"<table:table-row")
        if self.row_tags > EXCEL_ROWS:
            raise Refused("sheet_too_large", f"{self.part}: more than {EXCEL_ROWS:,} rows")
        pieces = _SPLIT.split(data)
        self._continue(pieces[0])
        for kind, piece in zip(pieces[1::2], pieces[2::2], strict=True):
            self._end_row()
            if kind == b"table":
                self._end_table()
            else:
                self.in_row = True
            self._continue(piece)

    def _continue(self, piece: bytes) -> None:
        if self.in_row:
            self.open += piece

    def _end_row(self) -> None:
        if not self.in_row:
            return
        row, self.open, self.in_row = self.open, b"", False
        tag = _ATTRS.match(row)
        head = row[:tag.end()] if tag else b""
        rest = row[len(head):].lstrip()
        # What follows the row's end is not the row's (a self-closing row holds nothing).
        end = rest.find(b"</table:table-row")
        row = b"" if rest.startswith(b"/>") else rest if end < 0 else rest[:end]
        found = _ROWS_REPEATED.search(head)
        repeat = max(_count(found.group(1)), 1) if found else 1
        self.position += repeat
        last = max(row.rfind(m) for m in _MARKERS)
        if last >= 0:
            before = row[:last]
            width = len(_CELL.findall(before)) + sum(
                max(_count(n), 1) - 1 for n in _COLS_REPEATED.findall(before))
            self.last_row = self.position
            self.width = max(self.width, width, 1)
            self._check()

    def _check(self) -> None:
        area = self.last_row * self.width
        if area > self.limits.area:
            raise Refused("sheet_too_large", f"{self.part} holds {self.last_row:,} rows x "
                          f"{self.width:,} columns")

    def _end_table(self) -> None:
        self.position = self.last_row = self.width = 0

    def finish(self) -> None:
        if self.carry:
            self._scan(self.carry)
            self.carry = b""
        self._end_row()
