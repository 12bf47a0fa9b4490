"""The encrypted key envelope: ``identity.key``, the private key sealed under a passphrase.

The file is JSON with base64 fields::

    {"format": "fieldsurvey-key/1", "key_id": "…",
     "kdf": {"name": "scrypt", "n": 131072, "r": 8, "p": 1, "salt": "…16 bytes…"},
     "cipher": {"name": "aes-256-gcm", "nonce": "…12 bytes…"},
     "ciphertext": "…32 bytes + 16-byte tag…"}

The AES-256 key comes from scrypt over the NFC-normalized passphrase. Everything but the
ciphertext is the header, authenticated as AES-GCM associated data (see
:meth:`Envelope.associated_data`). A file's cost parameters are checked against the
limits here before any work is done, so a damaged file cannot exhaust memory or time.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from fieldsurvey.canonical import canonical_json
from fieldsurvey.identity.records import (
    PUBLIC_KEY_BYTES,
    IdentityError,
    InvalidRecord,
    PublicIdentity,
    b64,
    corrupt,
    parse_json_bytes,
    read_small_file,
    record_bytes,
    unb64,
)
from fieldsurvey.messages import Message

KEY_FILE: Final = "identity.key"
KEY_FORMAT: Final = "fieldsurvey-key/1"

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

#: Derives the AES key: (passphrase, salt, n, r, p) -> key bytes.
KeyDerivation = Callable[[str, bytes, int, int, int], bytes]


def kdf_allowed(n: int, r: int, p: int) -> bool:
    """Whether scrypt parameters are within the limits above (a power-of-two ``n``)."""
    return (
        MIN_SCRYPT_N <= n <= MAX_SCRYPT_N
        and n & (n - 1) == 0
        and 1 <= r <= MAX_SCRYPT_R
        and 1 <= p <= MAX_SCRYPT_P
        and 128 * n * r <= MAX_SCRYPT_MEMORY
        and n * r * p <= MAX_SCRYPT_WORK
    )


@dataclass(frozen=True)
class Envelope:
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
                    "salt": b64(self.salt)},
            "cipher": {"name": "aes-256-gcm", "nonce": b64(self.nonce)},
        }

    def associated_data(self) -> bytes:
        """The header in one canonical spelling, authenticated by AES-GCM."""
        return canonical_json(self.header(), ascii_only=True).encode("ascii")

    def to_bytes(self) -> bytes:
        return record_bytes({**self.header(), "ciphertext": b64(self.ciphertext)})


def _passphrase_bytes(passphrase: str) -> bytes:
    # NFC: the same passphrase typed through different input methods gives the same bytes.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8", "surrogatepass")


def check_new_passphrase(passphrase: str) -> None:
    """:class:`IdentityError` (``identity.passphrase_too_short``) for a short passphrase."""
    if len(unicodedata.normalize("NFC", passphrase)) < MIN_PASSPHRASE_LENGTH:
        raise IdentityError(Message("identity.passphrase_too_short",
                                    {"minimum": MIN_PASSPHRASE_LENGTH}))


def derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    """The AES-256 key scrypt derives from ``passphrase`` (NFC) with these parameters."""
    return Scrypt(salt=salt, length=AES_KEY_BYTES, n=n, r=r, p=p).derive(
        _passphrase_bytes(passphrase))


def seal(private_key: Ed25519PrivateKey, public: PublicIdentity, passphrase: str,
         n: int, r: int, p: int, *, kdf: KeyDerivation = derive) -> Envelope:
    """``private_key`` encrypted under ``passphrase`` with a fresh salt and nonce.

    ``kdf`` derives the AES key; the operations in :mod:`fieldsurvey.identity.keys` pass
    their own so that every derivation they make goes through one name.
    """
    salt, nonce = secrets.token_bytes(SALT_BYTES), secrets.token_bytes(NONCE_BYTES)
    unsealed = Envelope(public.key_id, n, r, p, salt, nonce, b"")
    aes_key = kdf(passphrase, salt, n, r, p)
    ciphertext = AESGCM(aes_key).encrypt(nonce, private_key.private_bytes_raw(),
                                         unsealed.associated_data())
    return Envelope(public.key_id, n, r, p, salt, nonce, ciphertext)


def _parse_envelope(data: dict[str, Any]) -> Envelope:
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
        or not kdf_allowed(n, r, p)
    ):
        raise InvalidRecord(Message("identity.reason_bad_kdf"))
    salt = unb64(kdf["salt"], SALT_BYTES)
    nonce = unb64(cipher["nonce"], NONCE_BYTES)
    ciphertext = unb64(data["ciphertext"], PUBLIC_KEY_BYTES + GCM_TAG_BYTES)
    if salt is None or nonce is None or ciphertext is None:
        raise InvalidRecord(Message("identity.reason_key_structure"))
    return Envelope(data["key_id"], n, r, p, salt, nonce, ciphertext)


def read_envelope(folder: Path) -> Envelope:
    """The parsed key file in ``folder``; :class:`IdentityError` if missing or damaged."""
    path = folder / KEY_FILE
    try:
        raw = read_small_file(path, Message("identity.not_found", {"path": str(folder)}))
        return _parse_envelope(parse_json_bytes(raw))
    except InvalidRecord as exc:
        raise corrupt(path, exc.reason) from None
