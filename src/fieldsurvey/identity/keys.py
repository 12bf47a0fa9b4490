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

This module holds the operations. The public record and fingerprints live in
:mod:`fieldsurvey.identity.records`, the key envelope in
:mod:`fieldsurvey.identity.envelope`, atomic writes in :mod:`fieldsurvey.atomic`; their
names are re-exported here, so ``fieldsurvey.identity.keys`` remains the one import.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from fieldsurvey.atomic import write_file_atomically
from fieldsurvey.domain.division import normalize_division_code
from fieldsurvey.domain.phone import normalize_phone, validate_phone
from fieldsurvey.identity.envelope import (
    AES_KEY_BYTES,
    DEFAULT_SCRYPT_N,
    GCM_TAG_BYTES,
    KEY_FILE,
    KEY_FORMAT,
    MAX_SCRYPT_MEMORY,
    MAX_SCRYPT_N,
    MAX_SCRYPT_P,
    MAX_SCRYPT_R,
    MAX_SCRYPT_WORK,
    MIN_PASSPHRASE_LENGTH,
    MIN_SCRYPT_N,
    NONCE_BYTES,
    SALT_BYTES,
    SCRYPT_P,
    SCRYPT_R,
    Envelope,
    check_new_passphrase,
    derive,
    kdf_allowed,
    read_envelope,
    seal,
)
from fieldsurvey.identity.records import (
    FINGERPRINT_DIGITS,
    FINGERPRINT_GROUP,
    MAX_FILE_BYTES,
    MAX_NAME_LENGTH,
    MAX_UNIT_NAME_LENGTH,
    PUBLIC_KEY_BYTES,
    ROLE_LEVEL,
    ROLES,
    IdentityError,
    InvalidRecord,
    PublicIdentity,
    Role,
    clean_text,
    corrupt,
    field_problem,
    fingerprint,
    fingerprint_groups,
    key_id,
    now,
    parse_json_bytes,
    parse_public_record,
    public_record,
    read_small_file,
    record_bytes,
)
from fieldsurvey.messages import Message

__all__ = [
    "AES_KEY_BYTES",
    "DEFAULT_SCRYPT_N",
    "FINGERPRINT_DIGITS",
    "FINGERPRINT_GROUP",
    "GCM_TAG_BYTES",
    "KEY_FILE",
    "KEY_FORMAT",
    "MAX_FILE_BYTES",
    "MAX_NAME_LENGTH",
    "MAX_SCRYPT_MEMORY",
    "MAX_SCRYPT_N",
    "MAX_SCRYPT_P",
    "MAX_SCRYPT_R",
    "MAX_SCRYPT_WORK",
    "MAX_UNIT_NAME_LENGTH",
    "MIN_PASSPHRASE_LENGTH",
    "MIN_SCRYPT_N",
    "NONCE_BYTES",
    "PUBLIC_FILE",
    "PUBLIC_FORMAT",
    "PUBLIC_KEY_BYTES",
    "ROLES",
    "ROLE_LEVEL",
    "SALT_BYTES",
    "SCRYPT_P",
    "SCRYPT_R",
    "SIGNATURE_BYTES",
    "IdentityError",
    "InvalidRecord",
    "PublicIdentity",
    "Role",
    "UnlockedIdentity",
    "change_passphrase",
    "clean_text",
    "create_identity",
    "field_problem",
    "fingerprint",
    "fingerprint_groups",
    "identity_exists",
    "key_id",
    "load_public",
    "parse_json_bytes",
    "parse_public_record",
    "public_record",
    "read_small_file",
    "record_bytes",
    "unlock",
    "verify_signature",
    "write_file_atomically",
]

PUBLIC_FILE: Final = "identity.json"
PUBLIC_FORMAT: Final = "fieldsurvey-identity/1"
SIGNATURE_BYTES: Final = 64

#: Every key derivation here goes through this name (``_open`` calls it, ``seal`` gets it
#: as ``kdf``): one place to substitute the KDF, e.g. to observe its cost in tests.
_derive = derive


# --------------------------------------------------------------------------- signing


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
    check_new_passphrase(passphrase)
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
    envelope = seal(private_key, public, passphrase, scrypt_n, SCRYPT_R, SCRYPT_P,
                    kdf=_derive)
    record = public_record(public, format_tag=PUBLIC_FORMAT, created_at=now())

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
        raise corrupt(path, exc.reason) from None


def _open(folder: Path, passphrase: str) -> tuple[PublicIdentity, Ed25519PrivateKey, Envelope]:
    public = load_public(folder)
    envelope = read_envelope(folder)
    if envelope.key_id != public.key_id:
        raise corrupt(folder / KEY_FILE, Message("identity.reason_key_id_mismatch"))
    aes_key = _derive(passphrase, envelope.salt, envelope.n, envelope.r, envelope.p)
    try:
        seed = AESGCM(aes_key).decrypt(envelope.nonce, envelope.ciphertext,
                                       envelope.associated_data())
    except InvalidTag:
        # A wrong passphrase and an edited file look the same to AES-GCM.
        raise IdentityError(Message("identity.wrong_passphrase")) from None
    private_key = Ed25519PrivateKey.from_private_bytes(seed)  # 32 bytes: length was checked
    if private_key.public_key().public_bytes_raw() != public.public_key:
        raise corrupt(folder / KEY_FILE, Message("identity.reason_key_mismatch"))
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
    check_new_passphrase(new)
    public, private_key, envelope = _open(folder, old)
    n = scrypt_n if scrypt_n is not None else max(envelope.n, DEFAULT_SCRYPT_N)
    if not kdf_allowed(n, envelope.r, envelope.p):
        raise ValueError(f"scrypt_n must be a power of two in [{MIN_SCRYPT_N}, {MAX_SCRYPT_N}]")
    sealed = seal(private_key, public, new, n, envelope.r, envelope.p, kdf=_derive)
    path = folder / KEY_FILE
    try:
        write_file_atomically(path, sealed.to_bytes())
    except OSError as exc:
        raise _write_failed(path, exc) from None
