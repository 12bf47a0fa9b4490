"""Fits a 1366x768 laptop: nothing wider than the screen, long labels wrap, pages scroll."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment, QTextLayout, QTextOption
from PySide6.QtWidgets import QApplication
from visit_helpers import ORG_USCC, Keyboard, complete_answers

from fieldsurvey.store.visits import save_draft
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.visit.editor import VisitEditor

pytestmark = pytest.mark.gui

# The main window's menu, toolbar and status bar take about 110 px of the 768.
AVAILABLE = (1366, 640)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_section_fits_the_width_and_scrolls_vertically(
    ctx: AppContext, visit_id: str, lang: str, open_editor: Callable[..., VisitEditor],
) -> None:
    with ctx.db.transaction() as s:
        save_draft(s, visit_id, ctx.form, complete_answers(union_status="none"))
    editor = open_editor(visit_id, dataclasses.replace(ctx, lang=lang))
    editor.resize(*AVAILABLE)
    assert editor.minimumSizeHint().width() <= AVAILABLE[0]
    assert editor.minimumSizeHint().height() <= AVAILABLE[1]
    for index, page in enumerate(editor.pages):
        editor.navigator.setCurrentRow(index)
        QApplication.processEvents()
        content = page.widget()
        assert content.width() <= page.viewport().width(), page.title
        assert page.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        for row in page.rows.values():
            assert row.label.wordWrap() and row.hint.wordWrap()
            if not row.isHidden():
                assert row.geometry().right() <= content.width()
                # A wrapped label is as tall as its text needs: nothing is clipped.
                label = row.label
                assert label.height() >= label.heightForWidth(label.width()), row.label_text


def test_the_finalize_dialog_fits_the_screen(
    ctx: AppContext, visit_id: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    with ctx.db.transaction() as s:  # an interview with nothing recorded: many errors
        save_draft(s, visit_id, ctx.form, {"visit_result": "completed",
                                           "reg_type": "foundation", "uscc": ORG_USCC})
    editor = open_editor(visit_id)
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = editor.finalize_dialog
    keys.wait_for(dialog)
    assert len(dialog.errors) > 10 and dialog.warnings
    assert dialog.width() <= 1366 and dialog.height() <= 700


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_question_label_leaves_a_lone_character_on_its_last_line(
        lang: str, ctx: AppContext, visit_id: str,
        open_editor: Callable[..., VisitEditor]) -> None:
    editor = open_editor(visit_id, dataclasses.replace(ctx, lang=lang))
    lone = []
    for name, row in editor.rows.items():
        label = row.label
        text = label.text().replace("\u00a0", " ")
        plain = QTextDocumentFragment.fromHtml(text).toPlainText()
        layout = QTextLayout(plain, label.font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        lines = []
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(min(label.maximumWidth(), label.parentWidget().width() - 8))
            lines.append(plain[line.textStart():line.textStart() + line.textLength()])
        layout.endLayout()
        last = lines[-1].replace("*", "").strip()
        if len(lines) > 1 and len(last) < 2:
            lone.append(f"{name}: {lines}")
    assert lone == []
