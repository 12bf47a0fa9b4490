"""Writing a package: the workbook, signed by the office key, written atomically."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from fieldsurvey.atomic import write_atomically
from fieldsurvey.bundles.manifest import manifest_bytes
from fieldsurvey.bundles.trust import Signer
from fieldsurvey.bundles.zipout import discard, save_signed
from fieldsurvey.packages.contents import PackageContents
from fieldsurvey.packages.manifest import build_package_manifest
from fieldsurvey.packages.sheets import build_workbook


def package_counts(contents: PackageContents) -> dict[str, int]:
    """What a package holds, in numbers: the dry run shows these before writing."""
    return {"returned": contents.open_returns, "threads": len(contents.returns),
            "organizations": len(contents.register), "found_gone": len(contents.status),
            "notice": int(bool(contents.notice))}


def write_package(contents: PackageContents, signer: Signer, out_path: Path, *,
                  sequence: int, now: dt.datetime,
                  labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Sign and write the package at ``out_path``; returns its manifest."""
    public = signer.public
    book = build_workbook(contents, sequence=sequence, created_at=now,
                          office=f"{public.unit_name}（{public.unit_code}）",
                          labels=labels or {})
    package_id = str(uuid.uuid4())
    manifest: dict[str, Any] = {}

    def finish(parts: dict[str, str], rows: dict[str, list[str]]) -> tuple[bytes, bytes]:
        sheet_parts = {ws.title: ws.path.lstrip("/") for ws in book.worksheets}
        manifest.update(build_package_manifest(
            package_id=package_id, producer=public,
            township=(contents.township_code, contents.township_name), sequence=sequence,
            created_at=now, counts=package_counts(contents), notice=contents.notice,
            parts=parts, sheet_parts=sheet_parts, rows=rows, form=contents.form))
        data = manifest_bytes(manifest)
        return data, signer.sign(data)

    form = contents.form
    extra = {form.part: form.source} if form is not None else {}

    def write(fh: IO[bytes]) -> None:
        save_signed(book, fh, finish, extra)

    try:
        write_atomically(out_path, write)
    except BaseException:
        discard(book)
        raise
    return manifest
