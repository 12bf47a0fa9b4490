"""An organization imported with a code pending verification: found, shown, corrected."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from tests.ui.test_import_wizard import BAD, code, ctx, messy_workbook, open_wizard

from fieldsurvey.store.models import Organization
from fieldsurvey.ui.case_list import CaseListPage
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.org_dialog import OrganizationDialog
from fieldsurvey.ui.org_page import OrganizationPage

pytestmark = pytest.mark.gui
__all__ = ["ctx"]
LEFT = Qt.MouseButton.LeftButton


def imported(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> str:
    wizard = open_wizard(qtbot, ctx, messy_workbook(tmp_path / "名录.xlsx"))
    qtbot.mouseClick(wizard.next_button, LEFT)
    qtbot.mouseClick(wizard.next_button, LEFT)
    with qtbot.waitSignal(wizard.imported):
        qtbot.mouseClick(wizard.import_button, LEFT)
    with ctx.db.sessions() as session:
        org = session.scalars(select(Organization).where(Organization.name == "坏代码协会")).one()
        assert (org.uscc, org.uscc_pending) == (None, BAD)
        return org.id


def test_the_case_list_finds_organizations_whose_code_is_pending(
        qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    imported(qtbot, ctx, tmp_path)
    page = CaseListPage(ctx)
    qtbot.addWidget(page)
    page.reload()
    page.wait_loaded()
    assert page.model.rowCount() == 4
    page.pending.setChecked(True)
    assert page.model.rowCount() == 1
    index = page.model.index(0, 1)
    assert page.model.index(0, 0).data() == "坏代码协会"
    assert index.data() == f"{BAD}（待核实）"
    page.pending.setChecked(False)
    page.search.setText(BAD[8:])  # the pending code is searchable like any other
    assert page.model.rowCount() == 1


def test_the_organization_page_marks_it_and_the_dialog_corrects_it(
        qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    org_id = imported(qtbot, ctx, tmp_path)
    page = OrganizationPage(ctx)
    qtbot.addWidget(page)
    page.show_organization(org_id)
    assert page.profile_values["uscc"].text() == f"{BAD}（待核实）"
    assert "核对" in page.profile_values["uscc"].toolTip()

    # Editing something else keeps the pending code as it is: a warning, not a block.
    dialog = OrganizationDialog(ctx, org_id)
    qtbot.addWidget(dialog)
    uscc = dialog.inputs["uscc"]
    assert isinstance(uscc, QLineEdit)
    assert uscc.text() == BAD
    assert dialog.save_button.isEnabled()
    assert "待核实" in dialog.notes["uscc"].text()
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, LEFT)
    with ctx.db.sessions() as session:
        org = session.get(Organization, org_id)
        assert org is not None and (org.uscc, org.uscc_pending) == (None, BAD)

    # A mistyped correction is refused; the right one replaces the pending code.
    dialog = OrganizationDialog(ctx, org_id)
    qtbot.addWidget(dialog)
    uscc = dialog.inputs["uscc"]
    assert isinstance(uscc, QLineEdit)
    uscc.selectAll()
    qtbot.keyClicks(uscc, BAD[:17] + "Q")
    assert not dialog.save_button.isEnabled()
    uscc.selectAll()
    qtbot.keyClicks(uscc, code("51", 3))
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, LEFT)
    with ctx.db.sessions() as session:
        org = session.get(Organization, org_id)
        assert org is not None and (org.uscc, org.uscc_pending) == (code("51", 3), None)
    page.show_organization(org_id)
    assert page.profile_values["uscc"].text() == code("51", 3)
