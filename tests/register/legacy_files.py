"""Writers for the old binary formats no installed package writes: .xls and OLE containers.

Civil-affairs offices still send BIFF8 ``.xls`` lists, and a password-protected
``.xlsx`` is an OLE compound file holding an ``EncryptedPackage`` stream. Both
are written here byte by byte (MS-CFB, MS-XLS), just enough for a reader:
one 512-byte-sector compound file with a single stream, and a workbook
stream with shared strings, numbers and merged ranges.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

_END = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_FAT = 0xFFFFFFFD
_NONE = 0xFFFFFFFF
_SECTOR = 512
# Streams shorter than this live in the mini stream, which this writer does not do.
_MINI_CUTOFF = 4096


def _dir_entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return struct.pack(
        "<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, _NONE, _NONE, child,
        b"\0" * 16, 0, 0, 0, start, size)


def compound_file(stream_name: str, data: bytes) -> bytes:
    """An OLE compound file (version 3) holding one stream."""
    data = data.ljust(_MINI_CUTOFF, b"\0")
    data += b"\0" * (-len(data) % _SECTOR)
    sectors = len(data) // _SECTOR
    assert sectors + 2 <= _SECTOR // 4, "one FAT sector is enough for these tests"
    fat = [_FAT, _END] + [2 + i + 1 for i in range(sectors - 1)] + [_END]
    fat += [_FREE] * (_SECTOR // 4 - len(fat))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x3E, 3,
        0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0, _MINI_CUTOFF, _END, 0, _END, 0)
    header += struct.pack("<109I", 0, *([_FREE] * 108))
    directory = (_dir_entry("Root Entry", 5, 1, _END, 0)
                 + _dir_entry(stream_name, 2, _NONE, 2, len(data))
                 + b"".join(_dir_entry("", 0, _NONE, 0, 0) for _ in range(2)))
    return header + struct.pack(f"<{_SECTOR // 4}I", *fat) + directory + data


def _record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x0206))


def xls_workbook(sheet: str, rows: Sequence[Sequence[object]],
                 merged: Sequence[tuple[int, int, int, int]] = ()) -> bytes:
    """A BIFF8 .xls with one sheet: str and number cells; merged (row0, row1, col0, col1)."""
    strings: list[str] = []
    cells = b""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                strings.append(value)
                cells += _record(0x00FD, struct.pack("<HHHI", r, c, 15, len(strings) - 1))
            else:
                assert isinstance(value, int | float)
                cells += _record(0x0203, struct.pack("<HHHd", r, c, 15, float(value)))
    sst = struct.pack("<II", len(strings), len(strings)) + b"".join(
        struct.pack("<HB", len(s), 1) + s.encode("utf-16-le") for s in strings)
    width = max((len(r) for r in rows), default=0)
    body = (_bof(0x0010)
            + _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
            + cells
            + (_record(0x00E5, struct.pack("<H", len(merged)) + b"".join(
                struct.pack("<HHHH", *m) for m in merged)) if merged else b"")
            + _record(0x000A, b""))
    name = struct.pack("<BB", len(sheet), 1) + sheet.encode("utf-16-le")

    def globals_part(offset: int) -> bytes:
        return (_bof(0x0005) + _record(0x0042, struct.pack("<H", 1200))
                + _record(0x0085, struct.pack("<IBB", offset, 0, 0) + name)
                + _record(0x00FC, sst) + _record(0x000A, b""))

    head = globals_part(0)
    return compound_file("Workbook", globals_part(len(head)) + body)
