"""Enrollment cards: how an officer's public key reaches the county.

The officer exports a card (a small JSON file) and sends it with the first bundle; the
county imports it, then phones the officer, who reads the fingerprint aloud from the
printed page. Only when every group matches does the county trust the key: a card
proves nothing by itself, since anyone can write one.

Card file (UTF-8 JSON)::

    {"format": "fieldsurvey-enrollment/1", "key_id": "…32 digits…",
     "fingerprint": "…8 groups of 4 digits…", "public_key": "…base64, 32 bytes…",
     "role": "officer", "name": "…", "unit_code": "…", "unit_name": "…",
     "phone": "…" or null, "created_at": "…ISO 8601 with offset…"}

Reading is strict: exactly these fields, these types, a 32-byte key, and a key id and
fingerprint recomputed from the key. Anything else raises ``identity.bad_card`` with
the reason as a nested :class:`Message`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from fieldsurvey.identity.keys import (
    IdentityError,
    InvalidRecord,
    PublicIdentity,
    parse_json_bytes,
    parse_public_record,
    public_record,
    read_small_file,
    record_bytes,
    write_file_atomically,
)
from fieldsurvey.identity.records import now
from fieldsurvey.messages import Message, render

CARD_FORMAT: Final = "fieldsurvey-enrollment/1"
#: The file name ending the UI offers for cards (``张三-421221100.fsid.json``).
CARD_SUFFIX: Final = ".fsid.json"
#: Fingerprint groups per printed line (two lines of four for 32 digits).
GROUPS_PER_LINE: Final = 4


# Characters no file system of the three platforms takes in a name.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def suggested_card_name(public: PublicIdentity) -> str:
    """``温泉街道-王芳.fsid.json``: the unit and the person, so the county sees whose it is."""
    parts = [_UNSAFE.sub("", part).strip(" .") for part in (public.unit_name, public.name)]
    stem = "-".join(p for p in parts if p) or public.key_id[:8]
    return stem + CARD_SUFFIX


def _bad_card(path: Path, reason: Message) -> IdentityError:
    return IdentityError(Message("identity.bad_card", {"path": str(path), "reason": reason}))


def write_enrollment_card(public: PublicIdentity, path: Path) -> None:
    """Write ``public``'s enrollment card to ``path`` atomically (replacing a file there)."""
    record = public_record(public, format_tag=CARD_FORMAT, created_at=now())
    try:
        write_file_atomically(path, record_bytes(record))
    except OSError as exc:
        raise IdentityError(Message("identity.write_failed", {
            "path": str(path), "detail": exc.strerror or type(exc).__name__})) from None


def read_enrollment_card(path: Path) -> PublicIdentity:
    """The identity on the card at ``path``; ``identity.bad_card`` unless it is exactly
    a card :func:`write_enrollment_card` could have written."""
    try:
        raw = read_small_file(path, Message("identity.card_missing", {"path": str(path)}))
        return parse_public_record(parse_json_bytes(raw), format_tag=CARD_FORMAT)[0]
    except InvalidRecord as exc:
        raise _bad_card(path, exc.reason) from None


def fingerprint_lines(fingerprint: str) -> list[str]:
    """The fingerprint as printed: lines of :data:`GROUPS_PER_LINE` groups."""
    groups = fingerprint.split()
    step = GROUPS_PER_LINE
    return [" ".join(groups[i : i + step]) for i in range(0, len(groups), step)]


def enrollment_card_text(public: PublicIdentity, lang: str) -> list[str]:
    """The lines of the printable enrollment page, in ``lang``.

    In order: the title (line 0); role, name, unit and (when known) phone; the
    fingerprint heading; the fingerprint lines, exactly ``fingerprint_lines(
    public.fingerprint)``, which the printer sets large; how the county checks it; and
    a line for the officer's signature and date.
    """
    role = Message(f"identity.role_{public.role}")
    lines = [
        render("identity.card_title", lang),
        render("identity.card_role", lang, role=role),
        render("identity.card_name", lang, name=public.name),
        render("identity.card_unit", lang, unit_name=public.unit_name,
               unit_code=public.unit_code),
    ]
    if public.phone:
        lines.append(render("identity.card_phone", lang, phone=public.phone))
    lines.append(render("identity.card_fingerprint", lang))
    lines += fingerprint_lines(public.fingerprint)
    lines.append(render("identity.card_check", lang))
    lines.append(render("identity.card_signature", lang))
    return lines
