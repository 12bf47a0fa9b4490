"""Public identity records: fingerprints, :class:`PublicIdentity` and its JSON form.

``identity.json`` and enrollment cards hold the same record (see :func:`public_record`),
tagged with different formats. Everything here is public data: no private key passes
through this module. Malformed records raise :class:`InvalidRecord`; refused operations
raise :class:`IdentityError`, whose message the UI renders.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, get_args

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fieldsurvey import clock
from fieldsurvey.domain.division import Level, normalize_division_code, validate_division_code
from fieldsurvey.domain.phone import normalize_phone, validate_phone
from fieldsurvey.filegate import Refused, read_bounded
from fieldsurvey.messages import Message

Role = Literal["officer", "county", "city"]
ROLES: Final[tuple[Role, ...]] = get_args(Role)
#: The division level of the unit each role belongs to.
ROLE_LEVEL: Final[dict[str, Level]] = {"officer": "township", "county": "county", "city": "city"}

PUBLIC_KEY_BYTES: Final = 32

MAX_NAME_LENGTH: Final = 50
MAX_UNIT_NAME_LENGTH: Final = 100
#: Identity files and enrollment cards are a few hundred bytes; anything larger is damage.
MAX_FILE_BYTES: Final = 64 * 1024

# The fingerprint is 32 decimal digits read in 8 groups of 4, e.g.
# "0467 2210 9853 1176 5530 2894 4021 7365". Digits, because the officer reads it to the
# county over the phone in Mandarin: digit names are short and distinct (and 幺/拐/洞
# settle 1, 7 and 0), and everyone reads phone, ID-card and bank-card numbers this way
# every day, bank cards in groups of 4. Latin letters (base32, hex) are not: their
# Chinese names are not standardised and B/D/E/G/P/T/V blur on a phone line.
# 32 digits carry 106 bits of SHA-256 output: forging a second key with the same
# fingerprint stays far out of reach (Signal's safety numbers use 30 digits per party).
FINGERPRINT_DIGITS: Final = 32
FINGERPRINT_GROUP: Final = 4


class IdentityError(Exception):
    """A refused identity operation; ``message`` says why, in words the UI renders."""

    message: Message

    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message


class InvalidRecord(Exception):
    """A public identity record (``identity.json`` or an enrollment card) is malformed."""

    reason: Message

    def __init__(self, reason: Message) -> None:
        super().__init__(reason.code)
        self.reason = reason


# --------------------------------------------------------------------------- fingerprints


def key_id(public_key_bytes: bytes) -> str:
    """The key id for machines: the fingerprint's 32 digits without separators.

    Always a string (it may start with 0): never let a spreadsheet read it as a number.
    """
    if len(public_key_bytes) != PUBLIC_KEY_BYTES:
        raise ValueError(f"an Ed25519 public key has {PUBLIC_KEY_BYTES} bytes")
    digest = hashlib.sha256(bytes(public_key_bytes)).digest()
    # 2**256 is about 10**45 times 10**32: the reduction's bias is negligible.
    return f"{int.from_bytes(digest, 'big') % 10**FINGERPRINT_DIGITS:0{FINGERPRINT_DIGITS}d}"


def fingerprint_groups(public_key_bytes: bytes) -> list[str]:
    """The fingerprint as its 8 groups of 4 digits."""
    digits = key_id(public_key_bytes)
    return [digits[i : i + FINGERPRINT_GROUP] for i in range(0, len(digits), FINGERPRINT_GROUP)]


def fingerprint(public_key_bytes: bytes) -> str:
    """The fingerprint people compare: 8 groups of 4 digits separated by spaces."""
    return " ".join(fingerprint_groups(public_key_bytes))


# --------------------------------------------------------------------------- identities


@dataclass(frozen=True)
class PublicIdentity:
    """Who holds a key: everything about an identity except the private key.

    ``key_id`` and ``fingerprint`` are derived from ``public_key`` (construction checks
    they agree); :meth:`for_key` computes them.
    """

    key_id: str
    fingerprint: str
    public_key: bytes  # raw 32 bytes
    role: Role
    name: str
    unit_code: str  # township: 9-digit division code; county / city: 6 digits
    unit_name: str
    phone: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.public_key, bytes) or len(self.public_key) != PUBLIC_KEY_BYTES:
            raise ValueError(f"public_key must be {PUBLIC_KEY_BYTES} raw bytes")
        if self.key_id != key_id(self.public_key):
            raise ValueError("key_id does not belong to public_key")
        if self.fingerprint != fingerprint(self.public_key):
            raise ValueError("fingerprint does not belong to public_key")
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}")

    @classmethod
    def for_key(
        cls,
        public_key: bytes,
        *,
        role: Role,
        name: str,
        unit_code: str,
        unit_name: str,
        phone: str | None = None,
    ) -> PublicIdentity:
        """The identity of ``public_key``, its key id and fingerprint computed."""
        return cls(key_id(public_key), fingerprint(public_key), public_key, role, name,
                   unit_code, unit_name, phone)


# --------------------------------------------------------------------------- field checks


def clean_text(text: str) -> str:
    """NFC, outer whitespace removed, inner runs of whitespace made one space."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _text_ok(text: str, limit: int) -> bool:
    return (
        bool(text)
        and len(text) <= limit
        and text == clean_text(text)
        and not any(unicodedata.category(c) in ("Cc", "Cs") for c in text)
    )


def field_problem(
    role: str, name: str, unit_code: str, unit_name: str, phone: str | None
) -> Message | None:
    """Why these (already normalized) identity fields are not acceptable, or ``None``."""
    if role not in ROLES:
        return Message("identity.bad_role", {"role": str(role)[:20]})
    if not _text_ok(name, MAX_NAME_LENGTH):
        return Message("identity.bad_name", {"limit": MAX_NAME_LENGTH})
    if not _text_ok(unit_name, MAX_UNIT_NAME_LENGTH):
        return Message("identity.bad_unit_name", {"limit": MAX_UNIT_NAME_LENGTH})
    level = ROLE_LEVEL[role]
    if not unit_code or normalize_division_code(unit_code) != unit_code:
        return Message("identity.bad_unit_code",
                       {"detail": Message("division.bad_format", {"code": unit_code[:20]})})
    findings = validate_division_code(unit_code, level)
    if findings:
        return Message("identity.bad_unit_code", {"detail": findings[0].message})
    if phone is not None:
        findings = validate_phone(phone)
        if findings:
            return Message("identity.bad_phone", {"detail": findings[0].message})
        if not phone or normalize_phone(phone) != phone:
            return Message("identity.bad_phone",
                           {"detail": Message("phone.invalid", {"text": phone[:30]})})
    return None


# --------------------------------------------------------------------------- files


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def parse_json_bytes(raw: bytes) -> dict[str, Any]:
    """A JSON object from UTF-8 bytes, strictly (no duplicate keys, NaN or Infinity).

    Raises :class:`InvalidRecord` (reason ``identity.reason_not_json``) for anything else.
    """
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicate_keys,
                          parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise InvalidRecord(Message("identity.reason_not_json")) from None
    if not isinstance(data, dict):
        raise InvalidRecord(Message("identity.reason_not_json"))
    return data


def read_small_file(path: Path, missing: Message, cap: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a small file, through the file gate; :class:`IdentityError` if absent
    or unreadable (a folder, permissions).

    Raises :class:`InvalidRecord` (``identity.reason_too_large``) beyond ``cap``
    (:data:`MAX_FILE_BYTES` by default), before any JSON parser sees the file.
    """
    try:
        return read_bounded(path, cap)
    except Refused as exc:
        if exc.reason == "not_found":
            raise IdentityError(missing) from None
        if exc.reason == "too_large":
            raise InvalidRecord(Message("identity.reason_too_large")) from None
        raise IdentityError(Message("identity.unreadable", {
            "path": str(path), "detail": exc.found})) from None


def b64(data: bytes) -> str:
    """``data`` as standard base64 text."""
    return base64.b64encode(data).decode("ascii")


def unb64(value: object, length: int) -> bytes | None:
    """The bytes of canonical base64 ``value`` if it decodes to ``length`` bytes."""
    if not isinstance(value, str):
        return None
    try:
        data = base64.b64decode(value.encode("ascii"), validate=True)
    except (ValueError, binascii.Error):
        return None
    if len(data) != length or b64(data) != value:
        return None
    return data


def now() -> dt.datetime:
    """The current UTC time to the second, as records store it."""
    return clock.now().replace(microsecond=0)


def _parse_time(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def corrupt(path: Path, reason: Message) -> IdentityError:
    """The error for a damaged identity file at ``path``; ``reason`` says what is wrong."""
    return IdentityError(Message("identity.corrupt", {"path": str(path), "reason": reason}))


# --------------------------------------------------------------------------- public records

_RECORD_FIELDS: Final = frozenset({
    "format", "key_id", "fingerprint", "public_key", "role", "name", "unit_code",
    "unit_name", "phone", "created_at",
})


def public_record(
    public: PublicIdentity, *, format_tag: str, created_at: dt.datetime
) -> dict[str, object]:
    """``public`` as a JSON object tagged ``format_tag`` (identity file, enrollment card)."""
    return {
        "format": format_tag,
        "key_id": public.key_id,
        "fingerprint": public.fingerprint,
        "public_key": b64(public.public_key),
        "role": public.role,
        "name": public.name,
        "unit_code": public.unit_code,
        "unit_name": public.unit_name,
        "phone": public.phone,
        "created_at": created_at.isoformat(),
    }


def parse_public_record(
    data: dict[str, Any], *, format_tag: str
) -> tuple[PublicIdentity, dt.datetime]:
    """The identity and creation time in a record; :class:`InvalidRecord` if it is not
    exactly what :func:`public_record` writes (format, fields, types, key, fingerprint)."""
    if data.get("format") != format_tag:
        found = data.get("format")
        raise InvalidRecord(Message("identity.reason_wrong_format", {
            "found": found[:40] if isinstance(found, str) else type(found).__name__}))
    missing = sorted(_RECORD_FIELDS - data.keys())
    unexpected = sorted(data.keys() - _RECORD_FIELDS)
    if missing:
        raise InvalidRecord(Message("identity.reason_missing_field", {"field": missing[0]}))
    if unexpected:
        raise InvalidRecord(Message("identity.reason_unexpected_field",
                                    {"field": unexpected[0][:40]}))
    for field in sorted(_RECORD_FIELDS):
        value = data[field]
        if not (isinstance(value, str) or (field == "phone" and value is None)):
            raise InvalidRecord(Message("identity.reason_bad_field", {"field": field}))
    public_key = unb64(data["public_key"], PUBLIC_KEY_BYTES)
    if public_key is None:
        raise InvalidRecord(Message("identity.reason_bad_key"))
    try:
        Ed25519PublicKey.from_public_bytes(public_key)
    except ValueError:
        raise InvalidRecord(Message("identity.reason_bad_key")) from None
    if data["fingerprint"] != fingerprint(public_key):
        raise InvalidRecord(Message("identity.reason_fingerprint_mismatch"))
    if data["key_id"] != key_id(public_key):
        raise InvalidRecord(Message("identity.reason_key_id_mismatch"))
    problem = field_problem(data["role"], data["name"], data["unit_code"], data["unit_name"],
                            data["phone"])
    if problem is not None:
        raise InvalidRecord(problem)
    created_at = _parse_time(data["created_at"])
    if created_at is None:
        raise InvalidRecord(Message("identity.reason_bad_field", {"field": "created_at"}))
    public = PublicIdentity.for_key(
        public_key, role=data["role"], name=data["name"], unit_code=data["unit_code"],
        unit_name=data["unit_name"], phone=data["phone"])
    return public, created_at


def record_bytes(record: dict[str, object]) -> bytes:
    """A record as the UTF-8 JSON the files hold (Chinese kept readable)."""
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
