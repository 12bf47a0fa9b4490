"""Nothing typed is lost: autosave, leaving, closing, and a killed process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot
from visit_helpers import Keyboard, stored_answers

from fieldsurvey.forms.state import Ref
from fieldsurvey.paths import data_paths
from fieldsurvey.store import open_store
from fieldsurvey.store.models import Visit
from fieldsurvey.store.prefill import pending_prefill
from fieldsurvey.store.visits import answers_of, delete
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.visit.editor import VisitEditor

pytestmark = pytest.mark.gui

CHILD = Path(__file__).with_name("editor_child.py")
NEVER = 3_600_000  # an autosave interval no test waits for


def go_to_respondent(keys: Keyboard) -> None:
    keys.enter(3)  # past date, kind and result: the respondent's name is next


def test_the_autosave_timer_saves_what_was_typed(
    qtbot: QtBot, ctx: AppContext, visit_id: str, keys: Keyboard,
    open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(visit_id, autosave_ms=200)
    go_to_respondent(keys)
    keys.type("Li Ming")
    with qtbot.waitSignal(editor.saved, timeout=3000):
        pass  # the timer, not a call
    assert stored_answers(ctx, visit_id)["respondent_name"] == "Li Ming"
    assert editor.save_status.text().startswith("已保存 ")
    assert not editor.dirty


def test_closing_the_window_saves_the_draft(
    ctx: AppContext, visit_id: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(visit_id, autosave_ms=NEVER)
    go_to_respondent(keys)
    keys.type("Li Ming")
    assert "respondent_name" not in stored_answers(ctx, visit_id)
    editor.close()
    assert stored_answers(ctx, visit_id)["respondent_name"] == "Li Ming"

    again = open_editor(visit_id)
    assert again.rows["respondent_name"].widget.value() == "Li Ming"


def test_leaving_the_screen_saves_the_draft(
    ctx: AppContext, visit_id: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(visit_id, autosave_ms=NEVER)
    go_to_respondent(keys)
    keys.type("Li Ming")
    editor.hide()  # what a stacked main window does when it shows another screen
    assert stored_answers(ctx, visit_id)["respondent_name"] == "Li Ming"


def test_back_saves_then_says_which_visit_closed(
    qtbot: QtBot, ctx: AppContext, visit_id: str, keys: Keyboard,
    open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(visit_id, autosave_ms=NEVER)
    go_to_respondent(keys)
    keys.type("Li Ming")
    with qtbot.waitSignal(editor.closed) as closed:
        editor.back_button.click()
    assert closed.args == [visit_id]
    assert stored_answers(ctx, visit_id)["respondent_name"] == "Li Ming"


def test_saving_keeps_the_focus_and_the_cursor(
    ctx: AppContext, visit_id: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    open_editor(visit_id, autosave_ms=NEVER)
    go_to_respondent(keys)
    keys.type("Li Mng")
    keys.press(Qt.Key.Key_Left, times=2)
    field = keys.focus
    assert isinstance(field, QLineEdit)
    keys.press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert stored_answers(ctx, visit_id)["respondent_name"] == "Li Mng"
    assert QApplication.focusWidget() is field and field.cursorPosition() == 4
    keys.type("i")
    assert field.text() == "Li Ming"


def test_a_failed_save_is_shown_and_keeps_the_window_open(
    ctx: AppContext, visit_id: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(visit_id, autosave_ms=NEVER)
    go_to_respondent(keys)
    keys.type("Li Ming")
    with ctx.db.transaction() as s:  # meanwhile, elsewhere, the visit was deleted
        delete(s, visit_id, "重复录入")
    assert not editor.save_now()
    assert editor.save_status.text().startswith("保存失败")
    editor.close()
    assert editor.isVisible() and editor.dirty  # still there, still holding the answers


def test_confirmed_prefills_are_saved_with_the_draft(
    ctx: AppContext, visit_id: str, keys: Keyboard, open_editor: Callable[..., VisitEditor],
) -> None:
    editor = open_editor(visit_id, autosave_ms=NEVER)
    editor.go_to(Ref("org_name"))
    assert editor.rows["org_name"].prefilled
    keys.enter()
    assert not editor.rows["org_name"].prefilled
    assert editor.save_now()
    with ctx.db.transaction() as s:
        assert "org_name" not in pending_prefill(s, visit_id)
        assert "address" in pending_prefill(s, visit_id)


@pytest.mark.slow
def test_a_draft_survives_the_process_being_killed(
    ctx: AppContext, visit_id: str, fresh_data_dir: Path,
) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(fresh_data_dir), visit_id, "300"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert child.stdout is not None
        lines = []
        for line in child.stdout:  # blocks until the child reports; it never exits itself
            lines.append(line.strip())
            if line.strip() == "saved":
                break
        assert lines[-2:] == ["typed", "saved"], child.stderr.read() if child.stderr else ""
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.communicate()
    assert child.returncode == -signal.SIGKILL

    ctx.db.close()  # reopen from scratch, as the restarted program would
    reopened = open_store(data_paths())
    try:
        with reopened.transaction() as s:
            visit = s.get(Visit, visit_id)
            assert visit is not None and visit.status == "draft"
            answers = answers_of(visit)
    finally:
        reopened.close()
    assert answers["respondent_name"] == "Li Ming"
    assert answers["supervisor"] == "Minzhengju"
    assert answers["org_name"] == "西湖区茶叶协会"  # the prefill is still there too
