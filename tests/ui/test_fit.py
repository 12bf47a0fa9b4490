"""Every window and dialog fits a 1366×768 laptop screen at 100 % and 125 % (issue 15)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMainWindow,
    QTableView,
    QVBoxLayout,
)
from pytestqt.qtbot import QtBot

from fieldsurvey.ui import fit

pytestmark = pytest.mark.gui

CHILD = Path(__file__).with_name("fit_child.py")
SCREEN = {"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768,
                       "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}
#: Every window the child must have reported on, in each language.
EXPECTED = {"main/case_list", "main/organization", "main/dashboard", "main/visit", "finalize",
            "history", "delete", "print_preview", "org_dialog", "export", "export/done",
            "batch_print", "import_wizard", "setup", "mode", "message_box", "file_dialog",
            "office/import", "office/conflicts", "office/stats", "office/trust",
            "office/card_check", "office/passphrase", "office/trust_file", "office/rollup",
            "office/setup", "office/review", "office/package"}


def windows_at(scale: str, tmp_path: Path) -> list[dict[str, object]]:
    config = tmp_path / "screen.json"
    config.write_text(json.dumps(SCREEN), encoding="utf-8")
    env = {**os.environ, "QT_SCALE_FACTOR": scale,
           "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run([sys.executable, str(CHILD)], capture_output=True, text=True,
                          env=env, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


@pytest.mark.parametrize("scale", ["1", "1.25"])
def test_every_window_fits_the_screen_with_its_buttons_showing(scale: str,
                                                                tmp_path: Path) -> None:
    reports = windows_at(scale, tmp_path)
    seen = {str(r["name"]) for r in reports}
    assert seen == {f"{lang}:{name}" for lang in ("zh", "en") for name in EXPECTED}
    problems = []
    for r in reports:
        if "error" in r:
            problems.append(f"{r['name']}: {r['error']}")
            continue
        area = QRect(*r["available"])  # type: ignore[misc]
        # 1366 / 1.25 = 1092.8: Qt rounds the available area down and a maximized
        # window up, so at a fractional scale one logical pixel is the same edge.
        if scale != "1":
            area.adjust(0, 0, 1, 1)
        if not area.contains(QRect(*r["frame"])):  # type: ignore[misc]
            problems.append(f"{r['name']}: frame {r['frame']} outside {r['available']}")
        if r["clipped"]:
            problems.append(f"{r['name']}: buttons cut off: {r['clipped']}")
    assert problems == []


def test_a_main_window_opens_maximized_then_as_it_was_left(qtbot: QtBot,
                                                           tmp_path: Path) -> None:
    state = tmp_path / "windows.ini"
    first = QMainWindow()
    qtbot.addWidget(first)
    fit.show_main(first, state, "main")
    assert first.isMaximized()
    first.showNormal()
    first.setGeometry(40, 50, 700, 500)
    first.close()

    again = QMainWindow()
    qtbot.addWidget(again)
    fit.show_main(again, state, "main")
    assert not again.isMaximized()
    assert again.size() == QSize(700, 500)


def test_a_capped_dialog_scrolls_its_content_and_keeps_its_buttons(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    form = QFormLayout()
    for number in range(40):
        form.addRow(f"问题 {number}", QLineEdit())
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(buttons)
    fit.scroll_body(dialog)
    assert dialog.minimumSizeHint().height() < 300  # the fields no longer set the height
    dialog.show()
    dialog.resize(500, 300)
    qtbot.waitUntil(lambda: dialog.height() == 300)
    bottom = buttons.mapTo(dialog, QPoint(0, buttons.height())).y()
    assert buttons.isVisible() and bottom <= dialog.height()


def test_a_narrow_table_takes_width_from_other_columns_before_the_name(qtbot: QtBot) -> None:
    model = QStandardItemModel(3, 4)
    model.setHorizontalHeaderLabels(["单位名称", "统一社会信用代码", "状态", "人数"])
    view = QTableView()
    view.setModel(model)
    qtbot.addWidget(view)
    fit.share_width(view, 0, {1: 200, 2: 230, 3: 60})
    view.show()
    view.resize(1300, 300)
    qtbot.waitUntil(lambda: view.columnWidth(0) > 600)
    assert [view.columnWidth(c) for c in (1, 2, 3)] == [200, 230, 60]
    view.resize(640, 300)
    qtbot.waitUntil(lambda: view.columnWidth(2) < 230)
    assert view.columnWidth(0) >= 0.35 * view.viewport().width() - 1
    assert view.columnWidth(0) > view.columnWidth(2)
