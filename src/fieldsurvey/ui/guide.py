"""Help -> 使用说明 (F1): the short built-in guide, in Chinese or English.

The guide is bundled HTML under ``resources/guide/`` (shipped by the frozen build with
the rest of ``resources/``), shown in a QTextBrowser: a page inside the app that
works offline, not a web link. Its language follows the app's and can be switched.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.messages import LANGUAGES, render
from fieldsurvey.resources import resource

_LANGUAGE_NAMES = {"zh": "中文", "en": "English"}


def guide_html(lang: str) -> str:
    """The guide's text in ``lang`` (Chinese for a language it does not have)."""
    path = resource("guide", f"{lang}.html")
    if not path.is_file():
        path = resource("guide", "zh.html")
    return path.read_text(encoding="utf-8")


def show_guide(parent: QWidget, lang: str) -> GuideDialog:
    """F1: the guide beside ``parent``, one per window (shown again if already open)."""
    guide = parent.findChild(GuideDialog)
    if guide is None:
        guide = GuideDialog(lang, parent)
    guide.show()
    guide.raise_()
    guide.activateWindow()
    return guide


class GuideDialog(QDialog):
    """The guide, non-modal so the officer can follow it while working."""

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)  # nothing in it leaves the app
        self.language = QComboBox()
        for code in LANGUAGES:
            self.language.addItem(_LANGUAGE_NAMES.get(code, code), code)
        self.language.setCurrentIndex(self.language.findData(lang))
        self.language.currentIndexChanged.connect(
            lambda _i: self.show_language(str(self.language.currentData())))
        self.language_label = QLabel()
        self.language_label.setBuddy(self.language)
        self.close_button = QPushButton()
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addWidget(self.language_label)
        row.addWidget(self.language)
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addLayout(row)
        # Comfortable to read beside the main window on a 1366x768 laptop.
        self.resize(640, 600)
        self.show_language(lang)

    def show_language(self, lang: str) -> None:
        self.lang = lang
        self.setWindowTitle(render("ui.guide.title", lang))
        self.language_label.setText(render("ui.guide.language", lang))
        self.close_button.setText(render("ui.guide.close", lang))
        self.browser.setHtml(guide_html(lang))
