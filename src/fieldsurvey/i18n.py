"""Choosing the user's language: explicit choice, else the locale, else Chinese."""

from __future__ import annotations

import locale
import os

from fieldsurvey.messages import DEFAULT_LANGUAGE, LANGUAGES


def _from_name(value: str) -> str:
    """``en_US.UTF-8`` -> en, ``English_United States`` (Windows) -> en, else zh."""
    lowered = value.lower()
    if lowered.startswith(("en_", "en-", "english")) or lowered == "en":
        return "en"
    return DEFAULT_LANGUAGE


def language_from_locale() -> str:
    """English for an English locale; Chinese for everything else (Chinese first).

    The POSIX variables are read directly: Python's ``locale.getlocale()`` turns
    ``C.UTF-8`` into ``en_US``, which would make a bare server locale English.
    """
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return _from_name(value)
    try:  # Windows sets none of the variables above
        name = locale.getlocale()[0] or ""
    except ValueError:
        name = ""
    return _from_name(name)


def choose_language(explicit: str | None = None) -> str:
    if explicit:
        if explicit not in LANGUAGES:
            raise ValueError(explicit)
        return explicit
    return language_from_locale()
