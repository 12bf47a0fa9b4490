"""The Export screen end to end, and the reminder bar that leads to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from fieldsurvey import clock
from fieldsurvey.bundles import trust_list, verify_bundle
from fieldsurvey.bundles.monthly import LAST_EXPORT_KEY, last_export_at, peek_next_sequence
from fieldsurvey.cases.demo import populate_demo
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.identity.keys import MIN_SCRYPT_N, create_identity, load_public
from fieldsurvey.messages import render
from fieldsurvey.paths import data_paths
from fieldsurvey.store import open_store
from fieldsurvey.store.settings import set_setting
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.export_dialog import ExportDialog
from fieldsurvey.ui.export_reminder import ExportReminderBar

pytestmark = pytest.mark.gui

TOWNSHIP = "421202001"
PASSPHRASE = "wenquan-2026"  # noqa: S105 - a test passphrase
TODAY = dt.date(2026, 11, 21)  # the suite's pinned clock



@pytest.fixture
def ctx(shipped_form: FormDefinition) -> Iterator[AppContext]:
    """A store with a demo register, no signing key yet."""
    paths = data_paths()
    db = open_store(paths)
    populate_demo(db, shipped_form, TOWNSHIP, 150, seed=3, today=TODAY)
    yield AppContext(lang="zh", paths=paths, db=db, form=shipped_form)
    db.close()


@pytest.fixture
def officer(ctx: AppContext) -> AppContext:
    create_identity(ctx.paths.keys, PASSPHRASE, role="officer", name="王芳",
                    unit_code=TOWNSHIP, unit_name="咸安区温泉街道", scrypt_n=MIN_SCRYPT_N)
    return ctx


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


def recorded(ctx: AppContext) -> dt.datetime | None:
    with ctx.db.sessions() as s:
        return last_export_at(s)


def open_dialog(qtbot: QtBot, ctx: AppContext, folder: Path | None = None) -> ExportDialog:
    dialog = ExportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    if folder is not None:
        dialog.set_folder(folder)
    return dialog


def try_passphrase(qtbot: QtBot, dialog: ExportDialog, passphrase: str) -> None:
    qtbot.keyClicks(dialog.passphrase_edit, passphrase)
    dialog.export_button.click()


def test_a_wrong_then_the_right_passphrase_exports_a_valid_bundle(
        qtbot: QtBot, officer: AppContext, out: Path) -> None:
    dialog = open_dialog(qtbot, officer, out)
    qtbot.keyClicks(dialog.passphrase_edit, "not-my-passphrase")
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)  # Enter works like the button
    assert dialog.page_name() == "form"
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text() == render("identity.wrong_passphrase", "zh")
    assert dialog.passphrase_edit.text() == ""  # never left in the field
    assert peek_next_sequence(officer.db) == 1  # a wrong passphrase uses no number up
    assert list(out.iterdir()) == []

    with qtbot.waitSignal(dialog.exported, timeout=60_000) as exported, \
            qtbot.waitSignal(dialog.export_ended, timeout=60_000):
        try_passphrase(qtbot, dialog, PASSPHRASE)
    summary = exported.args[0]
    assert dialog.page_name() == "done"
    assert dialog.passphrase_edit.text() == ""
    [bundle] = out.iterdir()
    assert summary.path == bundle
    assert bundle.name == f"{TOWNSHIP}-{dialog.selected_month()[0]:04d}" \
                          f"{dialog.selected_month()[1]:02d}-0001.xlsx"
    verdict = verify_bundle(bundle, trust_list([load_public(officer.paths.keys)]))
    assert verdict.ok, verdict.message
    shown = {key: label.text() for key, label in dialog.done_labels.items()}
    assert shown["path"] == str(bundle)
    assert shown["sequence"] == "1"
    assert shown["visits"] == f"{summary.visits} 条" and summary.visits > 100
    assert shown["organizations"] == "150 个"
    assert shown["fingerprint"] == load_public(officer.paths.keys).fingerprint
    assert shown["signer"] == "王芳（咸安区温泉街道）"
    assert recorded(officer) is not None


def test_the_progress_page_shows_while_exporting(qtbot: QtBot, officer: AppContext,
                                                  out: Path) -> None:
    dialog = open_dialog(qtbot, officer, out)
    with qtbot.waitSignal(dialog.export_ended, timeout=60_000):
        try_passphrase(qtbot, dialog, PASSPHRASE)
        assert dialog.page_name() == "progress"
        assert dialog.is_running()
    assert not dialog.is_running() and dialog.page_name() == "done"
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum()


def test_cancel_leaves_no_file_and_records_no_export(qtbot: QtBot, officer: AppContext,
                                                      out: Path) -> None:
    dialog = open_dialog(qtbot, officer, out)
    with qtbot.waitSignal(dialog.export_ended, timeout=60_000):
        try_passphrase(qtbot, dialog, PASSPHRASE)
        dialog.cancel_button.click()
    assert dialog.page_name() == "form"
    assert dialog.error_label.text() == "已取消导出，没有写出任何文件。"
    assert list(out.iterdir()) == []
    assert recorded(officer) is None
    assert peek_next_sequence(officer.db) == 2  # the number was used up all the same
    assert dialog.file_name_label.text().endswith("-0002.xlsx")


def test_closing_while_exporting_cancels_first(qtbot: QtBot, officer: AppContext,
                                               out: Path) -> None:
    dialog = open_dialog(qtbot, officer, out)
    with qtbot.waitSignal(dialog.export_ended, timeout=60_000):
        try_passphrase(qtbot, dialog, PASSPHRASE)
        dialog.reject()
        assert dialog.isVisible()  # stays until the work has stopped
    assert list(out.iterdir()) == []
    dialog.reject()
    assert not dialog.isVisible()


def test_a_missing_folder_is_refused_before_a_number_is_used(qtbot: QtBot, officer: AppContext,
                                                              tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, officer, tmp_path / "unplugged")
    try_passphrase(qtbot, dialog, PASSPHRASE)
    assert dialog.page_name() == "form"
    assert "unplugged" in dialog.error_label.text()
    assert peek_next_sequence(officer.db) == 1


def test_an_empty_passphrase_asks_for_one(qtbot: QtBot, officer: AppContext, out: Path) -> None:
    dialog = open_dialog(qtbot, officer, out)
    dialog.export_button.click()
    assert dialog.error_label.text() == "请输入密钥口令。"


@pytest.mark.parametrize(("today", "month", "file_month"), [
    (dt.date(2027, 1, 4), (2026, 12), "202612"),  # early January: December's report
    (dt.date(2027, 1, 11), (2027, 1), "202701"),
])
def test_the_month_defaults_to_the_month_being_reported(
        qtbot: QtBot, officer: AppContext, today: dt.date, month: tuple[int, int],
        file_month: str) -> None:
    clock.pin(today)
    dialog = open_dialog(qtbot, officer)
    assert dialog.selected_month() == month
    assert dialog.month_combo.currentText() == f"{month[0]}年{month[1]}月"
    assert dialog.file_name_label.text() == f"{TOWNSHIP}-{file_month}-0001.xlsx"
    assert dialog.folder_edit.text() == str(officer.paths.exports)
    dialog.month_combo.setCurrentIndex(dialog.month_combo.currentIndex() + 1)
    assert dialog.file_name_label.text() != f"{TOWNSHIP}-{file_month}-0001.xlsx"


def test_without_a_key_the_dialog_only_explains(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = open_dialog(qtbot, ctx)
    assert dialog.page_name() == "no_identity"
    assert dialog.no_identity_label.text() == render("ui.export.no_identity", "zh")
    assert "首次使用" in dialog.no_identity_label.text()
    assert not dialog.export_button.isVisible()


class FolderOpener(QObject):
    """Receives the file URLs the app asks the desktop to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url)


def test_the_result_page_opens_the_folder(qtbot: QtBot, officer: AppContext, out: Path) -> None:
    dialog = open_dialog(qtbot, officer, out)
    with qtbot.waitSignal(dialog.export_ended, timeout=60_000):
        try_passphrase(qtbot, dialog, PASSPHRASE)
    opener = FolderOpener()
    QDesktopServices.setUrlHandler("file", opener, "open")
    try:
        dialog.open_folder_button.click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [url.toLocalFile() for url in opener.opened] == [str(out)]


# -- the reminder bar ------------------------------------------------------------------------
def set_last_export(ctx: AppContext, when: dt.datetime) -> None:
    with ctx.db.transaction() as s:
        set_setting(s, LAST_EXPORT_KEY, when.isoformat())


def test_the_reminder_follows_the_last_export(qtbot: QtBot, ctx: AppContext) -> None:
    bar = ExportReminderBar(ctx)
    qtbot.addWidget(bar)
    assert not bar.isHidden()  # never exported, and there are finalized visits
    assert bar.text_label.text().startswith("还没有导出过数据包。已有 ")
    now = clock.local_now()
    set_last_export(ctx, now - dt.timedelta(days=3))
    bar.refresh()
    assert bar.isHidden()
    set_last_export(ctx, now - dt.timedelta(days=45))
    bar.refresh()
    assert not bar.isHidden()
    assert "45 天前" in bar.text_label.text()


def test_the_reminder_can_be_dismissed_for_the_session(qtbot: QtBot, ctx: AppContext) -> None:
    bar = ExportReminderBar(ctx)
    qtbot.addWidget(bar)
    bar.dismiss_button.click()
    assert bar.isHidden()
    bar.refresh()
    assert bar.isHidden()
    assert not ExportReminderBar(ctx).isHidden()  # the next session reminds again


def test_the_reminder_button_asks_for_the_export(qtbot: QtBot, ctx: AppContext) -> None:
    bar = ExportReminderBar(ctx)
    qtbot.addWidget(bar)
    assert bar.export_button.text() == "现在导出…"
    with qtbot.waitSignal(bar.export_requested):
        bar.export_button.click()


def test_an_export_from_the_dialog_silences_the_reminder(qtbot: QtBot, officer: AppContext,
                                                          out: Path) -> None:
    bar = ExportReminderBar(officer)
    qtbot.addWidget(bar)
    dialog = open_dialog(qtbot, officer, out)
    dialog.exported.connect(lambda _summary: bar.refresh())
    with qtbot.waitSignal(dialog.export_ended, timeout=60_000):
        try_passphrase(qtbot, dialog, PASSPHRASE)
    assert bar.isHidden()


def test_an_empty_store_needs_no_reminder(qtbot: QtBot, shipped_form: FormDefinition) -> None:
    paths = data_paths()
    db = open_store(paths)
    try:
        bar = ExportReminderBar(AppContext(lang="zh", paths=paths, db=db, form=shipped_form))
        qtbot.addWidget(bar)
        assert bar.isHidden()
    finally:
        db.close()
