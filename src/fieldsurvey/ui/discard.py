"""Cancel on unsaved work asks first (issue 15): one question, asked the same way everywhere.

The default answer keeps the work, so Enter (or a second Esc) never throws it away.
The box is opened, not executed: the dialog goes on only when the officer answers.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from fieldsurvey.messages import render


def ask_discard(parent: QWidget, lang: str, discard: Callable[[], None]) -> QMessageBox:
    """Ask whether to throw away what was typed; ``discard()`` runs only on 放弃修改."""
    box = QMessageBox(QMessageBox.Icon.Question, render("ui.discard.title", lang),
                      render("ui.discard.text", lang),
                      QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                      parent)
    box.button(QMessageBox.StandardButton.Discard).setText(render("ui.discard.discard", lang))
    box.button(QMessageBox.StandardButton.Cancel).setText(render("ui.discard.keep", lang))
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Discard).clicked.connect(discard)
    box.open()
    return box
