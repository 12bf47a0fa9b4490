"""Reading one sheet of a register workbook into rows of clean text.

python-calamine reads ``.xlsx``, ``.xls`` (the old format civil-affairs
offices still send), ``.xlsb`` and ``.ods``, and it reports merged ranges for
xlsx and xls, so it is the only reader here. openpyxl would add nothing for
xlsx (its merged ranges are the same information) and is about 9x slower on
large sheets (see docs/design.md). ODS files come without merged ranges
(calamine returns ``None``): there, only the top-left cell of a merged
range holds the value, exactly as the file stores it.

The format is sniffed from the content, not the extension: "save as" in some
office suites leaves an xlsx named ``.xls`` and the officer cannot tell.

Every file passes :mod:`fieldsurvey.filegate` first (sizes, bombs, DTDs, the
sheets' declared and real ranges, passwords, macros, external links), and
calamine reads the very bytes that were checked.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from python_calamine import (
    CalamineError,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from fieldsurvey.filegate import REGISTER, Refused, read_workbook
from fieldsurvey.messages import Message
from fieldsurvey.progress import NullProgress, Progress, check_cancelled
from fieldsurvey.register.cells import EMPTY, CellText, cell_text
from fieldsurvey.register.errors import RegisterError

#: A register of 50,000 organizations is a few megabytes (see filegate.limits).
MAX_FILE_BYTES = REGISTER.file_bytes

# The gate's reasons that the register already had words for; the rest use the
# gate's own messages, which say what was found.
_OWN_WORDS = {"not_a_workbook": "register.not_a_workbook", "corrupt": "register.not_a_workbook",
              "encrypted": "register.encrypted", "not_found": "register.not_found"}


@dataclass(frozen=True)
class RegisterSheet:
    """One sheet as clean text, rows and columns as in the file.

    ``rows[i][j]`` is the cell in Excel row ``i + 1`` and column ``j + 1``;
    rows are padded to the same width, and trailing blank rows and columns
    are dropped. ``lost_digits`` holds the ``(i, j)`` of cells whose long
    number Excel had already rounded (see :func:`cell_text`).
    """

    path: Path
    sheet: str
    sheets: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    lost_digits: frozenset[tuple[int, int]] = frozenset()

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0


def _error(code: str, path: Path, **params: object) -> RegisterError:
    return RegisterError(Message(code, {"file": path.name, **params}))


def _refused(path: Path, exc: Refused) -> RegisterError:
    if exc.reason == "too_large":
        return _error("register.too_large", path, megabytes=MAX_FILE_BYTES // 2**20)
    if exc.reason == "unreadable":
        return _error("register.unreadable", path, detail=exc.found)
    code = _OWN_WORDS.get(exc.reason)
    return _error(code, path) if code else RegisterError(exc.message(path.name))


def _load(path: Path) -> CalamineWorkbook:
    try:
        # A CSV or a web page saved as .xls is "not a workbook" here, in plain
        # words, rather than calamine's "Cannot detect file format".
        data = read_workbook(path, REGISTER)
    except Refused as exc:
        raise _refused(path, exc) from None
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        raise _error("register.encrypted", path) from None
    except CalamineError as exc:
        raise _error("register.not_a_workbook", path) from exc


def _worksheets(book: CalamineWorkbook) -> list[str]:
    """Worksheet names, visible ones first (hidden sheets hold lookup lists)."""
    sheets = [m for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    visible = [m.name for m in sheets if m.visible == SheetVisibleEnum.Visible]
    return visible + [m.name for m in sheets if m.name not in visible]


def _trim(rows: list[list[CellText]]) -> list[list[CellText]]:
    while rows and not any(c.text for c in rows[-1]):
        rows.pop()
    width = max((j + 1 for row in rows for j, c in enumerate(row) if c.text), default=0)
    return [row[:width] + [EMPTY] * (width - len(row)) for row in rows]


def _fill_merged(rows: list[list[CellText]],
                 ranges: Sequence[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Give every cell of a merged range its top-left value.

    Only inside the sheet's data: a range reaching past the last row or
    column would otherwise invent rows that hold nothing but the copy.
    """
    height = len(rows)
    width = len(rows[0]) if rows else 0
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= height or c0 >= width:
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, height - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, width - 1) + 1):
                row[c] = value


def _read_sheet(book: CalamineWorkbook, path: Path, name: str) -> list[list[CellText]]:
    try:
        sheet = book.get_sheet_by_name(name)
        # skip_empty_area=False keeps row and column numbers as the officer sees them.
        raw = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except CalamineError as exc:
        raise _error("register.unreadable_sheet", path, sheet=name, detail=str(exc)) from exc
    rows = _trim([[cell_text(v) for v in row] for row in raw])
    _fill_merged(rows, merged)
    return rows


def read_register(path: Path, sheet: str | None = None,
                  progress: Progress | None = None) -> RegisterSheet:
    """The named sheet of ``path``, or its first non-empty worksheet.

    Raises :class:`RegisterError` for a file that is missing, not a
    workbook, protected by a password, or empty, for one the file gate
    refuses (too large, a bomb, macros, external links...), and for a sheet
    that does not exist or holds nothing. ``progress`` hears of the two
    steps (checking the file, reading the sheet) and may cancel between them.
    """
    progress = progress or NullProgress()
    progress.report(0, 2, Message("filegate.stage.checking", {"file": path.name}))
    book = _load(path)
    try:
        check_cancelled(progress)
        progress.report(1, 2, Message("filegate.stage.reading", {"file": path.name}))
        names = _worksheets(book)
        if sheet is not None:
            if sheet not in names:
                raise _error("register.no_such_sheet", path, sheet=sheet)
            rows = _read_sheet(book, path, sheet)
            if not rows:
                raise _error("register.empty_sheet", path, sheet=sheet)
        else:
            for name in names:
                rows = _read_sheet(book, path, name)
                if rows:
                    sheet = name
                    break
            else:
                raise _error("register.empty_file", path)
    finally:
        book.close()
    progress.report(2, 2)
    lost = frozenset((i, j) for i, row in enumerate(rows) for j, c in enumerate(row)
                     if c.lost_digits)
    return RegisterSheet(path=path, sheet=sheet, sheets=tuple(names),
                         rows=tuple(tuple(c.text for c in row) for row in rows),
                         lost_digits=lost)
