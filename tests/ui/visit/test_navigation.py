"""Moving around: sections, Shift+Tab, PageDown/PageUp, and the section badges."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from visit_helpers import Keyboard, complete_answers

from fieldsurvey.store.visits import save_draft
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.visit.editor import VisitEditor

pytestmark = pytest.mark.gui


def in_row(editor: VisitEditor, name: str, keys: Keyboard) -> bool:
    return editor.rows[name].widget.isAncestorOf(keys.focus)


def test_page_down_and_up_switch_sections_at_their_first_question(
    visit_id: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(visit_id)
    keys.press(Qt.Key.Key_PageDown)
    assert editor.navigator.currentRow() == 1 and in_row(editor, "respondent_name", keys)
    keys.press(Qt.Key.Key_PageDown)
    assert in_row(editor, "org_name", keys)
    keys.press(Qt.Key.Key_PageDown)  # staff and union are hidden: no result yet
    assert editor.pages[editor.navigator.currentRow()].title == "走访小结"
    keys.press(Qt.Key.Key_PageUp, times=3)
    assert editor.navigator.currentRow() == 0 and in_row(editor, "visit_date", keys)


def test_shift_tab_goes_back_across_sections(
    visit_id: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(visit_id)
    keys.press(Qt.Key.Key_PageDown)
    assert in_row(editor, "respondent_name", keys)
    keys.press(Qt.Key.Key_Backtab)
    assert in_row(editor, "visit_result", keys) and editor.navigator.currentRow() == 0
    keys.press(Qt.Key.Key_Backtab, times=2)
    assert in_row(editor, "visit_date", keys)
    keys.press(Qt.Key.Key_Backtab)  # before the first question: the section list
    assert keys.focus is editor.navigator
    keys.press(Qt.Key.Key_Down)
    keys.enter()  # Enter on a section goes into it
    assert in_row(editor, "respondent_name", keys)


def test_badges_count_errors_and_unanswered_required_questions(
    ctx: AppContext, visit_id: str, open_editor: Callable[..., VisitEditor],
) -> None:
    answers = complete_answers(staff_women=50)
    del answers["respondent_post"], answers["respondent_name"]
    with ctx.db.transaction() as s:
        save_draft(s, visit_id, ctx.form, answers)
    editor = open_editor(visit_id)
    badges = {p.title: editor.navigator.badges(i) for i, p in enumerate(editor.pages)}
    assert badges == {"走访基本情况": (0, 0), "受访人": (0, 2), "单位基本情况": (0, 0),
                      "职工和党组织情况": (1, 0), "工会情况": (0, 0), "走访小结": (0, 0)}
    assert editor.summary.text() == "错误 1 处 · 必答未填 2 项"
