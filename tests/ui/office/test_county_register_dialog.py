"""导入全县名录… on the office window: the county's list on a worker thread, then the split."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fieldsurvey.county.models import MergedOrganization, Unit
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.window import OfficeWindow

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "county"))
from test_county_register import ROWS, county_list

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("stub_pages")]


def test_the_menu_entry_imports_the_list_and_shows_the_split(
        qtbot: QtBot, office_ctx: OfficeContext, tmp_path: Path) -> None:
    with office_ctx.db.transaction() as session:
        session.add_all([Unit(code="421202001", name="温泉街道"),
                         Unit(code="421202002", name="浮山街道")])
    window = OfficeWindow(office_ctx)
    qtbot.addWidget(window)
    action = window.actions_by_name["import_county_register"]
    assert action.text() == "导入全县名录…"
    dialog = window.import_county_register(county_list(tmp_path / "全区.xlsx", ROWS))
    assert dialog is not None
    qtbot.waitUntil(dialog.close_button.isEnabled, timeout=20000)
    assert dialog.plan is not None
    cells = [[dialog.table.item(r, c).text() for c in range(dialog.table.columnCount())]
             for r in range(dialog.table.rowCount())]
    assert cells == [["421202001 温泉街道", "1", "0", "0", "0", "0"],
                     ["421202002 浮山街道", "1", "0", "0", "1", "1"]]
    assert "第6行B列（所属乡镇），单位“不知哪里协会”" in dialog.problems.toPlainText()
    with office_ctx.db.transaction() as session:
        names = set(session.scalars(select(MergedOrganization.name)))
    assert names == {"温泉茶叶协会", "浮山书画院"}
    dialog.close_button.click()


def test_a_file_that_is_no_list_is_said_in_words(
        qtbot: QtBot, office_ctx: OfficeContext, tmp_path: Path) -> None:
    bad = tmp_path / "不是表格.xlsx"
    bad.write_text("hello", encoding="utf-8")
    window = OfficeWindow(office_ctx)
    qtbot.addWidget(window)
    dialog = window.import_county_register(bad)
    assert dialog is not None
    qtbot.waitUntil(dialog.close_button.isEnabled, timeout=20000)
    assert dialog.plan is None
    assert "不是表格.xlsx" in dialog.stage_label.text()
