"""Answers dicts -> spreadsheet rows (one sheet's layout; repeats go to their own sheet)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fieldsurvey.bundles.common import BundleError
from fieldsurvey.bundles.layout import LIST_TYPES, SheetLayout
from fieldsurvey.canonical import canonical_json
from fieldsurvey.cellwriter import CellWriter, Unfit
from fieldsurvey.messages import Message

LABEL_SEPARATOR = "；"


class RowEncoder:
    """Turns one answers dict (a visit's, or one repeat instance's) into a row."""

    def __init__(self, sheet: SheetLayout, types: Mapping[str, str],
                 labels: Mapping[str, Mapping[str, str]], child_repeats: Sequence[str],
                 cells: CellWriter) -> None:
        self.sheet = sheet
        self.labels = labels  # select field -> code -> label
        self.cells = cells
        self.width = len(sheet.columns)
        base = len(sheet.meta)
        # key -> (column, question type, the blank that means "answered with nothing")
        self.plan = {name: (base + i, types[name], [] if types[name] in LIST_TYPES else "")
                     for i, name in enumerate(sheet.fields)}
        base += len(sheet.fields)
        self.code_col = {name: base + i for i, name in enumerate(sheet.selects)}
        self.children = frozenset(child_repeats)

    def encode(self, meta: Sequence[Any], answers: Mapping[str, Any],
               where: str) -> tuple[list[Any], list[tuple[str, list[Any]]]]:
        """The row, and the repeat instance lists found (``(repeat name, instances)``)."""
        row: list[Any] = [*meta, *([None] * (self.width - len(meta)))]
        blanks: list[str] = []
        extra: dict[str, Any] = {}
        children: list[tuple[str, list[Any]]] = []
        text = self.cells.text
        for key, value in answers.items():
            planned = self.plan.get(key)
            if planned is None:
                if key not in self.children:
                    extra[key] = value  # not a question at this level of this form version
                elif value == []:
                    blanks.append(key)
                elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
                    children.append((key, value))
                else:
                    extra[key] = value
                continue
            col, qtype, blank = planned
            try:
                if type(value) is str and qtype == "text" and value:
                    row[col] = text(value)  # the common case, kept short
                elif type(value) is type(blank) and value == blank:
                    blanks.append(key)
                else:
                    self._put(row, key, col, qtype, value)
            except Unfit:
                extra[key] = value
        row[-2] = " ".join(blanks) or None
        row[-1] = self._extra(extra, where) if extra else None
        return row, children

    def _put(self, row: list[Any], key: str, col: int, qtype: str, value: Any) -> None:
        repeated = self.cells.repeated
        if qtype == "select_one":
            if not isinstance(value, str):
                raise Unfit
            code = repeated(value)
            row[col] = repeated(self.labels.get(key, {}).get(value, value))
            row[self.code_col[key]] = code
        elif qtype == "select_multiple":
            # Codes are joined by spaces, so each must be one non-empty word.
            if not isinstance(value, list) or not all(
                    isinstance(v, str) and v.split() == [v] for v in value):
                raise Unfit
            names = self.labels.get(key, {})
            code = repeated(" ".join(value))
            row[col] = repeated(LABEL_SEPARATOR.join(names.get(v, v) for v in value))
            row[self.code_col[key]] = code
        else:
            row[col] = self.cells.answer(qtype, value)

    def _extra(self, extra: Mapping[str, Any], where: str) -> Any:
        try:
            try:
                return self.cells.text(canonical_json(extra))
            except Unfit:  # unwritable characters: JSON can escape them all
                return self.cells.text(canonical_json(extra, ascii_only=True))
        except (Unfit, ValueError, TypeError) as exc:
            raise BundleError(Message("bundle.cannot_store", {"where": where})) from exc


def text_or_refuse(cells: CellWriter, value: str | None, where: str,
                   repeated: bool = False) -> Any:
    """A record field (not an answer): store it as text, or refuse the export."""
    if value is None:
        return None
    try:
        return cells.repeated(value) if repeated else cells.text(value)
    except Unfit:
        raise BundleError(Message("bundle.cannot_store", {"where": where})) from None
