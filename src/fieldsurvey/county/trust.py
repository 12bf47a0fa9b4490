"""The office's trust list: whose bundles it accepts, kept in the office database.

Keys arrive on officers' enrollment cards (checked by phone against the printed
fingerprint; a card proves nothing by itself). Revoking a key from a date
refuses every bundle it signed from then on; what was merged before stays.

The list can be carried to another PC of the office as a trust file, signed by
the exporting office's key so a change on the way is detected. Whoever imports
it still checks the signer's fingerprint: the signature says the file is
unchanged, not that its signer deserves trust.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldsurvey import clock
from fieldsurvey.atomic import write_file_atomically
from fieldsurvey.bundles.trust import Signer, TrustedKey
from fieldsurvey.canonical import canonical_json
from fieldsurvey.county.models import TrustedKeyRow
from fieldsurvey.identity.enrollment import read_enrollment_card
from fieldsurvey.identity.keys import verify_signature
from fieldsurvey.identity.records import (
    IdentityError,
    InvalidRecord,
    PublicIdentity,
    b64,
    fingerprint,
    key_id,
    parse_json_bytes,
    read_small_file,
    unb64,
)
from fieldsurvey.messages import Message

TRUST_FORMAT: Final = "fieldsurvey-trust/1"
TRUST_SUFFIX: Final = ".fstrust.json"


def _utcnow() -> dt.datetime:
    return clock.now()


def add_identity(session: Session, public: PublicIdentity, *, by: str,
                 now: dt.datetime | None = None) -> tuple[TrustedKeyRow, bool]:
    """Trust ``public``; (row, True) when it is new. A known key keeps its revocation."""
    row = session.get(TrustedKeyRow, public.key_id)
    if row is not None:
        row.name, row.unit_code, row.unit_name = public.name, public.unit_code, public.unit_name
        row.phone = public.phone
        return row, False
    row = TrustedKeyRow(
        key_id=public.key_id, public_key=b64(public.public_key),
        fingerprint=public.fingerprint, role=public.role, name=public.name,
        unit_code=public.unit_code, unit_name=public.unit_name, phone=public.phone,
        added_at=now or _utcnow(), added_by=by)
    session.add(row)
    return row, True


def add_card(session: Session, card: Path, *, by: str,
             now: dt.datetime | None = None) -> tuple[TrustedKeyRow, bool]:
    """Trust the key on an enrollment card; ``IdentityError`` if it is not a card."""
    return add_identity(session, read_enrollment_card(card), by=by, now=now)


def trusted_keys(session: Session) -> list[TrustedKeyRow]:
    """Every key, by unit then name."""
    return list(session.scalars(select(TrustedKeyRow).order_by(
        TrustedKeyRow.unit_code, TrustedKeyRow.name, TrustedKeyRow.key_id)))


def find_key(session: Session, prefix: str) -> TrustedKeyRow:
    """The key whose id (or spaced fingerprint) starts with ``prefix``; exactly one."""
    wanted = prefix.replace(" ", "").lower()
    found = [r for r in trusted_keys(session)
             if r.key_id.startswith(wanted) or r.fingerprint.replace(" ", "").startswith(wanted)]
    if len(found) != 1:
        raise IdentityError(Message("office.key_not_found" if not found else
                                    "office.key_ambiguous", {"key": prefix}))
    return found[0]


def revoke(session: Session, key: str, *, revoked_from: dt.datetime, by: str, reason: str,
           now: dt.datetime | None = None) -> TrustedKeyRow:
    """Refuse bundles ``key`` signed from ``revoked_from`` on (an aware time)."""
    if revoked_from.tzinfo is None:
        raise ValueError("revoked_from must be timezone-aware")
    row = find_key(session, key)
    row.revoked_from = revoked_from
    row.revoked_at = now or _utcnow()
    row.revoked_by = by
    row.revoke_reason = reason.strip() or None
    return row


def trust_mapping(session: Session) -> dict[str, TrustedKey]:
    """What :func:`fieldsurvey.bundles.verify_bundle` takes."""
    out = {}
    for row in trusted_keys(session):
        raw = unb64(row.public_key, 32)
        if raw is None:  # cannot happen through this module; never trust a damaged row
            continue
        out[row.key_id] = TrustedKey(row.key_id, raw, row.name, row.unit_code, row.revoked_from,
                                     row.role)
    return out


# -- the trust file ---------------------------------------------------------------------

def _entry(row: TrustedKeyRow) -> dict[str, Any]:
    return {"key_id": row.key_id, "public_key": row.public_key, "role": row.role,
            "name": row.name, "unit_code": row.unit_code, "unit_name": row.unit_name,
            "phone": row.phone,
            "revoked_from": row.revoked_from.isoformat() if row.revoked_from else None,
            "revoke_reason": row.revoke_reason}


def export_trust_file(session: Session, path: Path, signer: Signer, *,
                      now: dt.datetime | None = None) -> int:
    """Write the whole list, signed by ``signer``, atomically; the number of keys."""
    rows = trusted_keys(session)
    signed_by = signer.public
    body = {"format": TRUST_FORMAT, "exported_at": (now or _utcnow()).isoformat(),
            "signer": {"key_id": signed_by.key_id, "name": signed_by.name,
                       "unit_code": signed_by.unit_code, "unit_name": signed_by.unit_name,
                       "public_key": b64(bytes(getattr(signed_by, "public_key", b"")))},
            "keys": [_entry(r) for r in rows]}
    data = canonical_json(body).encode("utf-8")
    record = {"body": body, "signature": b64(signer.sign(data))}
    try:
        write_file_atomically(path, (canonical_json(record) + "\n").encode("utf-8"))
    except OSError as exc:
        raise IdentityError(Message("identity.write_failed", {
            "path": str(path), "detail": exc.strerror or type(exc).__name__})) from None
    return len(rows)


@dataclass(frozen=True)
class TrustFile:
    """A checked trust file: who signed it, and the identities with their revocations."""

    signer_name: str
    signer_unit: str
    signer_fingerprint: str
    exported_at: str
    keys: list[tuple[PublicIdentity, dt.datetime | None, str | None]]


# A trust list carries every enrolled key of a county or a city: about 600 bytes a
# key, so thousands of keys fit; the bound holds before the JSON parser runs.
MAX_TRUST_FILE_BYTES = 4 * 2**20


def _bad(path: Path, why: str | Message) -> IdentityError:
    # ``why`` is words for a reader: a Message, or the parser's own text naming the field.
    return IdentityError(Message("office.bad_trust_file", {"path": str(path), "detail": why}))


def read_trust_file(path: Path) -> TrustFile:
    """The file's content once its signature checks; ``IdentityError`` naming the problem."""
    try:
        raw = read_small_file(path, Message("identity.card_missing", {"path": str(path)}),
                              cap=MAX_TRUST_FILE_BYTES)
        record = parse_json_bytes(raw)
    except InvalidRecord as exc:
        raise _bad(path, exc.reason) from None
    body = record.get("body")
    if not isinstance(body, dict) or body.get("format") != TRUST_FORMAT:
        found = body.get("format") if isinstance(body, dict) else record.get("format")
        raise _bad(path, Message("trust_file.wrong_format", {"found": str(found or "-")}))
    signer = body.get("signer") or {}
    public = unb64(signer.get("public_key"), 32)
    signature = unb64(record.get("signature"), 64)
    if public is None or signature is None or signer.get("key_id") != key_id(public) or \
            not verify_signature(public, signature, canonical_json(body).encode("utf-8")):
        raise _bad(path, Message("trust_file.bad_signature"))
    keys = []
    try:
        for n, entry in enumerate(body["keys"], 1):
            raw_key = unb64(entry["public_key"], 32)
            if raw_key is None:
                raise _bad(path, f"key {n}")
            identity = PublicIdentity.for_key(
                raw_key, role=entry["role"], name=entry["name"], unit_code=entry["unit_code"],
                unit_name=entry["unit_name"], phone=entry["phone"])
            if identity.key_id != entry["key_id"]:
                raise _bad(path, f"key {n}")
            revoked = entry.get("revoked_from")
            keys.append((identity, dt.datetime.fromisoformat(revoked) if revoked else None,
                         entry.get("revoke_reason")))
    except (KeyError, TypeError, ValueError) as exc:
        raise _bad(path, f"{type(exc).__name__}: {exc}") from None
    return TrustFile(str(signer.get("name")), str(signer.get("unit_name")),
                     fingerprint(public), str(body.get("exported_at")), keys)


def import_trust(session: Session, trust: TrustFile, *, by: str,
                 now: dt.datetime | None = None) -> tuple[int, int]:
    """Merge a read trust file: (keys added, revocations taken over).

    A revocation is never undone by an import: the earlier of two dates wins.
    """
    added = revoked = 0
    for identity, revoked_from, reason in trust.keys:
        row, new = add_identity(session, identity, by=by, now=now)
        added += new
        if revoked_from is not None and (row.revoked_from is None or
                                         revoked_from < row.revoked_from):
            row.revoked_from, row.revoke_reason = revoked_from, reason
            row.revoked_at, row.revoked_by = now or _utcnow(), by
            revoked += 1
    return added, revoked

