"""Read a verified bundle back into exactly the records that were exported.

The file is loaded once into memory, so what is checked (sizes, active content,
part hashes against the manifest) is what calamine then reads. The signature
itself is :func:`verify_bundle`'s job: call that first.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from fieldsurvey.bundles.cells import CellTypeError, read_answer
from fieldsurvey.bundles.common import MANIFEST_PART, OWN_PARTS, BundleError
from fieldsurvey.bundles.layout import LIST_TYPES, BundleLayout, SheetLayout
from fieldsurvey.bundles.manifest import parse_manifest
from fieldsurvey.bundles.records import BundleContents, OrganizationRecord, VisitRecord
from fieldsurvey.bundles.verify import MAX_MANIFEST_BYTES, refusal
from fieldsurvey.filegate import BUNDLE, Refused, open_zip, read_bounded, read_member, scan
from fieldsurvey.messages import Message

Row = Sequence[Any]


def _refuse(detail: str) -> BundleError:
    return BundleError(Message("bundle.unreadable", {"detail": detail}))


def read_bundle(path: Path) -> BundleContents:
    """The visits, tombstones and organizations of a bundle; :class:`BundleError` if not."""
    try:
        data = read_bounded(path, BUNDLE.file_bytes)
    except Refused as exc:
        if exc.reason == "too_large":
            raise BundleError(Message("bundle.zip_bomb")) from exc
        raise _refuse(exc.found or exc.reason) from exc
    try:
        with open_zip(data, BUNDLE) as zf:
            found = scan(zf, BUNDLE)
            if found.active:
                raise _refuse("; ".join(str(a) for a in found.active))
            if MANIFEST_PART not in found.hashes:
                raise _refuse(f"{MANIFEST_PART} missing")
            manifest = parse_manifest(read_member(zf, MANIFEST_PART, MAX_MANIFEST_BYTES))
    except Refused as exc:
        raise BundleError(refusal(exc)[1]) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise _refuse(f"{MANIFEST_PART}: {exc}") from exc
    parts = {k: v for k, v in found.hashes.items() if k not in OWN_PARTS}
    if parts != manifest["parts"]:
        raise _refuse("the parts differ from the manifest (verify the bundle first)")
    return read_verified(data, manifest)


def read_verified(data: bytes, manifest: dict[str, Any]) -> BundleContents:
    """The records of bundle bytes that :func:`verify_bundle` found valid, and of its
    manifest: the same bytes, so the parts were scanned and hashed once already."""
    try:
        layout = BundleLayout.from_json(manifest["layout"])
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return _Decoder(layout, book).contents(manifest)
    except (CalamineError, ValueError, KeyError, TypeError, IndexError) as exc:
        if isinstance(exc, CellTypeError | _Malformed):
            raise _refuse(str(exc)) from exc
        raise _refuse(f"{type(exc).__name__}: {exc}") from exc


class _Malformed(ValueError):
    pass


def _time(value: Any, where: str) -> dt.datetime | None:
    if value == "":
        return None
    moment = dt.datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise _Malformed(f"{where}: timestamp without zone")
    return moment


def _int(value: Any, where: str) -> int:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _Malformed(f"{where}: not a whole number")


class _Decoder:
    def __init__(self, layout: BundleLayout, book: CalamineWorkbook) -> None:
        self.layout = layout
        self.book = book
        self.types = layout.types

    def rows(self, sheet: SheetLayout) -> list[list[Any]]:
        rows = self.book.get_sheet_by_name(sheet.title).to_python(skip_empty_area=False)
        width = len(sheet.columns)
        if len(rows) < 2 or tuple(rows[1][:width]) != sheet.columns or \
                any(c != "" for row in rows for c in row[width:]):
            raise _Malformed(f"sheet {sheet.title}: columns differ from the manifest")
        return [[*row, *([""] * (width - len(row)))] for row in rows[2:]]

    def answers(self, sheet: SheetLayout, row: Row, where: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        base = len(sheet.meta)
        codes = base + len(sheet.fields)
        code_col = {name: codes + i for i, name in enumerate(sheet.selects)}
        for i, name in enumerate(sheet.fields):
            qtype = self.types[name]
            if name in code_col:
                value = row[code_col[name]]
                if value == "":
                    continue
                if not isinstance(value, str):
                    raise _Malformed(f"{where} {name}: a code must be text")
                out[name] = value.split() if qtype == "select_multiple" else value
            elif row[base + i] != "":
                try:
                    out[name] = read_answer(qtype, row[base + i])
                except CellTypeError as exc:
                    raise _Malformed(f"{where} {name}: {exc}") from None
        blank, extra = row[-2], row[-1]
        for name in str(blank).split():
            out[name] = [] if self.types.get(name) in LIST_TYPES else ""
        if extra != "":
            loaded = json.loads(str(extra))
            if not isinstance(loaded, dict):
                raise _Malformed(f"{where}: #extra is not an object")
            out.update(loaded)
        return out

    def contents(self, manifest: dict[str, Any]) -> BundleContents:
        visits: list[VisitRecord] = []
        tombstones: list[VisitRecord] = []
        by_id: dict[str, dict[str, Any]] = {}
        rows: dict[str, int] = {}
        sheet = self.layout.visits
        for n, row in enumerate(self.rows(sheet), 3):
            where = f"{sheet.title} row {n}"
            deleted = _time(row[9], where)
            record = VisitRecord(
                str(row[0]), str(row[1]), _int(row[2], where), str(row[3]), str(row[4]),
                str(row[5]), str(row[6]), _time(row[7], where) or _missing(where),
                _time(row[8], where) or _missing(where), deleted,
                None if row[10] == "" else str(row[10]), self.answers(sheet, row, where))
            (tombstones if deleted is not None else visits).append(record)
            by_id[record.visit_id] = record.answers
            rows[record.visit_id] = n
        for repeat in self.layout.repeats:
            self._attach(repeat, by_id)
        orgs = [self._organization(row, n) for n, row in
                enumerate(self.rows(self.layout.register), 3)]
        return BundleContents(visits, tombstones, orgs, manifest, rows)

    def _chain(self, sheet: SheetLayout) -> list[str]:
        """The enclosing repeats of a nested repeat sheet, outermost first."""
        parents = {s.repeat: s.parent for s in self.layout.repeats}
        chain: list[str] = []
        parent = sheet.parent
        while parent is not None:
            chain.insert(0, parent)
            parent = parents.get(parent)
        return chain

    def _attach(self, sheet: SheetLayout, by_id: Mapping[str, dict[str, Any]]) -> None:
        chain = self._chain(sheet)
        assert sheet.repeat is not None
        for n, row in enumerate(self.rows(sheet), 3):
            where = f"{sheet.title} row {n}"
            key = row[1]
            path = [_int(key, where)] if not isinstance(key, str) else [
                int(p) for p in key.split(".")]
            if str(row[0]) not in by_id or len(path) != len(chain) + 1:
                raise _Malformed(f"{where}: no such visit or instance")
            container = by_id[str(row[0])]
            for name, index in zip(chain, path, strict=False):
                container = container[name][index - 1]
            instances = container.setdefault(sheet.repeat, [])
            if len(instances) != path[-1] - 1:
                raise _Malformed(f"{where}: instances out of order")
            instances.append(self.answers(sheet, row, where))

    def _organization(self, row: Row, n: int) -> OrganizationRecord:
        where = f"{self.layout.register.title} row {n}"
        blanks = set(str(row[-1]).split())
        names = self.layout.register.meta
        values: dict[str, Any] = {}
        for i, name in enumerate(names):
            cell = row[i]
            if name in ("created_at", "updated_at"):
                values[name] = _time(cell, where) or _missing(where)
            elif cell == "":
                values[name] = "" if name in blanks else None
            else:
                values[name] = str(cell)
        return OrganizationRecord(**values)


def _missing(where: str) -> dt.datetime:
    raise _Malformed(f"{where}: timestamp missing")
