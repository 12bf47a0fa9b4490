"""First steps: the empty list leads to the import, F1 opens the guide, keys are told."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from tests.ui.test_main_window import PROFILE, db, make_window

from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.paths import data_paths
from fieldsurvey.store import Database, open_store
from fieldsurvey.store.profile import save_profile
from fieldsurvey.ui.app import OFFICER_NAME_CODE
from fieldsurvey.ui.case_list import CaseListPage
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.guide import GuideDialog
from fieldsurvey.ui.import_wizard import ImportWizard
from fieldsurvey.ui.main_window import MainWindow
from fieldsurvey.ui.relaunch import show_rebuilding

pytestmark = pytest.mark.gui
__all__ = ["db"]
SECTIONS_ZH = ("本人信息", "导入社会组织名录", "走访", "打印", "每月导出", "交登记卡")
SECTIONS_EN = ("First start", "Importing the register", "Visits", "Printing",
               "monthly export", "enrollment card")


@pytest.fixture
def empty_db() -> Iterator[Database]:
    database = open_store(data_paths())
    with database.transaction() as session:
        save_profile(session, PROFILE)
    yield database
    database.close()


def test_an_empty_list_offers_the_import(qtbot: QtBot, empty_db: Database,
                                         shipped_form: FormDefinition) -> None:
    ctx = AppContext(lang="zh", paths=data_paths(), db=empty_db, form=shipped_form,
                     profile=PROFILE)
    page = CaseListPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.reload()
    page.wait_loaded()
    assert page.empty_panel.isVisible() and not page.table.isVisible()
    assert page.import_button.text() == "导入社会组织名录…"
    with qtbot.waitSignal(page.import_requested):
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)


def test_the_empty_lists_button_opens_the_import_wizard(qtbot: QtBot,
                                                        empty_db: Database) -> None:
    window = make_window(qtbot, empty_db)
    window.show()
    window.cases.wait_loaded()
    opened: list[str] = []

    def close_wizard() -> None:
        wizard = QApplication.activeModalWidget()
        opened.append(type(wizard).__name__)
        assert isinstance(wizard, ImportWizard)
        wizard.reject()

    QTimer.singleShot(0, close_wizard)
    qtbot.mouseClick(window.cases.import_button, Qt.MouseButton.LeftButton)
    assert opened == ["ImportWizard"]


def test_f1_opens_the_guide_in_the_apps_language(qtbot: QtBot, db: Database) -> None:
    window = make_window(qtbot, db)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.actions_by_name["guide"].text() == "使用说明"
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F1)
    guide = window.findChild(GuideDialog)
    assert isinstance(guide, GuideDialog) and guide.isVisible()
    text = guide.browser.toPlainText()
    assert all(section in text for section in SECTIONS_ZH), text[:200]
    assert guide.windowTitle() == "使用说明"
    guide.language.setCurrentIndex(guide.language.findData("en"))
    english = guide.browser.toPlainText()
    assert all(section in english for section in SECTIONS_EN)
    assert guide.windowTitle() == "Guide"


def test_the_help_menu_and_the_file_menu_hold_the_new_entries(qtbot: QtBot,
                                                              db: Database) -> None:
    window = make_window(qtbot, db)
    help_menu = window.menuBar().actions()[-1].menu()
    assert [a.text() for a in help_menu.actions()] == ["使用说明", "关于"]
    assert window.actions_by_name["guide"].shortcut().toString() == "F1"
    file_texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "导出登记卡…" in file_texts


def test_toolbar_tooltips_name_their_shortcuts(qtbot: QtBot, db: Database) -> None:
    window = make_window(qtbot, db)
    tips = {name: window.actions_by_name[name].toolTip()
            for name in ("case_list", "new_visit", "import_register", "export_bundle",
                         "add_organization")}
    assert tips["import_register"] == "导入名录 (Ctrl+I)"
    assert tips["new_visit"] == "新建走访 (Ctrl+N)"
    assert tips["export_bundle"] == "导出数据包 (Ctrl+E)"
    assert tips["case_list"] == "单位列表 (Ctrl+1)"
    assert tips["add_organization"] == "新增单位"  # no shortcut, nothing to tell


def test_the_title_names_the_app_then_the_township_once(qtbot: QtBot, db: Database) -> None:
    window: MainWindow = make_window(qtbot, db)
    assert window.windowTitle() == "社会组织建会走访 — 西湖街道"
    # Qt appends the application display name to every title: the officer's app sets none.
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.applicationDisplayName()
    try:
        shown = show_rebuilding(app, window.ctx, lambda: window, OFFICER_NAME_CODE)
        assert shown == [window]
        assert app.applicationDisplayName() in ("", app.applicationName())
    finally:
        app.setApplicationDisplayName(before)
