"""A repeat (the union's leadership roster) as an editable table.

The model is a thin adapter over the form state: it reads the instances straight
from :class:`~fieldsurvey.forms.state.FormState` and hands every edit to the
editor screen through a callback, which checks it and refreshes everything.
Cells are edited with the same widgets as single questions (a select is always
a combo box here).

Keyboard: typing starts editing a cell; Tab and Enter commit it and move to the
next cell, and past the last cell on to the next question; Alt+N (or Insert)
adds a row (Ctrl+N is the main window's "new visit"); Ctrl+Delete removes the
current row, after asking if it holds answers; Delete clears a cell.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.forms.answers import is_blank
from fieldsurvey.forms.model import FormDefinition, Group, Question, pick_label
from fieldsurvey.forms.state import FormState, Ref
from fieldsurvey.messages import Message, render
from fieldsurvey.store.visits import ref_key
from fieldsurvey.ui.visit.display import answer_text
from fieldsurvey.ui.visit.widgets import AnswerWidget, make_widget

ERROR_BRUSH = QBrush(QColor("#fde2e2"))
WARNING_BRUSH = QBrush(QColor("#fff0cc"))
PREFILL_BRUSH = QBrush(QColor("#fff6dc"))
OFF_BRUSH = QBrush(QColor("#eeeeee"))
_ROOT = QModelIndex()  # the invalid index: a table's rows hang off the root
VISIBLE_ROWS = (2, 8)  # the table grows with its rows between these, then scrolls

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


class CellDelegate(QStyledItemDelegate):
    """Edits a cell with the question's own widget; Tab and Enter move on."""

    leave = Signal(int)
    """Tab or Enter past the last cell (+1) or Shift+Tab before the first (-1)."""

    def __init__(self, model: RosterModel, today: Callable[[], dt.date],
                 view: QTableView) -> None:
        super().__init__(view)
        self.model, self.today, self.view = model, today, view
        self._inner: dict[QObject, AnswerWidget] = {}

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        question = self.model.columns[index.column()]
        widget = make_widget(self.model.form, question, self.model.lang, self.today,
                             compact=True, parent=parent)
        assert widget is not None  # roster columns take input
        widget.setAutoFillBackground(True)
        widget.setFocusProxy(widget.focus_target())
        for inner in widget.inputs():
            self._inner[inner] = widget
            inner.installEventFilter(self)
        widget.destroyed.connect(lambda: self._forget(widget))
        # Every keystroke goes into the answers, as outside the table: autosave
        # must never find the last word only in an open cell editor.
        widget.changed.connect(lambda: self._live_commit(widget, index))
        return widget

    def _live_commit(self, widget: AnswerWidget, index: QModelIndex | QPersistentModelIndex,
                     ) -> None:
        if index.isValid():
            problem = widget.entry_problem()
            self.model.setData(index, (None if problem else widget.value(), problem, False))

    def _forget(self, widget: AnswerWidget) -> None:
        for inner in [k for k, v in self._inner.items() if v is widget]:
            del self._inner[inner]

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, AnswerWidget)
        focus = QApplication.focusWidget()
        if focus is not None and editor.isAncestorOf(focus):
            return  # being typed in: the model already holds what the editor shows
        editor.set_value(index.data(Qt.ItemDataRole.EditRole))

    def setModelData(self, editor: QWidget, model: Any,
                     index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, AnswerWidget)
        # Also when nothing changed: moving on through a cell with Tab or Enter
        # finishes it (its messages show) and confirms a carried-over value.
        problem = editor.entry_problem()
        new = None if problem else editor.value()
        model.setData(index, (new, problem, True), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem,
                             index: QModelIndex | QPersistentModelIndex) -> None:
        rect = option.rect
        editor.setGeometry(rect.adjusted(0, 0, 0, max(0, editor.sizeHint().height()
                                                      - rect.height())))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        widget = self._inner.get(watched)
        if widget is None or event.type() != QEvent.Type.KeyPress or \
                not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self._close(widget, +1)
            return True
        if key == Qt.Key.Key_Backtab:
            self._close(widget, -1)
            return True
        if key == Qt.Key.Key_Escape:
            self.closeEditor.emit(widget, QAbstractItemDelegate.EndEditHint.RevertModelCache)
            return True
        return super().eventFilter(watched, event)

    def _close(self, widget: AnswerWidget, step: int) -> None:
        self.commitData.emit(widget)
        current = self.view.currentIndex()
        at_edge = _at_edge(self.model, current, step)
        if at_edge:
            self.closeEditor.emit(widget, QAbstractItemDelegate.EndEditHint.NoHint)
            self.leave.emit(step)
        else:
            hint = (QAbstractItemDelegate.EndEditHint.EditNextItem if step > 0
                    else QAbstractItemDelegate.EndEditHint.EditPreviousItem)
            self.closeEditor.emit(widget, hint)


def _at_edge(model: RosterModel, index: QModelIndex, step: int) -> bool:
    rows, columns = model.rowCount(), model.columnCount()
    if not index.isValid() or rows == 0:
        return True
    if step > 0:
        return index.row() == rows - 1 and index.column() == columns - 1
    return index.row() == 0 and index.column() == 0


class RosterView(QTableView):
    """A table whose Tab and Enter leave it at the ends instead of wrapping around."""

    leave = Signal(int)
    """Move to the next (+1) or previous (-1) question."""

    def __init__(self, model: RosterModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.roster = model
        self.setTabKeyNavigation(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.SelectedClicked)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setHighlightSections(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setWordWrap(False)

    def focusNextPrevChild(self, next: bool) -> bool:
        step = 1 if next else -1
        if self.state() != QAbstractItemView.State.EditingState and \
                _at_edge(self.roster, self.currentIndex(), step):
            self.leave.emit(step)
            return True
        return super().focusNextPrevChild(next)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.focusNextPrevChild(True)
            return
        if key == Qt.Key.Key_Delete and not event.modifiers() and self.currentIndex().isValid() \
                and self.currentIndex().flags() & Qt.ItemFlag.ItemIsEditable:
            # Delete clears the cell, as in a spreadsheet.
            self.roster.setData(self.currentIndex(), (None, None))
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: Any) -> None:
        if not self.currentIndex().isValid() and self.roster.rowCount():
            self.setCurrentIndex(self.roster.index(0, 0))
        super().focusInEvent(event)


class RepeatTable(QWidget):
    """Title, explanatory notes, the table, its buttons and its messages."""

    rows_changed = Signal(str, int, int)
    """A row was added (``+1``) or removed (``-1``): repeat name, change, row index."""
    leave = Signal(int)
    """Keyboard focus leaves the roster forwards (+1) or backwards (-1)."""

    def __init__(self, form: FormDefinition, group: Group, lang: str,
                 today: Callable[[], dt.date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group, self.lang = group, lang
        self.model = RosterModel(form, group, lang, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(4)
        title = QLabel(pick_label(group.labels, lang, form.default_language) or group.name,
                       self)
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setObjectName("groupTitle")
        title.setStyleSheet("QLabel#groupTitle { font-weight: bold; color: #1d4f91; "
                            "border-bottom: 1px solid #c9d7ea; padding-bottom: 2px; }")
        layout.addWidget(title)
        for node in group.walk():
            if isinstance(node, Question) and node.type == "note":
                note = QLabel(form.label(node.name, lang), self)
                note.setTextFormat(Qt.TextFormat.PlainText)
                note.setWordWrap(True)
                note.setStyleSheet("color: #5f6368;")
                layout.addWidget(note)
        self.view = RosterView(self.model, self)
        self.delegate = CellDelegate(self.model, today, self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.leave.connect(self.leave)
        self.delegate.leave.connect(self.leave)
        layout.addWidget(self.view)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(render("ui.visit.add_row", lang), self)
        # Outside a dialog this only makes Enter press the button, as Space does.
        self.add_button.setAutoDefault(True)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button = QPushButton(render("ui.visit.remove_row", lang), self)
        self.remove_button.setAutoDefault(False)
        self.remove_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.remove_button.clicked.connect(self.ask_remove_row)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.hide()
        layout.addWidget(self.message)
        for keys in ("Alt+N", "Insert"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.add_row)
        remove = QShortcut(QKeySequence("Ctrl+Delete"), self)
        remove.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        remove.activated.connect(self.ask_remove_row)
        self.confirm_box: QMessageBox | None = None
        self._fit_height()

    # -- binding to the editor ------------------------------------------------------
    def bind(self, state: FormState, apply: ApplyFn) -> None:
        self.model.beginResetModel()
        self.model.state, self.model.apply = state, apply
        self.model.endResetModel()
        self._fit_height()

    def refresh(self, issues: dict[str, list[tuple[str, str]]], pending: set[str],
                read_only: bool) -> None:
        model = self.model
        changed_mode = read_only != model.read_only
        model.issues, model.pending, model.read_only = issues, pending, read_only
        model.refreshed()
        model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(model.columns) - 1)
        if changed_mode:
            self.add_button.setEnabled(not read_only)
            self.remove_button.setEnabled(not read_only)
        lines = []
        for row in range(model.rowCount()):
            for column, question in enumerate(model.columns):
                for severity, text in issues.get(ref_key(model.ref(row, column)), []):
                    color, mark = (("#c62828", "✖") if severity == "error"
                                   else ("#9a5b00", "⚠"))
                    where = render("ui.visit.cell", self.lang, row=row + 1,
                                   column=model.form.label(question.name, self.lang))
                    lines.append(f'<span style="color:{color}">{mark} {html.escape(where)}'
                                 f"{html.escape(text)}</span>")
        text = "<br>".join(lines)
        if text != self.message.text():
            self.message.setText(text)
            self.message.setVisible(bool(lines))

    # -- rows --------------------------------------------------------------------------
    def add_row(self) -> None:
        model = self.model
        if model.state is None or model.read_only:
            return
        row = model.rowCount()
        model.beginInsertRows(QModelIndex(), row, row)
        model.state.add_instance(self.group.name)
        model.endInsertRows()
        self._fit_height()
        self.rows_changed.emit(self.group.name, +1, row)
        first = model.index(row, 0)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.view.setCurrentIndex(first)
        self.view.scrollTo(first)
        self.view.edit(first)

    def ask_remove_row(self) -> None:
        """Remove the current row; one with answers in it only after a confirmation."""
        model = self.model
        row = self.view.currentIndex().row()
        if model.state is None or model.read_only or row < 0:
            return
        if all(is_blank(model.state.raw(model.ref(row, c))) for c in range(len(model.columns))):
            self.remove_row(row)
            return
        box = QMessageBox(QMessageBox.Icon.Question, render("ui.visit.remove_row", self.lang),
                          render("ui.visit.remove_row_confirm", self.lang, row=row + 1),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText(render("ui.visit.remove", self.lang))
        box.button(QMessageBox.StandardButton.No).setText(render("ui.visit.keep", self.lang))
        box.accepted.connect(lambda: self.remove_row(row))
        self.confirm_box = box
        box.open()

    def remove_row(self, row: int) -> None:
        model = self.model
        assert model.state is not None
        model.beginRemoveRows(QModelIndex(), row, row)
        model.state.remove_instance(self.group.name, (row,))
        model.endRemoveRows()
        self._fit_height()
        self.rows_changed.emit(self.group.name, -1, row)
        if model.rowCount():
            self.view.setCurrentIndex(model.index(min(row, model.rowCount() - 1), 0))
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- keyboard ----------------------------------------------------------------------
    def focus_in(self, forward: bool = True) -> None:
        model = self.model
        if not model.rowCount():
            self.add_button.setFocus(Qt.FocusReason.TabFocusReason)
            return
        row, column = ((0, 0) if forward
                       else (model.rowCount() - 1, len(model.columns) - 1))
        self.view.setFocus(Qt.FocusReason.TabFocusReason)
        self.view.setCurrentIndex(model.index(row, column))

    def _fit_height(self) -> None:
        rows = max(VISIBLE_ROWS[0], min(VISIBLE_ROWS[1], self.model.rowCount()))
        height = (self.view.horizontalHeader().sizeHint().height()
                  + rows * self.view.verticalHeader().defaultSectionSize()
                  + 2 * self.view.frameWidth() + 2)
        self.view.setFixedHeight(height)
