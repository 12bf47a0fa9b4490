"""The signed manifest: who made the bundle, what it holds, and a hash of every part.

It is canonical JSON (sorted keys, no spaces, UTF-8), and the Ed25519 signature
in ``fieldsurvey/manifest.sig`` is over exactly those bytes. Besides the part
hashes it carries short per-row digests of every sheet (see ``rowhash``) and
the sheet layout with each field's question type (see ``layout``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from fieldsurvey.bundles.common import FORMAT, canonical_bytes
from fieldsurvey.bundles.layout import BundleLayout
from fieldsurvey.bundles.trust import SignerIdentity
from fieldsurvey.messages import Message

REQUIRED = ("bundle_id", "format", "form", "producer", "sequence", "created_at", "period",
            "counts", "parts", "sheets", "layout")


def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def build_manifest(*, bundle_id: str, form_id: str, form_version: str,
                   producer: SignerIdentity, sequence: int, created_at: dt.datetime,
                   period: tuple[dt.date, dt.date], counts: Mapping[str, Any],
                   layout: BundleLayout, parts: Mapping[str, str],
                   sheet_parts: Mapping[str, str],
                   rows: Mapping[str, list[str]]) -> dict[str, Any]:
    """``sheet_parts`` maps sheet title -> part name; ``rows`` part name -> digests."""
    return {
        "bundle_id": bundle_id,
        "format": FORMAT,
        "form": {"id": form_id, "version": form_version},
        "producer": {"role": producer.role, "name": producer.name, "key_id": producer.key_id,
                     "unit_code": producer.unit_code, "unit_name": producer.unit_name},
        "sequence": sequence,
        "created_at": utc_text(created_at),
        "period": {"start": period[0].isoformat(), "end": period[1].isoformat()},
        "counts": dict(counts),
        "parts": dict(sorted(parts.items())),
        "sheets": {title: {"part": part, "rows": rows.get(part, [])}
                   for title, part in sheet_parts.items()},
        "layout": layout.to_json(),
    }


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    return canonical_bytes(manifest)


class ManifestError(ValueError):
    """The manifest is unreadable or not one of ours."""


class WrongKind(ManifestError):
    """A manifest of ours, but of another kind of file: ``message`` names it."""

    def __init__(self, detail: str, message: Message) -> None:
        super().__init__(detail)
        self.message = message


#: The county's package (``fieldsurvey.packages``): signed like a bundle, never one.
PACKAGE_FORMAT = "fieldsurvey-package/1"


def parse_manifest(data: bytes) -> dict[str, Any]:
    """The manifest as a dict; :class:`ValueError` when it is not one of ours."""
    loaded = json.loads(data.decode("utf-8"))
    if not isinstance(loaded, dict):
        raise ManifestError("manifest is not an object")
    if loaded.get("format") == PACKAGE_FORMAT:
        raise WrongKind("a county package", Message("bundle.is_a_package"))
    missing = [key for key in REQUIRED if key not in loaded]
    if missing:
        raise ManifestError(f"manifest lacks {missing}")
    if loaded["format"] != FORMAT:
        raise ManifestError(f"unknown format {loaded['format']!r}")
    if not isinstance(loaded["parts"], dict) or not isinstance(loaded["producer"], dict) or \
            not isinstance(loaded["sheets"], dict):
        raise ManifestError("manifest has the wrong shape")
    return loaded


def created_at(manifest: Mapping[str, Any]) -> dt.datetime:
    moment = dt.datetime.fromisoformat(str(manifest["created_at"]))
    if moment.tzinfo is None:
        raise ManifestError("created_at has no time zone")
    return moment
