"""Verify: who made a bundle, and is it exactly what they signed?

Order matters: the zip is checked for bombs, encryption and active content
before anything is parsed; then the manifest's signature against the trust
list; then every part's hash. Only then is the signer's revocation date
compared with the bundle's creation time. (``created_at`` is the signer's own
claim: a stolen key can backdate. Revocation protects against everything the
honest holder made after the date, not against the thief.) Last, the producer the
manifest names must be whom the key was enrolled for: a signature proves who
signed, and officer B signing a file that claims to be officer A's township is
B's file, not A's, so it is not "valid".
"""

from __future__ import annotations

import datetime as dt
import posixpath
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from fieldsurvey.bundles.common import (
    MANIFEST_PART,
    OWN_PARTS,
    SIGNATURE_PART,
    SIGNATURE_SHEETS,
)
from fieldsurvey.bundles.manifest import WrongKind, created_at, parse_manifest
from fieldsurvey.bundles.rowhash import describe_row_changes, hash_rows
from fieldsurvey.bundles.trust import TrustedKey
from fieldsurvey.filegate import BUNDLE, CHUNK, Refused, open_zip, parse_xml, read_member, scan
from fieldsurvey.identity.keys import verify_signature
from fieldsurvey.messages import Message

VerdictKind = Literal["valid", "unknown_signer", "revoked", "not_producer", "tampered",
                      "resaved", "not_a_bundle", "corrupt", "unreadable"]
MAX_MANIFEST_BYTES = 64 * 2**20
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass(frozen=True)
class SignedKind:
    """A kind of signed workbook: how its manifest is read, and which sheets tell it
    when the manifest is gone (re-saved). Bundles and the county's packages share
    every other step of verifying."""

    parse: Callable[[bytes], dict[str, Any]]
    signature_sheets: frozenset[str]


BUNDLE_KIND = SignedKind(parse_manifest, SIGNATURE_SHEETS)


@dataclass(frozen=True)
class Verdict:
    """What the reader is told. ``manifest`` is authenticated only for "valid" and
    "revoked"; otherwise it is what the file *claims* (shown, never trusted)."""

    kind: VerdictKind
    message: Message
    details: list[str] = field(default_factory=list)
    manifest: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.kind == "valid"


# What the file gate's reasons mean for a bundle's verdict.
_REFUSALS: dict[str, tuple[VerdictKind, str]] = {
    "encrypted": ("not_a_bundle", "bundle.encrypted"),
    "not_a_workbook": ("not_a_bundle", "bundle.not_a_bundle"),
    "bomb": ("corrupt", "bundle.zip_bomb"),
    "too_many_parts": ("corrupt", "bundle.zip_bomb"),
    "sheet_too_large": ("corrupt", "bundle.zip_bomb"),
}


def refusal(exc: Refused) -> tuple[VerdictKind, Message]:
    """The verdict kind and message for a file the gate refused."""
    kind, code = _REFUSALS.get(exc.reason, ("corrupt", "bundle.corrupt"))
    return kind, Message(code)


def verify_bundle(source: Path | bytes, trust: Mapping[str, TrustedKey],
                  signed: SignedKind = BUNDLE_KIND) -> Verdict:
    """The verdict on the file at ``source`` (or its bytes); never raises for a bad file."""
    if isinstance(source, Path) and not source.is_file():
        # A typo or a folder is not a file "cut off in transit".
        code = "bundle.verdict.folder" if source.is_dir() else "bundle.verdict.missing"
        return Verdict("unreadable", Message(code, {"path": str(source)}))
    try:
        with open_zip(source, BUNDLE) as zf:
            return _verify(zf, trust, signed)
    except Refused as exc:
        kind, message = refusal(exc)
        return Verdict(kind, message, exc.details)


def _tampered(details: list[str], manifest: dict[str, Any] | None = None) -> Verdict:
    return Verdict("tampered", Message("bundle.verdict.tampered", {"count": len(details)}),
                   details, manifest)


def _verify(zf: zipfile.ZipFile, trust: Mapping[str, TrustedKey],
            signed: SignedKind) -> Verdict:
    found = scan(zf, BUNDLE)
    names = set(found.hashes)
    if found.active:
        # Never ours: refuse to look further. With a manifest it was added afterwards.
        kind: VerdictKind = "tampered" if names & OWN_PARTS else "not_a_bundle"
        return Verdict(kind, Message("bundle.verdict.active_content"),
                       [str(a) for a in found.active])
    if not names & OWN_PARTS:
        return _without_manifest(zf, signed.signature_sheets)
    if not names >= OWN_PARTS:
        return _tampered([f"part missing: {name}" for name in sorted(OWN_PARTS - names)])
    raw = read_member(zf, MANIFEST_PART, MAX_MANIFEST_BYTES)
    signature = read_member(zf, SIGNATURE_PART, 1024)
    try:
        manifest = signed.parse(raw)
        producer = manifest["producer"]
        when = created_at(manifest)
    except WrongKind as exc:  # signed, but another kind of file (a bundle, a package)
        return Verdict("not_a_bundle", exc.message, [f"{MANIFEST_PART}: {exc}"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        return _tampered([f"{MANIFEST_PART}: {exc}"])
    key_id = str(producer.get("key_id"))
    key = trust.get(key_id)
    claimed = {"name": str(producer.get("name")), "unit_name": str(producer.get("unit_name")),
               "key_id": key_id, "created_at": manifest["created_at"]}
    if key is None:
        return Verdict("unknown_signer", Message("bundle.verdict.unknown_signer", claimed),
                       [f"key {key_id} is not in the trust list"], manifest)
    if not verify_signature(key.public_key, signature, raw):
        return _tampered([f"{MANIFEST_PART}: the signature does not match"], manifest)
    try:
        problems = _compare_parts(zf, manifest, found.hashes)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        problems = [f"{MANIFEST_PART}: malformed ({type(exc).__name__}: {exc})"]
    if problems:
        return _tampered(problems, manifest)
    params = {**claimed, "name": key.name}
    revoked = key.revoked_from
    if revoked is not None and revoked.tzinfo is None:
        revoked = revoked.replace(tzinfo=dt.UTC)  # a zone-less date is taken as UTC
    if revoked is not None and when >= revoked:
        return Verdict("revoked", Message("bundle.verdict.revoked", {
            **params, "revoked_from": revoked.astimezone(dt.UTC).isoformat()}),
            [f"key {key_id} revoked from {revoked.isoformat()}"], manifest)
    mismatch = _producer_mismatch(producer, key)
    if mismatch:
        return Verdict("not_producer", Message("bundle.verdict.not_producer", {
            "enrolled": _identity(key.role, key.name, key.unit_code),
            "claimed": _identity(producer.get("role"), producer.get("name"),
                                 producer.get("unit_code")), "key_id": key_id}),
            mismatch, manifest)
    return Verdict("valid", Message("bundle.verdict.valid", params), [], manifest)


def _producer_mismatch(producer: Mapping[str, Any], key: TrustedKey) -> list[str]:
    """One line per field in which the manifest's producer differs from the enrollment."""
    enrolled = {"role": key.role, "name": key.name, "unit_code": key.unit_code}
    return [f"producer {name} {str(producer.get(name))!r} is not the enrolled {value!r}"
            for name, value in enrolled.items()
            if value is not None and str(producer.get(name)) != value]


def _identity(role: Any, name: Any, unit_code: Any) -> str:
    # Words that need no translation: a name, a unit code and the role's code.
    return f"{name} ({unit_code}, {role or '-'})"


def _compare_parts(zf: zipfile.ZipFile, manifest: Mapping[str, Any],
                   hashes: Mapping[str, str]) -> list[str]:
    signed = {str(k): str(v) for k, v in manifest["parts"].items()}
    present = {k: v for k, v in hashes.items() if k not in OWN_PARTS}
    lines = [f"part missing: {n}" for n in sorted(signed.keys() - present.keys())]
    lines += [f"part added: {n}" for n in sorted(present.keys() - signed.keys())]
    changed = sorted(n for n in signed.keys() & present.keys() if signed[n] != present[n])
    if not changed:
        return lines
    # The signed sheet map names the sheets; workbook.xml names any others.
    sheets = {str(v["part"]): (str(t), v.get("rows")) for t, v in manifest["sheets"].items()
              if isinstance(v, dict)}
    titles = _sheet_titles(zf)
    for name in changed:
        title, rows = sheets.get(name, (titles.get(name, ""), None))
        lines.append(f"part changed: {name}" + (f" (sheet {title})" if title else ""))
        if isinstance(rows, list) and name in zf.namelist():
            with zf.open(name) as fh:  # sizes were capped by scan() already
                found = hash_rows(iter(lambda: fh.read(CHUNK), b""))
            lines += describe_row_changes(title or name, [str(r) for r in rows], found)
    return lines


def _sheet_titles(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name -> sheet title, from workbook.xml and its relationships."""
    try:
        workbook = parse_xml(read_member(zf, "xl/workbook.xml", 16 * 2**20))
        rels = parse_xml(read_member(zf, "xl/_rels/workbook.xml.rels", 16 * 2**20))
    except (KeyError, Refused):
        return {}
    targets = {}
    for rel in rels.iter():
        target = rel.get("Target")
        if rel.get("Id") and target:
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target))
            targets[rel.get("Id")] = part
    titles = {}
    for node in workbook.iter():
        if node.tag.endswith("}sheet") and node.get(_REL_ID) in targets:
            titles[targets[node.get(_REL_ID)]] = node.get("name") or ""
    return titles


def _without_manifest(zf: zipfile.ZipFile, signature_sheets: frozenset[str]) -> Verdict:
    titles = _sheet_titles(zf)
    found = set(titles.values())
    if found >= signature_sheets:
        return Verdict("resaved", Message("bundle.verdict.resaved"), [
            f"{MANIFEST_PART} and {SIGNATURE_PART} are gone",
            "sheets: " + ", ".join(titles.values()),
        ])
    return Verdict("not_a_bundle", Message("bundle.not_a_bundle"),
                   ["sheets: " + ", ".join(titles.values())] if titles else [])
