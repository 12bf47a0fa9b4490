"""Registration dates as civil-affairs lists write them.

Cells that a spreadsheet typed as dates arrive as ISO text already
(``register.cells.cell_text``); lists typed by hand write 2015/3/2, 2015.3.2,
2015年3月2日 or 20150302. Anything else is not guessed at: the date stays unknown
and the organization counts from the campaign's start.
"""

from __future__ import annotations

import datetime as dt
import re

from fieldsurvey import clock
from fieldsurvey.messages import Message

_SEPARATED = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DIGITS = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_registration_date(text: str) -> dt.date | None:
    """The date ``text`` writes, or ``None`` when it is no date."""
    text = text.strip()
    match = _SEPARATED.fullmatch(text) or _DIGITS.fullmatch(text)
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def iso_day(text: str | None) -> dt.date | None:
    """A stored ISO date back as a date; ``None`` for none (or one edited outside the app)."""
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def registration_problem(text: str) -> tuple[str | None, Message | None]:
    """The ISO date to store and, when it cannot be stored, why (a warning: the
    organization is imported all the same, with its date unknown)."""
    day = parse_registration_date(text)
    if day is None:
        return None, Message("register.bad_date", {"value": text})
    if day > clock.today():
        return None, Message("register.future_date", {"value": day.isoformat()})
    return day.isoformat(), None
