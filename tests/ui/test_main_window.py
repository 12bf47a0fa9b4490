"""The desktop shell: a window with the menu skeleton, in Chinese or English."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from fieldsurvey.paths import data_paths
from fieldsurvey.ui.main_window import AVAILABLE, MainWindow

pytestmark = pytest.mark.gui


def menu_titles(window: MainWindow) -> list[str]:
    return [action.text() for action in window.menuBar().actions()]


def test_the_menus_are_chinese_by_default(qtbot: QtBot) -> None:
    window = MainWindow(lang="zh", paths=data_paths())
    qtbot.addWidget(window)
    assert menu_titles(window) == ["文件(&F)", "走访(&V)", "统计(&S)", "帮助(&H)"]
    assert window.windowTitle() == "社会组织建会走访"


def test_the_menus_switch_to_english(qtbot: QtBot) -> None:
    window = MainWindow(lang="en", paths=data_paths())
    qtbot.addWidget(window)
    assert menu_titles(window) == ["&File", "&Visits", "&Statistics", "&Help"]


def test_only_built_actions_are_enabled(qtbot: QtBot) -> None:
    window = MainWindow(lang="zh", paths=data_paths())
    qtbot.addWidget(window)
    enabled = {name for name, action in window.actions_by_name.items() if action.isEnabled()}
    assert enabled == AVAILABLE


def test_quit_closes_the_window(qtbot: QtBot) -> None:
    window = MainWindow(lang="zh", paths=data_paths())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.actions_by_name["quit"].trigger()
    qtbot.waitUntil(lambda: not window.isVisible())


def test_the_app_starts_opens_the_store_and_exits(qtbot: QtBot, fresh_data_dir) -> None:
    from fieldsurvey.ui import app

    QTimer.singleShot(0, lambda: [w.close() for w in QApplication.topLevelWidgets()])
    assert app.run(lang="zh") == 0
    assert (fresh_data_dir / "fieldsurvey.sqlite3").is_file()
