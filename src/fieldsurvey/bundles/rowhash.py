"""Short per-row digests of a worksheet part, so a tampered sheet can name its rows.

The part's SHA-256 in the manifest is what proves integrity; these digests only
explain *where* a sheet differs. They are taken over each ``<row>`` element's
raw XML with the row and cell references (``r="..."``) removed, so deleting a
row (and renumbering the rest) shows up as one deleted row, not as every later
row changed.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import unescape

DIGEST_CHARS = 8  # 32 bits: plenty to tell neighbouring rows apart, small in the manifest
_REFS = re.compile(rb' r="[A-Z]*[0-9]+"')
_EMPTY_ROW = re.compile(rb"<row\b[^>]*/>")
# The first cell's inline text: the record's id on every data sheet.
_KEY = re.compile(rb"<c\b[^>]*>\s*<is>\s*<t\b[^>]*>([^<]*)</t>")


def _digest(stripped_row: bytes) -> str:
    return hashlib.sha256(stripped_row).hexdigest()[:DIGEST_CHARS]


@dataclass
class RowHasher:
    """Fed a sheet part chunk by chunk; collects one digest (and, if asked, key) per row.

    Rows are cut at ``</row>`` with plain byte searches (a regex over the whole
    sheet costs more than openpyxl's writing of it); text never contains ``<``.
    """

    want_keys: bool = False
    digests: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    _buffer: bytes = b""

    def feed(self, chunk: bytes) -> None:
        complete, end, self._buffer = (self._buffer + chunk).rpartition(b"</row>")
        if not end:
            return
        # References go in one pass over the complete rows, not one regex call per row.
        for piece in _REFS.sub(b"", complete + end).split(b"</row>")[:-1]:
            start = piece.find(b"<row")
            while start >= 0:
                following = piece.find(b"<row", start + 4)
                # Only the last <row in a piece has content; earlier ones are <row .../>.
                self._add(piece[start:following] if following >= 0
                          else piece[start:] + b"</row>")
                start = following

    def _add(self, row: bytes) -> None:
        self.digests.append(_digest(row))
        if self.want_keys:
            first = row.find(b"<c")
            key = _KEY.match(row, first) if first >= 0 else None
            self.keys.append(unescape(key.group(1).decode("utf-8", "replace")) if key else "")


def hash_rows(chunks: Iterable[bytes]) -> RowHasher:
    """Digests and keys of a (possibly tampered) sheet part, for describing changes."""
    hasher = RowHasher(want_keys=True)
    for chunk in chunks:
        hasher.feed(chunk)
    # openpyxl never writes <row .../> but a forger might, after the last full row.
    for row in _EMPTY_ROW.findall(hasher._buffer):
        hasher._add(_REFS.sub(b"", row))
    return hasher


def describe_row_changes(sheet: str, signed: Sequence[str], found: RowHasher,
                         limit: int = 20) -> list[str]:
    """``sheet row N changed/added/deleted`` lines, rows numbered as in Excel."""
    lines: list[str] = []
    matcher = difflib.SequenceMatcher(None, list(signed), found.digests, autojunk=False)

    def key(index: int) -> str:
        return f" [{found.keys[index]}]" if index < len(found.keys) and found.keys[index] else ""

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        common = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        lines += [f"{sheet} row {j1 + k + 1} changed{key(j1 + k)}" for k in range(common)]
        lines += [f"{sheet} row {i + 1} deleted (as signed)" for i in range(i1 + common, i2)]
        lines += [f"{sheet} row {j + 1} added{key(j)}" for j in range(j1 + common, j2)]
    if len(lines) > limit:
        lines = [*lines[:limit], f"{sheet}: {len(lines) - limit} more row differences"]
    return lines
