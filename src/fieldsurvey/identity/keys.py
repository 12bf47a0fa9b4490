"""An officer's or office's Ed25519 identity, its private key kept only encrypted.

A key folder (``DataPaths.keys``) holds two files:

- ``identity.json``: the public part (:class:`PublicIdentity`), plain JSON;
- ``identity.key``: the 32-byte Ed25519 private key, encrypted. JSON with base64 fields::

    {"format": "fieldsurvey-key/1", "key_id": "…",
     "kdf": {"name": "scrypt", "n": 131072, "r": 8, "p": 1, "salt": "…16 bytes…"},
     "cipher": {"name": "aes-256-gcm", "nonce": "…12 bytes…"},
     "ciphertext": "…32 bytes + 16-byte tag…"}

  The AES-256 key comes from scrypt (memory-hard; 128 MiB and about a quarter of a
  second at the default n=2**17, r=8) over the NFC-normalized passphrase. Everything but
  the ciphertext is the header, authenticated as AES-GCM associated data, so raising the
  cost parameters later is a matter of writing new numbers into new files, and editing
  them in an old file breaks decryption instead of weakening it. PKCS#8
  ``BestAvailableEncryption`` is not used: its 2048 PBKDF2 iterations are too cheap for
  a passphrase an officer can remember.

The plaintext private key exists only in memory. Every file is written atomically (a
temporary file in the same folder, fsync, rename, fsync of the folder) with mode 0600,
and every failure to read or decrypt raises :class:`IdentityError`, never returns a key.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hashlib
import json
import os
import secrets
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, get_args

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from fieldsurvey.domain.division import Level, normalize_division_code, validate_division_code
from fieldsurvey.domain.phone import normalize_phone, validate_phone
from fieldsurvey.messages import Message

Role = Literal["officer", "county", "city"]
ROLES: Final[tuple[Role, ...]] = get_args(Role)
#: The division level of the unit each role belongs to.
ROLE_LEVEL: Final[dict[str, Level]] = {"officer": "township", "county": "county", "city": "city"}

PUBLIC_FILE: Final = "identity.json"
KEY_FILE: Final = "identity.key"
PUBLIC_FORMAT: Final = "fieldsurvey-identity/1"
KEY_FORMAT: Final = "fieldsurvey-key/1"

PUBLIC_KEY_BYTES: Final = 32
SIGNATURE_BYTES: Final = 64
MIN_PASSPHRASE_LENGTH: Final = 8

DEFAULT_SCRYPT_N: Final = 2**17
SCRYPT_R: Final = 8
SCRYPT_P: Final = 1
#: The cheapest cost accepted (tests use it for speed). Files record their own cost.
MIN_SCRYPT_N: Final = 2**14
#: Limits on what a key file may ask for, so a damaged file cannot exhaust memory or time.
MAX_SCRYPT_N: Final = 2**20
MAX_SCRYPT_R: Final = 32
MAX_SCRYPT_P: Final = 16
MAX_SCRYPT_MEMORY: Final = 2**30
MAX_SCRYPT_WORK: Final = 2**24  # n * r * p; 2**20 * 8 * 2 takes several seconds
SALT_BYTES: Final = 16
NONCE_BYTES: Final = 12
AES_KEY_BYTES: Final = 32
GCM_TAG_BYTES: Final = 16

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


class UnlockedIdentity:
    """An identity whose private key is in memory: it can sign."""

    __slots__ = ("_private_key", "public")

    public: PublicIdentity

    def __init__(self, public: PublicIdentity, private_key: Ed25519PrivateKey) -> None:
        self.public = public
        self._private_key = private_key

    def sign(self, data: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``data``."""
        return self._private_key.sign(data)

    def __repr__(self) -> str:
        return f"UnlockedIdentity(key_id={self.public.key_id!r})"


def verify_signature(public_key: bytes, signature: bytes, data: bytes) -> bool:
    """Whether ``signature`` is ``public_key``'s Ed25519 signature of ``data``.

    ``False`` (never an exception) for a key or signature of the wrong length.
    """
    if len(public_key) != PUBLIC_KEY_BYTES or len(signature) != SIGNATURE_BYTES:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(bytes(public_key)).verify(bytes(signature), data)
    except (InvalidSignature, ValueError):
        return False
    return True


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


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows cannot open a folder)."""
    if os.name != "posix":
        return
    # The rename has happened: a file system that cannot sync a folder (some network
    # shares, FAT) must not turn a completed write into a reported failure.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_file_atomically(path: Path, data: bytes, *, overwrite: bool = True) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one.

    A temporary file in the same folder is written, fsynced and renamed over ``path``;
    then the folder is fsynced. The file is readable and writable by its owner only
    (mode 0600). With ``overwrite=False`` an existing ``path`` raises
    :class:`FileExistsError` and is left alone. Raises :class:`OSError`; the temporary
    file does not outlive a failure.
    """
    folder = path.parent
    # mkstemp creates the file with mode 0600: no moment where others may read it.
    fd, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            if os.name == "posix":
                # Exactly 0600 even under an odd umask. File systems without POSIX
                # modes (FAT on a USB stick) refuse; there the mount options decide.
                with contextlib.suppress(OSError):
                    os.fchmod(fh.fileno(), 0o600)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            temporary.replace(path)
        else:
            _link_without_overwriting(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
    _fsync_folder(folder)


def _link_without_overwriting(temporary: Path, path: Path) -> None:
    try:
        # A hard link fails atomically if the target exists.
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:
        # No hard links here (FAT, some shares): check, then rename.
        if path.exists():
            raise FileExistsError(str(path)) from None
        temporary.replace(path)


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


def read_small_file(path: Path, missing: Message) -> bytes:
    """The bytes of a small file; :class:`IdentityError` if absent or unreadable.

    Raises :class:`InvalidRecord` (``identity.reason_too_large``) beyond
    :data:`MAX_FILE_BYTES`.
    """
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise IdentityError(missing) from None
    except OSError as exc:
        raise IdentityError(Message("identity.unreadable", {
            "path": str(path), "detail": exc.strerror or type(exc).__name__})) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InvalidRecord(Message("identity.reason_too_large"))
    return raw


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: object, length: int) -> bytes | None:
    """The bytes of canonical base64 ``value`` if it decodes to ``length`` bytes."""
    if not isinstance(value, str):
        return None
    try:
        data = base64.b64decode(value.encode("ascii"), validate=True)
    except (ValueError, binascii.Error):
        return None
    if len(data) != length or _b64(data) != value:
        return None
    return data


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _parse_time(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


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
        "public_key": _b64(public.public_key),
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
    public_key = _unb64(data["public_key"], PUBLIC_KEY_BYTES)
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


# --------------------------------------------------------------------------- key envelope


def _kdf_allowed(n: int, r: int, p: int) -> bool:
    return (
        MIN_SCRYPT_N <= n <= MAX_SCRYPT_N
        and n & (n - 1) == 0
        and 1 <= r <= MAX_SCRYPT_R
        and 1 <= p <= MAX_SCRYPT_P
        and 128 * n * r <= MAX_SCRYPT_MEMORY
        and n * r * p <= MAX_SCRYPT_WORK
    )


@dataclass(frozen=True)
class _Envelope:
    """The parsed contents of ``identity.key``."""

    key_id: str
    n: int
    r: int
    p: int
    salt: bytes
    nonce: bytes
    ciphertext: bytes

    def header(self) -> dict[str, object]:
        return {
            "format": KEY_FORMAT,
            "key_id": self.key_id,
            "kdf": {"name": "scrypt", "n": self.n, "r": self.r, "p": self.p,
                    "salt": _b64(self.salt)},
            "cipher": {"name": "aes-256-gcm", "nonce": _b64(self.nonce)},
        }

    def associated_data(self) -> bytes:
        """The header in one canonical spelling, authenticated by AES-GCM."""
        return json.dumps(self.header(), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=True).encode("ascii")

    def to_bytes(self) -> bytes:
        return record_bytes({**self.header(), "ciphertext": _b64(self.ciphertext)})


def _passphrase_bytes(passphrase: str) -> bytes:
    # NFC: the same passphrase typed through different input methods gives the same bytes.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8", "surrogatepass")


def _check_new_passphrase(passphrase: str) -> None:
    if len(unicodedata.normalize("NFC", passphrase)) < MIN_PASSPHRASE_LENGTH:
        raise IdentityError(Message("identity.passphrase_too_short",
                                    {"minimum": MIN_PASSPHRASE_LENGTH}))


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=AES_KEY_BYTES, n=n, r=r, p=p).derive(
        _passphrase_bytes(passphrase))


def _seal(private_key: Ed25519PrivateKey, public: PublicIdentity, passphrase: str,
          n: int, r: int, p: int) -> _Envelope:
    salt, nonce = secrets.token_bytes(SALT_BYTES), secrets.token_bytes(NONCE_BYTES)
    unsealed = _Envelope(public.key_id, n, r, p, salt, nonce, b"")
    aes_key = _derive(passphrase, salt, n, r, p)
    ciphertext = AESGCM(aes_key).encrypt(nonce, private_key.private_bytes_raw(),
                                         unsealed.associated_data())
    return _Envelope(public.key_id, n, r, p, salt, nonce, ciphertext)


def _corrupt(path: Path, reason: Message) -> IdentityError:
    return IdentityError(Message("identity.corrupt", {"path": str(path), "reason": reason}))


def _parse_envelope(data: dict[str, Any]) -> _Envelope:
    if data.get("format") != KEY_FORMAT:
        found = data.get("format")
        raise InvalidRecord(Message("identity.reason_wrong_format", {
            "found": found[:40] if isinstance(found, str) else type(found).__name__}))
    kdf, cipher = data.get("kdf"), data.get("cipher")
    if (
        data.keys() != {"format", "key_id", "kdf", "cipher", "ciphertext"}
        or not isinstance(kdf, dict)
        or kdf.keys() != {"name", "n", "r", "p", "salt"}
        or not isinstance(cipher, dict)
        or cipher.keys() != {"name", "nonce"}
        or not isinstance(data["key_id"], str)
    ):
        raise InvalidRecord(Message("identity.reason_key_structure"))
    n, r, p = kdf["n"], kdf["r"], kdf["p"]
    if (
        kdf["name"] != "scrypt"
        or cipher["name"] != "aes-256-gcm"
        or not all(type(v) is int for v in (n, r, p))
        or not _kdf_allowed(n, r, p)
    ):
        raise InvalidRecord(Message("identity.reason_bad_kdf"))
    salt = _unb64(kdf["salt"], SALT_BYTES)
    nonce = _unb64(cipher["nonce"], NONCE_BYTES)
    ciphertext = _unb64(data["ciphertext"], PUBLIC_KEY_BYTES + GCM_TAG_BYTES)
    if salt is None or nonce is None or ciphertext is None:
        raise InvalidRecord(Message("identity.reason_key_structure"))
    return _Envelope(data["key_id"], n, r, p, salt, nonce, ciphertext)


def _read_envelope(folder: Path) -> _Envelope:
    path = folder / KEY_FILE
    try:
        raw = read_small_file(path, Message("identity.not_found", {"path": str(folder)}))
        return _parse_envelope(parse_json_bytes(raw))
    except InvalidRecord as exc:
        raise _corrupt(path, exc.reason) from None


# --------------------------------------------------------------------------- operations


def identity_exists(folder: Path) -> bool:
    """Whether ``folder`` holds an identity (or any part of one)."""
    return (folder / PUBLIC_FILE).exists() or (folder / KEY_FILE).exists()


def create_identity(
    folder: Path,
    passphrase: str,
    *,
    role: Role,
    name: str,
    unit_code: str,
    unit_name: str,
    phone: str | None = None,
    scrypt_n: int = DEFAULT_SCRYPT_N,
) -> UnlockedIdentity:
    """A new key pair in ``folder``, the private key encrypted under ``passphrase``.

    Text fields are tidied (NFC, spaces), the unit code and phone normalized and checked
    against the role (officer: township code; county / city: their 6-digit code).
    Refuses (``identity.exists``) if the folder already holds an identity, even half of
    one. ``scrypt_n`` below the default is for tests.
    """
    if not (MIN_SCRYPT_N <= scrypt_n <= MAX_SCRYPT_N and scrypt_n & (scrypt_n - 1) == 0):
        raise ValueError(f"scrypt_n must be a power of two in [{MIN_SCRYPT_N}, {MAX_SCRYPT_N}]")
    _check_new_passphrase(passphrase)
    name, unit_name = clean_text(name), clean_text(unit_name)
    unit_code = normalize_division_code(unit_code)
    if phone is not None:
        phone = phone.strip() or None
    if phone is not None and not validate_phone(phone):
        phone = normalize_phone(phone)
    problem = field_problem(role, name, unit_code, unit_name, phone)
    if problem is not None:
        raise IdentityError(problem)
    if identity_exists(folder):
        raise IdentityError(Message("identity.exists", {"path": str(folder)}))

    private_key = Ed25519PrivateKey.generate()
    public = PublicIdentity.for_key(
        private_key.public_key().public_bytes_raw(), role=role, name=name,
        unit_code=unit_code, unit_name=unit_name, phone=phone)
    envelope = _seal(private_key, public, passphrase, scrypt_n, SCRYPT_R, SCRYPT_P)
    record = public_record(public, format_tag=PUBLIC_FORMAT, created_at=_now())

    key_path, public_path = folder / KEY_FILE, folder / PUBLIC_FILE
    try:
        if not folder.exists():
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_file_atomically(key_path, envelope.to_bytes(), overwrite=False)
    except FileExistsError:
        raise IdentityError(Message("identity.exists", {"path": str(folder)})) from None
    except OSError as exc:
        raise _write_failed(key_path, exc) from None
    try:
        write_file_atomically(public_path, record_bytes(record), overwrite=False)
    except OSError as exc:
        # Half an identity is no identity: remove the key file this call wrote.
        with contextlib.suppress(OSError):
            key_path.unlink(missing_ok=True)
        if isinstance(exc, FileExistsError):
            raise IdentityError(Message("identity.exists", {"path": str(folder)})) from None
        raise _write_failed(public_path, exc) from None
    return UnlockedIdentity(public, private_key)


def _write_failed(path: Path, exc: OSError) -> IdentityError:
    return IdentityError(Message("identity.write_failed", {
        "path": str(path), "detail": exc.strerror or type(exc).__name__}))


def load_public(folder: Path) -> PublicIdentity:
    """The public identity in ``folder`` (no passphrase needed)."""
    path = folder / PUBLIC_FILE
    try:
        raw = read_small_file(path, Message("identity.not_found", {"path": str(folder)}))
        return parse_public_record(parse_json_bytes(raw), format_tag=PUBLIC_FORMAT)[0]
    except InvalidRecord as exc:
        raise _corrupt(path, exc.reason) from None


def _open(folder: Path, passphrase: str) -> tuple[PublicIdentity, Ed25519PrivateKey, _Envelope]:
    public = load_public(folder)
    envelope = _read_envelope(folder)
    if envelope.key_id != public.key_id:
        raise _corrupt(folder / KEY_FILE, Message("identity.reason_key_id_mismatch"))
    aes_key = _derive(passphrase, envelope.salt, envelope.n, envelope.r, envelope.p)
    try:
        seed = AESGCM(aes_key).decrypt(envelope.nonce, envelope.ciphertext,
                                       envelope.associated_data())
    except InvalidTag:
        # A wrong passphrase and an edited file look the same to AES-GCM.
        raise IdentityError(Message("identity.wrong_passphrase")) from None
    private_key = Ed25519PrivateKey.from_private_bytes(seed)  # 32 bytes: length was checked
    if private_key.public_key().public_bytes_raw() != public.public_key:
        raise _corrupt(folder / KEY_FILE, Message("identity.reason_key_mismatch"))
    return public, private_key, envelope


def unlock(folder: Path, passphrase: str) -> UnlockedIdentity:
    """The identity in ``folder`` with its private key decrypted.

    ``identity.wrong_passphrase`` for a wrong passphrase (or an edited key file),
    ``identity.corrupt`` when the files are damaged or do not belong together.
    """
    public, private_key, _ = _open(folder, passphrase)
    return UnlockedIdentity(public, private_key)


def change_passphrase(folder: Path, old: str, new: str, *, scrypt_n: int | None = None) -> None:
    """Re-encrypt the private key under ``new`` with a fresh salt and nonce.

    The key file is replaced atomically: on any failure the old file, and the old
    passphrase, still work. The cost is kept, and raised to the current default if the
    file's was lower; ``scrypt_n`` sets it explicitly (tests).
    """
    _check_new_passphrase(new)
    public, private_key, envelope = _open(folder, old)
    n = scrypt_n if scrypt_n is not None else max(envelope.n, DEFAULT_SCRYPT_N)
    if not _kdf_allowed(n, envelope.r, envelope.p):
        raise ValueError(f"scrypt_n must be a power of two in [{MIN_SCRYPT_N}, {MAX_SCRYPT_N}]")
    sealed = _seal(private_key, public, new, n, envelope.r, envelope.p)
    path = folder / KEY_FILE
    try:
        write_file_atomically(path, sealed.to_bytes())
    except OSError as exc:
        raise _write_failed(path, exc) from None
