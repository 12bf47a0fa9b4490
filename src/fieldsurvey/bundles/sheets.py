"""The workbook itself: data sheets with two header rows, the code lists, the cover.

Written with openpyxl in write-only mode (rows stream to disk). Every text goes
through :class:`CellWriter`, so no cell is ever a formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.cell.cell import Cell  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from fieldsurvey.bundles.common import SHEET_CODES, SHEET_COVER
from fieldsurvey.bundles.layout import REGISTER_FIELDS, BundleLayout, SheetLayout, headers
from fieldsurvey.bundles.records import OrganizationRecord, VisitRecord
from fieldsurvey.bundles.rows import RowEncoder
from fieldsurvey.bundles.rows import text_or_refuse as _text
from fieldsurvey.cellwriter import CellWriter
from fieldsurvey.forms.model import FormDefinition, pick_label
from fieldsurvey.messages import render

_BOLD = Font(bold=True)
_GREY = Font(color="808080", size=9)
_WRAP = Alignment(wrap_text=True, vertical="top")


def iso(moment: dt.datetime | None) -> str | None:
    # Record timestamps travel as ISO text: exact to the microsecond, with the zone.
    return None if moment is None else moment.isoformat()


class WorkbookBuilder:
    """Streams records into a write-only workbook laid out by a :class:`BundleLayout`."""

    def __init__(self, form: FormDefinition, layout: BundleLayout) -> None:
        self.form = form
        self.layout = layout
        self.workbook = Workbook(write_only=True)
        self.workbook.properties.creator = "fieldsurvey"
        self.cover = self.workbook.create_sheet(SHEET_COVER)
        self.sheets = {s.title: self._data_sheet(s) for s in layout.data_sheets}
        self.codes = self.workbook.create_sheet(SHEET_CODES)
        labels = {q.name: {c.name: pick_label(c.labels, "zh", form.default_language) or c.name
                           for c in form.choices.get(q.list_name or "", ())}
                  for q in form.questions() if q.is_select}
        self.encoders = {
            s.repeat: RowEncoder(s, layout.types, labels,
                                 [r.repeat or "" for r in layout.repeats if r.parent == s.repeat],
                                 CellWriter(self.sheets[s.title]))
            for s in (layout.visits, *layout.repeats)
        }
        self.repeat_sheet = {s.repeat: s.title for s in layout.repeats}
        self.visits = self.tombstones = self.organizations = 0
        self.instances = {s.repeat: 0 for s in layout.repeats if s.repeat}

    def _data_sheet(self, sheet: SheetLayout) -> Any:
        ws = self.workbook.create_sheet(sheet.title)
        ws.freeze_panes = "A3"  # both header rows stay in view
        for i in range(1, len(sheet.meta) + len(sheet.fields) + 1):
            ws.column_dimensions[get_column_letter(i)].width = 38 if i <= 2 else 16
        first = len(sheet.meta) + len(sheet.fields) + 1
        # Codes, blanks and JSON are for machines: grouped and hidden, one click away.
        ws.column_dimensions.group(get_column_letter(first), get_column_letter(
            len(sheet.columns)), hidden=True, outline_level=1)
        cells = CellWriter(ws)
        ws.append([self._styled(ws, _text(cells, h, sheet.title), _BOLD)
                   for h in headers(self.form, sheet)])
        ws.append([self._styled(ws, _text(cells, c, sheet.title), _GREY)
                   for c in sheet.columns])
        return ws

    @staticmethod
    def _styled(ws: Any, value: Any, font: Font | None = None,
                alignment: Alignment | None = None) -> Any:
        cell = value if isinstance(value, Cell) else WriteOnlyCell(ws, value=value)
        if font is not None:
            cell.font = font
        if alignment is not None:
            cell.alignment = alignment
        return cell

    def add_visit(self, record: VisitRecord) -> None:
        encoder = self.encoders[None]
        cells = encoder.cells
        where = f"visit {record.visit_id}"
        meta = [_text(cells, record.visit_id, where), _text(cells, record.organization_id, where),
                record.revision, _text(cells, record.status, where, repeated=True),
                _text(cells, record.form_id, where, repeated=True),
                _text(cells, record.form_version, where, repeated=True),
                _text(cells, record.officer, where, repeated=True), iso(record.created_at),
                iso(record.updated_at), iso(record.deleted_at),
                _text(cells, record.deleted_reason, where)]
        row, children = encoder.encode(meta, record.answers, where)
        self.sheets[self.layout.visits.title].append(row)
        if record.is_tombstone:
            self.tombstones += 1
        else:
            self.visits += 1
        for name, instances in children:
            self._add_instances(name, record.visit_id, (), instances)

    def _add_instances(self, repeat: str, visit_id: str, parent: tuple[int, ...],
                       instances: Sequence[Mapping[str, Any]]) -> None:
        encoder = self.encoders[repeat]
        ws = self.sheets[self.repeat_sheet[repeat]]
        for index, answers in enumerate(instances, 1):
            path = (*parent, index)
            # Top-level instances are numbered 1, 2, ...; nested ones "1.2" (as text).
            key = index if len(path) == 1 else ".".join(map(str, path))
            where = f"visit {visit_id} {repeat} {key}"
            row, children = encoder.encode([_text(encoder.cells, visit_id, where), key],
                                           answers, where)
            ws.append(row)
            self.instances[repeat] += 1
            for name, nested in children:
                self._add_instances(name, visit_id, path, nested)

    def add_organization(self, org: OrganizationRecord) -> None:
        ws = self.sheets[self.layout.register.title]
        cells = self.encoders[None].cells
        row: list[Any] = []
        blanks = []
        for name in REGISTER_FIELDS:
            value = getattr(org, name)
            if isinstance(value, dt.datetime):
                row.append(iso(value))
            elif value == "":
                row.append(None)
                blanks.append(name)
            else:
                row.append(_text(cells, value, f"organization {org.id} {name}"))
        ws.append([*row, " ".join(blanks) or None])
        self.organizations += 1

    def write_codes(self) -> None:
        ws = self.codes
        ws.freeze_panes = "A3"
        cells = CellWriter(ws)
        ws.append([self._styled(ws, h, _BOLD) for h in ("选项列表", "代码", "中文", "English")])
        ws.append([self._styled(ws, h, _GREY)
                   for h in ("list_name", "code", "label_zh", "label_en")])
        fallback = self.form.default_language
        for list_name, choices in self.form.choices.items():
            for choice in choices:
                where = f"{SHEET_CODES} {list_name} {choice.name}"
                ws.append([_text(cells, text, where) for text in (
                    list_name, choice.name, pick_label(choice.labels, "zh", fallback),
                    pick_label(choice.labels, "en", fallback))])

    def write_cover(self, facts: Sequence[tuple[Mapping[str, str], Any]],
                    params: Mapping[str, Any]) -> None:
        """``facts``: (label per language, value) rows, in Chinese and then in English."""
        ws = self.cover
        ws.column_dimensions["A"].width = 28
        ws.column_dimensions["B"].width = 90
        cells = CellWriter(ws)
        for lang in ("zh", "en"):
            title = _text(cells, render("bundle.cover.title", lang), SHEET_COVER)
            ws.append([self._styled(ws, title, _BOLD)])
            for label, value in facts:
                shown = _text(cells, value, SHEET_COVER) if isinstance(value, str) else value
                ws.append([_text(cells, label[lang], SHEET_COVER), shown])
            for code in ("bundle.cover.how_to_verify", "bundle.cover.about_codes"):
                note = _text(cells, render(code, lang, **params), SHEET_COVER)
                ws.append([None, self._styled(ws, note, alignment=_WRAP)])
            ws.append([])
