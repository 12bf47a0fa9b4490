"""Finalized visits are read-only; reopening makes a new revision; deleting leaves a tombstone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from visit_helpers import Keyboard, complete_answers, stored

from fieldsurvey.store.visits import answers_of, finalize, history, save_draft
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.visit.editor import VisitEditor

pytestmark = pytest.mark.gui


@pytest.fixture
def final_visit(ctx: AppContext, visit_id: str) -> str:
    with ctx.db.transaction() as s:
        save_draft(s, visit_id, ctx.form, complete_answers())
        finalize(s, visit_id, ctx.form, complete_answers(), officer="王芳")
    return visit_id


def test_a_finalized_visit_is_shown_read_only(
    final_visit: str, open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(final_visit)
    assert editor.read_only and not editor.banner.isHidden()
    assert editor.rows["respondent_name"].widget.edit.isReadOnly()
    assert not editor.rows["visit_result"].widget.buttons[0].isEnabled()
    assert not editor.finalize_button.isEnabled() and not editor.save_button.isEnabled()
    assert editor.reopen_button.isVisibleTo(editor)


def test_reopening_creates_a_new_revision_and_keeps_the_finalized_one(
    qtbot: QtBot, ctx: AppContext, final_visit: str, keys: Keyboard,
    open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(final_visit)
    with qtbot.waitSignal(editor.reopened):
        editor.reopen_button.click()
    assert not editor.read_only
    assert (stored(ctx, final_visit).status, stored(ctx, final_visit).revision) == ("draft", 2)
    assert "第2版" in editor.status_label.text()

    editor.advance_into([p.title for p in editor.pages].index("职工和党组织情况"))
    keys.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys.type("45")
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    keys.wait_for(editor.finalize_dialog)
    with qtbot.waitSignal(editor.finalized):
        keys.enter()

    with ctx.db.transaction() as s:
        revisions = history(s, final_visit)
        assert [r.revision for r in revisions] == [1, 2]
        assert answers_of(revisions[0])["staff_total"] == 40  # frozen, untouched
        assert answers_of(revisions[1])["staff_total"] == 45
    assert stored(ctx, final_visit).status == "final"


def test_the_history_shows_each_revision_and_what_changed(
    qtbot: QtBot, ctx: AppContext, final_visit: str, keys: Keyboard,
    open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(final_visit)
    editor.reopen_button.click()
    editor.advance_into([p.title for p in editor.pages].index("职工和党组织情况"))
    keys.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys.type("45")

    editor.history_button.click()
    dialog = editor.history_dialog
    assert dialog is not None and dialog.isVisible()
    titles = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert titles[0].startswith("第1版 · ") and titles[0].endswith(" · 王芳")
    assert titles[1] == "当前草稿（第2版，未提交）"
    # The draft against revision 1: only what changed, side by side.
    rows = [[dialog.table.item(r, c).text() for c in range(3)]
            for r in range(dialog.table.rowCount())]
    assert rows == [["职工总人数", "40", "45"]]
    dialog.only_changes.setChecked(False)
    assert dialog.table.rowCount() > 20
    dialog.list.setCurrentRow(0)  # the first revision: everything it recorded
    labels = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert "工会领导班子成员第1行 › 姓名" in labels
    assert dialog.table.item(labels.index("走访结果"), 2).text() == "完成"


def test_delete_needs_a_reason_and_leaves_a_tombstone(
    qtbot: QtBot, ctx: AppContext, visit_id: str, keys: Keyboard,
    open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(visit_id)
    editor.delete_button.click()
    dialog = editor.delete_dialog
    assert dialog is not None
    keys.wait_for(dialog)
    assert not dialog.delete_button.isEnabled()
    keys.enter()  # nothing typed: nothing happens
    assert dialog.isVisible() and stored(ctx, visit_id).deleted_at is None
    keys.type("duplicate entry")
    with qtbot.waitSignal(editor.deleted):
        keys.enter()
    visit = stored(ctx, visit_id)
    assert visit.deleted_at is not None and visit.deleted_reason == "duplicate entry"
    assert answers_of(visit)["org_name"] == "西湖区茶叶协会"  # the row stays, whole
    assert editor.read_only and "duplicate entry" in editor.banner.text()
    assert not editor.delete_button.isEnabled()
