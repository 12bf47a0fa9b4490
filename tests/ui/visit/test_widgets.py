"""Each question type gets its widget, and each widget takes the keyboard."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from visit_helpers import Keyboard, complete_answers

from fieldsurvey.forms.state import Ref
from fieldsurvey.store.visits import save_draft
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.visit.editor import VisitEditor
from fieldsurvey.ui.visit.widgets import (
    CheckWidget,
    ComboWidget,
    LineWidget,
    MaskedWidget,
    MultilineWidget,
    RadioWidget,
)

pytestmark = pytest.mark.gui


def test_each_type_gets_its_widget(visit_id: str,
                                   open_editor: Callable[..., VisitEditor]) -> None:
    editor = open_editor(visit_id)
    kinds = {name: type(row.widget) for name, row in editor.rows.items()}
    assert kinds["visit_result"] is RadioWidget  # 4 choices
    assert kinds["org_field"] is RadioWidget  # 5 choices: still radio buttons
    assert kinds["reg_type"] is ComboWidget  # the "minimal" appearance
    assert kinds["committees"] is CheckWidget
    assert kinds["staff_total"] is LineWidget
    assert kinds["visit_date"] is MaskedWidget
    assert kinds["notes"] is MultilineWidget
    assert kinds["respondent_name"] is LineWidget
    assert "result_note" in editor.notes  # a note is text, not a question
    assert "obstruction_flag" not in editor.rows  # a calculation is not shown


def test_a_blank_number_is_not_zero(ctx: AppContext, visit_id: str, keys: Keyboard,
                                    open_editor: Callable[..., VisitEditor]) -> None:
    with ctx.db.transaction() as s:
        save_draft(s, visit_id, ctx.form, {"visit_result": "completed"})
    editor = open_editor(visit_id)
    editor.go_to(Ref("staff_total"))
    keys.type("0")
    assert editor.state.raw(Ref("staff_total")) == 0
    keys.press(Qt.Key.Key_Backspace)
    assert editor.state.raw(Ref("staff_total")) is None
    keys.type("x1y2")  # letters never get in
    assert editor.state.raw(Ref("staff_total")) == 12
    keys.press(Qt.Key.Key_Backspace, times=2)
    keys.enter()
    assert editor.rows["staff_total"].messages == [("error", "此项必填。")]


def test_digits_pick_radio_buttons_and_delete_clears(
    visit_id: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(visit_id)
    editor.go_to(Ref("visit_result"))
    keys.type("3")
    assert editor.state.raw(Ref("visit_result")) == "revisit"
    keys.type("9")  # no ninth choice: nothing changes
    assert editor.state.raw(Ref("visit_result")) == "revisit"
    keys.press(Qt.Key.Key_Delete)
    assert editor.state.raw(Ref("visit_result")) is None


def test_a_combo_box_finds_a_choice_by_pinyin_initials(
    visit_id: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(visit_id)
    editor.go_to(Ref("reg_type"))
    keys.type("jjh")  # 基金会
    assert editor.state.raw(Ref("reg_type")) == "foundation"
    keys.type("5")
    assert editor.state.raw(Ref("reg_type")) == "community"


def test_checkboxes_toggle_by_digit_and_space(
    ctx: AppContext, visit_id: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    with ctx.db.transaction() as s:
        save_draft(s, visit_id, ctx.form, complete_answers(committees=[]))
    editor = open_editor(visit_id)
    editor.go_to(Ref("committees"))
    keys.type("31")
    assert editor.state.raw(Ref("committees")) == ["union_committee", "women_committee"]
    keys.press(Qt.Key.Key_Right)
    keys.press(Qt.Key.Key_Space)
    assert editor.state.raw(Ref("committees")) == ["union_committee", "audit_committee",
                                                   "women_committee"]
    keys.type("4")  # "none yet" with committees: the form's own constraint says no
    assert editor.rows["committees"].messages == [
        ("error", "选了“均未建立”就不能再选其他委员会。")]


def test_a_date_is_typed_as_digits_or_picked_from_the_calendar(
    visit_id: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(visit_id)
    keys.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys.type("20261118")
    assert editor.state.raw(Ref("visit_date")) == "2026-11-18"
    keys.press(Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    widget = editor.rows["visit_date"].widget
    assert widget.popup is not None and widget.popup.isVisible()
    keys.wait_for(widget.popup)
    keys.press(Qt.Key.Key_Left)  # one day earlier in the calendar
    keys.enter()
    assert not widget.popup.isVisible()
    assert editor.state.raw(Ref("visit_date")) == "2026-11-17"
    assert widget.isAncestorOf(keys.focus)


def test_chinese_from_the_input_method_is_stored(
    ctx: AppContext, visit_id: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(visit_id)
    editor.go_to(Ref("respondent_name"))
    keys.ime("李明")
    assert editor.state.raw(Ref("respondent_name")) == "李明"


def test_english_labels_and_buttons(ctx: AppContext, visit_id: str,
                                    open_editor: Callable[..., VisitEditor]) -> None:
    editor = open_editor(visit_id, dataclasses.replace(ctx, lang="en"))
    assert editor.finalize_button.text() == "Finalize"
    assert editor.pages[0].title == "The visit"
    assert editor.rows["visit_result"].label_text == "Result of the visit"
    assert editor.rows["org_name"].tag.text() == "Carried over"
