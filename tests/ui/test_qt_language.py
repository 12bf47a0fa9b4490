"""Qt's own dialogs speak the app's language (issue 15): buttons, file dialog, dates."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QPushButton,
)
from pytestqt.qtbot import QtBot

from fieldsurvey.ui.qt_language import translations_folder, use_language

pytestmark = pytest.mark.gui


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    assert use_language(qapp, "zh")
    yield
    use_language(qapp, "en")  # the rest of the suite sees Qt as it was


def test_qt_ships_its_chinese_translation() -> None:
    assert (translations_folder() / "qtbase_zh_CN.qm").is_file()


def test_the_frozen_build_ships_qts_chinese_where_the_app_looks_for_it() -> None:
    spec = importlib.util.spec_from_file_location(
        "datafiles", Path(__file__).resolve().parents[2] / "packaging" / "datafiles.py")
    assert spec is not None and spec.loader is not None
    datafiles = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(datafiles)
    [(source, folder)] = datafiles.qt_translation_files()
    assert Path(source).samefile(translations_folder() / "qtbase_zh_CN.qm")
    # In the bundle the file sits beside PySide6, where translations_folder() looks.
    assert Path(folder) == Path("PySide6", "Qt", "translations")


def test_a_message_box_says_ok_and_cancel_in_chinese(qtbot: QtBot, chinese: None) -> None:
    box = QMessageBox(QMessageBox.Icon.Question, "fieldsurvey", "继续吗？",
                      QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert {"确定", "取消"} <= {t.split("(")[0] for t in texts}


def test_the_file_dialog_speaks_chinese(qtbot: QtBot, chinese: None) -> None:
    dialog = QFileDialog()
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    qtbot.addWidget(dialog)
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    texts = {b.text().replace("&", "").split("(")[0] for b in box.findChildren(QPushButton)}
    assert {"打开", "取消"} <= texts
    labels = [dialog.labelText(label) for label in (QFileDialog.DialogLabel.LookIn,
                                                    QFileDialog.DialogLabel.FileName,
                                                    QFileDialog.DialogLabel.FileType)]
    assert labels == ["查找范围：", "文件名称(&N)：", "文件类型："]


def test_dates_in_qt_widgets_read_the_chinese_way(chinese: None) -> None:
    shown = QLocale().toString(QDate(2026, 12, 5), QLocale.FormatType.ShortFormat)
    assert shown.startswith("2026") and "12" in shown


def test_english_takes_qt_back_to_english(qtbot: QtBot, qapp: QApplication) -> None:
    use_language(qapp, "zh")
    use_language(qapp, "en")
    assert QLocale().toString(QDate(2026, 12, 5), QLocale.FormatType.ShortFormat) == "2026-12-05"
    box = QMessageBox(QMessageBox.Icon.Question, "fieldsurvey", "Go on?",
                      QMessageBox.StandardButton.Ok)
    qtbot.addWidget(box)
    assert box.buttons()[0].text().replace("&", "") == "OK"
