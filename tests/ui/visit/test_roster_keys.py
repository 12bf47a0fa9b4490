"""The roster by keyboard alone (issue 15): Tab reaches 添加一行, Alt+N works anywhere
in the roster's section and the typing lands in the new row, and Qt warns of nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from visit_helpers import Keyboard, complete_answers, stored_answers

from fieldsurvey.forms.state import Ref
from fieldsurvey.store.visits import finalize, save_draft
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.visit.editor import VisitEditor

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_level_fail("WARNING"),
              # The offscreen platform's own notice, not the app's.
              pytest.mark.qt_log_ignore("propagateSizeHints")]

ROWS = [("Li Si", "1", "3", "1", "13907151234"),
        ("Zhao Wu", "2", "2", "2", ""),
        ("Qian Liu", "1", "3", "2", "13907150000")]


@pytest.fixture
def empty_roster_draft(ctx: AppContext, visit_id: str) -> str:
    with ctx.db.transaction() as s:
        save_draft(s, visit_id, ctx.form, complete_answers(leaders=[]))
    return visit_id


def before_roster(editor: VisitEditor) -> str:
    """The question just before the roster, in Tab order."""
    stops = [stop for _, stop in editor.focus.stops()]
    table = editor.tables["leaders"]
    previous = stops[stops.index(table) - 1]
    return previous.question.name  # type: ignore[union-attr]


def test_three_roster_rows_by_keyboard_alone_without_a_qt_warning(
    qtbot: QtBot, ctx: AppContext, empty_roster_draft: str, keys: Keyboard,
    open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(empty_roster_draft)
    table = editor.tables["leaders"]
    editor.go_to(Ref(before_roster(editor)))
    keys.tab()
    assert keys.focus is table.add_button  # an empty roster: Tab lands on 添加一行
    keys.enter()
    for number, row in enumerate(ROWS):
        if number:
            # Alt+N from wherever the cursor is in the roster's section.
            keys.press(Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
        assert table.model.rowCount() == number + 1
        for cell, text in enumerate(row):
            if text:
                keys.type(text)
            if cell < len(row) - 1:
                keys.tab()
        keys.tab()  # past the last cell: 添加一行
        assert keys.focus is table.add_button
    keys.tab()  # and on to the next question
    assert editor.rows["services"].widget.isAncestorOf(keys.focus)
    assert editor.save_now()
    assert [r["leader_name"] for r in stored_answers(ctx, empty_roster_draft)["leaders"]] \
        == ["Li Si", "Zhao Wu", "Qian Liu"]


def test_alt_n_in_a_question_of_the_rosters_section_adds_a_row_and_types_into_it(
    qtbot: QtBot, empty_roster_draft: str, keys: Keyboard,
    open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(empty_roster_draft)
    table = editor.tables["leaders"]
    editor.go_to(Ref(before_roster(editor)))
    keys.press(Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert table.model.rowCount() == 1
    keys.type("Li Si")
    keys.tab()
    assert table.model.index(0, 0).data() == "Li Si"
    assert "Li Si" not in str(editor.state.answers.get("summary", ""))


def test_shift_tab_from_add_row_goes_back_into_the_last_cell(
    qtbot: QtBot, ctx: AppContext, visit_id: str, keys: Keyboard,
    open_editor: Callable[..., VisitEditor],
) -> None:
    with ctx.db.transaction() as s:
        save_draft(s, visit_id, ctx.form, complete_answers())
    editor = open_editor(visit_id)
    table = editor.tables["leaders"]
    editor.go_to(Ref("leader_phone", (0,)))
    keys.tab()
    assert keys.focus is table.add_button
    keys.press(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert table.view.isAncestorOf(keys.focus) or keys.focus is table.view
    assert table.view.currentIndex().column() == table.model.columnCount() - 1


def test_esc_leaves_a_finalized_visit(
    qtbot: QtBot, ctx: AppContext, visit_id: str, keys: Keyboard,
    open_editor: Callable[..., VisitEditor],
) -> None:
    with ctx.db.transaction() as s:
        finalize(s, visit_id, ctx.form, complete_answers(), {}, officer="王芳")
    editor = open_editor(visit_id)
    assert editor.read_only
    with qtbot.waitSignal(editor.closed):
        keys.press(Qt.Key.Key_Escape)


def test_esc_in_a_draft_cancels_a_cell_and_stays(
    qtbot: QtBot, ctx: AppContext, visit_id: str, keys: Keyboard,
    open_editor: Callable[..., VisitEditor],
) -> None:
    with ctx.db.transaction() as s:
        save_draft(s, visit_id, ctx.form, complete_answers())
    editor = open_editor(visit_id)
    closed: list[str] = []
    editor.closed.connect(closed.append)
    editor.go_to(Ref("leader_phone", (0,)))
    keys.type("0715")
    keys.press(Qt.Key.Key_Escape)
    assert editor.tables["leaders"].view.state() != editor.tables["leaders"].view.State.EditingState
    assert closed == [] and editor.isVisible()
