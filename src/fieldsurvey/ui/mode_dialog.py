"""First run of a new data folder: what is this PC for?

A township officer's laptop records visits; a county (or city) federation's PC
merges the townships' (or counties') signed bundles. The choice is asked once:
a folder whose database holds an officer's profile is an officer's, a folder
with ``office.json`` is an office's (:func:`fieldsurvey.county.office.office_target`),
and only a folder with neither asks (:func:`startup_mode`).
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Literal

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.county.office import office_target
from fieldsurvey.messages import render
from fieldsurvey.paths import DataPaths

Mode = Literal["officer", "county", "city"]
MODES: tuple[Mode, ...] = ("officer", "county", "city")
StartMode = Literal["officer", "office", "ask"]
WIDTH = 620


def officer_profile_saved(paths: DataPaths) -> bool:
    """Whether the folder's officer database holds a profile, read without changing it.

    A database that exists but cannot be read counts as an officer's: the officer's
    start-up then opens it and reports the problem exactly as before.
    """
    if not paths.database.exists():
        return False
    uri = f"{paths.database.resolve().as_uri()}?mode=ro"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
            row = conn.execute("SELECT count(*) FROM app_setting WHERE key LIKE ?",
                               ("profile.%",)).fetchone()
    except sqlite3.Error:
        return True
    return bool(row and row[0])


def startup_mode(paths: DataPaths, db_override: str | None = None) -> StartMode:
    """``office`` when the folder is an office's (or ``--db`` names a database),
    ``officer`` when an officer's profile is saved, else ``ask`` (a new folder)."""
    if office_target(paths, db_override) is not None:
        return "office"
    return "officer" if officer_profile_saved(paths) else "ask"


class ModeDialog(QDialog):
    """Three choices, officer first; :attr:`mode` holds the one taken."""

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.setWindowTitle(self.tr_("ui.mode.title"))
        self.setFixedWidth(WIDTH)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        intro = QLabel(self.tr_("ui.mode.intro"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addSpacing(6)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        for number, mode in enumerate(MODES):
            button = QRadioButton(self.tr_(f"ui.mode.{mode}"))
            font = button.font()
            font.setBold(True)
            button.setFont(font)
            button.setObjectName(f"mode_{mode}")
            note = QLabel(self.tr_(f"ui.mode.{mode}_note"))
            note.setWordWrap(True)
            note.setContentsMargins(24, 0, 0, 0)
            note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            note.setStyleSheet("color: #5f6368;")
            self.group.addButton(button, number)
            self.buttons[mode] = button
            choice = QVBoxLayout()
            choice.setSpacing(0)
            choice.addWidget(button)
            choice.addWidget(note)
            layout.addLayout(choice)
            layout.addSpacing(6)
        self.buttons["officer"].setChecked(True)
        later = QLabel(self.tr_("ui.mode.later"))
        later.setWordWrap(True)
        layout.addStretch(1)  # spare height goes here, not between a choice and its note
        layout.addWidget(later)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
        box.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr_("ui.mode.next"))
        box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr_("ui.mode.quit"))
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)

    def tr_(self, code: str, **params: object) -> str:
        return render(code, self.lang, **params)

    def sizeHint(self) -> QSize:
        # Qt's hint wraps the notes for a narrow width; at the fixed width they need less.
        return QSize(WIDTH, max(self.heightForWidth(WIDTH), self.minimumSizeHint().height()))

    @property
    def mode(self) -> Mode:
        return MODES[max(0, self.group.checkedId())]


def ask_mode(lang: str) -> Mode | None:
    """Ask what this PC is for; ``None`` when the user quits."""
    dialog = ModeDialog(lang)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.mode
