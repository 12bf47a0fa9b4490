"""The cell range of a worksheet, found by streaming its XML, before a reader allocates it.

calamine sizes a sheet by the cells it meets: one value at XFD1048576 makes it
ask for 512 GiB and abort the process; openpyxl's read-only mode iterates the
``<dimension ref>`` a sheet declares. So both are bounded here.

The real range comes from the ``r="B7"`` references of cells that hold
something (``<c .../>`` with no content is formatting, which calamine skips).
A cell without ``r`` takes the next position, so its place is bounded from
above: the row's largest explicit column plus the row's cells without ``r``,
and rows without ``r`` add one each (exact for what Excel, WPS, LibreOffice
and openpyxl write). The XML is cut into chunks only at a ``<``, which never
occurs inside a tag, and the work per cell runs in the regex engine.
"""

from __future__ import annotations

import re

from fieldsurvey.filegate.errors import Refused
from fieldsurvey.filegate.limits import DENSITY, EXCEL_COLUMNS, EXCEL_ROWS, MAX_TOKEN, Limits

_P = rb"<(?:[A-Za-z_][\w.-]*:)?"  # any namespace prefix: x:row is as good as row
_ATTRS = rb"""(?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*"""
_DIMENSION = re.compile(_P + rb"""dimension\b[^>]*?\sref\s*=\s*["']([^"']*)["']""")
_ROW_START = re.compile(_P + rb"row(?=[\s/>])")
_ROW_R = re.compile(_P + rb"""row\b[^>]*?\sr\s*=\s*["']([^"']*)["']""")
# A cell's start tag, attribute by attribute (a value may hold ">" or "/"):
# captures the reference's letters and digits (empty without r) and the "/" of <c/>.
_CELL_TAG = re.compile(
    _P + rb"""c(?:\s+(?:r\s*=\s*["']([A-Za-z]*)([0-9]*)["']|[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*')))*"""
    rb"""\s*(/?)>""")
_CELL = re.compile(_P + rb"c(?=[\s/>])")
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
# The fast path, for the cells every spreadsheet program writes: <c r="B7" ...>.
# Each pattern starts with a literal, which the regex engine scans for quickly.
_FAST_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_FAST_EMPTY = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: [a-z]+="[0-9a-z]*")*/>')
_NOT_CELL = re.compile(rb"<c[\w.:-]")  # <col>, <cfRule>, <c:...>: not a cell
_PREFIXED_CELL = re.compile(rb"[\w.-]:c[\s/>]")
#: Sheets that need the exact count (no r, another prefix, odd quoting) are rare and
#: slower to scan; beyond this many bytes of them the file is refused.
MAX_SLOW_BYTES = 48 * 2**20


def column_number(letters: bytes | str) -> int:
    """``A`` -> 1, ``XFD`` -> 16384; four letters or more are past any sheet."""
    text = letters.decode("ascii") if isinstance(letters, bytes) else letters
    if len(text) > 3:
        return EXCEL_COLUMNS + 1
    n = 0
    for ch in text.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _row_number(digits: bytes) -> int:
    return int(digits) if 0 < len(digits) < 9 else EXCEL_ROWS + 1


def parse_range(ref: str) -> tuple[int, int]:
    """(rows, columns) spanned by ``A1:C9`` or ``B2``; :class:`Refused` if unreadable."""
    corners = []
    for part in ref.strip().split(":")[:2]:
        match = _REF.fullmatch(part.strip())
        if match is None:
            raise Refused("sheet_too_large", f"dimension {ref[:40]}")
        corners.append((int(match.group(2)), column_number(match.group(1))))
    (r0, c0), (r1, c1) = corners[0], corners[-1]
    return abs(r1 - r0) + 1, abs(c1 - c0) + 1


class NeedsExact(Exception):
    """The sheet is not written the usual way: scan it again from the start, exactly."""


class SheetScan:
    """Feed a worksheet's XML chunk by chunk; :meth:`finish` checks the range.

    By default only the usual spelling is accepted (every cell ``<c r="B7"``), which
    the regex engine counts at memory speed; anything else raises
    :class:`NeedsExact`, and the caller feeds the part again to an ``exact`` scan.
    """

    def __init__(self, part: str, limits: Limits, *, exact: bool = False) -> None:
        self.part = part
        self.limits = limits
        self.carry = b""
        self.max_row = 0          # largest row of a cell that holds something
        self.max_col = 0          # bound on the largest column of such a cell
        self.loose = exact        # rows and cells are counted one by one
        self.row_r = 0            # largest explicit row number (counts once loose)
        self.rows_without_r = 0
        self.row_col = 0          # the open row: largest explicit column
        self.row_loose = 0        # the open row: cells without r
        self.cells = 0
        self.slow_bytes = 0
        self.in_data = False      # past <sheetData>, where <dimension> can no longer be
        self.declared: tuple[int, int] | None = None

    def feed(self, chunk: bytes) -> None:
        data = self.carry + chunk
        cut = data.rfind(b"<")
        if cut <= 0:
            self.carry = data
        else:
            self.carry = data[cut:]
            self._scan(data[:cut])
        if len(self.carry) > MAX_TOKEN:
            raise Refused("sheet_too_large", f"{self.part}: one tag or text over {MAX_TOKEN} bytes")

    def _scan(self, data: bytes) -> None:
        if not self.in_data:
            end = data.find(b"sheetData")
            head = data if end < 0 else data[:end]
            self.in_data = end >= 0
            if self.declared is None and (found := _DIMENSION.search(head)):
                self.declared = parse_range(found.group(1).decode("ascii", "replace"))
                self._check(*self.declared, "declares", self.limits.declared_area)
        if not self.loose:
            self._fast(data)
        if self.loose:
            self.slow_bytes += len(data)
            if self.slow_bytes > MAX_SLOW_BYTES:
                raise Refused("sheet_too_large", f"{self.part}: over {MAX_SLOW_BYTES:,} bytes "
                              "of cells without references")
            self._by_row(data)
        if self.max_row > EXCEL_ROWS or self.max_col > EXCEL_COLUMNS:
            raise Refused("sheet_too_large", f"{self.part}: a cell beyond row {EXCEL_ROWS:,} "
                          f"or column {EXCEL_COLUMNS:,}")

    def _fast(self, data: bytes) -> None:
        """Every cell written ``<c r="B7"``: the range from the references alone."""
        refs = _FAST_REF.findall(data)
        cells = data.count(b"<c") - len(_NOT_CELL.findall(data))
        if cells != len(refs) or (b":c" in data and _PREFIXED_CELL.search(data)):
            raise NeedsExact
        self.cells += cells
        if not refs:
            return
        letters, digits = zip(*refs, strict=True)
        rows = max(map(int, set(digits)))
        cols = max(map(column_number, set(letters)))
        if max(rows, self.max_row) * max(cols, self.max_col) > self.limits.area:
            # Past the bound with every cell: leave out those that only carry formatting
            # (<c r="B9" s="1"/>), as calamine does.
            empty = set(_FAST_EMPTY.findall(data))
            full = [ref for ref in refs if ref not in empty]
            rows = max((int(d) for _, d in full), default=0)
            cols = max((column_number(c) for c in {c for c, _ in full}), default=0)
        self.max_row = max(self.max_row, rows)
        self.max_col = max(self.max_col, cols)

    def _by_row(self, data: bytes) -> None:
        """Cells without ``r``: count them row by row (the first piece continues the open row).

        Every cell and row counts here, empty or not: a bound, not the exact range.
        """
        self.cells += len(_CELL.findall(data))
        rows = [_row_number(r) for r in _ROW_R.findall(data)]
        if rows:
            self.row_r = max(self.row_r, *rows)
        self.rows_without_r += len(_ROW_START.findall(data)) - len(rows)
        for i, piece in enumerate(_ROW_START.split(data)):
            if i:
                self._close_row()
            tags = _CELL_TAG.findall(piece)
            refs = [(c, d) for c, d, _ in tags if d]
            if refs:
                self.row_col = max(self.row_col, *(column_number(c) for c, _ in refs))
                self.row_r = max(self.row_r, *(_row_number(d) for _, d in refs))
            self.row_loose += len(_CELL.findall(piece)) - len(refs)
        self.max_col = max(self.max_col, self.row_col + self.row_loose)
        self.max_row = max(self.max_row, self.row_r + self.rows_without_r)

    def _close_row(self) -> None:
        self.max_col = max(self.max_col, self.row_col + self.row_loose)
        self.row_col = self.row_loose = 0

    def _check(self, rows: int, cols: int, what: str, cap: int) -> None:
        area = rows * cols
        if area <= cap:
            return
        sparse = self.limits.sparse_area
        if not (sparse and area <= sparse and area <= DENSITY * max(self.cells, 1)):
            raise Refused("sheet_too_large",
                          f"{self.part} {what} {rows:,} rows x {cols:,} columns")

    def finish(self) -> None:
        if self.carry:
            self._scan(self.carry)
            self.carry = b""
        self._close_row()
        self.max_row = max(self.max_row, self.row_r + self.rows_without_r if self.loose else 0)
        self._check(self.max_row, self.max_col, "holds", self.limits.area)
