"""Checks on an untrusted file before any spreadsheet parser sees it.

A bundle arrives by USB stick, e-mail or a messaging app, so it is hostile until
proven otherwise. Here it is opened as a plain zip and refused when it is not a
zip, is OLE-encrypted, is truncated, would unpack to something huge (by declared
sizes, by compression ratio, and by the bytes actually inflated), or carries
active content (macros, external links, data connections, DTDs). XML we parse
ourselves goes through :func:`parse_xml` (defusedxml, no DTDs at all).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException

from fieldsurvey.messages import Message

# Our own sheets unpack to about 2.4 KB per visit (240 MiB for 100,000 visits, in
# one part), so the caps leave room for real bundles of several hundred thousand
# visits and still refuse anything that would fill memory or disk.
MAX_TOTAL_BYTES = 2 * 2**30
MAX_MEMBER_BYTES = 2**30
MAX_RATIO = 200
RATIO_FLOOR = 2**20  # small parts may compress extremely well; only big ones are suspect
MAX_MEMBERS = 10_000
CHUNK = 2**20
_HEAD = 64 * 1024  # an XML prolog (where a DTD must be) longer than this is refused

ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # OLE container: encrypted Office file or .xls

_ACTIVE_NAMES = (
    (re.compile(r"(^|/)vba(project\.bin|data\.xml)$", re.I), "macro"),
    (re.compile(r"^xl/(macrosheets|dialogsheets)/", re.I), "macro sheet"),
    (re.compile(r"^xl/externallinks/", re.I), "external link"),
    (re.compile(r"(^|/)connections\.xml$", re.I), "data connection"),
    (re.compile(r"^xl/activex/", re.I), "ActiveX control"),
    (re.compile(r"^xl/embeddings/", re.I), "embedded object"),
)
_ACTIVE_TYPES = ("macroenabled", "vbaproject", "externallink", "connections", "activex",
                 "macrosheet", "oleobject")
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)")
_ROOT_START = re.compile(rb"<[A-Za-z_]")

Refusal = Literal["not_a_bundle", "corrupt"]


class UnsafeBundle(Exception):
    """The file was refused before parsing; ``kind`` is the verdict it earns."""

    def __init__(self, kind: Refusal, message: Message, details: Sequence[str] = ()) -> None:
        super().__init__(message.code)
        self.kind: Refusal = kind
        self.message = message
        self.details = list(details)


def _bomb(detail: str) -> UnsafeBundle:
    return UnsafeBundle("corrupt", Message("bundle.zip_bomb"), [detail])


def open_zip(source: Path | bytes) -> zipfile.ZipFile:
    """The file (or its bytes) as a zip whose declared layout is sane, or :class:`UnsafeBundle`."""
    if isinstance(source, bytes):
        magic = source[:8]
    else:
        try:
            with source.open("rb") as fh:
                magic = fh.read(8)
        except OSError as exc:
            raise UnsafeBundle("corrupt", Message("bundle.corrupt"), [str(exc)]) from exc
    if magic == CFB_MAGIC:
        raise UnsafeBundle("not_a_bundle", Message("bundle.encrypted"))
    if not magic.startswith(ZIP_MAGIC):
        raise UnsafeBundle("not_a_bundle", Message("bundle.not_a_bundle"))
    try:
        zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:
        # It starts like a zip but has no readable directory: cut off in transit.
        raise UnsafeBundle("corrupt", Message("bundle.corrupt"), [str(exc)]) from exc
    try:
        check_declared(zf.infolist())
    except UnsafeBundle:
        zf.close()
        raise
    return zf


def check_declared(infos: Sequence[zipfile.ZipInfo]) -> None:
    """Refuse by what the directory claims (a first line; real sizes are checked in scan)."""
    if len(infos) > MAX_MEMBERS:
        raise _bomb(f"{len(infos)} parts")
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        # Two parts with one name: different readers would see different content.
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise UnsafeBundle("corrupt", Message("bundle.corrupt"), [f"duplicate part {n}"
                                                                   for n in dupes])
    encrypted = [info.filename for info in infos if info.flag_bits & 0x1]
    if encrypted:
        raise UnsafeBundle("not_a_bundle", Message("bundle.encrypted"), encrypted)
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES:
            raise _bomb(f"{info.filename}: {info.file_size} bytes")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1):
            raise _bomb(f"{info.filename}: ratio {info.file_size // max(info.compress_size, 1)}")
    if total > MAX_TOTAL_BYTES:
        raise _bomb(f"total {total} bytes")


@dataclass
class ScanResult:
    """What one streaming pass over every part found."""

    hashes: dict[str, str] = field(default_factory=dict)
    active: list[str] = field(default_factory=list)


class _Budget:
    """Counts bytes actually inflated: the declared sizes may lie."""

    def __init__(self) -> None:
        self.total = 0

    def take(self, info: zipfile.ZipInfo, member_so_far: int, size: int) -> None:
        self.total += size
        done = member_so_far + size
        if done > MAX_MEMBER_BYTES or self.total > MAX_TOTAL_BYTES:
            raise _bomb(f"{info.filename}: more than declared")
        if done > RATIO_FLOOR and done > MAX_RATIO * max(info.compress_size, 1):
            raise _bomb(f"{info.filename}: ratio above {MAX_RATIO}")


def read_member(zf: zipfile.ZipFile, name: str, cap: int) -> bytes:
    """A part's bytes, refusing to inflate more than ``cap``."""
    info = zf.getinfo(name)
    out = bytearray()
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(CHUNK):
                out += chunk
                if len(out) > cap:
                    raise _bomb(f"{name}: more than {cap} bytes")
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise UnsafeBundle("corrupt", Message("bundle.corrupt"), [f"{name}: {exc}"]) from exc
    return bytes(out)


def _has_dtd(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]:
        head = head.decode("utf-16", errors="replace").encode("utf-8")
    root = _ROOT_START.search(head)
    prolog = head if root is None else head[:root.start()]
    # No root element within the head: a prolog that long is refused as well.
    return root is None or _DTD.search(prolog) is not None


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml"))


def scan(zf: zipfile.ZipFile) -> ScanResult:
    """Inflate every part once with caps: SHA-256 per part, and any active content."""
    result = ScanResult()
    budget = _Budget()
    for info in zf.infolist():
        digest = hashlib.sha256()
        size = 0
        head = b""
        try:
            with zf.open(info) as fh:
                while chunk := fh.read(CHUNK):
                    budget.take(info, size, len(chunk))
                    size += len(chunk)
                    digest.update(chunk)
                    if len(head) < _HEAD:
                        head += chunk[:_HEAD - len(head)]
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
                NotImplementedError) as exc:
            raise UnsafeBundle("corrupt", Message("bundle.corrupt"),
                               [f"{info.filename}: {exc}"]) from exc
        result.hashes[info.filename] = digest.hexdigest()
        for pattern, what in _ACTIVE_NAMES:
            if pattern.search(info.filename):
                result.active.append(f"{info.filename}: {what}")
        if _is_xml(info.filename) and head and _has_dtd(head):
            result.active.append(f"{info.filename}: DTD")
    if "[Content_Types].xml" in result.hashes and not any(
            a.startswith("[Content_Types].xml") for a in result.active):
        result.active += _active_types(read_member(zf, "[Content_Types].xml", 4 * 2**20))
    return result


def _active_types(data: bytes) -> list[str]:
    found = []
    for node in parse_xml(data).iter():
        content_type = (node.get("ContentType") or "").lower()
        if any(word in content_type for word in _ACTIVE_TYPES):
            where = node.get("PartName") or ("*." + (node.get("Extension") or ""))
            found.append(f"{where}: {content_type}")
    return found


def parse_xml(data: bytes) -> Element:
    """Parse XML from an untrusted file: no DTD, no entities, no external anything."""
    try:
        root: Element = SafeET.fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, ParseError, ValueError) as exc:
        raise UnsafeBundle("corrupt", Message("bundle.corrupt"), [f"XML: {exc}"]) from exc
    return root
