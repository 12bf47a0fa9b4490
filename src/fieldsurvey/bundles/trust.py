"""Who signs a bundle and whom a reader trusts.

Only small protocols live here: an unlocked identity from ``fieldsurvey.identity``
satisfies :class:`Signer`, a public identity :class:`PublicKeyHolder`, and a test
can pass a bare key. Signatures are Ed25519, checked with
:func:`fieldsurvey.identity.keys.verify_signature`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol


class SignerIdentity(Protocol):
    """The public half of a signer, as written into the manifest."""

    @property
    def key_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def unit_code(self) -> str: ...
    @property
    def unit_name(self) -> str: ...
    @property
    def role(self) -> str: ...


class Signer(Protocol):
    @property
    def public(self) -> SignerIdentity: ...

    def sign(self, data: bytes) -> bytes:
        """An Ed25519 signature over ``data``."""


class PublicKeyHolder(Protocol):
    """Anything that carries a public key: a stored identity, an imported contact."""

    @property
    def key_id(self) -> str: ...
    @property
    def public_key(self) -> bytes: ...
    @property
    def name(self) -> str: ...
    @property
    def unit_code(self) -> str: ...


@dataclass(frozen=True)
class TrustedKey:
    """A key the reader trusts; bundles made on or after ``revoked_from`` are refused.

    ``name``, ``unit_code`` and ``role`` are who the key was enrolled for: a bundle it
    signs must name the same producer (``role`` None: a holder that does not say).
    """

    key_id: str
    public_key: bytes
    name: str
    unit_code: str
    revoked_from: dt.datetime | None = None
    role: str | None = None


def trust_list(identities: Iterable[PublicKeyHolder],
               revoked: Mapping[str, dt.datetime] | None = None) -> dict[str, TrustedKey]:
    """The trust mapping :func:`verify_bundle` takes, keyed by key id."""
    revoked = revoked or {}
    return {
        ident.key_id: TrustedKey(ident.key_id, bytes(ident.public_key), ident.name,
                                 ident.unit_code, revoked.get(ident.key_id),
                                 getattr(ident, "role", None))
        for ident in identities
    }

