"""The import dialog reads on a worker thread, and Enter never throws the import away."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from tests.ui.test_import_wizard import ctx, messy_workbook, open_wizard, stored

from fieldsurvey.register import RegisterSheet, read_register
from fieldsurvey.ui import import_reading
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.import_wizard import ImportWizard
from fieldsurvey.ui.office.table_models import wait_for_jobs

pytestmark = pytest.mark.gui
__all__ = ["ctx"]


def test_the_file_is_read_off_the_gui_thread(qtbot: QtBot, ctx: AppContext, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[threading.Thread] = []

    def spy(path: Path, sheet: str | None = None) -> RegisterSheet:
        threads.append(threading.current_thread())
        return read_register(path, sheet)

    monkeypatch.setattr(import_reading, "read_register", spy)
    wizard = open_wizard(qtbot, ctx, messy_workbook(tmp_path / "名录.xlsx"))
    assert threads and threads[0] is not threading.main_thread()
    assert wizard.next_button.isEnabled()


def test_stopping_a_read_forgets_the_file(qtbot: QtBot, ctx: AppContext,
                                          tmp_path: Path) -> None:
    wizard = ImportWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.load_file(messy_workbook(tmp_path / "名录.xlsx"))
    assert wizard.reading and wizard.file_page.stop_button.isVisibleTo(wizard)
    assert not wizard.next_button.isEnabled()
    qtbot.mouseClick(wizard.file_page.stop_button, Qt.MouseButton.LeftButton)
    assert not wizard.reading
    # The worker's late answer is ignored.
    assert wait_for_jobs()
    QApplication.processEvents()
    assert wizard.sheet is None
    assert wizard.file_page.file_error.text() == "已停止读取。可以重新选择文件。"
    assert not wizard.next_button.isEnabled()


def test_enter_on_the_check_page_imports(qtbot: QtBot, ctx: AppContext,
                                         tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, ctx, messy_workbook(tmp_path / "名录.xlsx"))
    wizard.show()
    qtbot.waitExposed(wizard)
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Return)
    assert wizard.stack.currentIndex() == ImportWizard.MAPPING
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Return)
    assert wizard.stack.currentIndex() == ImportWizard.CHECK
    assert wizard.import_button.isDefault()
    assert not wizard.close_button.isDefault() and not wizard.close_button.autoDefault()
    assert wizard.focusWidget() is not wizard.close_button
    with qtbot.waitSignal(wizard.imported):
        qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Return)
    assert wizard.stack.currentIndex() == ImportWizard.RESULT
    assert len(stored(ctx)) == 4


def _answer(wizard: ImportWizard, discard: bool, seen: list[str]) -> None:
    boxes = wizard.findChildren(QMessageBox)
    assert boxes, "no question was asked"
    box = boxes[-1]
    seen.append(box.text())
    wanted = "放弃导入" if discard else "继续导入"
    button = next(b for b in box.findChildren(QPushButton) if b.text() == wanted)
    button.click()


def test_cancel_asks_before_throwing_the_import_away(qtbot: QtBot, ctx: AppContext,
                                                     tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, ctx, messy_workbook(tmp_path / "名录.xlsx"))
    wizard.show()
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    seen: list[str] = []
    QTimer.singleShot(0, lambda: _answer(wizard, False, seen))
    qtbot.mouseClick(wizard.close_button, Qt.MouseButton.LeftButton)
    assert seen == ["已读入的名录还没有导入。放弃这次导入吗？"]
    assert wizard.isVisible() and wizard.stack.currentIndex() == ImportWizard.CHECK
    QTimer.singleShot(0, lambda: _answer(wizard, True, seen))
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    assert len(seen) == 2
    assert not wizard.isVisible()
    assert wizard.result() == ImportWizard.DialogCode.Rejected
    assert stored(ctx) == {}


def test_cancel_without_a_file_asks_nothing(qtbot: QtBot, ctx: AppContext) -> None:
    wizard = ImportWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.mouseClick(wizard.close_button, Qt.MouseButton.LeftButton)
    assert not wizard.isVisible()
    assert wizard.findChildren(QMessageBox) == []


def test_the_import_dialog_stays_in_rooms_of_the_right_size() -> None:
    """Issue 15: each file of the dialog ≤ 400 lines, each class ≤ 25 methods."""
    import ast

    folder = Path(import_reading.__file__).parent
    for name in ("import_wizard", "import_pages", "import_check", "import_reading"):
        source = (folder / f"{name}.py").read_text(encoding="utf-8")
        assert source.count("\n") <= 400, name
        for node in ast.parse(source).body:
            if isinstance(node, ast.ClassDef):
                methods = [n for n in node.body if isinstance(n, ast.FunctionDef)]
                assert len(methods) <= 25, (name, node.name, len(methods))
