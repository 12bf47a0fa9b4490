"""Receiving a county package in the app: the dialog, the 退回待改 filter, the comments
beside the questions in the visit editor."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "county"))
from office_helpers import Township, make_office
from receive_helpers import COUNTY_KEY, merge, package, set_up_officer

from fieldsurvey.county import review
from fieldsurvey.county.db import open_office
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.paths import data_paths
from fieldsurvey.store.county import all_replies, county_trust
from fieldsurvey.store.profile import load_profile
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.county_dialogs import CountyCardDialog
from fieldsurvey.ui.main_window import MainWindow
from fieldsurvey.ui.receive_dialog import ReceiveDialog

pytestmark = pytest.mark.gui
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_receive_then_filter_and_see_the_comments(qtbot: QtBot, tmp_path: Path,
                                                  shipped_form: FormDefinition) -> None:
    town = Township(tmp_path / "town", "421202001", "温泉街道", shipped_form).populate(8, 3)
    set_up_officer(town.db, town.code, town.name)
    office = open_office(tmp_path / "office.sqlite3")
    try:
        make_office(office, trusted=(town.signer,))
        merge(office, shipped_form, town.export())
        with office.transaction() as s:
            returned = review.review_list(s)[0]
            review.return_visit(s, returned.visit_id, "职工人数与上月相差太大", by="张审核",
                                questions={"staff_total": "请按社保名单核实"})
        sent = package(office, town, tmp_path / "out", "请于月底前改完")
    finally:
        office.close()
    with town.db.transaction() as s:
        profile = load_profile(s)
    ctx = AppContext(lang="zh", paths=data_paths(), db=town.db, form=shipped_form,
                     profile=profile)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    dialog = ReceiveDialog(ctx, sent)
    qtbot.addWidget(dialog)
    assert "退回待改 1 条" in dialog.details.toPlainText()
    assert "请于月底前改完" in dialog.details.toPlainText()
    assert dialog.choices.isHidden() and dialog.chosen() == set()  # nothing to choose
    dialog.show()
    assert dialog.grab().save(str(SCREENSHOTS / "receive_dialog.png"))
    with qtbot.waitSignal(dialog.received):
        dialog.apply_button.click()
    again = ReceiveDialog(ctx, sent)
    qtbot.addWidget(again)
    assert again.headline.text().startswith("不能接收：第 1 号下发包已经接收过")
    assert not again.apply_button.isEnabled()

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    cases = window.cases
    qtbot.waitUntil(lambda: cases.model.complete, timeout=10_000)
    cases.returned.setChecked(True)
    assert cases.model.rowCount() == 1
    assert cases.model.row_at(cases.model.index(0, 0)).id == returned.organization_id
    assert window.grab().save(str(SCREENSHOTS / "returned_filter.png"))
    window.open_visit(returned.visit_id)
    editor = window.editor
    assert editor is not None
    assert editor.county_banner.isVisible()
    assert editor.county_banner.text() == "县里退回修改：职工人数与上月相差太大"
    row = editor.rows["staff_total"]
    assert row.county_comment.text() == "县里意见：请按社保名单核实"
    editor.stack.setCurrentIndex(window.editor.page_of["staff_total"])
    assert window.grab().save(str(SCREENSHOTS / "county_comments_in_editor.png"))

    # The officer answers the return from the banner; the reply waits for the next bundle.
    editor.county_banner.reply_button.click()
    reply = editor.county_banner.reply_dialog
    assert reply is not None
    qtbot.waitExposed(reply)
    reply.save()  # nothing typed: refused in words, the dialog stays
    assert reply.error.text() and reply.isVisible()
    reply.text.insertPlainText("已按社保名单核实，职工 36 人")  # as an input method commits it
    with qtbot.waitSignal(reply.accepted):
        reply.save()
    with town.db.transaction() as s:
        assert [r.text for r in all_replies(s)] == ["已按社保名单核实，职工 36 人"]


def test_the_county_is_trusted_only_once_its_fingerprint_is_typed(
        qtbot: QtBot, tmp_path: Path, shipped_form: FormDefinition) -> None:
    town = Township(tmp_path / "town", "421202001", "温泉街道", shipped_form)
    set_up_officer(town.db, town.code, town.name, county=None)
    with town.db.transaction() as s:
        profile = load_profile(s)
    ctx = AppContext(lang="zh", paths=data_paths(), db=town.db, form=shipped_form,
                     profile=profile)
    public = COUNTY_KEY.public
    dialog = CountyCardDialog(ctx, public)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.typed, "1234 " * 8)
    assert not dialog.trust_button.isEnabled()
    assert "不一致" in dialog.verdict.text()
    qtbot.keyClick(dialog.typed, Qt.Key.Key_Return)  # Enter cannot trust a wrong card
    with town.db.transaction() as s:
        assert county_trust(s) == {}
    dialog.typed.clear()
    qtbot.keyClicks(dialog.typed, public.fingerprint)
    assert dialog.trust_button.isEnabled() and dialog.verdict.text() == "指纹一致。"
    with qtbot.waitSignal(dialog.accepted):
        dialog.trust_button.click()
    with town.db.transaction() as s:
        assert list(county_trust(s)) == [public.key_id]
