"""Settings that belong with the data (officer, township, bundle counters)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from fieldsurvey.store.models import Setting

SEQUENCE_KEY = "last_bundle_sequence"


def get_setting(session: Session, key: str, default: str | None = None) -> str | None:
    row = session.get(Setting, key)
    return row.value if row is not None else default


def set_setting(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def next_bundle_sequence(session: Session) -> int:
    """The next per-officer bundle number; it only ever increases, even if an export fails."""
    number = int(get_setting(session, SEQUENCE_KEY) or 0) + 1
    set_setting(session, SEQUENCE_KEY, str(number))
    return number
