"""The roster's table model: a thin adapter over the form state (see :mod:`.repeat_table`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from fieldsurvey.forms.model import FormDefinition, Group, Question
from fieldsurvey.forms.state import FormState, Ref
from fieldsurvey.messages import Message, render
from fieldsurvey.store.visits import ref_key
from fieldsurvey.ui.visit.display import answer_text

ERROR_BRUSH = QBrush(QColor("#fde2e2"))
WARNING_BRUSH = QBrush(QColor("#fff0cc"))
PREFILL_BRUSH = QBrush(QColor("#fff6dc"))
OFF_BRUSH = QBrush(QColor("#eeeeee"))
_ROOT = QModelIndex()  # the invalid index: a table's rows hang off the root

# (ref, value, entry problem, finished) -> None; the editor screen applies it.
ApplyFn = Callable[[Ref, Any, Message | None, bool], None]


def roster_columns(group: Group) -> list[Question]:
    """The questions of a repeat that take input, nested groups flattened."""
    return [node for node in group.walk() if isinstance(node, Question)
            and node.takes_input and node.repeats and node.repeats[-1] == group.name]


class RosterModel(QAbstractTableModel):
    def __init__(self, form: FormDefinition, group: Group, lang: str,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.form, self.group, self.lang = form, group, lang
        self.columns = roster_columns(group)
        self.state: FormState | None = None
        self.apply: ApplyFn | None = None
        self.read_only = False
        self.pending: set[str] = set()
        # ref_key -> (severity, text) shown in the cell and listed under the table.
        self.issues: dict[str, list[tuple[str, str]]] = {}

    def ref(self, row: int, column: int) -> Ref:
        return Ref(self.columns[column].name, (row,))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        if parent.isValid() or self.state is None:
            return 0
        return self.state.instance_count(self.group.name)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.state is None:
            return None
        question = self.columns[index.column()]
        ref = self.ref(index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return answer_text(self.form, question, self.state.raw(ref), self.lang)
        if role == Qt.ItemDataRole.EditRole:
            return self.state.raw(ref)
        key = ref_key(ref)
        issues = self.issues.get(key, [])
        if role == Qt.ItemDataRole.BackgroundRole:
            if not self.state.relevant(ref):
                return OFF_BRUSH
            if any(severity == "error" for severity, _ in issues):
                return ERROR_BRUSH
            if issues:
                return WARNING_BRUSH
            return PREFILL_BRUSH if key in self.pending else None
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [text for _, text in issues]
            if key in self.pending:
                lines.append(render("ui.visit.prefill_tip", self.lang))
            return "\n".join(lines) or None
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.state is None or self.read_only:
            return base
        ref = self.ref(index.row(), index.column())
        if self.state.relevant(ref) and not self.state.read_only(ref):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        question = self.columns[section]
        label = self.form.label(question.name, self.lang)
        return label + (" *" if question.required is not None else "")

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or self.apply is None or not index.isValid():
            return False
        answer, problem, *rest = value
        finished = rest[0] if rest else True
        self.apply(self.ref(index.row(), index.column()), answer, problem, finished)
        return True

    def refreshed(self) -> None:
        """Everything may have changed (relevance, issues, pending marks)."""
        if self.rowCount() and self.columns:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self.rowCount() - 1, len(self.columns) - 1))
