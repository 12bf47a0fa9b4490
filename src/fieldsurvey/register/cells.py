"""Turning spreadsheet cell values into clean text.

Registers come from many hands: names typed with a Chinese input method
(full-width letters, digits and brackets, the ideographic space), text pasted
from web pages or PDFs (zero-width spaces, Kangxi radicals, line breaks inside
cells), and numbers Excel "helped" with (phones as ``13800138000.0``, codes
as ``5.13301E+17``). Every cell goes through :func:`cell_text` so that the
same organization written two ways compares equal.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass

from fieldsurvey.domain.findings import to_halfwidth

#: Excel keeps 15 significant digits of a number; anything longer typed as a
#: number has already lost its last digits when the file was saved.
EXCEL_DIGITS = 15

# Zero-width characters and the BOM survive copy and paste from web pages and
# make two equal-looking names differ.
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
# Control characters that are not whitespace (whitespace is collapsed below).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f\ud800-\udfff\ufffe\uffff]")
# CJK compatibility ideographs: NFKC would swap them for the unified ideograph,
# which looks different and is sometimes chosen on purpose in personal and
# place names. They are the one part of NFKC that is not "safe", so they are
# kept as typed; everything else NFKC folds (full-width forms, Kangxi radicals
# from PDFs, circled digits, ligatures) is a typing or copying artefact.
_COMPAT_IDEOGRAPHS = re.compile("([\uf900-\ufaff\U0002f800-\U0002fa1f]+)")
# "5.13301E+17": the text Excel shows for a long number, pasted back as text.
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+\d+$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CellText:
    """A cell as text; ``lost_digits`` when Excel stored a long code as a number."""

    text: str
    lost_digits: bool = False


EMPTY = CellText("")


def _nfkc(text: str) -> str:
    if unicodedata.is_normalized("NFKC", text):
        return text
    if not _COMPAT_IDEOGRAPHS.search(text):
        return unicodedata.normalize("NFKC", text)
    parts = _COMPAT_IDEOGRAPHS.split(text)
    # split() with a group puts the kept runs at the odd indices
    return "".join(p if i % 2 else unicodedata.normalize("NFKC", p) for i, p in enumerate(parts))


def clean_text(text: str) -> str:
    """Half-width, NFKC (see :data:`_COMPAT_IDEOGRAPHS`), trimmed, spaces collapsed.

    ``"  ＸＸ　市  茶叶协会\\n"`` -> ``"XX 市 茶叶协会"``. Every kind of space
    (including U+3000 and line breaks inside a cell) becomes one ASCII space.
    """
    if not text:
        return ""
    if not text.isascii():
        text = _nfkc(to_halfwidth(text))
        text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    return " ".join(text.split())


def _number_text(value: float) -> CellText:
    if not math.isfinite(value):
        return CellText(str(value))
    if value.is_integer():
        digits = str(int(value))
        return CellText(digits, lost_digits=len(digits.lstrip("-")) > EXCEL_DIGITS)
    # repr is the shortest text that reads back as the same float: 1.5, not 1.5000000001
    return CellText(repr(value))


def cell_text(value: object) -> CellText:
    """The clean text of one cell value as a spreadsheet reader returns it.

    Whole numbers lose their ``.0`` (``13800138000.0`` -> ``13800138000``);
    dates become ISO dates. A number with more than 15 digits, or text such
    as ``5.13301E+17``, is flagged :attr:`CellText.lost_digits`: its digits
    cannot be trusted and must not be guessed.
    """
    if value is None or value == "":
        return EMPTY
    if isinstance(value, str):
        text = clean_text(value)
        return CellText(text, lost_digits=bool(_SCIENTIFIC.match(text)))
    if isinstance(value, bool):  # before int: bool is an int
        return CellText("TRUE" if value else "FALSE")
    if isinstance(value, int):
        digits = str(value)
        return CellText(digits, lost_digits=len(digits.lstrip("-")) > EXCEL_DIGITS)
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return CellText(value.date().isoformat())
        return CellText(value.isoformat(sep=" ", timespec="seconds"))
    if isinstance(value, dt.date | dt.time):
        return CellText(value.isoformat())
    return CellText(clean_text(str(value)))
