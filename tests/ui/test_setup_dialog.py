"""First-run setup: the profile is checked field by field, saved, and the key created."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from fieldsurvey.identity.keys import identity_exists, load_public
from fieldsurvey.paths import DataPaths, data_paths
from fieldsurvey.store import Database
from fieldsurvey.store.profile import OfficerProfile, load_profile
from fieldsurvey.ui.setup_dialog import SetupDialog

pytestmark = pytest.mark.gui


def show_active(qtbot: QtBot, dialog: SetupDialog) -> None:
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)


def type_into(qtbot: QtBot, dialog: SetupDialog, field: str, text: str) -> None:
    edit = dialog.edits[field]
    edit.setFocus()
    edit.selectAll()
    if text.isascii():
        qtbot.keyClicks(edit, text)
    else:  # Chinese arrives committed by the input method
        edit.insert(text)
        edit.setModified(True)


def test_setup_checks_saves_the_profile_and_creates_the_key(qtbot: QtBot, db: Database) -> None:
    paths: DataPaths = data_paths()
    dialog = SetupDialog(db, paths, "zh")
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    for field, text in (("name", "王芳"), ("phone", "138 0013 8000"),
                        ("township_code", "330108001"), ("township_name", "西湖街道"),
                        ("county_name", "西湖区"), ("passphrase", "correct horse"),
                        ("passphrase_again", "correct horse!")):
        type_into(qtbot, dialog, field, text)
    # The county code was suggested from the township code.
    assert dialog.edits["county_code"].text() == "330108"
    # Change the county: the township is no longer inside it.
    type_into(qtbot, dialog, "county_code", "330106")
    qtbot.keyClick(dialog.edits["passphrase_again"], Qt.Key.Key_Return)
    assert dialog.isVisible() and not identity_exists(paths.keys)
    assert dialog.errors["township_code"].text() == "乡镇代码 330108001 不属于县（区）代码 330106。"
    assert dialog.errors["passphrase_again"].text() == "两次输入的口令不一致。"
    assert dialog.errors["name"].isHidden()
    assert dialog.edits["township_code"].hasFocus()  # the first problem gets the cursor

    type_into(qtbot, dialog, "township_code", "330106001")
    type_into(qtbot, dialog, "passphrase", "correct horse")
    type_into(qtbot, dialog, "passphrase_again", "correct horse")
    qtbot.keyClick(dialog.edits["passphrase_again"], Qt.Key.Key_Return)
    assert not dialog.isVisible() and dialog.result() == SetupDialog.DialogCode.Accepted

    with db.transaction() as session:
        saved = load_profile(session)
    assert saved == OfficerProfile(name="王芳", phone="13800138000", township_code="330106001",
                                   township_name="西湖街道", county_code="330106",
                                   county_name="西湖区", language="zh")
    public = load_public(paths.keys)
    assert (public.name, public.unit_code, public.unit_name) == ("王芳", "330106001", "西湖街道")
    # The passphrase does not linger in the widgets.
    assert dialog.edits["passphrase"].text() == dialog.edits["passphrase_again"].text() == ""


def test_enter_moves_through_the_fields_without_submitting(qtbot: QtBot, db: Database) -> None:
    dialog = SetupDialog(db, data_paths(), "en")
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    dialog.edits["name"].setFocus()
    qtbot.keyClicks(dialog.edits["name"], "Wang Fang")
    qtbot.keyClick(dialog.edits["name"], Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.edits["phone"].hasFocus()
    assert dialog.windowTitle() == "First-run setup"


def test_a_short_passphrase_is_refused_inline(qtbot: QtBot, db: Database) -> None:
    dialog = SetupDialog(db, data_paths(), "zh")
    qtbot.addWidget(dialog)
    for field, text in (("name", "王芳"), ("phone", "13800138000"),
                        ("township_code", "330106001"), ("township_name", "西湖街道"),
                        ("county_name", "西湖区"), ("passphrase", "short"),
                        ("passphrase_again", "short")):
        type_into(qtbot, dialog, field, text)
    dialog._finish()
    assert "8" in dialog.errors["passphrase"].text()
    assert not identity_exists(data_paths().keys)
    with db.transaction() as session:
        assert load_profile(session) is None


def test_quitting_after_typing_asks_first_and_enter_keeps_the_work(
        qtbot: QtBot, db: Database) -> None:
    from PySide6.QtWidgets import QMessageBox

    dialog = SetupDialog(db, data_paths(), "zh")
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    type_into(qtbot, dialog, "township_code", "330108001")
    qtbot.keyClick(dialog.edits["township_code"], Qt.Key.Key_Escape)
    box = dialog.discard_box
    assert box is not None and box.isVisible() and dialog.isVisible()
    qtbot.keyClick(box, Qt.Key.Key_Return)  # the default answer keeps the work
    qtbot.waitUntil(lambda: dialog.discard_box is None)
    assert dialog.isVisible() and dialog.edits["township_code"].text() == "330108001"
    dialog.reject()
    with qtbot.waitSignal(dialog.rejected):
        dialog.discard_box.button(QMessageBox.StandardButton.Discard).click()


def test_quitting_before_typing_asks_nothing(qtbot: QtBot, db: Database) -> None:
    dialog = SetupDialog(db, data_paths(), "zh")
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    with qtbot.waitSignal(dialog.rejected):
        qtbot.keyClick(dialog.edits["name"], Qt.Key.Key_Escape)
    assert getattr(dialog, "discard_box", None) is None
