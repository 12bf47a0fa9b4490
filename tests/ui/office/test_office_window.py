"""The office window: navigation, menus in both languages, the language switch, and the
roll-up bundle for the level above."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from fieldsurvey.bundles import verify_bundle
from fieldsurvey.bundles.trust import trust_list
from fieldsurvey.county.merge import merge_bundles
from fieldsurvey.county.office import load_office_profile
from fieldsurvey.identity.keys import PublicIdentity
from fieldsurvey.ui.export_dialog import QtProgress
from fieldsurvey.ui.office import rollup_dialog
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.launch import show_office_window
from fieldsurvey.ui.office.rollup_dialog import RollupDialog
from fieldsurvey.ui.office.trust_page import TrustPage
from fieldsurvey.ui.office.window import OfficeWindow

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "county"))
from office_helpers import Township, make_office

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("stub_pages")]


def make_window(qtbot: QtBot, ctx: OfficeContext) -> OfficeWindow:
    window = OfficeWindow(ctx)
    qtbot.addWidget(window)
    return window


def menu_titles(window: OfficeWindow) -> list[str]:
    return [action.text() for action in window.menuBar().actions()]


def file_menu(window: OfficeWindow) -> list[str]:
    menu = window.menuBar().actions()[0].menu()
    return [a.text() for a in menu.actions() if not a.isSeparator()]  # type: ignore[union-attr]


def test_title_menus_and_status_bar_in_both_languages(qtbot: QtBot,
                                                      office_ctx: OfficeContext) -> None:
    window = make_window(qtbot, office_ctx)
    assert window.windowTitle() == "咸安区总工会 · 汇总"
    assert menu_titles(window) == ["文件(&F)", "设置(&S)", "帮助(&H)"]
    assert file_menu(window) == ["导入数据包…", "导入全县名录…", "导出上报数据包…", "导出信任名单…",
                                 "退出"]
    assert window.actions_by_name["import_bundles"].shortcut().toString() == "Ctrl+I"
    assert window.actions_by_name["export_rollup"].shortcut().toString() == "Ctrl+E"
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        "导入数据包", "冲突处理", "月度统计", "信任名单", "走访审核", "下发包"]
    assert window.db_label.text() == f"汇总数据库：{office_ctx.db.url}"
    assert window.staff_label.text() == "工作人员：李敏（咸安区总工会）"
    assert window.actions_by_name["language_zh"].isChecked()

    office_ctx.lang = "en"
    english = make_window(qtbot, office_ctx)
    assert english.windowTitle() == "咸安区总工会 · merging"
    assert menu_titles(english) == ["&File", "&Settings", "&Help"]
    assert english.nav.item(3).text() == "Trust list"


def test_a_database_password_is_never_shown(qtbot: QtBot, office_ctx: OfficeContext) -> None:
    office_ctx.db.url = "postgresql+psycopg://union:***@db.example:5432/office"
    window = make_window(qtbot, office_ctx)
    assert "***" in window.db_label.text()


def test_navigation_shows_and_refreshes_each_page(qtbot: QtBot, office_ctx: OfficeContext,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(qtbot, office_ctx)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.page_name() == "import"
    assert isinstance(window.pages["trust"], TrustPage)
    assert window.pages["import"].calls == ["refresh"]  # type: ignore[attr-defined]
    refreshed: list[str] = []
    for name, page in window.pages.items():
        monkeypatch.setattr(page, "refresh", lambda n=name: refreshed.append(n))
    window.nav.setCurrentRow(3)
    assert window.page_name() == "trust" and window.stack.currentWidget() is window.pages["trust"]
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.page_name() == "conflicts"
    window.actions_by_name["page_stats"].trigger()
    assert window.page_name() == "stats"
    assert refreshed == ["trust", "conflicts", "stats"]
    window.show_page("stats")  # showing the page again reads it again
    assert refreshed[-1] == "stats"


def test_the_file_menu_opens_import_export_and_trust(qtbot: QtBot, office_ctx: OfficeContext,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(qtbot, office_ctx)
    window.nav.setCurrentRow(2)
    window.actions_by_name["import_bundles"].trigger()
    assert window.page_name() == "import"
    assert window.pages["import"].calls[-2:] == ["refresh", "pick_files"]  # type: ignore[attr-defined]

    opened: list[RollupDialog] = []
    monkeypatch.setattr(RollupDialog, "exec", lambda self: opened.append(self) or 0)
    window.actions_by_name["export_rollup"].trigger()
    assert len(opened) == 1 and opened[0].parent() is window

    exported: list[bool] = []
    monkeypatch.setattr(window.trust_page, "export_trust", lambda: exported.append(True))
    window.actions_by_name["export_trust"].trigger()
    assert window.page_name() == "trust" and exported == [True]

    about: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: about.append(text))
    window.actions_by_name["about"].trigger()
    assert about and about[0].startswith("社会组织建会走访")


def test_switching_language_saves_it_and_rebuilds_the_window(
        qtbot: QtBot, office_ctx: OfficeContext, monkeypatch: pytest.MonkeyPatch) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    monkeypatch.setattr(OfficeWindow, "show", QWidget.hide)  # built, not shown
    windows = show_office_window(app, office_ctx)
    first = windows[0]
    qtbot.addWidget(first)
    first.actions_by_name["language_en"].trigger()
    assert len(windows) == 1 and windows[0] is not first
    qtbot.addWidget(windows[0])
    assert menu_titles(windows[0]) == ["&File", "&Settings", "&Help"]
    assert office_ctx.lang == "en"
    with office_ctx.db.transaction() as session:
        saved = load_office_profile(session)
    assert saved is not None and saved.language == "en"
    assert app.applicationDisplayName() == "Union coverage survey: merging"


# -- the roll-up bundle -----------------------------------------------------------------------

def test_rollup_exports_a_signed_bundle_of_the_merged_data(
        qtbot: QtBot, office_ctx: OfficeContext, office_key: PublicIdentity,
        tmp_path: Path) -> None:
    township = Township(tmp_path / "wenquan", "421202001", "温泉街道",
                        office_ctx.form).populate(8, 3)
    make_office(office_ctx.db, office_ctx.profile, trusted=(township.signer,))
    report = merge_bundles(office_ctx.db, [township.export()], form=office_ctx.form,
                           profile=office_ctx.profile, by="李敏")
    assert report is not None
    out = tmp_path / "to-city"
    out.mkdir()

    dialog = RollupDialog(office_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.page_name() == "form"
    assert dialog.month_combo.currentText() == "2026年11月"  # after the 10th: this month
    dialog.set_folder(out)
    assert dialog.file_name_label.text() == "421202-202611-0001.xlsx"
    dialog.passphrase_edit.setText("not the passphrase")
    dialog.export_button.click()
    assert dialog.page_name() == "form" and dialog.error_label.text().startswith("口令不正确")
    assert dialog.file_name_label.text() == "421202-202611-0001.xlsx"  # no number used up

    dialog.passphrase_edit.setText("county-key-2026")
    dialog.export_button.click()
    assert dialog.passphrase_edit.text() == ""
    qtbot.waitUntil(lambda: dialog.page_name() == "done" and not dialog.is_running(),
                    timeout=20000)
    summary = dialog.summary
    assert summary is not None and summary.path == out / "421202-202611-0001.xlsx"
    assert dialog.done_labels["path"].text() == str(summary.path)
    assert dialog.done_labels["fingerprint"].text() == office_key.fingerprint
    assert dialog.done_labels["visits"].text() == f"{summary.visits} 条"
    assert summary.organizations == 8
    verdict = verify_bundle(summary.path, trust_list([office_key]))
    assert verdict.ok, verdict.message.render("en")
    assert verdict.manifest is not None and verdict.manifest["producer"]["unit_code"] == "421202"
    assert dialog.file_name_label.text() == "421202-202611-0002.xlsx"  # the next one


class CancelledAtOnce(QtProgress):
    """As if Cancel had been pressed before the work began."""

    def cancelled(self) -> bool:
        return True


def test_rollup_cancel_leaves_no_file(qtbot: QtBot, office_ctx: OfficeContext,
                                      office_key: PublicIdentity, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rollup_dialog, "QtProgress", CancelledAtOnce)
    dialog = RollupDialog(office_ctx)
    qtbot.addWidget(dialog)
    dialog.set_folder(tmp_path)
    dialog.passphrase_edit.setText("county-key-2026")
    dialog.export_button.click()
    dialog.reject()  # closing while it runs cancels first, and stays open
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=20000)
    assert dialog.summary is None and dialog.page_name() == "form"
    assert dialog.error_label.text() == "已取消导出，没有写出任何文件。"
    assert not list(tmp_path.glob("*.xlsx"))
    # The number was used up (as for the officer): the next file says so.
    assert dialog.file_name_label.text() == "421202-202611-0002.xlsx"


def test_rollup_without_a_key_only_explains(qtbot: QtBot, office_ctx: OfficeContext) -> None:
    office_ctx.lang = "en"
    dialog = RollupDialog(office_ctx)
    qtbot.addWidget(dialog)
    assert dialog.page_name() == "no_identity"
    assert dialog.no_identity_label.text().startswith("This PC has no signing key")
