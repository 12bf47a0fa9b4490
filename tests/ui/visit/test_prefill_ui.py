"""Carried-over values are marked until the officer confirms or changes them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from visit_helpers import PROFILE, TODAY, Keyboard, complete_answers

from fieldsurvey.forms.state import Ref
from fieldsurvey.store.prefill import pending_prefill, start_visit
from fieldsurvey.store.visits import finalize, save_draft
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.visit.editor import VisitEditor

pytestmark = pytest.mark.gui
REGISTER = {"org_name", "reg_type", "uscc", "address", "legal_rep", "org_phone"}


def marked(editor: VisitEditor) -> set[str]:
    return {name for name, row in editor.rows.items()
            if row.prefilled and not row.tag.isHidden()}


def test_register_values_are_marked_as_carried_over(
    visit_id: str, open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(visit_id)
    assert marked(editor) == REGISTER
    assert editor.rows["org_name"].widget.value() == "西湖区茶叶协会"
    assert editor.rows["org_name"].field.styleSheet()  # tinted
    assert not editor.rows["respondent_name"].field.styleSheet()


def test_changing_or_confirming_removes_the_mark_and_it_is_remembered(
    ctx: AppContext, visit_id: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(visit_id)
    editor.go_to(Ref("address"))
    keys.press(Qt.Key.Key_End)
    keys.type(" 2F")
    assert not editor.rows["address"].prefilled
    editor.rows["legal_rep"].tag.click()  # the tag itself confirms
    assert not editor.rows["legal_rep"].prefilled
    editor.close()
    with ctx.db.transaction() as s:
        assert pending_prefill(s, visit_id) == REGISTER - {"address", "legal_rep"}

    again = open_editor(visit_id)
    assert marked(again) == REGISTER - {"address", "legal_rep"}
    assert again.rows["address"].widget.value() == "西湖区龙井路1号 2F"


def test_union_facts_carry_over_from_the_previous_visit(
    ctx: AppContext, visit_id: str, org_id: str, open_editor: Callable[..., VisitEditor],
) -> None:
    with ctx.db.transaction() as s:
        save_draft(s, visit_id, ctx.form, complete_answers())
        finalize(s, visit_id, ctx.form, complete_answers())
        second = start_visit(s, ctx.form, org_id, PROFILE.name, TODAY).id
    editor = open_editor(second)
    assert editor.rows["union_status"].widget.value() == "own"
    assert editor.rows["union_chair"].widget.value() == "王芳"
    assert {"union_status", "union_setup_date", "union_chair", "chair_elected", "committees",
            "party_org", "org_field"} <= marked(editor)
    assert editor.rows["visit_result"].widget.value() is None  # a new visit, a new result


def test_finalizing_says_how_many_were_not_confirmed_and_clears_them(
    qtbot: QtBot, ctx: AppContext, visit_id: str, keys: Keyboard,
    open_editor: Callable[..., VisitEditor],
) -> None:
    with ctx.db.transaction() as s:
        save_draft(s, visit_id, ctx.form, complete_answers())
    editor = open_editor(visit_id)
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = editor.finalize_dialog
    keys.wait_for(dialog)
    assert any("6 项沿用的信息未逐项确认" in label.text()
               for label in dialog.findChildren(type(editor.title)))
    with qtbot.waitSignal(editor.finalized):
        keys.enter()
    assert marked(editor) == set()
    with ctx.db.transaction() as s:
        assert pending_prefill(s, visit_id) == set()
