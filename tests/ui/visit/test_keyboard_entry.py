"""A whole visit keyed without the mouse, from the first question to finalize."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from visit_helpers import ORG_USCC, Keyboard, stored, stored_answers

from fieldsurvey.store.visits import history
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.visit.editor import VisitEditor

pytestmark = pytest.mark.gui


def test_a_complete_visit_with_a_roster_row_is_keyed_and_finalized(
    qtbot: QtBot, ctx: AppContext, visit_id: str, keys: Keyboard,
    open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(visit_id)
    assert editor.rows["visit_date"].widget.isAncestorOf(keys.focus)

    # 走访基本情况: keep today's date, census, completed.
    keys.enter()
    keys.type("1")
    keys.enter()
    keys.type("1")
    keys.enter()
    # 受访人
    keys.type("Li Ming")
    keys.enter()
    keys.type("mishuzhang")
    keys.enter()
    keys.type("13907151234")
    keys.enter()
    # 单位基本情况: the register's values are confirmed with Enter; field and status picked.
    keys.enter(3)  # name, registration type, USCC
    keys.type("1")  # economic services
    keys.enter()
    keys.enter()  # supervisor: none recorded
    keys.enter(3)  # address, legal representative, phone
    keys.type("1")  # operating
    keys.enter()
    # 职工和党组织情况
    for number in ("40", "18", "30", "10"):
        keys.type(number)
        keys.enter()
    keys.type("1")  # a Party organization
    keys.enter()
    # 工会情况
    keys.type("2")  # own union
    keys.enter()
    keys.type("20240501")
    keys.enter()
    keys.enter()  # no union USCC yet
    keys.type("Wang Fang")
    keys.enter()
    keys.type("1")  # chair elected
    keys.enter()
    keys.type("36")
    keys.enter()
    keys.type("16")
    keys.enter()
    keys.type("123")  # all three committees
    keys.enter()
    # congress, workers' congress, bargaining, home, dues, 双亮 (both)
    for digit in ("1", "2", "2", "1", "1", "1"):
        keys.type(digit)
        keys.enter()
    # The roster: Enter on "add a row" opens its first cell.
    assert editor.tables["leaders"].add_button is keys.focus
    keys.enter()
    keys.type("Wang Fang")
    keys.tab()
    keys.type("2")  # female
    keys.tab()
    keys.type("1")  # chair
    keys.tab()
    keys.type("2")  # part-time
    keys.tab()
    keys.type("0715-8123456")
    keys.enter()  # past the last cell: on to the services
    keys.enter()  # no services recorded
    # 走访小结: no next date needed; Tab past the two notes fields.
    keys.enter()
    keys.tab(2)
    assert keys.focus is editor.finalize_button

    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = editor.finalize_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.errors and not dialog.warnings
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.finalize_button)
    with qtbot.waitSignal(editor.finalized):
        keys.enter()

    visit = stored(ctx, visit_id)
    assert (visit.status, visit.revision) == ("final", 1)
    answers = stored_answers(ctx, visit_id)
    assert answers == {
        "visit_date": "2026-11-20", "visit_kind": "census", "visit_result": "completed",
        "respondent_name": "Li Ming", "respondent_post": "mishuzhang",
        "respondent_phone": "13907151234", "org_name": "西湖区茶叶协会",
        "reg_type": "social_group", "uscc": ORG_USCC, "org_field": "economic",
        "address": "西湖区龙井路1号", "legal_rep": "张华", "org_phone": "0571-87654321",
        "operating_status": "operating", "staff_total": 40, "staff_women": 18,
        "staff_fulltime": 30, "staff_parttime": 10, "party_org": "yes",
        "union_status": "own", "union_setup_date": "2024-05-01", "union_chair": "Wang Fang",
        "chair_elected": "yes", "union_members": 36, "union_members_women": 16,
        "committees": ["union_committee", "audit_committee", "women_committee"],
        "members_congress": "yes", "workers_congress": "no", "collective_bargaining": "no",
        "workers_home": "yes", "dues_paid": "yes", "plaque_displayed": "both",
        "leaders": [{"leader_name": "Wang Fang", "leader_sex": "female",
                     "leader_post": "chair", "leader_tenure": "part_time",
                     "leader_phone": "0715-8123456"}],
    }
    with ctx.db.transaction() as s:
        assert [r.revision for r in history(s, visit_id)] == [1]
    assert editor.read_only
