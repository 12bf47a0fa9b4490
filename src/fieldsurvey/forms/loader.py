"""Load an XLSForm and refuse anything outside the subset fieldsurvey renders.

pyxform reads the workbook (``.xlsx`` or its markdown table format) into rows and
checks the form's structure. The support check and the model are built here from
the raw rows, because only the raw rows still know their sheet row numbers, and
every problem must name the sheet, row and column an author has to fix.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldsurvey.filegate import Refused, read_form
from fieldsurvey.forms.expr import Expression, ExpressionSyntaxError, parse
from fieldsurvey.forms.model import (
    STAT_KEYS,
    Choice,
    FormDefinition,
    Group,
    InputType,
    Node,
    Question,
)
from fieldsurvey.forms.problems import FormLoadError, FormProblem, ProblemList
from fieldsurvey.messages import Message

__all__ = ["FormLoadError", "FormProblem", "language_code", "load_form", "load_form_markdown"]

SUPPORTED_TYPES: Mapping[str, InputType] = {
    "text": "text", "string": "text", "integer": "integer", "int": "integer",
    "decimal": "decimal", "date": "date", "datetime": "datetime", "time": "time",
    "note": "note", "calculate": "calculate", "acknowledge": "acknowledge",
    "trigger": "acknowledge", "hidden": "hidden",
}  # fmt: skip
_STRUCTURE_TYPES = {"begin group", "end group", "begin repeat", "end repeat"}
_SELECT_TYPES: Mapping[str, InputType] = {
    "select_one": "select_one", "select one": "select_one",
    "select_multiple": "select_multiple", "select multiple": "select_multiple",
    "select all that apply": "select_multiple",
}  # fmt: skip
_TRANSLATABLE = {
    "label", "hint", "required_message", "constraint_message", "fs_warning_message",
}  # fmt: skip
SURVEY_COLUMNS = _TRANSLATABLE | {
    "type", "name", "required", "constraint", "relevant", "default", "calculation",
    "choice_filter", "read_only", "appearance", "repeat_count", "fs_warning",
    "fs_prefill", "fs_stat", "fs_previous_name", "fs_removed",
}  # fmt: skip
EXPRESSION_COLUMNS = (
    "relevant", "constraint", "calculation", "required", "read_only", "repeat_count",
    "choice_filter", "default", "fs_warning",
)  # fmt: skip
SETTINGS_COLUMNS = {"form_id", "version", "form_title", "default_language",
                    "fs_campaign_start"}
APPEARANCES = {"multiline", "minimal", "field-list"}
CHOICE_MEDIA_COLUMNS = {"image", "audio", "video", "big-image", "media"}
UNSUPPORTED_SHEETS = {"external_choices", "entities", "osm"}
REGISTER_ATTRS = ("name", "uscc", "reg_type", "supervisor", "address", "legal_rep", "phone")
# A choice's ``fs_previous_value``: the earlier version's choice names it takes over
# (forms.versions); not a choice_filter column.
PREVIOUS_VALUE = "fs_previous_value"
_BOOL_WORDS = {"yes": "true()", "true": "true()", "true()": "true()",
               "no": "false()", "false": "false()", "false()": "false()"}  # fmt: skip
_YES = {"yes", "true", "true()", "1"}
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_PYXFORM_ROW = re.compile(r"\[row\s*:\s*(\d+)\]")
_LANG_RE = re.compile(r"\(([A-Za-z-]+)\)\s*$")


def language_code(name: str) -> str:
    """``中文 (zh)`` -> ``zh``; a plain column (no ``::``) -> ``default``."""
    if not name:
        return "default"
    match = _LANG_RE.search(name)
    return match.group(1).lower() if match else name.strip().lower()


def _split_column(header: str) -> tuple[str, str | None]:
    base, sep, lang = header.partition("::")
    return base.strip().lower(), (lang.strip() if sep else None)


@dataclass
class _Row:
    number: int
    cells: dict[str, str]
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()


def _rows(sheet: str, raw: Sequence[Mapping[str, Any]]) -> list[_Row]:
    """Rows with their sheet row number (row 1 is the header) and translations split."""
    rows = []
    for index, values in enumerate(raw):
        cells: dict[str, str] = {}
        labels: dict[str, dict[str, str]] = {}
        for header, value in values.items():
            if value is None or str(value).strip() == "":
                continue
            base, lang = _split_column(str(header))
            text = str(value).strip()
            if base in _TRANSLATABLE:
                labels.setdefault(base, {})[language_code(lang or "")] = text
            cells[str(header) if lang else base] = text
        if cells:
            rows.append(_Row(index + 2, cells, labels))
    return rows


def _refused(name: str, exc: Exception) -> FormLoadError:
    return FormLoadError(name, [FormProblem(name, None, None, Message(
        "form.unreadable", {"detail": str(exc)}))])


def load_form(path: str | os.PathLike[str]) -> FormDefinition:
    """Read, check and build a form from an ``.xlsx`` (or ``.md``) file.

    Raises :class:`FormLoadError` listing every problem found.
    """
    path = Path(path)
    try:
        # pyxform reads the checked bytes, never the path: what was checked is what is read.
        raw = read_form(path)
    except Refused as exc:
        raise FormLoadError(path.name, [FormProblem(path.name, None, None,
                                                    exc.message(path.name))]) from None
    return load_form_source(raw, path.name, path.suffix)


def load_form_source(raw: bytes, name: str, suffix: str = "") -> FormDefinition:
    """A form from bytes that already passed the file gate (or were stored after it):
    the store keeps each version's source so a finalized visit prints as it was."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import get_xlsform

    kind = ".xlsx" if raw.startswith(b"PK") else ".xls" if raw.startswith(b"\xd0\xcf") else \
        ".csv" if suffix.lower() == ".csv" else ".md"
    try:
        data = get_xlsform(raw, file_type=kind)
    except (PyXFormError, OSError, ValueError, KeyError) as exc:
        raise _refused(name, exc) from exc
    return _Builder(data, name).build()


def load_form_markdown(text: str, name: str = "form.md") -> FormDefinition:
    """The same as :func:`load_form`, from pyxform's markdown table format (tests)."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import get_xlsform

    try:
        data = get_xlsform(text.encode("utf-8"), file_type=".md")
    except (PyXFormError, ValueError) as exc:
        raise _refused(name, exc) from exc
    return _Builder(data, name).build()


class _Builder:
    def __init__(self, data: Any, source_name: str) -> None:
        self.data = data
        self.source = source_name
        self.check = ProblemList()
        self.survey = _rows("survey", getattr(data, "survey", None) or [])
        self.removed = self._take_removed(data)
        self.choice_rows = _rows("choices", getattr(data, "choices", None) or [])
        self.setting_rows = _rows("settings", getattr(data, "settings", None) or [])
        self.choices: dict[str, list[Choice]] = {}
        self.removed_choices: dict[tuple[str, str], int] = {}
        self.names: dict[str, int] = {}

    def build(self) -> FormDefinition:
        for sheet in getattr(self.data, "sheet_names", None) or []:
            if sheet.lower() in UNSUPPORTED_SHEETS:
                self.check.add(sheet, None, None, "form.unsupported_sheet", name=sheet)
        settings = self._settings()
        campaign_start = self._campaign_start(settings)
        self._read_choices()
        self._collect_names()
        root = self._survey_tree()
        if not self.check.problems:
            self._pyxform_structure()
        if self.check.problems:
            raise FormLoadError(self.source, self.check.problems)
        assert root is not None
        nodes: dict[str, Node] = {}
        parents: dict[str, str | None] = {}
        self._index(root, None, nodes, parents)
        default_lang = language_code(settings.get("default_language", "")) or "zh"
        languages = sorted({lang for node in nodes.values() for lang in node.labels})
        return FormDefinition(
            form_id=settings.get("form_id") or Path(self.source).stem,
            version=settings.get("version", ""),
            title={default_lang: settings.get("form_title") or Path(self.source).stem},
            default_language=default_lang if default_lang != "default" else "zh",
            languages=tuple(languages),
            root=root,
            choices={k: tuple(v) for k, v in self.choices.items()},
            nodes=nodes,
            parents=parents,
            campaign_start=campaign_start,
            previous_names={r.get("name"): r.get("fs_previous_name") for r in self.survey
                            if r.get("name") and r.get("fs_previous_name")},
            removed={r.get("name"): r.number for r in self.removed},
            removed_choices=self.removed_choices,
            rows={r.get("name"): r.number for r in self.survey
                  if r.get("name") and not r.get("type").lower().startswith("end")},
            choice_rows={(r.get("list_name"), r.get("name")): r.number
                         for r in self.choice_rows},
        )

    def _take_removed(self, data: Any) -> list[_Row]:
        """Rows marked ``fs_removed``: declarations that an earlier version's question
        is gone on purpose (forms.versions), not questions. pyxform must not see them,
        so they become empty rows, which keeps every other row's number."""
        removed = [r for r in self.survey if r.get("fs_removed").lower() in _YES]
        if removed:
            self.survey = [r for r in self.survey if r not in removed]
            raw = list(getattr(data, "survey", None) or [])
            gone = {r.number - 2 for r in removed}
            data.survey = [{} if i in gone else row for i, row in enumerate(raw)]
        return removed

    # -- sheets -------------------------------------------------------------
    def _settings(self) -> dict[str, str]:
        headers = self._headers("settings")
        for header in headers:
            if _split_column(header)[0] not in SETTINGS_COLUMNS:
                self.check.add("settings", 1, header, "form.unsupported_setting", name=header)
        return self.setting_rows[0].cells if self.setting_rows else {}

    def _campaign_start(self, settings: dict[str, str]) -> dt.date | None:
        text = str(settings.get("fs_campaign_start") or "").strip()
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            self.check.add("settings", 2, "fs_campaign_start", "form.bad_campaign_start",
                           value=text)
            return None

    def _read_choices(self) -> None:
        for header in self._headers("choices"):
            base, _ = _split_column(header)
            if base in CHOICE_MEDIA_COLUMNS or base.startswith("media"):
                self.check.add("choices", 1, header, "form.unsupported_column", name=header)
        seen: set[tuple[str, str]] = set()
        for row in self.choice_rows:
            list_name, name = row.get("list_name"), row.get("name")
            if not list_name or not name:
                self.check.add("choices", row.number, "name", "form.choice_incomplete")
                continue
            if (list_name, name) in seen:
                self.check.add("choices", row.number, "name", "form.duplicate_choice",
                               list=list_name, name=name)
            seen.add((list_name, name))
            if row.get("fs_removed").lower() in _YES:
                # An earlier version's choice dropped on purpose (forms.versions): no
                # longer offered; answers that chose it are kept under their old value.
                self.removed_choices[(list_name, name)] = row.number
                continue
            extra = {k: v for k, v in row.cells.items()
                     if k not in ("list_name", "name") and "::" not in k and k != "label"}
            self.choices.setdefault(list_name, []).append(
                Choice(name, row.labels.get("label", {}), extra))

    def _headers(self, sheet: str) -> list[str]:
        header_rows = getattr(self.data, f"{sheet}_header", None) or []
        return [str(h) for h in (header_rows[0] if header_rows else {})]

    def _collect_names(self) -> None:
        for row in self.survey:
            name = row.get("name")
            kind = row.get("type").lower().replace("_", " ")
            if not name or kind.startswith("end "):
                continue
            if not _NAME_RE.match(name):
                self.check.add("survey", row.number, "name", "form.bad_name", name=name)
            if name in self.names:
                self.check.add("survey", row.number, "name", "form.duplicate_name",
                               name=name, first_row=self.names[name])
            else:
                self.names[name] = row.number
        for row in self.removed:
            name = row.get("name")
            if name in self.names:
                self.check.add("survey", row.number, "name", "form.duplicate_name",
                               name=name, first_row=self.names[name])

    def _survey_tree(self) -> Group | None:
        for header in self._headers("survey"):
            if _split_column(header)[0] not in SURVEY_COLUMNS:
                self.check.add("survey", 1, header, "form.unsupported_column", name=header)
        stats_seen: dict[str, int] = {}
        # (opening row, its parsed expressions, children so far, is a repeat)
        stack: list[tuple[_Row | None, dict[str, Expression], list[Node], bool]] = [
            (None, {}, [], False)]
        repeats: list[str] = []
        for row in self.survey:
            kind = " ".join(row.get("type").split())
            structural = kind.lower().replace("_", " ")
            if structural in ("begin group", "begin repeat"):
                exprs = self._expressions(row, tuple(repeats))
                self._appearance(row)
                is_repeat = structural == "begin repeat"
                stack.append((row, exprs, [], is_repeat))
                if is_repeat:
                    repeats.append(row.get("name"))
            elif structural in ("end group", "end repeat"):
                if len(stack) == 1:
                    self.check.add("survey", row.number, "type", "form.unbalanced_end")
                    continue
                opener, exprs, children, is_repeat = stack.pop()
                assert opener is not None
                if is_repeat:
                    repeats.pop()
                stack[-1][2].append(Group(
                    name=opener.get("name"), labels=opener.labels.get("label", {}),
                    children=tuple(children), relevant=exprs.get("relevant"),
                    appearance=frozenset(opener.get("appearance").split()),
                    is_repeat=is_repeat, repeat_count=exprs.get("repeat_count"),
                    repeats=tuple(repeats),
                ))
            else:
                question = self._question(row, kind, tuple(repeats), stats_seen)
                if question is not None:
                    stack[-1][2].append(question)
        for opener, _, _, _ in stack[1:]:
            assert opener is not None
            self.check.add("survey", opener.number, "type", "form.unclosed_group",
                           name=opener.get("name"))
        return Group("", {}, tuple(stack[0][2]))

    def _question(self, row: _Row, kind: str, repeats: tuple[str, ...],
                  stats_seen: dict[str, int]) -> Question | None:
        if not kind:
            self.check.add("survey", row.number, "type", "form.missing_type")
            return None
        qtype, list_name = self._type(row, kind)
        exprs = self._expressions(row, repeats)
        self._appearance(row)
        prefill = row.get("fs_prefill") or None
        if prefill and prefill != "previous" and not (
            prefill.startswith("register.") and prefill.removeprefix("register.") in REGISTER_ATTRS
        ):
            self.check.add("survey", row.number, "fs_prefill", "form.bad_prefill", value=prefill)
        stat = row.get("fs_stat") or None
        if stat:
            if stat not in STAT_KEYS:
                self.check.add("survey", row.number, "fs_stat", "form.bad_stat", value=stat)
            elif stat in stats_seen:
                self.check.add("survey", row.number, "fs_stat", "form.duplicate_stat",
                               value=stat, first_row=stats_seen[stat])
            stats_seen[stat] = row.number
        if qtype is None:
            return None
        default = row.get("default") or None
        return Question(
            name=row.get("name"), type=qtype, labels=row.labels.get("label", {}),
            hints=row.labels.get("hint", {}), list_name=list_name,
            required=exprs.get("required"),
            required_message=row.labels.get("required_message", {}),
            constraint=exprs.get("constraint"),
            constraint_message=row.labels.get("constraint_message", {}),
            relevant=exprs.get("relevant"),
            default=default if "default" not in exprs else None,
            default_expr=exprs.get("default"),
            calculation=exprs.get("calculation"), choice_filter=exprs.get("choice_filter"),
            read_only=exprs.get("read_only"),
            appearance=frozenset(row.get("appearance").split()),
            warning=exprs.get("fs_warning"),
            warning_message=row.labels.get("fs_warning_message", {}),
            prefill=prefill, stat=stat, repeats=repeats,
        )

    def _type(self, row: _Row, kind: str) -> tuple[InputType | None, str | None]:
        words = kind.split()
        head = words[0].lower()
        for spelling, select_type in _SELECT_TYPES.items():
            parts = spelling.split()
            if [w.lower() for w in words[: len(parts)]] == parts:
                rest = words[len(parts):]
                if len(rest) != 1:  # "or_other" and friends are not supported
                    self.check.add("survey", row.number, "type", "form.unsupported_type", type=kind)
                    return None, None
                if rest[0] not in self.choices:
                    self.check.add("survey", row.number, "type", "form.unknown_list", list=rest[0])
                return select_type, rest[0]
        if head in SUPPORTED_TYPES and len(words) == 1:
            return SUPPORTED_TYPES[head], None
        self.check.add("survey", row.number, "type", "form.unsupported_type", type=kind)
        return None, None

    def _appearance(self, row: _Row) -> None:
        for word in row.get("appearance").split():
            if word not in APPEARANCES:
                self.check.add("survey", row.number, "appearance", "form.unsupported_appearance",
                               value=word)

    def _expressions(self, row: _Row, repeats: tuple[str, ...]) -> dict[str, Expression]:
        """Parse every expression column of a row, reporting what is unsupported."""
        add = self.check.add
        out: dict[str, Expression] = {}
        for column in EXPRESSION_COLUMNS:
            text = row.get(column)
            if not text:
                continue
            if column in ("required", "read_only"):
                text = _BOOL_WORDS.get(text.lower(), text)
            if column == "default" and "(" not in text and "${" not in text:
                continue  # a literal default value, not an expression
            try:
                expr = parse(text)
            except ExpressionSyntaxError as exc:
                add("survey", row.number, column, "form.bad_expression",
                    expression=text, detail=exc.message)
                continue
            for function in sorted(expr.unknown_functions):
                add("survey", row.number, column, "form.unsupported_function", function=function)
            for ref in sorted(expr.field_refs - self.names.keys()):
                add("survey", row.number, column, "form.unknown_reference", name=ref)
            if expr.choice_refs and column != "choice_filter":
                add("survey", row.number, column, "form.bare_name",
                    names=", ".join(sorted(expr.choice_refs)))
            out[column] = expr
        return out

    def _pyxform_structure(self) -> None:
        """pyxform's own structural checks (names, nesting, references) on the workbook."""
        from pyxform.errors import PyXFormError
        from pyxform.xls2json import workbook_to_json

        try:
            workbook_to_json(self.data, form_name="data", warnings=[])
        except PyXFormError as exc:
            found = _PYXFORM_ROW.search(str(exc))
            row = int(found.group(1)) if found else None
            self.check.add("survey", row, None, "form.pyxform", detail=str(exc))

    def _index(self, group: Group, parent: str | None, nodes: dict[str, Node],
               parents: dict[str, str | None]) -> None:
        for child in group.children:
            nodes[child.name] = child
            parents[child.name] = parent
            if isinstance(child, Group):
                self._index(child, child.name, nodes, parents)
