"""Small pieces the visit editor is built from: sections, buttons, labels, shortcuts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from fieldsurvey.forms.model import FormDefinition, Group


def plain_label(parent: QWidget, style: str = "", text: str = "") -> QLabel:
    """A label whose text is data (names, reasons), never markup."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if style:
        label.setStyleSheet(style)
    return label


def banner(parent: QWidget) -> QLabel:
    """The note above a visit that cannot be edited (finalized, deleted, other form)."""
    label = plain_label(parent, "background: #eef4fb; border: 1px solid #c9d7ea; "
                                "padding: 4px 8px;")
    label.setWordWrap(True)
    label.hide()
    return label


def sections(form: FormDefinition) -> list[Group]:
    """Top-level groups; loose top-level questions are gathered into their own section."""
    sections: list[Group] = []
    loose: list[Any] = []

    def flush() -> None:
        if loose:
            sections.append(Group(name=f"_section{len(sections)}",
                                  labels=form.title, children=tuple(loose)))
            loose.clear()

    for node in form.root.children:
        if isinstance(node, Group) and not node.is_repeat:
            flush()
            sections.append(node)
        else:
            loose.append(node)
    flush()
    return sections


def button(parent: QWidget, text: str, slot: Any, layout: QHBoxLayout) -> QPushButton:
    button = QPushButton(text, parent)
    button.setAutoDefault(True)  # Enter presses a focused button, as Space does
    button.clicked.connect(slot)
    layout.addWidget(button)
    return button


def shortcut(parent: QWidget, keys: str, slot: Any) -> QShortcut:
    made = QShortcut(QKeySequence(keys), parent)
    made.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    made.activated.connect(slot)
    return made
