"""The check before finalizing: errors block it, each warning needs a reason.

Errors are listed first; Enter or a double click on one closes the dialog and
puts the cursor on that question. Each warning has its own reason field, and
"finalize" stays disabled until every reason is filled in. The dialog is opened
with ``open()`` (window-modal, not a nested event loop), so the editor and the
tests drive it through its signals.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.forms.state import Ref
from fieldsurvey.messages import render

# Up to this many warnings sit in the dialog itself; more scroll in a box.
INLINE_WARNINGS = 3
DIALOG_WIDTH = 760


@dataclass(frozen=True)
class ProblemItem:
    """One error or warning as the dialog lists it."""

    key: str  # ref_key, as finalize's overrides expect it
    ref: Ref
    where: str  # section › question (› row)
    text: str
    reason: str = ""  # for a warning: the reason given at an earlier finalize


class FinalizeDialog(QDialog):
    jump_requested = Signal(object)
    """The officer chose an error: go to this question (a :class:`Ref`)."""
    finalize_requested = Signal(dict)
    """Finalize with these override reasons (ref_key -> reason)."""

    def __init__(self, lang: str, errors: list[ProblemItem], warnings: list[ProblemItem],
                 pending: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.errors, self.warnings = errors, warnings
        self.setWindowTitle(render("ui.visit.finalize_title", lang))
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        self.error_list: QListWidget | None = None
        self.reasons: dict[str, QLineEdit] = {}
        if errors:
            layout.addWidget(self._text(render("ui.visit.finalize_errors", lang,
                                               count=len(errors)), "#c62828"))
            self.error_list = QListWidget(self)
            for item in errors:
                entry = QListWidgetItem(f"✖ {item.where}：{item.text}", self.error_list)
                entry.setData(Qt.ItemDataRole.UserRole, item.ref)
                entry.setToolTip(item.text)
            self.error_list.setWordWrap(True)
            self.error_list.setCurrentRow(0)
            self.error_list.itemActivated.connect(self._jump)
            # As tall as its items, up to a third of a 768 px screen; then it scrolls.
            rows = sum(self.error_list.sizeHintForRow(i) for i in range(len(errors)))
            self.error_list.setFixedHeight(min(240, rows + 2 * self.error_list.frameWidth() + 8))
            layout.addWidget(self.error_list)
        if warnings:
            layout.addWidget(self._text(render("ui.visit.finalize_warnings", lang,
                                               count=len(warnings)), "#9a5b00"))
            layout.addWidget(self._warning_area())
        if pending:
            layout.addWidget(self._text(render("ui.visit.finalize_pending", lang,
                                               count=pending), "#6b4a00"))
        if not errors and not warnings:
            layout.addWidget(self._text(render("ui.visit.finalize_clean", lang), "#2e7d32"))
        layout.addWidget(self._text(render("ui.visit.finalize_note", lang), "#5f6368"))
        layout.addStretch(1)
        buttons = QDialogButtonBox(self)
        self.finalize_button = QPushButton(render("ui.visit.finalize", lang), self)
        self.finalize_button.setDefault(not errors)
        self.finalize_button.setAutoDefault(not errors)
        self.back_button = QPushButton(render("ui.visit.back_to_edit", lang), self)
        self.back_button.setAutoDefault(False)
        buttons.addButton(self.finalize_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.back_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._finalize)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._update()
        # Wrapped labels know their height only for a given width: ask for 760 px.
        height = self.heightForWidth(DIALOG_WIDTH)
        self.resize(DIALOG_WIDTH, min(680, height if height > 0 else self.sizeHint().height()))
        if self.error_list is not None:
            self.error_list.setFocus()
        elif self.reasons:
            next(iter(self.reasons.values())).setFocus()
        else:
            self.finalize_button.setFocus()

    def _text(self, text: str, color: str) -> QLabel:
        label = QLabel(f'<span style="color:{color}">{html.escape(text)}</span>', self)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        return label

    def _warning_area(self) -> QWidget:
        """A label and a reason field per warning; scrolling only when there are many."""
        content = QWidget(self)
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        for item in self.warnings:
            label = QLabel(f"⚠ {html.escape(item.where)}：{html.escape(item.text)}", content)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            reason = QLineEdit(item.reason, content)
            reason.setPlaceholderText(render("ui.visit.reason_placeholder", self.lang))
            reason.textChanged.connect(self._update)
            reason.returnPressed.connect(lambda key=item.key: self._reason_entered(key))
            column.addWidget(label)
            column.addWidget(reason)
            self.reasons[item.key] = reason
        if len(self.warnings) <= INLINE_WARNINGS:
            return content
        column.addStretch(1)
        area = QScrollArea(self)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.StyledPanel)
        area.setWidget(content)
        area.setFixedHeight(280)
        return area

    def _reason_entered(self, key: str) -> None:
        """Enter in a reason: on to the next empty one, or finalize when all are given."""
        keys = list(self.reasons)
        for later in keys[keys.index(key) + 1:] + keys[: keys.index(key)]:
            if not self.reasons[later].text().strip():
                self.reasons[later].setFocus()
                return
        if self.finalize_button.isEnabled():
            self._finalize()

    def _update(self) -> None:
        ready = not self.errors and all(r.text().strip() for r in self.reasons.values())
        self.finalize_button.setEnabled(ready)

    def overrides(self) -> dict[str, str]:
        return {key: field.text().strip() for key, field in self.reasons.items()}

    def _jump(self, entry: QListWidgetItem) -> None:
        ref = entry.data(Qt.ItemDataRole.UserRole)
        self.reject()
        self.jump_requested.emit(ref)

    def _finalize(self) -> None:
        if not self.finalize_button.isEnabled():
            return
        self.accept()
        self.finalize_requested.emit(self.overrides())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in the error list jumps (itemActivated); it must not also press
        # the default button, which is disabled then anyway.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                not self.finalize_button.isEnabled():
            return
        super().keyPressEvent(event)
