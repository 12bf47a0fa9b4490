"""Hostile OLE (.xls, encrypted Office) and ODS files, built byte by byte.

The compound-file writer here takes several entries (streams and storages),
which the register tests' single-stream writer cannot: VBA lives in a
storage beside the workbook stream.
"""

from __future__ import annotations

import io
import struct
import zipfile

_END, _FREE, _FAT, _NONE, _SECTOR = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF, 512


def _entry(name: str, kind: int, start: int, size: int, sibling: int, child: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return struct.pack("<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, _NONE, sibling,
                       child, b"\0" * 16, 0, 0, 0, start, size)


def compound(entries: list[tuple[str, int, bytes]], *, fat_loop: bool = False) -> bytes:
    """An OLE file (version 3): ``(name, kind, data)``, kind 2 a stream, 1 a storage.

    Entries hang in one sibling chain under the root; streams are padded to
    4096 bytes so none lives in the mini stream.
    """
    blobs, fat, next_sector = [], [], 2  # sector 0 the FAT, sector 1 the directory
    directory = b""
    n = len(entries)
    for i, (name, kind, content) in enumerate(entries):
        start, size = _END, 0
        if kind == 2:
            data = content.ljust(4096, b"\0")
            data += b"\0" * (-len(data) % _SECTOR)
            count = len(data) // _SECTOR
            start, size = next_sector, len(data)
            fat += [next_sector + k + 1 for k in range(count - 1)] + [_END]
            next_sector += count
            blobs.append(data)
        directory += _entry(name, kind, start, size, i + 2 if i + 1 < n else _NONE, _NONE)
    root = _entry("Root Entry", 5, _END, 0, _NONE, 1 if n else _NONE)
    directory = root + directory
    assert len(directory) <= _SECTOR, "one directory sector is enough for these files"
    directory = directory.ljust(_SECTOR, b"\0")
    table = [_FAT, _END, *fat]
    if fat_loop:
        table[1] = 1  # the directory chain points at itself
    assert len(table) <= _SECTOR // 4, "one FAT sector is enough for these files"
    table += [_FREE] * (_SECTOR // 4 - len(table))
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", bytes.fromhex("D0CF11E0A1B11AE1"),
                         b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0, 4096, _END,
                         0, _END, 0)
    header += struct.pack("<109I", 0, *([_FREE] * 108))
    return header + struct.pack(f"<{_SECTOR // 4}I", *table) + directory + b"".join(blobs)


def record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _bof(kind: int) -> bytes:
    return record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x0206))


def biff(cells: bytes, *, globals_extra: bytes = b"", sheet_type: int = 0,
         dimensions: tuple[int, int, int, int] = (0, 2, 0, 2)) -> bytes:
    """A BIFF8 workbook stream: one sheet with ``cells`` (records) and its DIMENSIONS."""
    name = struct.pack("<BB", 2, 1) + "名录".encode("utf-16-le")
    body = (_bof(0x0010) + record(0x0200, struct.pack("<IIHHH", *dimensions, 0)) + cells
            + record(0x000A, b""))

    def globals_part(offset: int) -> bytes:
        return (_bof(0x0005) + record(0x0042, struct.pack("<H", 1200)) + globals_extra
                + record(0x0085, struct.pack("<IBB", offset, 0, sheet_type) + name)
                + record(0x000A, b""))

    return globals_part(len(globals_part(0))) + body


def number(row: int, col: int, value: float = 1.0) -> bytes:
    return record(0x0203, struct.pack("<HHHd", row, col, 15, value))


def xls(cells: bytes = b"", **kwargs: object) -> bytes:
    return compound([("Workbook", 2, biff(cells or number(0, 0), **kwargs))])  # type: ignore[arg-type]


def xls_far_cell() -> bytes:
    """One value at the last row and column of BIFF8 (65,536 x 256: 16.7 M cells)."""
    return xls(number(0, 0) + number(65535, 255))


def xls_lying_dimensions() -> bytes:
    return xls(dimensions=(0, 65536, 0, 256))


def xls_password() -> bytes:
    """FILEPASS: the workbook stream is encrypted (RC4) after this record."""
    return xls(globals_extra=record(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\0" * 48))


def xls_external_link() -> bytes:
    """A SUPBOOK naming another workbook (not the self-reference 0x0401)."""
    path = "\\\\server\\share\\other.xls"
    body = struct.pack("<HHB", 1, len(path), 0) + path.encode("latin-1")
    return xls(globals_extra=record(0x01AE, body))


def xls_macro_storage() -> bytes:
    return compound([("Workbook", 2, biff(number(0, 0))), ("_VBA_PROJECT_CUR", 1, b""),
                     ("VBA", 1, b"")])


def xls_macro_sheet() -> bytes:
    """An Excel 4.0 macro sheet (BOUNDSHEET type 1): macros without any VBA."""
    return xls(sheet_type=1)


def encrypted_xlsx() -> bytes:
    """An xlsx with an open password: an OLE file with EncryptionInfo and EncryptedPackage."""
    return compound([("EncryptionInfo", 2, b"\x04\x00\x04\x00" + b"\0" * 200),
                     ("EncryptedPackage", 2, b"\x01" * 5000)])


def ole_loop() -> bytes:
    """A directory chain that points at itself: a reader that follows it never stops."""
    return compound([("Workbook", 2, biff(number(0, 0)))], fat_loop=True)


def ole_huge_stream() -> bytes:
    """A directory entry claiming a 4 GiB workbook stream in a 10 KB file."""
    data = bytearray(compound([("Workbook", 2, biff(number(0, 0)))]))
    entry = 512 + 512 + 128  # header, FAT sector, then the root entry
    data[entry + 120:entry + 128] = struct.pack("<Q", 2**32)
    return bytes(data)


# --------------------------------------------------------------------------------- ODS

_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
_ODS_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                 '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                 '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
                 'vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
                 '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
ODS_HEADER = ('<table:table-row><table:table-cell office:value-type="string"><text:p>单位名称'
              '</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell '
              'office:value-type="string"><text:p>甲协会</text:p></table:table-cell>'
              '</table:table-row>')
# What LibreOffice writes after the data: the rest of the sheet as empty runs.
ODS_TRAILER = ('<table:table-row table:number-rows-repeated="1048574"><table:table-cell '
               'table:number-columns-repeated="16384"/></table:table-row>')


def ods(rows: str, namespaces: str = _ODS_NS) -> bytes:
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {namespaces}>'
               '<office:body><office:spreadsheet><table:table table:name="名录">'
               f"{rows}</table:table></office:spreadsheet></office:body>"
               "</office:document-content>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
    return out.getvalue()


def ods_repeated_values() -> bytes:
    """A value repeated over 16,384 columns in a row repeated a million times."""
    return ods(ODS_HEADER + '<table:table-row table:number-rows-repeated="1000000">'
               '<table:table-cell table:number-columns-repeated="16384" office:value-type='
               '"float" office:value="1"><text:p>1</text:p></table:table-cell>'
               "</table:table-row>")


def ods_far_value() -> bytes:
    """Empty rows repeated a million times, then one value: the range spans them all."""
    return ods(ODS_HEADER + '<table:table-row table:number-rows-repeated="1000000">'
               '<table:table-cell/></table:table-row><table:table-row><table:table-cell '
               'table:number-columns-repeated="30"/><table:table-cell office:value-type="float" '
               'office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>')


def ods_other_prefix() -> bytes:
    """The table namespace under another prefix, so a ``table:`` search sees no rows."""
    rows = ODS_HEADER.replace("table:", "t:")
    return ods(rows, _ODS_NS.replace("xmlns:table=", "xmlns:t="))
