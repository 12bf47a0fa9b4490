"""The verification code printed on a visit record: it ties the paper to the data.

The digest is SHA-256 over the canonical JSON (``fieldsurvey.canonical``) of::

    {"answers": <the finalized revision's answers>, "revision": <n>, "visit_id": "<uuid>"}

Not the bundle's per-row digest (``bundles.rowhash``): that one is taken over the
worksheet's XML, which depends on how a cell was typed and styled, so nobody could
recompute it from the record alone. The canonical answers are what ``visit_revision``
stores byte for byte, what the signed bundle carries (every answer, codes kept
recoverable) and what the county's merged store holds after import, so anyone with
the visit id, the revision and the answers gets the same digest.

On paper: a short code of 16 characters in groups of 4 (the first 80 bits of the
digest in Crockford's base32, which has no I, L, O or U, so nothing reads as a
digit), and a QR code carrying the visit id, the revision and the full digest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Final

from fieldsurvey.canonical import canonical_json
from fieldsurvey.forms.answers import Answers

CROCKFORD: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SHORT_GROUPS: Final = 4
GROUP_CHARS: Final = 4
QR_PREFIX: Final = "FSV1"


def record_digest(visit_id: str, revision: int, answers: Answers) -> str:
    """The SHA-256 (hex) of the record, as described in the module docstring."""
    payload = canonical_json({"answers": answers, "revision": revision, "visit_id": visit_id})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def short_code(digest_hex: str) -> str:
    """``XXXX-XXXX-XXXX-XXXX``: the digest's first 80 bits in Crockford base32."""
    chars = SHORT_GROUPS * GROUP_CHARS
    bits = chars * 5
    value = int(digest_hex, 16) >> (len(digest_hex) * 4 - bits)
    letters = "".join(CROCKFORD[(value >> (5 * (chars - 1 - i))) & 31] for i in range(chars))
    return "-".join(letters[i : i + GROUP_CHARS] for i in range(0, chars, GROUP_CHARS))


@dataclass(frozen=True)
class RecordCode:
    visit_id: str
    revision: int
    digest: str  # 64 hex digits

    @property
    def short(self) -> str:
        return short_code(self.digest)

    @property
    def qr_payload(self) -> str:
        """``FSV1:<VISIT ID>:<revision>:<DIGEST>``, upper case.

        Upper case keeps every character in the QR alphanumeric set (5.5 bits each
        instead of 8), so the code is version 5 (37 modules) rather than 7 (45): larger
        modules on paper for the same printed size, and faster to encode.
        """
        return f"{QR_PREFIX}:{self.visit_id.upper()}:{self.revision}:{self.digest.upper()}"


def record_code(visit_id: str, revision: int, answers: Answers) -> RecordCode:
    return RecordCode(visit_id, revision, record_digest(visit_id, revision, answers))


def parse_qr_payload(payload: str) -> RecordCode:
    """The code a scanned QR payload names; ``ValueError`` if it is not one of ours."""
    prefix, visit_id, revision, digest = payload.split(":")
    if prefix != QR_PREFIX or not revision.isdigit() or len(digest) != 64:
        raise ValueError(payload)
    int(digest, 16)
    return RecordCode(visit_id.lower(), int(revision), digest.lower())
