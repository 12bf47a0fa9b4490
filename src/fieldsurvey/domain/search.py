"""The search key of an organization name: pinyin initials and full pinyin."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def search_key(name: str) -> str:
    """``茶叶协会`` -> ``cyxh chayexiehui``; lower case, for substring matching."""
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default"))
    full = "".join(lazy_pinyin(name, errors="default"))
    return f"{initials} {full}".lower()
