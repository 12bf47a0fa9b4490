"""Folding text for search: the typed query and the searched text fold the same way."""

from __future__ import annotations

import unicodedata

from fieldsurvey.domain.findings import to_halfwidth


def fold(text: str) -> str:
    """Half-width, NFC, lower case, without spaces (input methods and registers vary)."""
    folded = unicodedata.normalize("NFC", to_halfwidth(text)).lower()
    return "".join(folded.split())


def searchable_text(name: str, uscc: str, search_key: str) -> str:
    """The text a query is matched against; NUL keeps matches inside one part."""
    initials, _, full = search_key.partition(" ")
    return "\x00".join((fold(name), fold(uscc), fold(initials), fold(full)))
