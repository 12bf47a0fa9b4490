"""The one door every file we read comes through, by kind of file.

Each function returns the file's bytes once they passed every check, so the
parser then reads exactly what was checked (never the path a second time),
or raises :class:`Refused`.
"""

from __future__ import annotations

import errno
from pathlib import Path

from fieldsurvey.filegate.errors import Refused
from fieldsurvey.filegate.limits import FORM, REGISTER, Limits
from fieldsurvey.filegate.olegate import CFB_MAGIC, check_ole
from fieldsurvey.filegate.zipgate import ZIP_MAGIC, open_zip, scan

#: Markdown forms, CSV and JSON files we read are small; this is far beyond them.
MAX_TEXT_BYTES = 4 * 2**20


def read_bounded(path: Path, cap: int) -> bytes:
    """The bytes of ``path`` if it is a readable file of at most ``cap`` bytes.

    The size is checked on the open file and the read stops one byte past the
    cap, so a file that grows meanwhile (or a device) is still refused.
    """
    try:
        with path.open("rb") as fh:
            data = fh.read(cap + 1)
    except FileNotFoundError:
        raise Refused("not_found") from None
    except IsADirectoryError:
        raise Refused("unreadable", "a folder") from None
    except OSError as exc:
        if exc.errno == errno.EISDIR:
            raise Refused("unreadable", "a folder") from None
        raise Refused("unreadable", exc.strerror or type(exc).__name__) from None
    if len(data) > cap:
        raise Refused("too_large", f"more than {cap:,} bytes")
    return data


def check_workbook_bytes(data: bytes, limits: Limits) -> None:
    """Refuse spreadsheet bytes (xlsx, xlsm, xls, ods) that fail any check."""
    if len(data) > limits.file_bytes:
        raise Refused("too_large", f"{len(data):,} bytes")
    if data.startswith(CFB_MAGIC):
        check_ole(data, limits)
        return
    if not data.startswith(ZIP_MAGIC):
        raise Refused("not_a_workbook")
    with open_zip(data, limits) as zf:
        # Hashes are for bundles, whose manifest lists them; nobody reads them here.
        scan(zf, limits, hashes=False).refuse_active()


def read_workbook(path: Path, limits: Limits = REGISTER) -> bytes:
    """The bytes of a spreadsheet file that passed every check (registers by default)."""
    data = read_bounded(path, limits.file_bytes)
    check_workbook_bytes(data, limits)
    return data


def read_form(path: Path) -> bytes:
    """The bytes of an XLSForm: a checked workbook, or bounded UTF-8 text (markdown, CSV)."""
    return check_form_bytes(read_bounded(path, FORM.file_bytes))


def check_form_bytes(data: bytes) -> bytes:
    """``data`` if it may be handed to the form loader (a form that came inside a
    county package passes the same checks as one read from a file)."""
    if len(data) > FORM.file_bytes:
        raise Refused("too_large", f"{len(data):,} bytes")
    if data.startswith((ZIP_MAGIC, CFB_MAGIC)):
        check_workbook_bytes(data, FORM)
        return data
    if len(data) > MAX_TEXT_BYTES:
        raise Refused("too_large", f"{len(data):,} bytes of text")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused("not_a_workbook", f"not UTF-8 text ({exc.reason})") from None
    return data
