"""Folding text for search: the typed query and the searched text fold the same way."""

from __future__ import annotations

import unicodedata

from fieldsurvey.domain.findings import to_halfwidth


def fold(text: str) -> str:
    """Half-width, NFC, lower case, without spaces (input methods and registers vary)."""
    folded = unicodedata.normalize("NFC", to_halfwidth(text)).lower()
    return "".join(folded.split())


def searchable_text(name: str, uscc: str, search_key: str) -> str:
    """The text a query is matched against; NUL keeps matches inside one part.

    Cheaper than :func:`fold` on purpose (it runs for every organization at load):
    stored names and codes are already half-width and NFC (the register import and
    the organization dialog clean them), and the search key is lower-case pinyin.
    """
    return f"{name.lower().replace(' ', '')}\x00{uscc.lower()}\x00{search_key}"
