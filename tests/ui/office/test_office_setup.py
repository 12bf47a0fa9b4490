"""First run: what the PC is for, the office's setup, and routing at start-up."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from fieldsurvey.county.db import open_office
from fieldsurvey.county.office import (
    OfficeProfile,
    default_office_file,
    load_office_profile,
    office_target,
    save_office_profile,
    set_office_target,
)
from fieldsurvey.identity.keys import identity_exists, load_public
from fieldsurvey.paths import DataPaths, data_paths
from fieldsurvey.store import Database, open_store
from fieldsurvey.store.profile import OfficerProfile, save_profile
from fieldsurvey.ui import app as app_module
from fieldsurvey.ui.mode_dialog import ModeDialog, startup_mode
from fieldsurvey.ui.office.launch import open_office_context
from fieldsurvey.ui.office.setup import OfficeSetupDialog
from fieldsurvey.ui.office.window import OfficeWindow

pytestmark = pytest.mark.gui

PASSPHRASE = "xianan-union-2026"  # noqa: S105
OFFICER = OfficerProfile(name="王芳", phone="13800138000", township_code="421202001",
                         township_name="温泉街道", county_code="421202", county_name="咸安区")


def type_into(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    if text.isascii():
        qtbot.keyClicks(edit, text)
    else:  # Chinese arrives committed by the input method
        edit.insert(text)


def show_active(qtbot: QtBot, dialog: QDialog) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)


def fill_setup(qtbot: QtBot, dialog: OfficeSetupDialog, code: str) -> None:
    for field, text in (("unit_code", code), ("unit_name", "咸安区总工会"),
                        ("staff_name", "李敏"), ("staff_phone", "0715 812 3456"),
                        ("passphrase", PASSPHRASE), ("passphrase_again", PASSPHRASE)):
        type_into(qtbot, dialog.edits[field], text)


# -- routing ---------------------------------------------------------------------------------

def test_a_new_folder_asks_an_officer_folder_and_an_office_folder_do_not(
        db: Database) -> None:
    paths = data_paths()
    # ``db`` made the officer's database, but nobody finished the setup yet.
    assert startup_mode(paths) == "ask"
    with db.transaction() as session:
        save_profile(session, OFFICER)
    assert startup_mode(paths) == "officer"
    assert startup_mode(paths, "postgresql://office@db/union") == "office"  # --db wins


def test_an_empty_folder_asks_and_an_office_folder_is_an_office(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "new").ensure()
    assert startup_mode(paths) == "ask"
    assert not paths.database.exists()  # looking did not create the officer's database
    set_office_target(paths, str(default_office_file(paths)))
    assert startup_mode(paths) == "office"


def test_an_officer_folder_starts_as_before_without_the_mode_question(
        qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with db.transaction() as session:
        save_profile(session, OFFICER)
    monkeypatch.setattr(app_module, "ask_mode", lambda lang: pytest.fail("asked the mode"))
    shown: list[str] = []
    monkeypatch.setattr(app_module.MainWindow, "show",
                        lambda self: shown.append(self.windowTitle()))
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    assert app_module.run("zh") == 0
    assert shown == ["社会组织建会走访 — 温泉街道"]
    assert office_target(data_paths()) is None


def test_a_new_folder_asks_first_then_the_officer_setup_is_unchanged(qtbot: QtBot) -> None:
    seen: list[str] = []

    def answer() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                seen.append(type(widget).__name__)
                if isinstance(widget, ModeDialog):
                    QTimer.singleShot(0, answer)
                    widget.accept()  # the officer is preselected
                else:
                    widget.reject()

    QTimer.singleShot(0, answer)
    assert app_module.run(lang="zh") == 0
    assert seen == ["ModeDialog", "SetupDialog"]
    assert office_target(data_paths()) is None


# -- the mode dialog and the office setup -------------------------------------------------------

def test_mode_then_office_setup_checks_saves_and_creates_the_key(qtbot: QtBot) -> None:
    paths = data_paths()
    mode = ModeDialog("zh")
    show_active(qtbot, mode)
    assert mode.mode == "officer"  # the common case is preselected
    assert [b.text() for b in mode.buttons.values()] == [
        "乡镇（街道）工会干部走访", "县（市、区）总工会汇总", "市总工会汇总"]
    mode.buttons["county"].click()
    assert mode.mode == "county"

    dialog = OfficeSetupDialog(paths, "zh", role=mode.mode)
    show_active(qtbot, dialog)
    assert dialog.level.currentData() == "county"
    assert dialog.local_radio.isChecked() and not dialog.edits["db_url"].isEnabled()
    fill_setup(qtbot, dialog, "421200")  # a city's code where the county's is wanted
    qtbot.keyClick(dialog.edits["passphrase_again"], Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.errors["unit_code"].text() == \
        "“421200”不是县级（县、区、旗、县级市）行政区划代码（形如 421221）。"
    assert dialog.errors["unit_code"].isVisible()
    assert dialog.errors["staff_name"].isHidden()
    assert dialog.edits["unit_code"].hasFocus()
    assert not identity_exists(paths.keys) and office_target(paths) is None
    assert not default_office_file(paths).exists()  # nothing opened before the checks pass

    type_into(qtbot, dialog.edits["unit_code"], "421202")
    type_into(qtbot, dialog.edits["passphrase"], PASSPHRASE)
    type_into(qtbot, dialog.edits["passphrase_again"], PASSPHRASE)
    qtbot.keyClick(dialog.edits["passphrase_again"], Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.profile == OfficeProfile("county", "421202", "咸安区总工会", "zh")
    assert dialog.edits["passphrase"].text() == ""  # the passphrase does not linger

    assert office_target(paths) == str(default_office_file(paths))
    assert dialog.db is not None
    with dialog.db.transaction() as session:
        assert load_office_profile(session) == dialog.profile
    dialog.db.close()
    public = load_public(paths.keys)
    assert (public.role, public.name, public.unit_code, public.unit_name, public.phone) == \
        ("county", "李敏", "421202", "咸安区总工会", "0715-8123456")


def test_a_mismatched_passphrase_and_missing_fields_are_shown_inline(qtbot: QtBot) -> None:
    dialog = OfficeSetupDialog(data_paths(), "en", role="city")
    show_active(qtbot, dialog)
    type_into(qtbot, dialog.edits["passphrase"], "short")
    type_into(qtbot, dialog.edits["passphrase_again"], "shorter")
    dialog.finish_button.click()
    assert dialog.errors["unit_code"].text() == "This is required."
    assert dialog.errors["staff_phone"].isVisible()
    assert "at least 8" in dialog.errors["passphrase"].text()
    assert dialog.errors["passphrase_again"].text() == "The two passphrases differ."
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_the_shared_database_is_tested_before_it_is_used(qtbot: QtBot) -> None:
    dialog = OfficeSetupDialog(data_paths(), "zh")
    show_active(qtbot, dialog)
    dialog.shared_radio.click()
    assert dialog.edits["db_url"].isEnabled() and dialog.test_button.isEnabled()
    assert not dialog.test_connection()
    assert dialog.db_status.text() == "请填写数据库地址。"
    # Nothing listens on port 1: the connection is refused at once.
    type_into(qtbot, dialog.edits["db_url"], "postgresql://union@127.0.0.1:1/office")
    dialog.test_button.click()
    assert dialog.db_status.isVisible()
    assert dialog.db_status.text().startswith("无法连接汇总数据库 postgresql+psycopg://union@127.0.0.1:1/office")
    # The same problem stops "finish" before anything is written.
    fill_setup(qtbot, dialog, "421202")
    dialog.finish_button.click()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.db_status.text().startswith("无法连接汇总数据库")
    assert not identity_exists(data_paths().keys)


def test_a_colleagues_database_fills_in_the_unit(qtbot: QtBot, tmp_path: Path) -> None:
    shared = tmp_path / "shared.sqlite3"
    database = open_office(shared)
    with database.transaction() as session:
        save_office_profile(session, OfficeProfile("city", "421200", "咸宁市总工会"))
    database.close()
    dialog = OfficeSetupDialog(data_paths(), "zh")
    show_active(qtbot, dialog)
    dialog.shared_radio.click()
    type_into(qtbot, dialog.edits["db_url"], f"sqlite:///{shared}")
    assert dialog.test_connection()
    assert "已设置为 咸宁市总工会（421200）" in dialog.db_status.text()
    assert dialog.level.currentData() == "city"
    assert dialog.edits["unit_code"].text() == "421200"
    # Changing the unit to another one is refused: the database is the city's.
    dialog.level.setCurrentIndex(0)
    fill_setup(qtbot, dialog, "421202")
    dialog.finish_button.click()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.errors["unit_code"].text().startswith("该汇总数据库属于 咸宁市总工会（421200）")
    assert not identity_exists(data_paths().keys)


# -- start-up of the office app -------------------------------------------------------------

@pytest.mark.usefixtures("stub_pages")
def test_run_asks_the_mode_then_sets_up_and_opens_the_office_window(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    def setup_exec(dialog: OfficeSetupDialog) -> int:
        assert dialog.level.currentData() == "city"  # from the mode chosen
        dialog.edits["unit_code"].setText("421200")
        for field, text in (("unit_name", "咸宁市总工会"), ("staff_name", "张伟"),
                            ("staff_phone", "13900139000"), ("passphrase", PASSPHRASE),
                            ("passphrase_again", PASSPHRASE)):
            dialog.edits[field].setText(text)
        dialog.finish()
        return dialog.result()

    monkeypatch.setattr(app_module, "ask_mode", lambda lang: "city")
    monkeypatch.setattr(OfficeSetupDialog, "exec", setup_exec)
    windows: list[OfficeWindow] = []

    def record(window: OfficeWindow) -> None:
        windows.append(window)

    monkeypatch.setattr(OfficeWindow, "show", record)
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    assert app_module.run("zh") == 0
    paths = data_paths()
    assert office_target(paths) == str(default_office_file(paths))
    assert not paths.database.exists()  # no officer's database in an office's folder
    assert [w.windowTitle() for w in windows] == ["咸宁市总工会 · 汇总"]
    assert windows[0].ctx.staff_name == "张伟"
    for window in windows:
        window.deleteLater()
    assert startup_mode(paths) == "office"


def test_an_unreachable_office_database_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda parent, title, text: shown.append(text))
    code = open_office_context("zh", data_paths(),
                               db_override="postgresql://union@127.0.0.1:1/office")
    assert code == 2
    assert shown and shown[0].startswith("无法连接汇总数据库")


def test_a_saved_office_opens_with_its_language_and_staff(
        monkeypatch: pytest.MonkeyPatch) -> None:
    paths = data_paths()
    target = default_office_file(paths)
    database = open_office(target)
    with database.transaction() as session:
        save_office_profile(session, OfficeProfile("county", "421202", "咸安区总工会", "en"))
    database.close()
    set_office_target(paths, str(target))
    monkeypatch.setattr(OfficeSetupDialog, "exec", lambda self: pytest.fail("asked again"))
    monkeypatch.setattr(getpass, "getuser", lambda: "limin")
    ctx = open_office_context("zh", paths)
    assert not isinstance(ctx, int)
    try:
        assert (ctx.lang, ctx.staff_name, ctx.profile.unit_name) == ("en", "limin", "咸安区总工会")
    finally:
        ctx.db.close()
    fixed = open_office_context("zh", paths, lang_fixed=True)  # --lang beats the saved choice
    assert not isinstance(fixed, int)
    assert fixed.lang == "zh"
    fixed.db.close()


def test_an_officer_database_without_profile_is_not_touched_by_office_setup(
        tmp_path: Path) -> None:
    # The routing check reads the officer's database without changing it.
    paths = DataPaths(tmp_path / "half").ensure()
    store = open_store(paths)
    store.close()
    before = paths.database.read_bytes()
    assert startup_mode(paths) == "ask"
    assert paths.database.read_bytes() == before
