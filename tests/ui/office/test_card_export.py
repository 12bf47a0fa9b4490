"""File -> 导出登记卡…: the card the officer writes is what the county's trust page imports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from fieldsurvey.county.trust import trusted_keys
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.identity.keys import MIN_SCRYPT_N, PublicIdentity, create_identity, load_public
from fieldsurvey.paths import data_paths
from fieldsurvey.store import Database
from fieldsurvey.store.profile import OfficerProfile
from fieldsurvey.ui.card_dialog import CardExportDialog
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.trust_page import TrustPage

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def officer(db: Database, shipped_form: FormDefinition, tmp_path: Path) -> AppContext:
    profile = OfficerProfile(name="王芳", phone="13800138000", township_code="421202001",
                             township_name="温泉街道", county_code="421202",
                             county_name="咸安区")
    ctx = AppContext(lang="zh", paths=data_paths(), db=db, form=shipped_form, profile=profile)
    create_identity(ctx.paths.keys, "wenquan-2026", role="officer", name="王芳",
                    unit_code="421202001", unit_name="温泉街道", phone="13800138000",
                    scrypt_n=MIN_SCRYPT_N)
    return ctx


def test_the_card_goes_to_a_usb_drive_and_the_county_trusts_it(
        qtbot: QtBot, officer: AppContext, office_ctx: OfficeContext, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    usb = tmp_path / "media" / "wang" / "KINGSTON"
    usb.mkdir(parents=True)
    dialog = CardExportDialog(officer, drives=lambda: [usb])
    qtbot.addWidget(dialog)
    assert dialog.target_combo.currentData() == str(usb)  # the USB drive comes first
    assert dialog.target_combo.currentText() == f"U盘：{usb}"
    assert dialog.name_edit.text() == "温泉街道-王芳.fsid.json"
    assert dialog.export_button.isDefault()
    qtbot.mouseClick(dialog.export_button, LEFT)
    card = usb / "温泉街道-王芳.fsid.json"
    assert dialog.written == card and card.is_file()
    assert str(card) in dialog.result_label.text()
    assert json.loads(card.read_text(encoding="utf-8"))["name"] == "王芳"

    page = TrustPage(office_ctx)
    qtbot.addWidget(page)
    asked: list[str] = []

    def confirm(public: PublicIdentity, path: Path) -> bool:
        asked.append(public.fingerprint)
        return True

    # The page's own questions (file dialog, phone check) are answered here.
    monkeypatch.setattr(page, "choose_cards", lambda: [card])
    monkeypatch.setattr(page, "confirm_card", confirm)
    monkeypatch.setattr(page, "inform", lambda text, error=False: None)
    page.import_cards()
    mine = load_public(officer.paths.keys)
    assert asked == [mine.fingerprint]
    with office_ctx.db.transaction() as session:
        assert mine.key_id in {row.key_id for row in trusted_keys(session)}


def test_without_a_key_there_is_nothing_to_export(qtbot: QtBot, db: Database,
                                                  shipped_form: FormDefinition) -> None:
    ctx = AppContext(lang="zh", paths=data_paths(), db=db, form=shipped_form)
    dialog = CardExportDialog(ctx, drives=list)
    qtbot.addWidget(dialog)
    assert "还没有签名密钥" in dialog.intro.text()
    assert not dialog.export_button.isEnabled()
