"""Adding and editing an organization by hand, through the dialog's widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fieldsurvey.domain.uscc import org_code_check_char, uscc_check_char
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.paths import data_paths
from fieldsurvey.store import Database
from fieldsurvey.store.models import Organization
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.profile import OfficerProfile
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.org_dialog import OrganizationDialog

pytestmark = pytest.mark.gui

TOWNSHIP = "330106001"
LEFT = Qt.MouseButton.LeftButton


def code(kind: str, serial: int) -> str:
    body = f"MJ{serial:06d}"
    first17 = kind + "330106" + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


TEA, SCHOOL = code("51", 1), code("52", 2)


@pytest.fixture
def ctx(db: Database, shipped_form: FormDefinition) -> AppContext:
    profile = OfficerProfile(name="王芳", phone="13800138000", township_code=TOWNSHIP,
                             township_name="翠苑街道", county_code="330106",
                             county_name="西湖区")
    return AppContext(lang="zh", paths=data_paths(), db=db, form=shipped_form, profile=profile)


def line(dialog: OrganizationDialog, field: str) -> QLineEdit:
    widget = dialog.inputs[field]
    assert isinstance(widget, QLineEdit)
    return widget


def combo(dialog: OrganizationDialog, field: str) -> QComboBox:
    widget = dialog.inputs[field]
    assert isinstance(widget, QComboBox)
    return widget


def type_into(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """Type ASCII with the keyboard; Chinese arrives whole, as from an input method."""
    if text.isascii():
        qtbot.keyClicks(edit, text)
    else:
        edit.setFocus()
        edit.insert(text)  # emits textEdited, as typing does


def test_adding_an_organization(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = OrganizationDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "添加单位"
    assert not dialog.save_button.isEnabled()
    assert not dialog.notes["name"].isVisibleTo(dialog)  # no complaint before typing
    assert [combo(dialog, "reg_type").itemText(i) for i in range(3)] == [
        "（未选择）", "社会团体", "民办非企业单位（社会服务机构）"]
    type_into(qtbot, line(dialog, "name"), "西湖区茶叶协会")
    type_into(qtbot, line(dialog, "uscc"), TEA.lower())
    combo(dialog, "reg_type").setCurrentIndex(combo(dialog, "reg_type").findData("social_group"))
    combo(dialog, "field").setCurrentIndex(combo(dialog, "field").findData("economic"))
    type_into(qtbot, line(dialog, "phone"), "0571-88881234")
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.saved) as saved:
        qtbot.mouseClick(dialog.save_button, LEFT)
    with ctx.db.sessions() as session:
        org = session.get(Organization, saved.args[0])
        assert org is not None
        assert (org.name, org.uscc, org.reg_type, org.field, org.phone, org.township_code) == (
            "西湖区茶叶协会", TEA, "social_group", "economic", "0571-88881234", TOWNSHIP)


def test_a_wrong_code_is_named_and_blocks_saving(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = OrganizationDialog(ctx)
    qtbot.addWidget(dialog)
    type_into(qtbot, line(dialog, "name"), "甲协会")
    type_into(qtbot, line(dialog, "uscc"), TEA[:17] + "0")
    note = dialog.notes["uscc"]
    assert note.isVisibleTo(dialog)
    assert note.text() == (f"统一社会信用代码校验不通过：第18位应为“{TEA[17]}”，现为“0”。"
                           "请逐位与证书核对，可能有字符录错。")
    assert not dialog.save_button.isEnabled()
    line(dialog, "uscc").clear()
    type_into(qtbot, line(dialog, "uscc"), TEA)
    assert not note.isVisibleTo(dialog)
    assert dialog.save_button.isEnabled()


def test_a_type_mismatch_warns_but_saves(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = OrganizationDialog(ctx)
    qtbot.addWidget(dialog)
    type_into(qtbot, line(dialog, "name"), "甲学校")
    type_into(qtbot, line(dialog, "uscc"), SCHOOL)
    combo(dialog, "reg_type").setCurrentIndex(combo(dialog, "reg_type").findData("social_group"))
    assert dialog.notes["uscc"].text().startswith("统一社会信用代码前两位为“52”，与所选登记类型不符")
    assert dialog.save_button.isEnabled()


def test_a_code_already_registered_blocks_saving(qtbot: QtBot, ctx: AppContext) -> None:
    with ctx.db.transaction() as session:
        add_organization(session, name="西湖区茶叶协会", township_code=TOWNSHIP, uscc=TEA)
    dialog = OrganizationDialog(ctx)
    qtbot.addWidget(dialog)
    type_into(qtbot, line(dialog, "name"), "另一个协会")
    type_into(qtbot, line(dialog, "uscc"), TEA)
    assert dialog.notes["uscc"].text() == (
        "名录中的“西湖区茶叶协会”已使用这个统一社会信用代码，同一单位不能重复登记。")
    assert not dialog.save_button.isEnabled()


def test_a_bad_phone_blocks_saving(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = OrganizationDialog(ctx)
    qtbot.addWidget(dialog)
    type_into(qtbot, line(dialog, "name"), "甲协会")
    type_into(qtbot, line(dialog, "phone"), "8123456")
    assert dialog.notes["phone"].text().startswith("固定电话“8123456”缺少区号")
    assert not dialog.save_button.isEnabled()


def test_editing_keeps_the_id_and_changes_the_values(qtbot: QtBot, ctx: AppContext) -> None:
    with ctx.db.transaction() as session:
        org_id = add_organization(session, name="西湖区茶叶协会", township_code=TOWNSHIP,
                                  uscc=TEA, reg_type="social_group", address="文三路1号").id
    dialog = OrganizationDialog(ctx, org_id)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "修改单位信息"
    assert line(dialog, "uscc").text() == TEA
    assert combo(dialog, "reg_type").currentText() == "社会团体"
    assert dialog.save_button.isEnabled()  # its own code is no duplicate
    line(dialog, "address").clear()
    type_into(qtbot, line(dialog, "address"), "文三路2号")
    with qtbot.waitSignal(dialog.saved) as saved:
        qtbot.mouseClick(dialog.save_button, LEFT)
    assert saved.args == [org_id]
    with ctx.db.sessions() as session:
        rows = session.execute(select(Organization.id, Organization.address)).all()
    assert [tuple(r) for r in rows] == [(org_id, "文三路2号")]


def test_without_a_profile_nothing_can_be_added(qtbot: QtBot, ctx: AppContext) -> None:
    ctx.profile = None
    dialog = OrganizationDialog(ctx)
    qtbot.addWidget(dialog)
    type_into(qtbot, line(dialog, "name"), "甲协会")
    assert not dialog.save_button.isEnabled()
    assert "本人信息" in dialog.error_label.text()


def test_cancel_after_typing_asks_first_and_enter_keeps_the_work(qtbot: QtBot,
                                                                  ctx: AppContext) -> None:
    dialog = OrganizationDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, line(dialog, "name"), "西湖区茶叶协会")
    qtbot.keyClick(line(dialog, "name"), Qt.Key.Key_Escape)
    box = dialog.discard_box
    assert box is not None and box.isVisible() and dialog.isVisible()
    qtbot.keyClick(box, Qt.Key.Key_Return)  # the default answer keeps the work
    qtbot.waitUntil(lambda: dialog.discard_box is None)
    assert dialog.isVisible() and line(dialog, "name").text() == "西湖区茶叶协会"
    dialog.reject()
    box = dialog.discard_box
    assert box is not None
    with qtbot.waitSignal(dialog.rejected):
        box.button(QMessageBox.StandardButton.Discard).click()


def test_cancel_with_nothing_typed_closes_at_once(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = OrganizationDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.rejected):
        dialog.reject()
    assert dialog.discard_box is None


def test_enter_in_a_field_saves_rather_than_cancels(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = OrganizationDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, line(dialog, "name"), "西湖区茶叶协会")
    type_into(qtbot, line(dialog, "uscc"), TEA)
    assert dialog.save_button.isDefault()
    with qtbot.waitSignal(dialog.saved):
        qtbot.keyClick(line(dialog, "uscc"), Qt.Key.Key_Return)
