"""Live checks: relevance, required marks, inline messages, and what blocks finalize."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from visit_helpers import Keyboard, complete_answers, stored

from fieldsurvey.forms.state import Ref
from fieldsurvey.store.visits import save_draft
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.visit.editor import VisitEditor

pytestmark = pytest.mark.gui


def draft_with(ctx: AppContext, visit_id: str, answers: dict) -> None:
    with ctx.db.transaction() as s:
        save_draft(s, visit_id, ctx.form, answers)


def revisit_answers(next_date: str | None, visit_date: str = "2026-11-20") -> dict:
    answers = {"visit_date": visit_date, "visit_kind": "follow_up",
               "visit_result": "revisit", "org_name": "西湖区茶叶协会",
               "reg_type": "social_group", "operating_status": "operating"}
    if next_date is not None:
        answers["next_visit_date"] = next_date
    return answers


def test_relevance_is_applied_as_the_result_is_picked(
    ctx: AppContext, visit_id: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(visit_id)
    titles = [p.title for p in editor.pages]
    staff, union = titles.index("职工和党组织情况"), titles.index("工会情况")
    assert editor.navigator.isRowHidden(staff)  # no result yet: no interview
    keys.enter(2)
    keys.type("1")  # completed
    assert not editor.navigator.isRowHidden(staff)
    assert not editor.navigator.isRowHidden(union)
    assert editor.notes["result_note"].isHidden()
    keys.type("2")  # refused: the interview goes away, the note explains why
    assert editor.navigator.isRowHidden(staff) and editor.navigator.isRowHidden(union)
    assert not editor.notes["result_note"].isHidden()


def test_required_marks_follow_the_answers(
    ctx: AppContext, visit_id: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(visit_id)
    respondent = editor.rows["respondent_name"]
    assert not respondent.required  # only required once the interview took place
    keys.enter(2)
    keys.type("1")
    assert respondent.required
    assert "*" in respondent.label.text()


def test_a_constraint_error_shows_inline_and_blocks_finalize(
    qtbot: QtBot, ctx: AppContext, visit_id: str, keys: Keyboard,
    open_editor: Callable[..., VisitEditor],
) -> None:
    draft_with(ctx, visit_id, complete_answers(staff_women=50))  # more women than staff
    editor = open_editor(visit_id)
    women = editor.rows["staff_women"]
    assert women.messages == [("error", "女职工人数不能为负数，也不能多于职工总人数。")]
    assert not women.message.isHidden()
    staff = [p.title for p in editor.pages].index("职工和党组织情况")
    assert editor.navigator.badges(staff) == (1, 0)

    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = editor.finalize_dialog
    assert dialog is not None
    keys.wait_for(dialog)
    assert [e.ref.name for e in dialog.errors] == ["staff_women"]
    assert not dialog.finalize_button.isEnabled()
    keys.enter()  # on the error: the dialog closes and the cursor goes there
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: women.widget.isAncestorOf(QApplication.focusWidget()))
    assert editor.navigator.currentRow() == staff
    assert stored(ctx, visit_id).status == "draft"

    keys.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys.type("18")
    keys.enter()
    assert women.messages == []
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not editor.finalize_dialog.errors
    keys.wait_for(editor.finalize_dialog)
    with qtbot.waitSignal(editor.finalized):
        keys.enter()
    assert stored(ctx, visit_id).status == "final"


def test_a_constraint_message_appears_once_the_officer_leaves_the_question(
    ctx: AppContext, visit_id: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    draft_with(ctx, visit_id, {"visit_result": "completed", "visit_date": "2026-11-20"})
    editor = open_editor(visit_id)
    editor.advance_into([p.title for p in editor.pages].index("职工和党组织情况"))
    keys.type("40")
    keys.enter()
    keys.type("50")
    women = editor.rows["staff_women"]
    assert women.messages == []  # still typing: no scolding yet
    keys.enter()
    assert women.messages == [("error", "女职工人数不能为负数，也不能多于职工总人数。")]


def test_a_revisit_needs_a_next_visit_date_after_the_visit(
    qtbot: QtBot, ctx: AppContext, visit_id: str, keys: Keyboard,
    open_editor: Callable[..., VisitEditor],
) -> None:
    draft_with(ctx, visit_id, revisit_answers("2026-11-20"))  # the visit's own day
    editor = open_editor(visit_id)
    next_date = editor.rows["next_visit_date"]
    assert next_date.required
    assert next_date.messages == [("error", "下次走访日期应在走访日期之后。")]
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = editor.finalize_dialog
    keys.wait_for(dialog)
    assert [e.ref.name for e in dialog.errors] == ["next_visit_date"]
    assert not dialog.finalize_button.isEnabled()
    keys.enter()
    qtbot.waitUntil(lambda: next_date.widget.isAncestorOf(QApplication.focusWidget()))
    keys.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys.type("20261127")
    keys.enter()
    assert next_date.messages == []
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    keys.wait_for(editor.finalize_dialog)
    with qtbot.waitSignal(editor.finalized):
        keys.enter()
    visit = stored(ctx, visit_id)
    assert (visit.status, visit.visit_result, str(visit.next_visit_date)) == \
        ("final", "revisit", "2026-11-27")


def test_a_revisit_without_a_next_date_cannot_be_finalized(
    ctx: AppContext, visit_id: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    draft_with(ctx, visit_id, revisit_answers(None))
    editor = open_editor(visit_id)
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = editor.finalize_dialog
    assert [(e.ref.name, e.text) for e in dialog.errors] == [
        ("next_visit_date", "负责人不在需回访的，请填写下次走访日期。")]
    # Once finalize was tried, every required-but-blank question says so in place.
    assert editor.rows["next_visit_date"].messages == [
        ("error", "负责人不在需回访的，请填写下次走访日期。")]


def test_a_warning_is_finalized_only_with_a_reason(
    qtbot: QtBot, ctx: AppContext, visit_id: str, keys: Keyboard,
    open_editor: Callable[..., VisitEditor],
) -> None:
    # A foundation's code should start with 53; this one starts with 51.
    draft_with(ctx, visit_id, complete_answers(reg_type="foundation"))
    editor = open_editor(visit_id)
    assert editor.rows["uscc"].messages[0][0] == "warning"
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = editor.finalize_dialog
    assert not dialog.errors and [w.key for w in dialog.warnings] == ["uscc"]
    assert not dialog.finalize_button.isEnabled()
    keys.wait_for(dialog)
    assert keys.focus is dialog.reasons["uscc"]
    keys.type("   ")
    assert not dialog.finalize_button.isEnabled()  # blanks are no reason
    keys.type("checked with certificate")
    assert dialog.finalize_button.isEnabled()
    with qtbot.waitSignal(editor.finalized):
        keys.enter()
    overrides = json.loads(stored(ctx, visit_id).overrides_json)
    assert overrides == [{"field": "uscc", "warning": "form.warning",
                          "reason": "checked with certificate"}]


def test_a_half_typed_date_is_an_error_not_a_silent_blank(
    ctx: AppContext, visit_id: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(visit_id)
    keys.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys.type("202611")
    keys.enter()
    row = editor.rows["visit_date"]
    assert row.messages == [("error", "日期没有填完整：请输入8位数字，如 20261120。")]
    assert editor.state.raw(Ref("visit_date")) == "2026-11-20"  # the last whole date stays
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "visit_date" in [e.ref.name for e in editor.finalize_dialog.errors]


def test_a_paper_visit_keyed_late_is_finalized_with_a_next_date_already_past(
    qtbot: QtBot, ctx: AppContext, visit_id: str, keys: Keyboard,
    open_editor: Callable[..., VisitEditor],
) -> None:
    """Today is 2026-11-20; the paper form says 2026-10-02, next visit 2026-10-16."""
    draft_with(ctx, visit_id, revisit_answers(None))
    editor = open_editor(visit_id)  # the cursor starts in the visit date
    keys.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys.type("20261002")
    keys.enter()
    assert editor.state.raw(Ref("visit_date")) == "2026-10-02"
    assert editor.rows["visit_date"].messages == []  # 49 days back: no warning yet
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = editor.finalize_dialog
    keys.wait_for(dialog)
    assert [e.ref.name for e in dialog.errors] == ["next_visit_date"]  # required, blank
    keys.enter()  # to the question
    next_date = editor.rows["next_visit_date"]
    qtbot.waitUntil(lambda: next_date.widget.isAncestorOf(QApplication.focusWidget()))
    keys.type("20261001")  # before the visit: refused
    keys.enter()
    assert next_date.messages == [("error", "下次走访日期应在走访日期之后。")]
    keys.press(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)  # back to it
    qtbot.waitUntil(lambda: next_date.widget.isAncestorOf(QApplication.focusWidget()))
    keys.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys.type("20261016")  # after the visit, before today: what the paper says
    keys.enter()
    assert next_date.messages == []
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    keys.wait_for(editor.finalize_dialog)
    assert not editor.finalize_dialog.errors and not editor.finalize_dialog.warnings
    with qtbot.waitSignal(editor.finalized):
        keys.enter()
    visit = stored(ctx, visit_id)
    assert (visit.status, str(visit.visit_date), str(visit.next_visit_date)) == \
        ("final", "2026-10-02", "2026-10-16")


def test_a_visit_over_sixty_days_back_asks_for_a_reason(
    ctx: AppContext, visit_id: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    draft_with(ctx, visit_id, revisit_answers("2026-09-30", visit_date="2026-09-15"))
    editor = open_editor(visit_id)
    assert editor.rows["visit_date"].messages == [(
        "warning", "走访日期在60天以前。补录纸质记录的，请核对日期无误后确认。")]
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = editor.finalize_dialog
    assert not dialog.errors and [w.key for w in dialog.warnings] == ["visit_date"]


def test_a_visit_date_after_today_is_refused(
    ctx: AppContext, visit_id: str, open_editor: Callable[..., VisitEditor],
) -> None:
    draft_with(ctx, visit_id, revisit_answers("2026-12-01", visit_date="2026-11-21"))
    editor = open_editor(visit_id)
    assert editor.rows["visit_date"].messages == [("error", "日期不能晚于今天。")]


def test_a_union_cannot_be_set_up_after_the_visit(
    ctx: AppContext, visit_id: str, open_editor: Callable[..., VisitEditor],
) -> None:
    draft_with(ctx, visit_id, complete_answers(visit_date="2026-10-10",
                                               union_setup_date="2026-10-20"))
    editor = open_editor(visit_id)
    assert editor.rows["union_setup_date"].messages == [
        ("error", "工会成立日期不能晚于走访日期。")]
