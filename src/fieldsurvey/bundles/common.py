"""Names and helpers every bundle module shares: parts, sheets, canonical JSON."""

from __future__ import annotations

from typing import Any

from fieldsurvey.canonical import canonical_json
from fieldsurvey.messages import Message

FORMAT = "fieldsurvey-bundle/1"
# Extra zip parts: spreadsheet programs ignore them (and drop them on re-save,
# which is how a re-saved file is recognised).
MANIFEST_PART = "fieldsurvey/manifest.json"
SIGNATURE_PART = "fieldsurvey/manifest.sig"
OWN_PARTS = frozenset({MANIFEST_PART, SIGNATURE_PART})

SHEET_COVER = "封面"
SHEET_VISITS = "走访记录"
SHEET_REGISTER = "名录"
SHEET_CODES = "代码表"
# A workbook with these sheets but without a manifest is one of ours, re-saved.
SIGNATURE_SHEETS = frozenset({SHEET_COVER, SHEET_VISITS, SHEET_CODES})


class BundleError(Exception):
    """A bundle could not be written or read; ``message`` says why."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message


def canonical_bytes(value: Any) -> bytes:
    """One byte spelling per value: what is hashed and signed."""
    return canonical_json(value).encode("utf-8")
