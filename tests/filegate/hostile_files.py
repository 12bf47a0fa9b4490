"""Hostile spreadsheet files, built byte by byte: one builder per class of attack.

Shared by the tests (``tests/filegate``) and the benchmark
(``bench/bench_filegate.py``, which measures each class's worst file in a
child process). Every builder returns bytes; :data:`CLASSES` names them all.
"""

from __future__ import annotations

import functools
import io
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CT_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="{main}"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxml'
            'formats-officedocument.spreadsheetml.worksheet+xml"/>{extra}</Types>')
_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxml'
         'formats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
         'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/'
         'workbook.xml"/></Relationships>')
_WORKBOOK = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="http://'
             'schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name='
             '"名录" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxml'
            'formats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas'
            '.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
            'sheet1.xml"/></Relationships>')
HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>单位名称</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>统一社会信用代码</t></is></c></row>'
              '<row r="2"><c r="A2" t="inlineStr"><is><t>甲协会</t></is></c></row>')


def sheet_xml(rows: str = HEADER_ROW, dimension: str | None = "A1:B2",
              prolog: str = "") -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN}">{dim}'
            f"<sheetData>{rows}</sheetData></worksheet>").encode()


def xlsx(sheet: bytes | None = None, *, extra: dict[str, bytes] | None = None,
         content_types: str = "", macro: bool = False,
         workbook: bytes | None = None) -> bytes:
    """A minimal xlsx (one sheet "名录") with ``extra`` parts added as they are."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT_HEAD.format(
            main=_XLSM_MAIN if macro else _XLSX_MAIN, extra=content_types))
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", workbook or _WORKBOOK.encode())
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet or sheet_xml())
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


# ----------------------------------------------------------------- sparse huge ranges

def far_cell() -> bytes:
    """One value at XFD1048576 (calamine asks for 512 GiB), honest dimension."""
    return xlsx(sheet_xml(HEADER_ROW + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))


def lying_dimension() -> bytes:
    """Two cells, a sheet that declares A1:XFD1048576."""
    return xlsx(sheet_xml(dimension="A1:XFD1048576"))


def wide_and_long() -> bytes:
    """Each dimension plausible, the product not: AZ and row 200,000."""
    return xlsx(sheet_xml(HEADER_ROW + '<row r="200000"><c r="AZ200000"><v>1</v></c></row>',
                          dimension=None))


def cells_without_r() -> bytes:
    """No ``r`` anywhere: 20,000 cells in one row, then 200 rows; only counting finds it."""
    wide = "<row>" + "<c><v>1</v></c>" * 20_000 + "</row>"
    return xlsx(sheet_xml(wide + "<row><c><v>2</v></c></row>" * 200, dimension=None))


def prefixed_and_quoted() -> bytes:
    """A namespace prefix and single quotes, so a naive ``<c r="`` search finds nothing."""
    body = (f"<?xml version='1.0'?><x:worksheet xmlns:x='{MAIN}'><x:sheetData>"
            "<x:row r='1'><x:c r='A1'><x:v>1</x:v></x:c></x:row><x:row r='900000'>"
            "<x:c r='ZZ900000' t='n'><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>")
    return xlsx(body.encode())


# ----------------------------------------------------------------------------- bombs

def _raw_zip(members: list[tuple[str, bytes]], level: int = 9) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, data in members:
            z.writestr(name, data)
    return out.getvalue()


def ratio_bomb(size: int = 64 * 2**20) -> bytes:
    """A sheet of ``size`` bytes of one repeated row, deflated about 300:1 (streamed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT_HEAD.format(main=_XLSX_MAIN, extra=""))
        z.writestr("xl/workbook.xml", _WORKBOOK)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(sheet_xml(dimension=None)[:-len("</sheetData></worksheet>")])
            block = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20_000
            for _ in range(size // len(block)):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
    return out.getvalue()


def lying_sizes(size: int = 64 * 2**20) -> bytes:
    """A part whose headers declare 100 bytes but that inflates to ``size`` zeros.

    zipfile stops at the declared size, so the CRC fails: refused as corrupt.
    """
    data = bytearray(_raw_zip([("xl/worksheets/sheet1.xml", b"\0" * size)]))
    # The sizes sit in the local header (offset 22) and the central directory (offset 24).
    for sig, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.find(sig)
        data[start + at:start + at + 4] = struct.pack("<I", 100)
    return bytes(data)


def many_parts() -> bytes:
    """50,000 empty parts: every reader builds a table of them first."""
    return _raw_zip([(f"xl/media/p{i}.xml", b"") for i in range(50_000)], level=1)


def overlapping_parts() -> bytes:
    """Fifield's overlap: 200 directory entries share one 10 MB deflate stream of zeros."""
    stream = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = stream.compress(b"\0" * (10 * 2**20)) + stream.flush()
    crc = zlib.crc32(b"\0" * (10 * 2**20))
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(packed),
                        10 * 2**20, 6, 0) + b"a0.xml" + packed
    central = b""
    for i in range(200):
        name = f"a{i}.xml".encode()
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc,
                               len(packed), 10 * 2**20, len(name), 0, 0, 0, 0, 0, 0) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 200, 200, len(central), len(local), 0)
    return local + central + end


# ------------------------------------------------------------------ DTDs and entities

_LAUGHS = ('<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
           + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                     for i in range(9)) + "]>")


def billion_laughs() -> bytes:
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>&j;</t></is></c></row>'
    return xlsx(sheet_xml(rows, prolog=_LAUGHS))


def xxe() -> bytes:
    evil = ('<?xml version="1.0"?><!DOCTYPE workbook [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            + _WORKBOOK.split("?>", 1)[1].replace('name="名录"', 'name="&x;"'))
    return xlsx(workbook=evil.encode())


def utf16_dtd() -> bytes:
    """The DTD spelled in UTF-16, past a byte search for ``<!DOCTYPE``."""
    text = sheet_xml(prolog=_LAUGHS).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return xlsx(text.encode("utf-16"))


# ----------------------------------------------------------- part names and duplicates

def _with_names(names: list[str]) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w") as z:
        warnings.simplefilter("ignore")  # "Duplicate name" is the point here
        z.writestr("[Content_Types].xml", _CT_HEAD.format(main=_XLSX_MAIN, extra=""))
        for name in names:
            info = zipfile.ZipInfo("placeholder")
            info.filename = name  # ZipInfo would normalise what we want to keep
            z.writestr(info, b"<x/>")
    return out.getvalue()


def traversal() -> bytes:
    return _with_names(["xl/workbook.xml", "../../../../tmp/evil.xml"])


def absolute_name() -> bytes:
    return _with_names(["xl/workbook.xml", "/etc/cron.d/evil"])


def backslash_name() -> bytes:
    return _with_names(["xl/workbook.xml", "xl\\..\\..\\evil.xml"])


def duplicate_name() -> bytes:
    return _with_names(["xl/workbook.xml", "xl/worksheets/sheet1.xml",
                        "xl/worksheets/sheet1.xml"])


def case_duplicate() -> bytes:
    return _with_names(["xl/workbook.xml", "xl/worksheets/sheet1.xml",
                        "XL/Worksheets/Sheet1.xml"])


# ------------------------------------------------------------- active content (zip)

def xlsm() -> bytes:
    return xlsx(macro=True, extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 600},
                content_types='<Override PartName="/xl/vbaProject.bin" ContentType='
                              '"application/vnd.ms-office.vbaProject"/>')


def macro_type_only() -> bytes:
    """No vbaProject part, but the workbook's content type says macro-enabled."""
    return xlsx(macro=True)


def external_link() -> bytes:
    link = (f'<externalLink xmlns="{MAIN}"><externalBook r:id="rId1" xmlns:r="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships"/></externalLink>')
    return xlsx(extra={"xl/externalLinks/externalLink1.xml": link.encode()},
                content_types='<Override PartName="/xl/externalLinks/externalLink1.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                'externalLink+xml"/>')


def data_connection() -> bytes:
    return xlsx(extra={"xl/connections.xml": b"<connections/>"})


def _legacy() -> dict[str, Callable[[], bytes]]:
    import hostile_legacy as h

    return {
        "xls_far_cell": h.xls_far_cell, "xls_lying_dimensions": h.xls_lying_dimensions,
        "xls_password": h.xls_password, "xls_external_link": h.xls_external_link,
        "xls_macro_storage": h.xls_macro_storage, "xls_macro_sheet": h.xls_macro_sheet,
        "encrypted_xlsx": h.encrypted_xlsx, "ole_loop": h.ole_loop,
        "ole_huge_stream": h.ole_huge_stream, "ods_repeated_values": h.ods_repeated_values,
        "ods_far_value": h.ods_far_value, "ods_other_prefix": h.ods_other_prefix,
    }


#: Every hostile file by class, each with the gate's reason for refusing it.
CLASSES: dict[str, dict[str, tuple[Callable[[], bytes], str]]] = {
    "sparse huge range": {
        "far_cell": (far_cell, "sheet_too_large"),
        "lying_dimension": (lying_dimension, "sheet_too_large"),
        "wide_and_long": (wide_and_long, "sheet_too_large"),
        "cells_without_r": (cells_without_r, "sheet_too_large"),
        "prefixed_and_quoted": (prefixed_and_quoted, "sheet_too_large"),
    },
    "bomb": {
        "ratio_bomb": (ratio_bomb, "bomb"),
        "lying_sizes": (lying_sizes, "corrupt"),
        "many_parts": (many_parts, "too_many_parts"),
        "overlapping_parts": (overlapping_parts, "bomb"),
    },
    "entities": {
        "billion_laughs": (billion_laughs, "dtd"),
        "xxe": (xxe, "dtd"),
        "utf16_dtd": (utf16_dtd, "dtd"),
    },
    "part names": {
        "traversal": (traversal, "bad_part_name"),
        "absolute_name": (absolute_name, "bad_part_name"),
        "backslash_name": (backslash_name, "bad_part_name"),
        "duplicate_name": (duplicate_name, "bad_part_name"),
        "case_duplicate": (case_duplicate, "bad_part_name"),
    },
    "macros and links": {
        "xlsm": (xlsm, "macro"),
        "macro_type_only": (macro_type_only, "macro"),
        "external_link": (external_link, "external_link"),
        "data_connection": (data_connection, "active_content"),
    },
}


def all_classes() -> dict[str, dict[str, tuple[Callable[[], bytes], str]]]:
    """:data:`CLASSES` plus the OLE and ODS files of ``hostile_legacy``."""
    legacy = _legacy()
    reasons = {
        "xls_far_cell": "sheet_too_large", "xls_lying_dimensions": "sheet_too_large",
        "xls_password": "encrypted", "xls_external_link": "external_link",
        "xls_macro_storage": "macro", "xls_macro_sheet": "macro",
        "encrypted_xlsx": "encrypted", "ole_loop": "corrupt", "ole_huge_stream": "corrupt",
        "ods_repeated_values": "sheet_too_large", "ods_far_value": "sheet_too_large",
        "ods_other_prefix": "corrupt",
    }
    out = dict(CLASSES)
    out["OLE (xls, encrypted)"] = {k: (legacy[k], reasons[k]) for k in legacy
                                   if not k.startswith("ods")}
    out["ODS repeats"] = {k: (legacy[k], reasons[k]) for k in legacy if k.startswith("ods")}
    return out


#: (class, name, the gate's reason) for every hostile file, for parametrized tests.
HOSTILE = [(cls, name, reason) for cls, files in all_classes().items()
           for name, (_, reason) in files.items()]


@functools.cache
def hostile(name: str) -> bytes:
    """The bytes of the hostile file called ``name``, built once per process."""
    return next(files[name][0]() for files in all_classes().values() if name in files)
