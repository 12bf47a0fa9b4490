"""The main window: first run, menus in both languages, navigation between screens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from fieldsurvey.forms.loader import load_form
from fieldsurvey.paths import data_paths
from fieldsurvey.resources import forms_dir
from fieldsurvey.store import Database, open_store
from fieldsurvey.store.models import Visit
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.profile import OfficerProfile, load_profile, save_profile
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.main_window import MainWindow

pytestmark = pytest.mark.gui

PROFILE = OfficerProfile(name="王芳", phone="13800138000", township_code="330106001",
                         township_name="西湖街道", county_code="330106", county_name="西湖区")


@pytest.fixture
def db() -> Iterator[Database]:
    database = open_store(data_paths())
    with database.transaction() as session:
        save_profile(session, PROFILE)
        add_organization(session, name="茶叶协会", township_code="330106001",
                         reg_type="social_group")
    yield database
    database.close()


def make_window(qtbot: QtBot, db: Database, lang: str = "zh") -> MainWindow:
    ctx = AppContext(lang=lang, paths=data_paths(), db=db,
                     form=load_form(forms_dir() / "so_union_visit.xlsx"), profile=PROFILE)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    return window


def menu_titles(window: MainWindow) -> list[str]:
    return [action.text() for action in window.menuBar().actions()]


def test_the_menus_are_chinese_by_default_and_english_on_request(qtbot: QtBot,
                                                                   db: Database) -> None:
    window = make_window(qtbot, db)
    assert menu_titles(window) == ["文件(&F)", "走访(&V)", "统计(&S)", "设置(&T)", "帮助(&H)"]
    assert window.windowTitle() == "社会组织建会走访 — 西湖街道"
    english = make_window(qtbot, db, "en")
    assert menu_titles(english) == ["&File", "&Visits", "&Statistics", "Se&ttings", "&Help"]


def test_switching_language_is_saved_and_announced(qtbot: QtBot, db: Database) -> None:
    window = make_window(qtbot, db)
    with qtbot.waitSignal(window.language_changed) as signal:
        window.actions_by_name["language_en"].trigger()
    assert signal.args == ["en"]
    with db.transaction() as session:
        assert load_profile(session).language == "en"  # type: ignore[union-attr]


def test_a_case_opens_a_new_visit_and_closing_the_window_keeps_the_draft(
        qtbot: QtBot, db: Database) -> None:
    window = make_window(qtbot, db)
    window.show()
    assert window.stack.currentWidget() is window.cases
    window.cases.table.selectRow(0)
    window.actions_by_name["new_visit"].trigger()
    assert window.editor is not None and window.stack.currentWidget() is window.editor
    with db.transaction() as session:
        visit = session.query(Visit).one()
        assert (visit.status, visit.officer, visit.visit_date) == (
            "draft", "王芳", dt.date(2026, 11, 21))
    window.close()
    assert not window.isVisible()
    # Back on the organization page the draft is offered to continue, not duplicated.
    window2 = make_window(qtbot, db)
    window2.open_organization(visit.organization_id)
    assert window2.org_page.timeline.rowCount() == 1
    assert window2.org_page.new_button.text().startswith("继续草稿")
    window2.org_page.new_button.click()
    with db.transaction() as session:
        assert session.query(Visit).count() == 1
    assert window2.editor is not None


def test_quit_closes_the_window(qtbot: QtBot, db: Database) -> None:
    window = make_window(qtbot, db)
    window.show()
    qtbot.waitExposed(window)
    window.actions_by_name["quit"].trigger()
    qtbot.waitUntil(lambda: not window.isVisible())


def test_first_run_asks_for_setup_and_quitting_it_leaves_no_profile(
        qtbot: QtBot, fresh_data_dir) -> None:
    from fieldsurvey.ui import app
    from fieldsurvey.ui.mode_dialog import ModeDialog

    seen: list[str] = []

    def close_setup() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                seen.append(type(widget).__name__)
                if isinstance(widget, ModeDialog):  # officer is preselected: go on to setup
                    QTimer.singleShot(0, close_setup)
                    widget.accept()
                else:
                    widget.reject()

    QTimer.singleShot(0, close_setup)
    assert app.run(lang="zh") == 0
    assert seen == ["ModeDialog", "SetupDialog"]
    database = open_store(data_paths())
    with database.transaction() as session:
        assert load_profile(session) is None
    database.close()


def test_the_app_starts_with_a_profile_and_exits(qtbot: QtBot, db: Database) -> None:
    from fieldsurvey.ui import app

    def close_all() -> None:
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        assert windows and windows[0].windowTitle().startswith("社会组织建会走访")
        for w in windows:
            w.close()

    QTimer.singleShot(0, close_all)
    assert app.run(lang="zh") == 0


def open_previews() -> list[QDialog]:
    from fieldsurvey.ui.print_preview import PrintPreviewDialog

    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, PrintPreviewDialog) and w.isVisible()]


def test_the_print_actions_open_a_preview_of_a_real_document(qtbot: QtBot,
                                                             db: Database) -> None:
    from fieldsurvey.identity.keys import MIN_SCRYPT_N, create_identity

    window = make_window(qtbot, db)
    window.actions_by_name["print_enrollment"].trigger()
    assert open_previews() == []  # no key yet: a message, no document
    create_identity(data_paths().keys, "correct horse", role="officer", name="王芳",
                    unit_code="330106001", unit_name="西湖街道", scrypt_n=MIN_SCRYPT_N)
    for action in ("print_blank_form", "print_dashboard", "print_enrollment"):
        window.actions_by_name[action].trigger()
        [preview] = open_previews()
        assert preview.page_count >= 1, action
        preview.close()


def test_a_finalized_visit_prints_from_the_organization_page(qtbot: QtBot,
                                                              db: Database) -> None:
    from fieldsurvey.cases.demo import populate_demo

    form = load_form(forms_dir() / "so_union_visit.xlsx")
    populate_demo(db, form, "330106001", 3, seed=1, today=dt.date(2026, 11, 21))
    with db.transaction() as session:
        visit = session.query(Visit).filter_by(status="final").first()
        assert visit is not None
        org_id = visit.organization_id
    window = make_window(qtbot, db)
    window.open_organization(org_id)
    window.org_page.print_button.click()
    [preview] = open_previews()
    single = preview.page_count
    assert single >= 1
    preview.close()
    # Selecting several finalized visits prints them into one document.
    with db.transaction() as session:
        finals = [v.id for v in session.query(Visit).filter_by(status="final")]
    window.print_visits(finals)
    [preview] = open_previews()
    assert preview.page_count >= len(finals) >= 2
    preview.close()


def test_batch_printing_takes_the_dates_in_either_order(qtbot: QtBot, db: Database) -> None:
    from PySide6.QtCore import QDate

    from fieldsurvey.ui.batch_print_dialog import BatchPrintDialog

    window = make_window(qtbot, db)
    dialog = BatchPrintDialog(window.ctx, window)
    assert dialog.date_range() == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    dialog.start.setDate(QDate(2026, 12, 5))
    assert dialog.date_range() == (dt.date(2026, 11, 30), dt.date(2026, 12, 5))
