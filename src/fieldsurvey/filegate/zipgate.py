"""A zip-based file (xlsx, xlsm, ods, a bundle) checked before any parser sees it.

Opened as a plain zip and refused when it is not one, is encrypted, is
truncated, has odd or duplicate part names, would unpack to something huge (by
declared sizes, by compression ratio, and by the bytes actually inflated),
carries a DTD, declares or holds a sheet too large to allocate, or carries
active content. One streaming pass inflates every part once: it hashes the
parts (the bundle's manifest compares them) and feeds sheets to their scanner.
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
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException

from fieldsurvey.filegate.errors import Reason, Refused
from fieldsurvey.filegate.limits import RATIO_FLOOR, Limits
from fieldsurvey.filegate.odsscan import OdsScan
from fieldsurvey.filegate.sheetscan import NeedsExact, SheetScan

CHUNK = 2**20
_HEAD = 64 * 1024  # an XML prolog (where a DTD must be) longer than this is refused
ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # OLE container: encrypted Office file or .xls

# What each active part is, for the message: the reason and the words for it.
_ACTIVE_NAMES: tuple[tuple[re.Pattern[str], Reason, str], ...] = (
    (re.compile(r"(^|/)vba(project\.bin|data\.xml)$", re.I), "macro", "macro"),
    (re.compile(r"^xl/(macrosheets|dialogsheets)/", re.I), "macro", "macro sheet"),
    (re.compile(r"^basic/|(^|/)scripts?/", re.I), "macro", "macro"),  # ods: StarBasic
    (re.compile(r"^xl/externallinks/", re.I), "external_link", "external link"),
    (re.compile(r"(^|/)connections\.xml$", re.I), "active_content", "data connection"),
    (re.compile(r"^xl/activex/", re.I), "active_content", "ActiveX control"),
    (re.compile(r"^xl/embeddings/|^object\s?\d", re.I), "active_content", "embedded object"),
)
_ACTIVE_TYPES: tuple[tuple[str, Reason], ...] = (
    ("macroenabled", "macro"), ("vbaproject", "macro"), ("macrosheet", "macro"),
    ("externallink", "external_link"), ("connections", "active_content"),
    ("activex", "active_content"), ("oleobject", "active_content"))
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)")
_ROOT_START = re.compile(rb"<[A-Za-z_]")
_WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.I)
_ODD_NAME = re.compile(r"[\x00-\x1f\x7f\\:*?\"<>|]")


@dataclass(frozen=True)
class Active:
    """One active part: the part, what it is, and the reason it earns."""

    part: str
    what: str
    reason: Reason

    def __str__(self) -> str:
        return f"{self.part}: {self.what}"


@dataclass
class ScanResult:
    """What one streaming pass over every part found."""

    hashes: dict[str, str] = field(default_factory=dict)
    active: list[Active] = field(default_factory=list)

    def refuse_active(self) -> None:
        """Raise for the first active part found, naming them all."""
        if self.active:
            first = self.active[0]
            raise Refused(first.reason, str(first), [str(a) for a in self.active])


def _bomb(detail: str) -> Refused:
    return Refused("bomb", detail)


def open_zip(source: Path | bytes, limits: Limits) -> zipfile.ZipFile:
    """The file (or its bytes) as a zip whose declared layout is sane, or :class:`Refused`."""
    magic = source[:8] if isinstance(source, bytes) else _magic(source)
    if magic == CFB_MAGIC:
        raise Refused("encrypted", "OLE container")
    if not magic.startswith(ZIP_MAGIC):
        raise Refused("not_a_workbook")
    try:
        zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:
        # It starts like a zip but has no readable directory: cut off in transit.
        raise Refused("corrupt", str(exc)) from exc
    try:
        check_declared(zf.infolist(), limits)
    except Refused:
        zf.close()
        raise
    return zf


def _magic(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(8)
    except OSError as exc:
        raise Refused("unreadable", exc.strerror or str(exc)) from exc


def check_name(name: str) -> None:
    """Refuse a part name that could escape a folder or mean different parts to different
    readers: absolute, ``..``, backslashes, drive letters, control characters."""
    parts = name.split("/")
    if not name or name.startswith("/") or ".." in parts or _ODD_NAME.search(name) or \
            any(p in ("", ".") for p in parts[:-1]) or len(name) > 1024:
        raise Refused("bad_part_name", repr(name)[:120])


def check_declared(infos: Sequence[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse by what the directory claims (a first line; real sizes are checked in scan)."""
    if len(infos) > limits.parts:
        raise Refused("too_many_parts", f"{len(infos):,} parts")
    seen: set[str] = set()
    for info in infos:
        check_name(info.filename)
        # Zip names are case-sensitive, Office part names are not: two spellings of
        # one name would show different readers different content.
        key = info.filename.casefold()
        if key in seen:
            raise Refused("bad_part_name", f"{info.filename} twice")
        seen.add(key)
    encrypted = [info.filename for info in infos if info.flag_bits & 0x1]
    if encrypted:
        raise Refused("encrypted", encrypted[0], encrypted)
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > limits.part_bytes:
            raise _bomb(f"{info.filename}: {info.file_size:,} bytes")
        if info.file_size > RATIO_FLOOR and info.file_size > limits.ratio * max(
                info.compress_size, 1):
            raise _bomb(f"{info.filename}: ratio {info.file_size // max(info.compress_size, 1)}")
    if total > limits.total_bytes:
        raise _bomb(f"{total:,} bytes in all")


class _Budget:
    """Counts bytes actually inflated: the declared sizes may lie."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.total = 0

    def take(self, info: zipfile.ZipInfo, member_so_far: int, size: int) -> None:
        self.total += size
        done = member_so_far + size
        if done > self.limits.part_bytes or self.total > self.limits.total_bytes:
            raise _bomb(f"{info.filename}: more than declared")
        if done > RATIO_FLOOR and done > self.limits.ratio * max(info.compress_size, 1):
            raise _bomb(f"{info.filename}: ratio above {self.limits.ratio}")


def read_member(zf: zipfile.ZipFile, name: str, cap: int) -> bytes:
    """A part's bytes, refusing to inflate more than ``cap``."""
    info = zf.getinfo(name)
    out = bytearray()
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(CHUNK):
                out += chunk
                if len(out) > cap:
                    raise _bomb(f"{name}: more than {cap:,} bytes")
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise Refused("corrupt", f"{name}: {exc}") from exc
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


def _scanner(name: str, limits: Limits) -> SheetScan | OdsScan | None:
    if _WORKSHEET.match(name):
        return SheetScan(name, limits)
    if name == "content.xml":
        return OdsScan(name, limits)
    return None


def scan(zf: zipfile.ZipFile, limits: Limits, *, hashes: bool = True) -> ScanResult:
    """Inflate every part once with caps: SHA-256 per part (unless ``hashes`` is false),
    sheet ranges, DTDs and active content.

    Raises :class:`Refused` for a bomb, a sheet too large or a corrupt part;
    DTDs and active content are *returned*, as a bundle's verdict depends on where.
    """
    result = ScanResult()
    budget = _Budget(limits)
    for info in zf.infolist():
        try:
            digest, head = _read_part(zf, info, budget, _scanner(info.filename, limits),
                                      hashes)
        except NeedsExact:
            # Unusual sheet XML: once more from the start, counting row by row.
            digest, head = _read_part(zf, info, budget,
                                      SheetScan(info.filename, limits, exact=True), hashes)
        result.hashes[info.filename] = digest
        for pattern, reason, what in _ACTIVE_NAMES:
            if pattern.search(info.filename):
                result.active.append(Active(info.filename, what, reason))
        if _is_xml(info.filename) and head and _has_dtd(head):
            # Refused, never resolved: the sheet scanner reads tags, not entities.
            result.active.append(Active(info.filename, "DTD", "dtd"))
    if "[Content_Types].xml" in result.hashes and not any(
            a.part == "[Content_Types].xml" for a in result.active):
        result.active += _active_types(read_member(zf, "[Content_Types].xml", 4 * 2**20))
    return result


def _read_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget,
               sheet: SheetScan | OdsScan | None, hashes: bool) -> tuple[str, bytes]:
    """Inflate one part under the budget: (its SHA-256 or "", its first bytes)."""
    digest = hashlib.sha256() if hashes else None
    size = 0
    head = b""
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(CHUNK):
                budget.take(info, size, len(chunk))
                size += len(chunk)
                if digest is not None:
                    digest.update(chunk)
                if len(head) < _HEAD:
                    head += chunk[:_HEAD - len(head)]
                if sheet is not None:
                    sheet.feed(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
            NotImplementedError) as exc:
        raise Refused("corrupt", f"{info.filename}: {exc}") from exc
    if sheet is not None:
        sheet.finish()
    return ("" if digest is None else digest.hexdigest()), head


def _active_types(data: bytes) -> list[Active]:
    found = []
    for node in parse_xml(data).iter():
        content_type = (node.get("ContentType") or "").lower()
        for word, reason in _ACTIVE_TYPES:
            if word in content_type:
                where = node.get("PartName") or ("*." + (node.get("Extension") or ""))
                found.append(Active(where, content_type, reason))
                break
    return found


def parse_xml(data: bytes) -> Element:
    """Parse XML from an untrusted file: no DTD, no entities, no external anything."""
    try:
        root: Element = SafeET.fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, ParseError, ValueError) as exc:
        raise Refused("dtd" if isinstance(exc, DefusedXmlException) else "corrupt",
                      f"XML: {exc}") from exc
    return root
