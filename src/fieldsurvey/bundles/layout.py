"""Which sheets a bundle has and which column holds what.

Every data sheet has two header rows: row 1 the Chinese labels for people, row 2
the machine names a reader keys on. A select question has a visible column with
its choice *labels* (``reg_type``) and a hidden, grouped column at the right
with the stable *codes* (``reg_type#code``; select_multiple codes space
separated). Two more hidden columns make every answer recoverable exactly:
``#blank`` lists the fields answered with a deliberate blank (``""``, or ``[]``
for select_multiple and repeats), which a spreadsheet cannot tell from "never
answered"; ``#extra`` holds, as canonical JSON, any answer the typed columns
cannot carry exactly (a key the form no longer has, a value of the wrong type).
``#`` never occurs in a form's names, so these keys cannot collide.

The layout travels in the signed manifest with each field's question type, so
a reader converts cells by type without needing the form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fieldsurvey.bundles.common import (
    SHEET_CODES,
    SHEET_COVER,
    SHEET_REGISTER,
    SHEET_VISITS,
)
from fieldsurvey.forms.model import FormDefinition, Question

CODE_SUFFIX = "#code"
BLANK = "#blank"
EXTRA = "#extra"
VISIT_META = ("visit_id", "organization_id", "revision", "status", "form_id",
              "form_version", "officer", "created_at", "updated_at", "deleted_at",
              "deleted_reason")  # fmt: skip
VISIT_META_HEADERS = ("走访编号", "单位编号", "修订版本", "状态", "表单", "表单版本", "走访人",
                      "创建时间（UTC）", "修改时间（UTC）", "删除时间（UTC）", "删除原因")
REPEAT_META = ("visit_id", "instance")
REPEAT_META_HEADERS = ("走访编号", "序号")
REGISTER_FIELDS = ("id", "name", "uscc", "reg_type", "field", "supervisor", "address",
                   "legal_rep", "phone", "township_code", "registered_on", "created_at",
                   "updated_at")
REGISTER_HEADERS = ("单位编号", "单位名称", "统一社会信用代码", "登记类型", "所属类别",
                    "业务主管单位", "住所", "法定代表人", "联系电话", "乡镇（街道）代码",
                    "成立登记日期", "创建时间（UTC）", "修改时间（UTC）")
# Bundles made before the registration date travelled (2026-12) lack its column; they
# still read, with the date unknown.
LEGACY_REGISTER_FIELDS = tuple(f for f in REGISTER_FIELDS if f != "registered_on")
SELECTS = ("select_one", "select_multiple")
# Types whose deliberate blank is ``[]`` rather than ``""``.
LIST_TYPES = frozenset({"select_multiple", "repeat"})
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class SheetLayout:
    title: str
    kind: str  # "visits" | "repeat" | "register"
    meta: tuple[str, ...]
    fields: tuple[str, ...] = ()
    selects: tuple[str, ...] = ()  # the fields (in order) that also get a code column
    repeat: str | None = None
    parent: str | None = None  # the enclosing repeat of a nested repeat

    @property
    def columns(self) -> tuple[str, ...]:
        """Row 2: the machine name of every column, in order."""
        tail = (BLANK,) if self.kind == "register" else (BLANK, EXTRA)
        return (*self.meta, *self.fields, *(f + CODE_SUFFIX for f in self.selects), *tail)

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "kind": self.kind, "repeat": self.repeat,
                "parent": self.parent, "columns": list(self.columns)}


@dataclass(frozen=True)
class BundleLayout:
    types: Mapping[str, str]  # field or repeat name -> question type ("repeat" for repeats)
    visits: SheetLayout
    repeats: tuple[SheetLayout, ...]
    register: SheetLayout

    @property
    def data_sheets(self) -> tuple[SheetLayout, ...]:
        return (self.visits, *self.repeats, self.register)

    @property
    def sheet_titles(self) -> tuple[str, ...]:
        """Every sheet in workbook order."""
        return (SHEET_COVER, self.visits.title, *(s.title for s in self.repeats),
                SHEET_REGISTER, SHEET_CODES)

    def to_json(self) -> dict[str, Any]:
        return {"types": dict(self.types), "sheets": [s.to_json() for s in self.data_sheets]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BundleLayout:
        """The layout a manifest describes; :class:`ValueError` if it is malformed."""
        types = {str(k): str(v) for k, v in dict(data["types"]).items()}
        sheets = [_sheet_from_json(s, types) for s in data["sheets"]]
        kinds = [s.kind for s in sheets]
        if kinds.count("visits") != 1 or kinds.count("register") != 1:
            raise ValueError("layout needs one visits and one register sheet")
        visits = next(s for s in sheets if s.kind == "visits")
        register = next(s for s in sheets if s.kind == "register")
        return cls(types, visits, tuple(s for s in sheets if s.kind == "repeat"), register)


def _sheet_from_json(data: Mapping[str, Any], types: Mapping[str, str]) -> SheetLayout:
    kind = str(data["kind"])
    columns = [str(c) for c in data["columns"]]
    meta = {"visits": VISIT_META, "repeat": REPEAT_META, "register": REGISTER_FIELDS}[kind]
    if kind == "register" and "registered_on" not in columns:
        meta = LEGACY_REGISTER_FIELDS
    fields = tuple(c for c in columns[len(meta):] if not c.startswith("#") and
                   not c.endswith(CODE_SUFFIX))
    unknown = [f for f in fields if f not in types]
    if unknown and kind != "register":
        raise ValueError(f"columns without a type: {unknown}")
    selects = tuple(c.removesuffix(CODE_SUFFIX) for c in columns if c.endswith(CODE_SUFFIX))
    sheet = SheetLayout(str(data["title"]), kind, meta, fields if kind != "register" else (),
                        selects, data.get("repeat"), data.get("parent"))
    if list(sheet.columns) != columns:
        raise ValueError(f"sheet {sheet.title}: unexpected columns")
    return sheet


def _answer_fields(form: FormDefinition, repeat: str | None) -> tuple[Question, ...]:
    """Stored questions directly at this level (notes are never stored)."""
    return tuple(q for q in form.questions()
                 if (q.repeats[-1] if q.repeats else None) == repeat and q.type != "note")


def _title(label: str, fallback: str, taken: set[str]) -> str:
    base = _BAD_TITLE.sub("", label).strip().strip("'")[:31] or fallback[:31]
    title, n = base, 2
    while title in taken:
        suffix = f"_{n}"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def build_layout(form: FormDefinition) -> BundleLayout:
    types: dict[str, str] = {q.name: q.type for q in form.questions() if q.type != "note"}
    types.update({r.name: "repeat" for r in form.repeats()})

    def sheet(kind: str, meta: tuple[str, ...], title: str, repeat: str | None = None,
              parent: str | None = None) -> SheetLayout:
        questions = _answer_fields(form, repeat)
        return SheetLayout(title, kind, meta, tuple(q.name for q in questions),
                           tuple(q.name for q in questions if q.type in SELECTS), repeat, parent)

    taken = {SHEET_COVER, SHEET_VISITS, SHEET_REGISTER, SHEET_CODES}
    repeats = tuple(
        sheet("repeat", REPEAT_META, _title(form.label(r.name, "zh"), r.name, taken), r.name,
              r.repeats[-1] if r.repeats else None)
        for r in form.repeats()
    )
    return BundleLayout(types, sheet("visits", VISIT_META, SHEET_VISITS), repeats,
                        SheetLayout(SHEET_REGISTER, "register", REGISTER_FIELDS))


def headers(form: FormDefinition, sheet: SheetLayout) -> list[str]:
    """Row 1: what people read."""
    meta = {"visits": VISIT_META_HEADERS, "repeat": REPEAT_META_HEADERS,
            "register": REGISTER_HEADERS}[sheet.kind]
    labels = [form.label(f, "zh") for f in sheet.fields]
    codes = [form.label(f, "zh") + "（代码）" for f in sheet.selects]
    tail = ["留空的字段（代码）"] + ([] if sheet.kind == "register" else ["其他数据（JSON）"])
    return [*meta, *labels, *codes, *tail]
