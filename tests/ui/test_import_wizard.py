"""The import dialog, driven through its widgets on a messy register workbook."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog
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
from fieldsurvey.ui.import_wizard import ImportWizard

pytestmark = pytest.mark.gui

TOWNSHIP = "330106001"
LEFT = Qt.MouseButton.LeftButton


def code(kind: str, serial: int) -> str:
    body = f"MJ{serial:06d}"
    first17 = kind + "330106" + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


TEA, BOOKS, BAD = code("51", 1), code("51", 2), code("51", 3)[:17] + "0"


def messy_workbook(path: Path, legal_rep_header: str = "法定代表人") -> Path:
    """Title merged over the row, supervisor merged over two rows, full-width text,
    one bad code, one duplicate, one row without a name, trailing blank rows."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "社会组织"
    ws.append(["翠苑街道社会组织名录"])
    ws.merge_cells("A1:F1")
    ws.append(["序号", "名称", "统一社会信用代码", "类型", "业务主管单位", legal_rep_header])
    ws.append([1, "\u3000西湖区茶叶协会\u3000", fullwidth(TEA), "社会团体", "区农业农村局", "张三"])
    ws.append([2, "西湖区读书会", BOOKS, "社团", None, "李四"])
    ws.merge_cells("E3:E4")
    ws.append([3, "坏代码协会", BAD, "社会团体", "区民政局", "王五"])
    ws.append([4, "西湖区茶叶协会", TEA, "社会团体", "区农业农村局", "张三"])
    ws.append([5, None, code("51", 5), "社会团体", "区民政局", "赵六"])
    ws.append([6, fullwidth("ABC") + "社区 老年协会", None, "社区社会组织", "翠苑街道", "钱七"])
    for row in range(9, 14):
        ws.cell(row=row, column=1).number_format = "@"  # formatted, empty
    book.save(path)
    return path


@pytest.fixture
def ctx(db: Database, shipped_form: FormDefinition) -> AppContext:
    profile = OfficerProfile(name="王芳", phone="13800138000", township_code=TOWNSHIP,
                             township_name="翠苑街道", county_code="330106",
                             county_name="西湖区")
    return AppContext(lang="zh", paths=data_paths(), db=db, form=shipped_form, profile=profile)


def stored(ctx: AppContext) -> dict[str, tuple[str | None, str | None, str | None, str | None]]:
    with ctx.db.sessions() as session:
        return {o.name: (o.uscc, o.reg_type, o.supervisor, o.legal_rep)
                for o in session.scalars(select(Organization))}


def open_wizard(qtbot: QtBot, ctx: AppContext, path: Path) -> ImportWizard:
    """The dialog with ``path`` read (on its worker thread)."""
    wizard = ImportWizard(ctx, path=path)
    qtbot.addWidget(wizard)
    qtbot.waitUntil(lambda: not wizard.reading)
    return wizard


def problems(wizard: ImportWizard) -> list[tuple[str, ...]]:
    model = wizard.check_page.problem_filter
    return [tuple(model.index(r, c).data() for c in range(model.columnCount()))
            for r in range(model.rowCount())]


def test_importing_a_messy_register(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, ctx, messy_workbook(tmp_path / "名录.xlsx"))
    wizard.show()
    assert wizard.file_page.file_summary.text() == "工作表“社会组织”共 8 行，表头在第 2 行。"
    assert wizard.next_button.isEnabled()
    qtbot.mouseClick(wizard.next_button, LEFT)

    assert wizard.stack.currentIndex() == ImportWizard.MAPPING
    assert wizard.mapping_page.header_spin.value() == 2
    assert wizard.mapping_page.field_combos["name"].currentText() == "B: 名称"
    assert wizard.mapping_page.field_combos["supervisor"].currentText() == "E: 业务主管单位"
    assert wizard.mapping_page.field_combos["phone"].currentData() == -1
    preview = wizard.mapping_page.preview
    assert preview.rowCount() == 6
    assert [preview.verticalHeaderItem(r).text() for r in range(6)] == ["3", "4", "5", "6",
                                                                         "7", "8"]
    assert preview.item(0, 1).text() == "西湖区茶叶协会"
    assert preview.item(1, 0).text() == "新增"
    assert preview.item(1, 3).text() == "社会团体"  # 社团, shown as the form's label
    assert preview.item(1, 4).text() == "区农业农村局"  # from the merged cell
    assert preview.item(5, 1).text() == "ABC社区 老年协会"
    qtbot.mouseClick(wizard.next_button, LEFT)

    assert wizard.stack.currentIndex() == ImportWizard.CHECK
    assert wizard.check_page.check_summary.text() == (
        "新增 4 个单位，更新 0 个，无变化 0 个，未导入 2 行。")
    assert [p[:6] for p in problems(wizard)] == [
        ("5", "坏代码协会", "C", "统一社会信用代码", "提醒", "新增"),
        ("6", "西湖区茶叶协会", "C", "统一社会信用代码", "错误", "未导入"),
        ("7", "", "B", "单位名称", "错误", "未导入"),
    ]
    assert "待核实" in problems(wizard)[0][6]
    assert problems(wizard)[1][6] == "统一社会信用代码与第3行相同，是同一单位，以第3行为准。"
    tooltip = wizard.check_page.problem_filter.index(2, 6).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip == "文件“名录.xlsx”，工作表“社会组织”，第7行B列（单位名称）：没有填写单位名称。"
    assert wizard.import_button.text() == "导入 4 个单位"

    with qtbot.waitSignal(wizard.imported, timeout=5000):
        qtbot.mouseClick(wizard.import_button, LEFT)
    assert wizard.stack.currentIndex() == ImportWizard.RESULT
    assert wizard.result_page.result_label.text().startswith("导入完成：新增 4 个单位")
    assert "1 个单位的统一社会信用代码未通过校验" in wizard.result_page.result_note.text()
    assert stored(ctx) == {
        "西湖区茶叶协会": (TEA, "social_group", "区农业农村局", "张三"),
        "西湖区读书会": (BOOKS, "social_group", "区农业农村局", "李四"),
        "坏代码协会": (None, "social_group", "区民政局", "王五"),
        "ABC社区 老年协会": (None, "community", "翠苑街道", "钱七"),
    }
    qtbot.mouseClick(wizard.close_button, LEFT)
    assert wizard.result() == ImportWizard.DialogCode.Accepted


def test_the_officer_corrects_a_column_and_the_plan_follows(
        qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, ctx, messy_workbook(tmp_path / "名录.xlsx", "负责同志"))
    qtbot.mouseClick(wizard.next_button, LEFT)
    legal_rep = wizard.mapping_page.field_combos["legal_rep"]
    assert legal_rep.currentText() == "（不导入）"
    legal_rep.setCurrentIndex(legal_rep.findData(5))
    assert wizard.plan is not None
    assert wizard.plan.entries[0].values["legal_rep"] == "张三"
    # Taking the name column for another field frees it: nothing can be imported then.
    address = wizard.mapping_page.field_combos["address"]
    address.setCurrentIndex(address.findData(1))
    assert wizard.mapping_page.field_combos["name"].currentData() == -1
    assert wizard.plan is None
    assert not wizard.next_button.isEnabled()
    assert wizard.mapping_page.mapping_error.text() == "请指定文件“名录.xlsx”工作表“社会组织”中哪一列是“单位名称”。"
    name = wizard.mapping_page.field_combos["name"]
    name.setCurrentIndex(name.findData(1))
    assert wizard.mapping_page.field_combos["address"].currentData() == -1
    assert wizard.next_button.isEnabled()
    qtbot.mouseClick(wizard.next_button, LEFT)
    with qtbot.waitSignal(wizard.imported):
        qtbot.mouseClick(wizard.import_button, LEFT)
    assert stored(ctx)["西湖区读书会"][3] == "李四"


def test_choosing_the_header_row_proposes_its_columns(
        qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, ctx, messy_workbook(tmp_path / "名录.xlsx"))
    qtbot.mouseClick(wizard.next_button, LEFT)
    wizard.mapping_page.header_spin.setValue(1)  # the title: only its merged words remain
    assert wizard.mapping_page.field_combos["uscc"].currentData() == -1
    wizard.mapping_page.header_spin.setValue(2)
    assert wizard.mapping_page.field_combos["uscc"].currentText() == "C: 统一社会信用代码"


def test_problems_can_be_filtered(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    with ctx.db.transaction() as session:
        add_organization(session, name="西湖区读书会", township_code=TOWNSHIP, uscc=BOOKS,
                         reg_type="social_group", supervisor="区农业农村局", legal_rep="李四",
                         phone="12345")
    book = messy_workbook(tmp_path / "名录.xlsx")
    wizard = open_wizard(qtbot, ctx, book)
    qtbot.mouseClick(wizard.next_button, LEFT)
    qtbot.mouseClick(wizard.next_button, LEFT)
    assert wizard.check_page.check_summary.text() == (
        "新增 3 个单位，更新 0 个，无变化 1 个，未导入 2 行。")
    wizard.check_page.filter_combo.setCurrentIndex(wizard.check_page.filter_combo.findData("warning"))
    assert [p[1] for p in problems(wizard)] == ["坏代码协会"]
    assert wizard.check_page.problem_count.text() == "显示 1 条问题，共 3 条。"
    wizard.check_page.filter_combo.setCurrentIndex(wizard.check_page.filter_combo.findData("all"))
    # Chinese arrives through an input method, as a whole string (QTest types ASCII only).
    wizard.check_page.search_edit.setText("第7行")
    assert [p[0] for p in problems(wizard)] == ["7"]
    wizard.check_page.copy_problems()
    assert QApplication.clipboard().text() == (
        "文件“名录.xlsx”，工作表“社会组织”，第7行B列（单位名称）：没有填写单位名称。")


def test_cancelling_the_import_writes_nothing(
        qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, ctx, messy_workbook(tmp_path / "名录.xlsx"))
    qtbot.mouseClick(wizard.next_button, LEFT)
    qtbot.mouseClick(wizard.next_button, LEFT)

    def cancel() -> None:
        for dialog in wizard.findChildren(QProgressDialog):
            dialog.cancel()

    # Fires inside the import, when its progress lets events through.
    QTimer.singleShot(0, cancel)
    with qtbot.assertNotEmitted(wizard.imported):
        qtbot.mouseClick(wizard.import_button, LEFT)
    assert wizard.stack.currentIndex() == ImportWizard.CHECK
    assert wizard.check_page.check_error.text() == "导入已取消，名录没有任何改动。"
    assert stored(ctx) == {}


def test_reimporting_an_updated_list(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    first = open_wizard(qtbot, ctx, messy_workbook(tmp_path / "v1.xlsx"))
    qtbot.mouseClick(first.next_button, LEFT)
    qtbot.mouseClick(first.next_button, LEFT)
    with qtbot.waitSignal(first.imported):
        qtbot.mouseClick(first.import_button, LEFT)

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["单位名称", "统一社会信用代码", "法定代表人", "联系电话"])
    ws.append(["西湖区茶叶协会", TEA, "张三丰", "13800138000"])
    ws.append(["ABC社区 老年协会", None, "钱七", None])
    ws.append(["西湖区书画院", code("52", 8), "孙九", None])
    book.save(tmp_path / "v2.xlsx")
    second = open_wizard(qtbot, ctx, tmp_path / "v2.xlsx")
    qtbot.mouseClick(second.next_button, LEFT)
    qtbot.mouseClick(second.next_button, LEFT)
    assert second.check_page.check_summary.text() == "新增 1 个单位，更新 1 个，无变化 1 个，未导入 0 行。"
    with qtbot.waitSignal(second.imported):
        qtbot.mouseClick(second.import_button, LEFT)
    after = stored(ctx)
    assert len(after) == 5
    assert after["西湖区茶叶协会"] == (TEA, "social_group", "区农业农村局", "张三丰")


def test_a_file_that_is_not_a_workbook_is_refused(
        qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "名录.xlsx"
    path.write_text("序号,单位名称\n1,甲协会\n", encoding="utf-8")
    wizard = open_wizard(qtbot, ctx, path)
    assert wizard.file_page.file_error.text() == (
        "文件“名录.xlsx”不是 Excel 工作簿（.xlsx、.xls）或 ODS 表格，或者文件已损坏，无法读取。")
    assert not wizard.next_button.isEnabled()
    assert stored(ctx) == {}


def test_a_sheet_without_a_header_can_be_swapped_for_another(
        qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "填表说明"
    notes.append(["请按民政部门登记证书填写。"])
    book.create_sheet("名录").append(["单位名称", "统一社会信用代码"])
    book["名录"].append(["甲协会", TEA])
    book.save(tmp_path / "two.xlsx")
    wizard = open_wizard(qtbot, ctx, tmp_path / "two.xlsx")
    assert "找不到表头" in wizard.file_page.file_error.text()
    assert not wizard.next_button.isEnabled()
    wizard.file_page.sheet_combo.setCurrentIndex(1)
    with qtbot.waitSignal(wizard.file_read):
        wizard.file_page.sheet_combo.activated.emit(1)
    assert wizard.file_page.file_error.text() == ""
    assert wizard.next_button.isEnabled()


def test_the_dialog_fits_a_1366x768_screen(qtbot: QtBot, ctx: AppContext,
                                           tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, ctx, messy_workbook(tmp_path / "名录.xlsx"))
    for page in (ImportWizard.FILE, ImportWizard.MAPPING, ImportWizard.CHECK):
        wizard.stack.setCurrentIndex(page)
        hint = wizard.minimumSizeHint()
        assert hint.width() <= 1366 and hint.height() <= 700, (page, hint)
    assert wizard.width() <= 1366 and wizard.height() <= 700


def test_without_a_profile_nothing_can_be_imported(
        qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    ctx.profile = None
    wizard = open_wizard(qtbot, ctx, messy_workbook(tmp_path / "名录.xlsx"))
    assert "本人信息" in wizard.file_page.file_error.text()
    assert not wizard.file_page.browse_button.isEnabled()
    assert not wizard.next_button.isEnabled()


def test_a_bad_code_is_corrected_on_the_check_page(qtbot: QtBot, ctx: AppContext,
                                                   tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, ctx, messy_workbook(tmp_path / "名录.xlsx"))
    wizard.show()
    qtbot.mouseClick(wizard.next_button, LEFT)
    assert wizard.mapping_page.preview.item(2, 2).text() == f"{BAD}（待核实）"
    qtbot.mouseClick(wizard.next_button, LEFT)
    page = wizard.check_page
    assert not page.correction_edit.isVisibleTo(wizard)
    page.problem_view.selectRow(0)  # 坏代码协会, row 5
    assert page.correction_edit.isVisibleTo(wizard)
    assert page.correction_label.text() == "改正第5行的代码："
    assert page.correction_edit.text() == BAD
    page.correction_edit.selectAll()
    qtbot.keyClicks(page.correction_edit, code("51", 3))
    # Enter corrects; it does not import.
    with qtbot.assertNotEmitted(wizard.imported):
        qtbot.keyClick(page.correction_edit, Qt.Key.Key_Return)
    assert wizard.corrections == {5: code("51", 3)}
    assert [p[:2] for p in problems(wizard)] == [("6", "西湖区茶叶协会"), ("7", "")]
    with qtbot.waitSignal(wizard.imported):
        qtbot.mouseClick(wizard.import_button, LEFT)
    assert stored(ctx)["坏代码协会"][0] == code("51", 3)
