"""The review page: filter, approve with the keyboard, return with comments, the thread."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "county"))
from office_helpers import COUNTY, Township, make_office
from review_helpers import revise

from fieldsurvey.county import review
from fieldsurvey.county.merge import merge_bundles
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.review_page import ReviewPage

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def test_approve_and_return_from_the_review_page(qtbot: QtBot, office_ctx: OfficeContext,
                                                 tmp_path: Path,
                                                 shipped_form: FormDefinition) -> None:
    town = Township(tmp_path / "a", "421202001", "温泉街道", shipped_form).populate(6, 2)
    make_office(office_ctx.db, COUNTY, trusted=(town.signer,))
    merge_bundles(office_ctx.db, [town.export()], form=shipped_form, profile=COUNTY,
                  by="李敏")
    page = ReviewPage(office_ctx)
    qtbot.addWidget(page)
    page.resize(1200, 600)
    page.show()
    page.activateWindow()
    qtbot.waitActive(page)
    page.refresh()
    total = page.model.rowCount()
    assert page.form_filter.findData("so_union_visit") > 0
    page.form_filter.setCurrentIndex(page.form_filter.findData("so_union_visit"))
    assert page.model.rowCount() == total
    assert total > 2 and "收到新版本" in page.thread_view.toPlainText()
    first = page.model.row_at(0).visit_id
    assert not page.return_visit(first, "", {})  # a comment is required, and said so
    assert page.count_label.text() == "退回修改须写明意见"
    assert page.return_visit(first, "人数不对", {"staff_total": "请核实"})
    assert "人数不对" in page.thread_view.toPlainText()
    # Not selectRow(): it reads the keyboard's modifiers, which an earlier Ctrl+ key left.
    page.table.selectionModel().select(
        page.model.index(1, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)
    qtbot.keyClick(page.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with office_ctx.db.transaction() as s:
        assert review.state_of(s, first) == "returned"
        assert len(review.review_list(s, state="approved")) == 1
    page.state.setCurrentIndex(page.state.findData("returned"))
    assert [page.model.row_at(r).visit_id for r in range(page.model.rowCount())] == [first]
    # The officer fixes it; the page shows the new revision beside the one returned.
    revise(town, first, shipped_form, "已按社保名单核实")
    merge_bundles(office_ctx.db, [town.export()], form=shipped_form, profile=COUNTY,
                  by="李敏")
    page.state.setCurrentIndex(page.state.findData("fixed_pending"))
    assert [page.model.row_at(r).visit_id for r in range(page.model.rowCount())] == [first]
    shown = page.thread_view.toPlainText()
    assert "与上一版本（第 1 版）相比" in shown and "→ 已按社保名单核实" in shown
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert page.grab().save(str(SCREENSHOTS / "review_page.png"))
