"""A repeat (the union's leadership roster) as an editable table.

The model is a thin adapter over the form state: it reads the instances straight
from :class:`~fieldsurvey.forms.state.FormState` and hands every edit to the
editor screen through a callback, which checks it and refreshes everything.
Cells are edited with the same widgets as single questions (a select is always
a combo box here).

Keyboard: typing starts editing a cell; Tab and Enter commit it and move to the
next cell. Past the last cell Tab goes to 添加一行 and Enter on to the next
question. Alt+N adds a row from anywhere in the roster's section (Insert inside
the table; Ctrl+N is the main window's "new visit"), and the typing goes into
the new row's first cell; Ctrl+Delete removes the current row, after asking if
it holds answers; Delete clears a cell.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

from PySide6.QtCore import (
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.forms.answers import is_blank
from fieldsurvey.forms.model import FormDefinition, Group, Question, pick_label
from fieldsurvey.forms.state import FormState
from fieldsurvey.messages import render
from fieldsurvey.store.visits import ref_key
from fieldsurvey.ui.visit.roster_model import ApplyFn, RosterModel
from fieldsurvey.ui.visit.roster_view import CellDelegate, RosterView

VISIBLE_ROWS = (2, 8)  # the table grows with its rows between these, then scrolls


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
        self.view.tabbed_out.connect(self._to_add_button)
        self.delegate.tabbed_out.connect(self._to_add_button)
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
        self._shortcut("Insert", self, self.add_row)
        self._shortcut("Ctrl+Delete", self, self.ask_remove_row)
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
    @staticmethod
    def _shortcut(keys: str, owner: QWidget, slot: Callable[[], None]) -> None:
        shortcut = QShortcut(QKeySequence(keys), owner)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)

    def claim_add_key(self, area: QWidget) -> None:
        """Alt+N adds a row while the cursor is anywhere in ``area`` (the roster's
        section, when it holds no other roster; else the roster itself)."""
        self._shortcut("Alt+N", area, self.add_row)

    def _to_add_button(self) -> None:
        if self.add_button.isEnabled():
            self.add_button.setFocus(Qt.FocusReason.TabFocusReason)
        else:
            self.leave.emit(+1)

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
