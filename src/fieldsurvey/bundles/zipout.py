"""Saving the workbook as a signed zip, atomically.

openpyxl's ``ExcelWriter`` writes every part through the zip object it is
given. We give it one that hashes each part as it goes by (and the rows of each
worksheet), so nothing is inflated or re-compressed a second time; the manifest
and its signature are then added as two more parts before the zip is closed.
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import suppress
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any

from openpyxl.writer.excel import ExcelWriter  # type: ignore[import-untyped]

from fieldsurvey.bundles.common import MANIFEST_PART, OWN_PARTS, SIGNATURE_PART
from fieldsurvey.bundles.rowhash import RowHasher

if TYPE_CHECKING:
    from _typeshed import SizedBuffer, StrPath

CONTENT_TYPES = "[Content_Types].xml"
_CHUNK = 2**20
# Every part needs a content type (OPC); Excel is stricter about that than about
# unknown parts, which it ignores.
_OWN_DEFAULTS = (b'<Default Extension="json" ContentType="application/json"/>'
                 b'<Default Extension="sig" ContentType="application/octet-stream"/>')
_TYPES_TAG = re.compile(rb"<Types\b[^>]*>")

# (part hashes, sheet part -> row digests) -> (manifest bytes, signature)
Finish = Callable[[dict[str, str], dict[str, list[str]]], tuple[bytes, bytes]]


class _RecordingZip(zipfile.ZipFile):
    def __init__(self, fileobj: IO[bytes], extra_types: bytes = b"") -> None:
        super().__init__(fileobj, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.hashes: dict[str, str] = {}
        self.rows: dict[str, list[str]] = {}
        self.extra_types = extra_types

    def _record(self, name: str, chunks: Iterable[bytes]) -> None:
        digest = hashlib.sha256()
        rows = RowHasher() if name.startswith("xl/worksheets/") else None
        for chunk in chunks:
            digest.update(chunk)
            if rows is not None:
                rows.feed(chunk)
        self.hashes[name] = digest.hexdigest()
        if rows is not None:
            self.rows[name] = rows.digests

    def writestr(self, zinfo_or_arcname: str | zipfile.ZipInfo, data: SizedBuffer | str,
                 compress_type: int | None = None, compresslevel: int | None = None) -> None:
        name = (zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo)
                else zinfo_or_arcname)
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        if name == CONTENT_TYPES:
            raw, found = _TYPES_TAG.subn(lambda m: m.group(0) + _OWN_DEFAULTS + self.extra_types,
                                         raw, count=1)
            assert found, "openpyxl wrote no <Types> element"
        if name not in OWN_PARTS:
            self._record(name, [raw])
        super().writestr(zinfo_or_arcname, raw, compress_type, compresslevel)

    def write(self, filename: StrPath, arcname: StrPath | None = None,
              compress_type: int | None = None, compresslevel: int | None = None) -> None:
        # Write-only worksheets arrive here as temporary files (hundreds of MB for a
        # big bundle): read each once, hashing and compressing the same chunks.
        # (openpyxl passes no compresslevel; the default level applies.)
        info = zipfile.ZipInfo.from_file(filename, arcname)
        info.compress_type = self.compression if compress_type is None else compress_type
        big = info.file_size > 2**31  # zipfile needs to know up front
        with Path(filename).open("rb") as src, self.open(info, "w", force_zip64=big) as dst:

            def chunks() -> Iterator[bytes]:
                while chunk := src.read(_CHUNK):
                    dst.write(chunk)
                    yield chunk

            self._record(os.fspath(info.filename), chunks())


def _extra_types(extra: Mapping[str, bytes]) -> bytes:
    """A content type for each extension of the extra parts (opaque to Excel, which
    ignores parts it does not use; never a spreadsheet type, which the file gate
    would take for an embedded object)."""
    extensions = sorted({PurePosixPath(name).suffix.lstrip(".") for name in extra} - {""})
    return b"".join(f'<Default Extension="{e}" ContentType="application/octet-stream"/>'
                    .encode() for e in extensions)


def save_signed(workbook: Any, fileobj: IO[bytes], finish: Finish,
                extra: Mapping[str, bytes] | None = None) -> None:
    """Write ``workbook`` into ``fileobj`` with the manifest ``finish`` builds and signs.

    ``extra`` parts (name -> bytes, e.g. a package's form file) are written and
    hashed like the workbook's own, so the signed manifest covers them too."""
    extra = extra or {}
    with _RecordingZip(fileobj, _extra_types(extra)) as archive:
        ExcelWriter(workbook, archive).write_data()
        for name, data in extra.items():
            archive.writestr(name, data)
        manifest, signature = finish(dict(archive.hashes), dict(archive.rows))
        archive.writestr(MANIFEST_PART, manifest)
        archive.writestr(SIGNATURE_PART, signature)


def discard(workbook: Any) -> None:
    """Remove the temporary files of a write-only workbook that will not be saved."""
    for sheet in workbook.worksheets:
        writer = getattr(sheet, "_writer", None)
        if writer is None:
            continue
        with suppress(Exception):  # closing a half-written sheet may fail; we drop it anyway
            if not sheet.closed:
                sheet.close()
        with suppress(OSError, ValueError):  # already removed once the sheet was saved
            writer.cleanup()

