"""Cancel on unsaved work asks first (issue 15): one question, asked the same way everywhere.

The default answer keeps the work, so Enter (or a second Esc) never throws it away.
The box is opened, not executed: the dialog goes on only when the officer answers.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

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
    # Through a lambda: ``clicked`` carries a flag a bound Qt slot such as QDialog.reject
    # would be handed and refuse.
    box.button(QMessageBox.StandardButton.Discard).clicked.connect(
        lambda _checked=False: discard())
    box.open()
    return box


def reject_asking(dialog: QDialog, lang: str, unsaved: bool,
                  reject: Callable[[], None]) -> None:
    """What a dialog's ``reject`` (取消, Esc, the close box) does: go at once when nothing
    was typed, else ask, and go only on 放弃修改. One question at a time."""
    if not unsaved:
        reject()
        return
    if getattr(dialog, "discard_box", None) is not None:
        return
    box = ask_discard(dialog, lang, reject)
    dialog.discard_box = box  # type: ignore[attr-defined]
    box.finished.connect(lambda _result: setattr(dialog, "discard_box", None))
