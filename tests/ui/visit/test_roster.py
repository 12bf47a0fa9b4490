"""The leadership roster: an editable table driven from the keyboard."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from visit_helpers import TODAY, Keyboard, complete_answers, stored_answers

from fieldsurvey.forms.loader import load_form_markdown
from fieldsurvey.forms.state import Ref
from fieldsurvey.store.prefill import start_visit
from fieldsurvey.store.visits import create_visit, finalize, save_draft
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.visit.editor import VisitEditor

pytestmark = pytest.mark.gui


@pytest.fixture
def own_union_draft(ctx: AppContext, visit_id: str) -> str:
    with ctx.db.transaction() as s:
        save_draft(s, visit_id, ctx.form, complete_answers())
    return visit_id


def cells(editor: VisitEditor) -> list[list[str]]:
    model = editor.tables["leaders"].model
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_the_roster_shows_choice_labels_and_required_columns(
    own_union_draft: str, open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(own_union_draft)
    table = editor.tables["leaders"]
    headers = [table.model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(table.model.columnCount())]
    assert headers == ["姓名 *", "性别 *", "职务 *", "专职或兼职 *", "联系电话"]
    assert cells(editor) == [["王芳", "女", "主席", "兼职", ""]]


def test_a_row_is_added_by_shortcut_and_filled_cell_by_cell(
    qtbot: QtBot, ctx: AppContext, own_union_draft: str, keys: Keyboard,
    open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(own_union_draft)
    table = editor.tables["leaders"]
    editor.go_to(Ref("leader_name", (0,)))
    keys.press(Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert table.model.rowCount() == 2
    keys.type("Li Si")
    keys.enter()  # Enter moves to the next cell, like Tab
    keys.type("1")
    keys.enter()
    keys.type("3")
    keys.tab()
    keys.type("1")
    keys.tab()
    keys.type("13907151234")
    keys.enter()
    assert cells(editor)[1] == ["Li Si", "男", "委员", "专职", "13907151234"]
    # Past the last cell the cursor leaves the table for the next question.
    assert editor.rows["services"].widget.isAncestorOf(keys.focus)
    assert editor.save_now()
    assert stored_answers(ctx, own_union_draft)["leaders"][1] == {
        "leader_name": "Li Si", "leader_sex": "male", "leader_post": "member",
        "leader_tenure": "full_time", "leader_phone": "13907151234"}


def test_a_cell_being_typed_in_is_saved_by_autosave(
    qtbot: QtBot, ctx: AppContext, own_union_draft: str, keys: Keyboard,
    open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(own_union_draft, autosave_ms=100)
    editor.go_to(Ref("leader_phone", (0,)))
    keys.type("0715-812")  # the cell editor is still open
    table = editor.tables["leaders"]
    assert table.view.state() == table.view.State.EditingState
    with qtbot.waitSignal(editor.saved):
        pass
    assert stored_answers(ctx, own_union_draft)["leaders"][0]["leader_phone"] == "0715-812"
    assert table.message.isHidden()  # no scolding until the cell is left


def test_a_cell_error_is_marked_and_listed_under_the_table(
    own_union_draft: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(own_union_draft)
    table = editor.tables["leaders"]
    editor.go_to(Ref("leader_phone", (0,)))
    keys.type("12345")
    keys.enter()
    assert "第1行“联系电话”：电话号码格式不对" in table.message.text()
    index = table.model.index(0, 4)
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None


def test_removing_a_filled_row_asks_first(
    qtbot: QtBot, ctx: AppContext, own_union_draft: str, keys: Keyboard,
    open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(own_union_draft)
    table = editor.tables["leaders"]
    editor.go_to(Ref("leader_name", (0,)))
    keys.press(Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    box = table.confirm_box
    assert box is not None and box.isVisible()
    box.button(QMessageBox.StandardButton.No).click()
    assert table.model.rowCount() == 1
    keys.press(Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    table.confirm_box.button(QMessageBox.StandardButton.Yes).click()
    assert table.model.rowCount() == 0
    assert editor.save_now()
    assert stored_answers(ctx, own_union_draft)["leaders"] == []


def test_a_missing_roster_answer_blocks_finalize(
    qtbot: QtBot, own_union_draft: str, keys: Keyboard,
    open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(own_union_draft)
    editor.go_to(Ref("leader_name", (0,)))
    keys.press(Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    keys.type("Li Si")
    keys.tab()
    keys.press(Qt.Key.Key_Escape)  # leave the rest of the row empty
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = editor.finalize_dialog
    assert [e.where for e in dialog.errors] == [
        f"工会情况 › 工会领导班子成员第2行 › {label}" for label in ("性别", "职务", "专职或兼职")]
    assert not dialog.finalize_button.isEnabled()


CARRIED_ROSTER_MD = """
| survey |
| | type | name | label | required | fs_prefill | fs_stat |
| | begin group | main | Main | | | |
| | date | visit_date | Date | yes | | visit_date |
| | text | org_name | Name | yes | register.name | |
| | end group | | | | | |
| | begin group | people | People | | | |
| | begin repeat | leaders | Leaders | | | |
| | text | leader | Name | yes | previous | |
| | end repeat | | | | | |
| | end group | | | | | |
| settings |
| | form_id | version |
| | carried_roster | 1 |
"""


def test_carried_roster_rows_stay_marked_when_an_earlier_row_is_removed(
    ctx: AppContext, org_id: str, open_editor: Callable[..., VisitEditor],
) -> None:
    form = load_form_markdown(CARRIED_ROSTER_MD)
    context = dataclasses.replace(ctx, form=form)
    last = {"visit_date": "2026-10-01", "org_name": "x",
            "leaders": [{"leader": "Wang Fang"}, {"leader": "Li Si"}]}
    with ctx.db.transaction() as s:
        first = create_visit(s, organization_id=org_id, form=form, officer="王芳", answers=last)
        finalize(s, first.id, form, last)
        visit_id = start_visit(s, form, org_id, "王芳", TODAY).id
    editor = open_editor(visit_id, context)
    table = editor.tables["leaders"]
    assert [table.model.index(r, 0).data() for r in range(2)] == ["Wang Fang", "Li Si"]
    assert editor.pending == {"org_name", "leader@0", "leader@1"}
    table.remove_row(0)
    assert [table.model.index(r, 0).data() for r in range(1)] == ["Li Si"]
    assert editor.pending == {"org_name", "leader@0"}  # Li Si's mark moved up with her
    assert table.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
