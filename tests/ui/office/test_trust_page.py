"""The trust list page: cards checked by phone, revocation, the signed trust file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from fieldsurvey import clock
from fieldsurvey.county.db import open_office
from fieldsurvey.county.models import TrustedKeyRow
from fieldsurvey.county.office import save_office_profile
from fieldsurvey.county.trust import trusted_keys
from fieldsurvey.identity.enrollment import write_enrollment_card
from fieldsurvey.identity.keys import PublicIdentity
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.trust_page import (
    CardCheckDialog,
    RevokeDialog,
    TrustFileDialog,
    TrustPage,
)

pytestmark = pytest.mark.gui


def identity(name: str, unit_code: str, unit_name: str, role: str = "officer",
             phone: str | None = "13800138000") -> PublicIdentity:
    raw = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    return PublicIdentity.for_key(raw, role=role, name=name,  # type: ignore[arg-type]
                                  unit_code=unit_code, unit_name=unit_name, phone=phone)


def card(folder: Path, public: PublicIdentity) -> Path:
    path = folder / f"{public.name}-{public.unit_code}.fsid.json"
    write_enrollment_card(public, path)
    return path


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the page told the user (no modal message boxes in tests)."""
    shown: list[str] = []
    for name in ("information", "warning"):
        monkeypatch.setattr(QMessageBox, name,
                            lambda parent, title, text, *a, **k: shown.append(text))
    return shown


@pytest.fixture
def page(qtbot: QtBot, office_ctx: OfficeContext, messages: list[str]) -> Iterator[TrustPage]:
    widget = TrustPage(office_ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 600)
    widget.show()
    yield widget


def column(page: TrustPage, name: str) -> list[str]:
    index = ("unit_code", "unit_name", "name", "role", "fingerprint", "added",
             "status").index(name)
    return [page.table.item(row, index).text() for row in range(page.table.rowCount())]


def test_only_cards_confirmed_by_phone_are_added(page: TrustPage, tmp_path: Path,
                                                 messages: list[str]) -> None:
    wang = identity("王芳", "421202001", "温泉街道")
    zhao = identity("赵磊", "421202100", "汀泗桥镇", phone=None)
    files = [card(tmp_path, wang), card(tmp_path, zhao)]
    broken = tmp_path / "broken.fsid.json"
    broken.write_text("{}", encoding="utf-8")
    asked: list[str] = []

    def confirm(public: PublicIdentity, path: Path) -> bool:
        asked.append(public.fingerprint)
        return public.name == "王芳"

    assert page.empty_label.isVisible() and page.table.rowCount() == 0
    page.choose_cards = lambda: [*files, broken]  # type: ignore[method-assign]
    page.confirm_card = confirm  # type: ignore[method-assign]
    page.buttons["import_cards"].click()
    assert asked == [wang.fingerprint, zhao.fingerprint]  # each new card shown, in turn
    assert column(page, "name") == ["王芳"]
    assert column(page, "fingerprint") == [wang.fingerprint]
    assert column(page, "status") == ["有效"]
    assert column(page, "role") == ["乡镇（街道）工会干部"]
    assert not page.empty_label.isVisible()
    assert "已加入 1 个密钥：王芳" in messages[-1]
    assert "未核对，没有加入：赵磊" in messages[-1]
    assert "broken.fsid.json" in messages[-1]  # the bad card is named, in Chinese
    with page.ctx.db.transaction() as session:
        assert [r.added_by for r in trusted_keys(session)] == ["李敏"]

    # A card already on the list is not asked about again.
    asked.clear()
    page.choose_cards = lambda: [files[0]]  # type: ignore[method-assign]
    page.buttons["import_cards"].click()
    assert asked == []
    assert messages[-1] == "已在名单中（信息已更新）：王芳"


def test_the_card_dialog_shows_the_fingerprint_and_needs_the_box_ticked(
        qtbot: QtBot, office_ctx: OfficeContext) -> None:
    outsider = identity("周强", "420106001", "武昌某街道")
    dialog = CardCheckDialog(office_ctx, outsider, "周强.fsid.json")
    qtbot.addWidget(dialog)
    groups = outsider.fingerprint.split()
    assert dialog.fingerprint.text() == " ".join(groups[:4]) + "\n" + " ".join(groups[4:])
    assert dialog.warnings == ["注意：单位代码 420106001 不在 咸安区总工会 的辖区内。"]
    assert not dialog.add_button.isEnabled()
    dialog.checked.setChecked(True)
    assert dialog.add_button.isEnabled()
    county = identity("陈静", "421202", "咸安区总工会", role="county")
    assert CardCheckDialog(office_ctx, county, "x").warnings == [
        "注意：这是「县级工会」的密钥，本单位汇总的是「乡镇（街道）工会干部」报送的数据包。"]


def test_revoking_needs_a_reason_and_shows_from_when(qtbot: QtBot, page: TrustPage,
                                                    tmp_path: Path) -> None:
    wang = identity("王芳", "421202001", "温泉街道")
    page.choose_cards = lambda: [card(tmp_path, wang)]  # type: ignore[method-assign]
    page.confirm_card = lambda public, path: True  # type: ignore[method-assign]
    page.import_cards()
    assert not page.buttons["revoke"].isEnabled()  # nothing selected yet
    page.table.selectRow(0)
    assert page.buttons["revoke"].isEnabled()

    # The real dialog: defaults to now, and cannot be confirmed without a reason.
    with page.ctx.db.transaction() as session:
        row = session.get(TrustedKeyRow, wang.key_id)
    assert row is not None
    dialog = RevokeDialog(page.ctx, row)
    qtbot.addWidget(dialog)
    moment = clock.local_now()
    assert dialog.when.dateTime().toString("yyyy-MM-dd HH:mm") == moment.strftime("%Y-%m-%d %H:%M")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.reason, "laptop lost")
    assert dialog.ok_button.isEnabled()
    dialog.when.setDateTime(QDateTime.fromString("2026-11-15 09:30", "yyyy-MM-dd HH:mm"))
    when, reason = dialog.answer()
    assert reason == "laptop lost" and when.tzinfo is not None

    page.ask_revocation = lambda row: (when, "笔记本电脑丢失")  # type: ignore[method-assign]
    page.buttons["revoke"].click()
    assert column(page, "status") == ["自 2026-11-15 09:30 起吊销"]
    assert page.count_label.text() == "共 1 个密钥，其中已吊销 1 个"
    with page.ctx.db.transaction() as session:
        saved = session.get(TrustedKeyRow, wang.key_id)
        assert saved is not None
        assert (saved.revoke_reason, saved.revoked_by) == ("笔记本电脑丢失", "李敏")
        assert saved.revoked_from == when.astimezone(dt.UTC)


def test_a_blank_reason_is_refused(page: TrustPage, tmp_path: Path,
                                   messages: list[str]) -> None:
    wang = identity("王芳", "421202001", "温泉街道")
    page.choose_cards = lambda: [card(tmp_path, wang)]  # type: ignore[method-assign]
    page.confirm_card = lambda public, path: True  # type: ignore[method-assign]
    page.import_cards()
    page.table.selectRow(0)
    page.ask_revocation = lambda row: (clock.now(), "  ")  # type: ignore[method-assign]
    page.revoke_selected()
    assert messages[-1] == "请填写吊销原因。"
    assert column(page, "status") == ["有效"]


def test_the_trust_list_travels_signed_to_a_second_office(
        qtbot: QtBot, page: TrustPage, tmp_path: Path, messages: list[str],
        office_key: PublicIdentity) -> None:
    wang = identity("王芳", "421202001", "温泉街道")
    zhao = identity("赵磊", "421202100", "汀泗桥镇")
    page.choose_cards = lambda: [card(tmp_path, wang), card(tmp_path, zhao)]  # type: ignore[method-assign]
    page.confirm_card = lambda public, path: True  # type: ignore[method-assign]
    page.import_cards()
    page.select_key(zhao.key_id)
    revoked_from = dt.datetime(2026, 11, 10, 8, 0, tzinfo=dt.UTC)
    page.ask_revocation = lambda row: (revoked_from, "人员调离")  # type: ignore[method-assign]
    page.revoke_selected()

    target = tmp_path / "out" / "list"
    target.parent.mkdir()
    page.choose_trust_target = lambda: target  # type: ignore[method-assign]
    page.ask_passphrase = lambda public: "wrong passphrase"  # type: ignore[method-assign]
    page.buttons["export"].click()
    assert messages[-1].startswith("口令不正确")
    assert not list(target.parent.iterdir())
    page.ask_passphrase = lambda public: "county-key-2026"  # type: ignore[method-assign]
    page.buttons["export"].click()
    written = target.with_name("list.fstrust.json")  # the suffix is added
    assert written.is_file()
    assert messages[-1].startswith(f"已导出 2 个密钥到：\n{written}")

    # A second PC of the office, with its own empty database.
    second_db = open_office(tmp_path / "second.sqlite3")
    try:
        with second_db.transaction() as session:
            save_office_profile(session, page.ctx.profile)
        second_ctx = OfficeContext(lang="zh", paths=page.ctx.paths, db=second_db,
                                   form=page.ctx.form, profile=page.ctx.profile,
                                   staff_name="张伟")
        second = TrustPage(second_ctx)
        qtbot.addWidget(second)
        shown: list[tuple[str, str]] = []

        def confirm(trust, path):  # type: ignore[no-untyped-def]
            dialog = TrustFileDialog(second_ctx, trust, path.name)
            qtbot.addWidget(dialog)
            shown.append((trust.signer_fingerprint, trust.signer_name))
            return True

        second.choose_trust_file = lambda: written  # type: ignore[method-assign]
        second.confirm_trust_file = confirm  # type: ignore[method-assign]
        second.buttons["import_file"].click()
        assert shown == [(office_key.fingerprint, "李敏")]
        assert messages[-1] == "已导入信任名单：新增 2 个密钥，接受吊销 1 个。"
        assert sorted(column(second, "name")) == ["王芳", "赵磊"]
        assert sorted(column(second, "status")) == sorted([
            f"自 {revoked_from.astimezone():%Y-%m-%d %H:%M} 起吊销", "有效"])
    finally:
        second_db.close()

    # A file changed on the way is refused, in Chinese.
    tampered = tmp_path / "tampered.fstrust.json"
    tampered.write_text(written.read_text(encoding="utf-8").replace("王芳", "王方"),
                        encoding="utf-8")
    page.choose_trust_file = lambda: tampered  # type: ignore[method-assign]
    page.confirm_trust_file = lambda trust, path: pytest.fail("asked")  # type: ignore[method-assign]
    page.buttons["import_file"].click()
    assert "不是有效的信任名单文件" in messages[-1]


def test_export_without_an_office_key_explains(page: TrustPage, messages: list[str]) -> None:
    page.choose_trust_target = lambda: pytest.fail("asked")  # type: ignore[method-assign]
    page.export_trust()
    assert messages[-1].startswith("本机还没有单位签名密钥")


def test_the_passphrase_dialog_is_cleared_after_use(
        qtbot: QtBot, page: TrustPage, office_key: PublicIdentity,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_exec(dialog: QDialog) -> int:
        dialog.edit.setText("county-key-2026")  # type: ignore[attr-defined]
        seen.append(dialog)
        return QDialog.DialogCode.Accepted

    seen: list[QDialog] = []
    monkeypatch.setattr("fieldsurvey.ui.office.trust_page.PassphraseDialog.exec", fake_exec)
    assert page.ask_passphrase(office_key) == "county-key-2026"
    assert seen[0].edit.text() == ""  # type: ignore[attr-defined]
