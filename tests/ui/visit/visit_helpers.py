"""Shared by the visit-entry tests: the pinned day, the officer, reading the store back,
and a keyboard that types where the focus is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from fieldsurvey.domain.uscc import uscc_check_char
from fieldsurvey.store.models import Visit
from fieldsurvey.store.profile import OfficerProfile
from fieldsurvey.store.visits import answers_of
from fieldsurvey.ui.context import AppContext

TODAY = dt.date(2026, 11, 20)
PROFILE = OfficerProfile(name="王芳", phone="13907151234", township_code="330106001",
                         township_name="西湖街道", county_code="330106", county_name="西湖区")
ORG_USCC = "51421200MJH000000" + uscc_check_char("51421200MJH000000")


def complete_answers(**changes: Any) -> dict[str, Any]:
    """A completed census visit to an association with its own union: no errors."""
    answers = {
        "visit_date": "2026-11-20", "visit_kind": "census", "visit_result": "completed",
        "respondent_name": "李明", "respondent_post": "秘书长",
        "org_name": "西湖区茶叶协会", "reg_type": "social_group", "uscc": ORG_USCC,
        "org_field": "economic", "address": "西湖区龙井路1号", "legal_rep": "张华",
        "operating_status": "operating", "staff_total": 40, "staff_women": 18,
        "staff_fulltime": 30, "staff_parttime": 10, "party_org": "yes",
        "union_status": "own", "union_setup_date": "2024-05-01", "union_chair": "王芳",
        "chair_elected": "yes", "union_members": 36, "union_members_women": 16,
        "committees": ["union_committee"], "members_congress": "yes",
        "workers_congress": "no", "collective_bargaining": "no", "workers_home": "yes",
        "dues_paid": "yes", "plaque_displayed": "both",
        "leaders": [{"leader_name": "王芳", "leader_sex": "female", "leader_post": "chair",
                     "leader_tenure": "part_time"}],
    }
    answers.update(changes)
    return answers


def stored(ctx: AppContext, visit_id: str) -> Visit:
    """The visit as a second look at the database sees it."""
    with ctx.db.transaction() as s:
        visit = s.get(Visit, visit_id)
        assert visit is not None
        s.expunge(visit)
        return visit


def stored_answers(ctx: AppContext, visit_id: str) -> dict[str, Any]:
    return answers_of(stored(ctx, visit_id))


class Keyboard:
    """Keys sent to whatever has the focus, as a real keyboard does."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot

    @property
    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def type(self, text: str) -> None:
        # One key at a time to the focus of that moment: the first key may open an
        # editor (a roster cell) that takes the rest.
        for char in text:
            self.qtbot.keyClicks(self.focus, char)

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
              times: int = 1) -> None:
        for _ in range(times):
            self.qtbot.keyClick(self.focus, key, modifier)

    def enter(self, times: int = 1) -> None:
        self.press(Qt.Key.Key_Return, times=times)

    def tab(self, times: int = 1) -> None:
        self.press(Qt.Key.Key_Tab, times=times)

    def wait_for(self, window: QWidget) -> None:
        """A dialog just opened: wait until it has the keyboard, as the officer would."""
        self.qtbot.waitUntil(lambda: window.isAncestorOf(QApplication.focusWidget()))

    def ime(self, text: str) -> None:
        """Chinese arrives from the input method as committed text, not as key codes."""
        event = QInputMethodEvent("", [])
        event.setCommitString(text)
        QApplication.sendEvent(self.focus, event)
