"""An OLE compound file (legacy ``.xls``, or an encrypted Office file) checked before calamine.

Bounded walk of the container (MS-CFB): sector chains are followed at most
once each, the directory may hold only so many entries, and no stream may
claim more than the file holds. Its directory names tell an encrypted
OOXML package (``EncryptedPackage``), VBA (``_VBA_PROJECT_CUR``) and embedded
objects (``ObjectPool``). Then the workbook stream's records (MS-XLS, BIFF8)
are walked once: ``FILEPASS`` is a password, ``SUPBOOK`` naming another file is
an external link, a macro or VB module sheet is a macro, and each
worksheet's declared ``DIMENSIONS`` and the row and column of every cell that
holds a value bound the range calamine would allocate.
"""

from __future__ import annotations

import struct

from fieldsurvey.filegate.errors import Refused
from fieldsurvey.filegate.limits import Limits

CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_END_OF_CHAIN = 0xFFFFFFFE
_MAX_REGULAR = 0xFFFFFFFA
_ENCRYPTED = {"encryptedpackage", "encryptioninfo", "dataspaces"}
_MACRO = {"_vba_project_cur", "_vba_project", "vba", "macros", "project", "projectwm"}
_EMBEDDED = {"objectpool"}
_WORKBOOK = ("workbook", "book")
# BIFF8 records: cells that hold a value (BLANK and MULBLANK are formatting only).
_CELLS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0205, 0x0204, 0x00D6}
_MULRK, _DIMENSIONS, _BOUNDSHEET, _FILEPASS, _SUPBOOK, _EOF = (
    0x00BD, 0x0200, 0x0085, 0x002F, 0x01AE, 0x000A)
_MAX_RECORDS = 3_000_000


def _corrupt(what: str) -> Refused:
    return Refused("corrupt", what)


class _Container:
    def __init__(self, data: bytes, limits: Limits) -> None:
        if len(data) < 512 or data[:8] != CFB_MAGIC:
            raise Refused("not_a_workbook")
        (shift, mini_shift, n_fat, first_dir, self.cutoff, first_minifat, n_minifat,
         first_difat, n_difat) = struct.unpack_from("<HH6xxxxxIIxxxxIIIII", data, 30)
        if shift not in (9, 12) or mini_shift != 6:
            raise _corrupt(f"sector size 2^{shift}")
        self.data = data
        self.size = 1 << shift
        self.sectors = (len(data) - 512) // self.size + 1
        if n_fat > self.sectors or n_difat > self.sectors or n_minifat > self.sectors:
            raise _corrupt(f"{n_fat:,} FAT sectors in {self.sectors:,}")
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 76) if s <= _MAX_REGULAR]
        per = self.size // 4
        for sector in self._walk_difat(first_difat, n_difat, per):
            fat_sectors += [s for s in self._ints(sector)[:per - 1] if s <= _MAX_REGULAR]
        self.fat: list[int] = []
        for sector in fat_sectors[:n_fat]:
            self.fat += self._ints(sector)
        self.entries = self._directory(first_dir, limits)
        self.minifat: list[int] = []
        for sector in self.chain(first_minifat):
            self.minifat += self._ints(sector)
        root = self.entries[0] if self.entries else ("", 5, _END_OF_CHAIN, 0)
        self.ministream = self._read(root[2], root[3], mini=False)

    def _sector(self, n: int) -> bytes:
        start = (n + 1) * self.size  # the header fills sector -1
        if n > _MAX_REGULAR or start >= len(self.data):
            raise _corrupt(f"sector {n} past the end")
        return self.data[start:start + self.size]

    def _ints(self, n: int) -> list[int]:
        block = self._sector(n).ljust(self.size, b"\0")
        return list(struct.unpack(f"<{self.size // 4}I", block))

    def _walk_difat(self, first: int, count: int, per: int) -> list[int]:
        out: list[int] = []
        sector = first
        while sector <= _MAX_REGULAR and len(out) < count:
            out.append(sector)
            sector = self._ints(sector)[per - 1]
        return out

    def chain(self, start: int, table: list[int] | None = None) -> list[int]:
        """The sectors of a chain, each at most once (a loop is corruption, not a hang)."""
        table = self.fat if table is None else table
        out: list[int] = []
        seen: set[int] = set()
        sector = start
        while sector <= _MAX_REGULAR:
            if sector in seen or sector >= len(table):
                raise _corrupt(f"broken sector chain at {sector}")
            seen.add(sector)
            out.append(sector)
            sector = table[sector]
        return out

    def _directory(self, first: int, limits: Limits) -> list[tuple[str, int, int, int]]:
        raw = b"".join(self._sector(s) for s in self.chain(first))
        entries = []
        for offset in range(0, len(raw) - 127, 128):
            length, kind = struct.unpack_from("<HB", raw, offset + 64)
            start, size = struct.unpack_from("<IQ", raw, offset + 116)
            if kind == 0:
                continue
            name = raw[offset:offset + max(min(length, 64) - 2, 0)].decode("utf-16-le", "replace")
            entries.append((name, kind, start, size))
            if len(entries) > limits.parts:
                raise Refused("too_many_parts", f"{len(entries):,} entries")
        return entries

    def _read(self, start: int, size: int, *, mini: bool) -> bytes:
        if size > len(self.data):
            raise _corrupt(f"a stream of {size:,} bytes in a file of {len(self.data):,}")
        if mini:
            chunks = [self.ministream[s * 64:(s + 1) * 64]
                      for s in self.chain(start, self.minifat)]
        else:
            chunks = [self._sector(s) for s in self.chain(start)]
        return b"".join(chunks)[:size]

    def stream(self, entry: tuple[str, int, int, int]) -> bytes:
        _, _, start, size = entry
        return self._read(start, size, mini=size < self.cutoff)


def check_ole(data: bytes, limits: Limits) -> None:
    """Refuse an OLE file that is encrypted, has macros or objects, or a sheet too large."""
    if len(data) > limits.file_bytes:
        raise Refused("too_large", f"{len(data):,} bytes")
    try:
        box = _Container(data, limits)
    except (struct.error, IndexError, MemoryError) as exc:
        raise _corrupt(f"OLE: {exc}") from exc
    for name, _, _, _ in box.entries:
        folded = name.casefold()
        if folded in _ENCRYPTED or folded.lstrip("\x06") in _ENCRYPTED:
            raise Refused("encrypted", name.strip("\x00\x06"))
        if folded in _MACRO:
            raise Refused("macro", f"{name} (VBA)")
        if folded in _EMBEDDED:
            raise Refused("active_content", f"{name} (embedded objects)")
    books = [e for e in box.entries if e[1] == 2 and e[0].casefold() in _WORKBOOK]
    if not books:
        raise Refused("not_a_workbook", "no Workbook stream")
    try:
        _check_biff(box.stream(books[0]), limits)
    except (struct.error, IndexError) as exc:
        raise _corrupt(f"Workbook stream: {exc}") from exc


def _check_biff(stream: bytes, limits: Limits) -> None:
    sheets: list[tuple[int, str]] = []
    offset, count = 0, 0
    while offset + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, offset)
        body = stream[offset + 4:offset + 4 + length]
        if kind == _FILEPASS:
            raise Refused("encrypted", "FILEPASS")
        if kind == _SUPBOOK and len(body) >= 4 and \
                struct.unpack_from("<H", body, 2)[0] not in (0x0401, 0x3A01):
            raise Refused("external_link", "SUPBOOK")
        if kind == _BOUNDSHEET and len(body) >= 6:
            position, sheet_type = struct.unpack_from("<IxB", body)
            if sheet_type in (1, 6):
                raise Refused("macro", "macro sheet" if sheet_type == 1 else "VB module")
            if sheet_type == 0:
                sheets.append((position, f"sheet {len(sheets) + 1}"))
        offset += 4 + length
        count += 1
        if kind == _EOF or count > _MAX_RECORDS:
            break
    for position, name in sheets:
        _check_sheet(stream, position, name, limits)


def _check_sheet(stream: bytes, offset: int, name: str, limits: Limits) -> None:
    max_row = max_col = count = 0
    while offset + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, offset)
        if kind in _CELLS and length >= 4:
            row, col = struct.unpack_from("<HH", stream, offset + 4)
            max_row, max_col = max(max_row, row + 1), max(max_col, col + 1)
        elif kind == _MULRK and length >= 6:
            row = struct.unpack_from("<H", stream, offset + 4)[0]
            last = struct.unpack_from("<H", stream, offset + 4 + length - 2)[0]
            max_row, max_col = max(max_row, row + 1), max(max_col, last + 1)
        elif kind == _DIMENSIONS and length >= 12:
            r0, r1, c0, c1 = struct.unpack_from("<IIHH", stream, offset + 4)
            declared = max(r1 - r0, 0) * max(c1 - c0, 0)
            if declared > limits.declared_area:
                raise Refused("sheet_too_large", f"{name} declares {r1 - r0:,} rows x "
                              f"{c1 - c0:,} columns")
        elif kind == _EOF:
            break
        offset += 4 + length
        count += 1
        if count > _MAX_RECORDS:
            raise Refused("sheet_too_large", f"{name}: more than {_MAX_RECORDS:,} records")
    if max_row * max_col > limits.area:
        raise Refused("sheet_too_large", f"{name} holds {max_row:,} rows x {max_col:,} columns")
