"""Reading a county package: the file gate, the signature, then the sheets.

The bytes are read once, through the gate; what is verified (sizes, active
content, the signature and every part's hash) is exactly what is then parsed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from fieldsurvey.bundles.manifest import created_at
from fieldsurvey.bundles.trust import TrustedKey
from fieldsurvey.bundles.verify import Verdict, verify_bundle
from fieldsurvey.filegate import (
    BUNDLE,
    FORM,
    Refused,
    check_form_bytes,
    open_zip,
    read_bounded,
    read_member,
)
from fieldsurvey.forms.loader import FormLoadError, load_form_source
from fieldsurvey.messages import Message
from fieldsurvey.packages.contents import PackageContents, PackageForm
from fieldsurvey.packages.manifest import PACKAGE_KIND
from fieldsurvey.packages.sheets import PackageFormatError, read_sheets


class PackageRefused(Exception):
    """The package is not taken: ``message`` says why, ``details`` what was found."""

    def __init__(self, message: Message, details: list[str] | None = None) -> None:
        super().__init__(message.code)
        self.message = message
        self.details = details or []


@dataclass(frozen=True)
class Package:
    """A verified package: who signed it, for whom, which number, and what it holds."""

    package_id: str
    sequence: int
    created_at: dt.datetime
    key_id: str
    signer_name: str
    signer_unit: str
    contents: PackageContents
    sha256: str
    manifest: dict[str, Any]


def read_package(path: Path, trust: Mapping[str, TrustedKey]) -> Package:
    """The package at ``path`` if a trusted key signed exactly it; else
    :class:`PackageRefused`."""
    try:
        data = read_bounded(path, BUNDLE.file_bytes)
    except Refused as exc:
        raise PackageRefused(Message("package.unreadable", {
            "file": path.name, "detail": exc.found or exc.reason})) from exc
    verdict: Verdict = verify_bundle(data, trust, PACKAGE_KIND)
    if not verdict.ok or verdict.manifest is None:
        raise PackageRefused(verdict.message, verdict.details)
    manifest = verdict.manifest
    township = manifest["township"]
    try:
        contents = read_sheets(data, (township["code"], township["name"]), manifest["notice"])
    except PackageFormatError as exc:
        raise PackageRefused(Message("package.unreadable", {
            "file": path.name, "detail": str(exc)})) from exc
    if "form" in manifest:
        contents = dataclasses.replace(contents, form=_form(data, manifest["form"], path))
    producer = manifest["producer"]
    return Package(str(manifest["package_id"]), int(manifest["sequence"]),
                   created_at(manifest), str(producer["key_id"]), str(producer["name"]),
                   str(producer["unit_name"]), contents, hashlib.sha256(data).hexdigest(),
                   manifest)


def _form(data: bytes, declared: Mapping[str, str], path: Path) -> PackageForm:
    """The form the package carries: its part was hashed by the signed manifest (the
    signature check compared it), and its bytes pass the same gate and loader as a
    form file; it must be the version the manifest names."""
    try:
        with open_zip(data, BUNDLE) as zf:
            source = check_form_bytes(read_member(zf, declared["part"], FORM.file_bytes))
        form = load_form_source(source, declared["name"], PurePosixPath(declared["name"]).suffix)
    except (Refused, KeyError) as exc:
        raise PackageRefused(Message("form_archive.package_form_unreadable", {
            "file": path.name, "detail": getattr(exc, "found", "") or str(exc)})) from exc
    except FormLoadError as exc:
        raise PackageRefused(Message("form_archive.package_form_unreadable", {
            "file": path.name, "detail": "; ".join(p.render("en") for p in exc.problems[:3])}),
        ) from exc
    if (form.form_id, form.version) != (declared["id"], declared["version"]):
        raise PackageRefused(Message("form_archive.package_form_mismatch", {
            "file": path.name, "declared": f"{declared['id']} {declared['version']}",
            "found": f"{form.form_id} {form.version}"}))
    return PackageForm(form.form_id, form.version, declared["name"], source)
