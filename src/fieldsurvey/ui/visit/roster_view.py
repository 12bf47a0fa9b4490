"""The roster's table view and cell editors: how Tab, Enter and Esc move through cells
(see :mod:`.repeat_table`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from fieldsurvey.ui.visit.roster_model import RosterModel
from fieldsurvey.ui.visit.widgets import AnswerWidget, make_widget


class CellDelegate(QStyledItemDelegate):
    """Edits a cell with the question's own widget; Tab and Enter move on."""

    leave = Signal(int)
    """Enter past the last cell (+1) or Shift+Tab before the first (-1)."""
    tabbed_out = Signal()
    """Tab past the last cell: on to the roster's 添加一行."""

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
        if widget is None:
            return super().eventFilter(watched, event)  # the editor itself, as Qt set it
        if event.type() == QEvent.Type.FocusOut:
            # The focus left an input inside a cell editor. Qt's own handling must see
            # the editor, not the input, and only while it is open: a closed one is
            # no longer the view's ("commitData called with an editor that does not
            # belong to this view").
            if self.view.state() == QAbstractItemView.State.EditingState:
                return super().eventFilter(widget, event)
            return False
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        key = event.key()
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self._close(widget, +1, tab=key == Qt.Key.Key_Tab)
            return True
        if key == Qt.Key.Key_Backtab:
            self._close(widget, -1)
            return True
        if key == Qt.Key.Key_Escape:
            self.closeEditor.emit(widget, QAbstractItemDelegate.EndEditHint.RevertModelCache)
            return True
        return super().eventFilter(watched, event)

    def _close(self, widget: AnswerWidget, step: int, *, tab: bool = False) -> None:
        self.commitData.emit(widget)
        current = self.view.currentIndex()
        at_edge = _at_edge(self.model, current, step)
        if at_edge:
            self.closeEditor.emit(widget, QAbstractItemDelegate.EndEditHint.NoHint)
            if tab and step > 0:
                self.tabbed_out.emit()
            else:
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
    tabbed_out = Signal()
    """Tab past the last cell: on to the roster's 添加一行."""

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
            if next:
                self.tabbed_out.emit()
            else:
                self.leave.emit(step)
            return True
        return super().focusNextPrevChild(next)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            if _at_edge(self.roster, self.currentIndex(), +1):
                self.leave.emit(+1)  # Enter goes on to the next question
            else:
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
