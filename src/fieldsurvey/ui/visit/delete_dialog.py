"""Deleting a visit asks why: the record stays as a tombstone with the reason."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.messages import render


class DeleteDialog(QDialog):
    reason_given = Signal(str)
    """The officer confirmed the deletion with this reason (never blank)."""

    def __init__(self, lang: str, organization: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(render("ui.visit.delete_title", lang))
        self.setModal(True)
        layout = QVBoxLayout(self)
        explain = QLabel(render("ui.visit.delete_explain", lang, organization=organization),
                         self)
        explain.setTextFormat(Qt.TextFormat.PlainText)
        explain.setWordWrap(True)
        layout.addWidget(explain)
        label = QLabel(render("ui.visit.delete_reason", lang), self)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(render("ui.visit.delete_placeholder", lang))
        label.setBuddy(self.reason)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        buttons = QDialogButtonBox(self)
        self.delete_button = QPushButton(render("ui.visit.delete", lang), self)
        self.delete_button.setEnabled(False)
        cancel = QPushButton(render("ui.visit.cancel", lang), self)
        cancel.setAutoDefault(False)
        buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._confirm)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reason.textChanged.connect(
            lambda text: self.delete_button.setEnabled(bool(text.strip())))
        self.reason.setFocus(Qt.FocusReason.OtherFocusReason)
        self.resize(520, self.sizeHint().height())

    def _confirm(self) -> None:
        reason = self.reason.text().strip()
        if not reason:
            return  # Enter in an empty field: nothing to confirm yet
        self.accept()
        self.reason_given.emit(reason)
