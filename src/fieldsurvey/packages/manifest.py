"""The package's signed manifest: a kind of its own, checked like a bundle's.

Same parts (``fieldsurvey/manifest.json`` and ``.sig``), same canonical JSON, same
Ed25519 signature, same part and row hashes; what differs is the ``format``, and
that a package is addressed to one township and numbered per township. A bundle
is never taken for a package, nor a package for a bundle (each parser names the
other kind).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from fieldsurvey.bundles.manifest import PACKAGE_FORMAT, ManifestError, WrongKind, utc_text
from fieldsurvey.bundles.trust import SignerIdentity
from fieldsurvey.bundles.verify import SignedKind
from fieldsurvey.messages import Message
from fieldsurvey.packages.contents import PackageForm
from fieldsurvey.packages.sheets import SIGNATURE_SHEETS

REQUIRED = ("package_id", "format", "producer", "township", "sequence", "created_at",
            "counts", "notice", "parts", "sheets")


def build_package_manifest(*, package_id: str, producer: SignerIdentity,
                           township: tuple[str, str], sequence: int, created_at: Any,
                           counts: Mapping[str, int], notice: str,
                           parts: Mapping[str, str],
                           sheet_parts: Mapping[str, str],
                           rows: Mapping[str, list[str]],
                           form: PackageForm | None = None) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "package_id": package_id,
        "format": PACKAGE_FORMAT,
        "producer": {"role": producer.role, "name": producer.name, "key_id": producer.key_id,
                     "unit_code": producer.unit_code, "unit_name": producer.unit_name},
        "township": {"code": township[0], "name": township[1]},
        "sequence": sequence,
        "created_at": utc_text(created_at),
        "counts": dict(counts),
        "notice": notice,
        "parts": dict(sorted(parts.items())),
        "sheets": {title: {"part": part, "rows": rows.get(part, [])}
                   for title, part in sheet_parts.items()},
    }
    if form is not None:
        # Only when a form travels, so a package without one keeps the manifest it had.
        manifest["form"] = {"id": form.form_id, "version": form.version, "name": form.name,
                            "part": form.part}
    return manifest


def parse_package_manifest(data: bytes) -> dict[str, Any]:
    """The manifest as a dict; :class:`ManifestError` when it is not a package's."""
    loaded = json.loads(data.decode("utf-8"))
    if not isinstance(loaded, dict):
        raise ManifestError("manifest is not an object")
    if loaded.get("format") != PACKAGE_FORMAT:
        raise WrongKind(f"format {loaded.get('format')!r}", Message("package.not_a_package"))
    missing = [key for key in REQUIRED if key not in loaded]
    if missing:
        raise ManifestError(f"manifest lacks {missing}")
    township = loaded["township"]
    if not isinstance(loaded["parts"], dict) or not isinstance(loaded["producer"], dict) or \
            not isinstance(loaded["sheets"], dict) or not isinstance(township, dict) or \
            type(loaded["sequence"]) is not int or not isinstance(loaded["notice"], str) or \
            not isinstance(township.get("code"), str) or \
            not isinstance(township.get("name"), str):
        raise ManifestError("manifest has the wrong shape")
    form = loaded.get("form")
    if form is not None and not (
            isinstance(form, dict) and all(isinstance(form.get(k), str)
                                           for k in ("id", "version", "name", "part"))
            and form["part"] in loaded["parts"]):
        raise ManifestError("manifest's form has the wrong shape or an unsigned part")
    return loaded


PACKAGE_KIND = SignedKind(parse_package_manifest, SIGNATURE_SHEETS)
