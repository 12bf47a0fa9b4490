"""Each key has one owner in each window (issue 15): no two enabled shortcuts that
could fire together share a key, on any screen of either app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QShortcut
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from fieldsurvey.cases.demo import populate_demo
from fieldsurvey.county.db import open_office
from fieldsurvey.county.office import (
    OfficeProfile,
    default_office_file,
    save_office_profile,
    set_office_target,
)
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.paths import data_paths
from fieldsurvey.store import Database, open_store
from fieldsurvey.store.models import Visit
from fieldsurvey.store.profile import OfficerProfile, save_profile
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.main_window import MainWindow
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.window import PAGES, OfficeWindow

pytestmark = pytest.mark.gui

TODAY = dt.date(2026, 11, 21)
PROFILE = OfficerProfile(name="王芳", phone="13800138000", township_code="421202001",
                         township_name="温泉街道", county_code="421202", county_name="咸安区")


@pytest.fixture
def store(shipped_form: FormDefinition) -> Iterator[Database]:
    database = open_store(data_paths())
    populate_demo(database, shipped_form, PROFILE.township_code, 20, seed=5, today=TODAY)
    with database.transaction() as session:
        save_profile(session, PROFILE)
    yield database
    database.close()


def owners(window: QWidget) -> list[tuple[str, QObject]]:
    """(key, owner) of every shortcut that can fire now: enabled actions, and enabled
    shortcuts on a shown widget."""
    found: list[tuple[str, QObject]] = []
    for action in window.findChildren(QAction):
        if action.isEnabled():
            found += [(key.toString(), action) for key in action.shortcuts()]
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        if shortcut.isEnabled() and isinstance(parent, QWidget) and parent.isVisible():
            found.append((shortcut.key().toString(), shortcut))
    return [(key, owner) for key, owner in found if key]


def _scope(owner: QObject) -> QWidget | None:
    """The widget a shortcut is limited to (None: the whole window)."""
    if isinstance(owner, QShortcut) and \
            owner.context() == Qt.ShortcutContext.WidgetWithChildrenShortcut:
        parent = owner.parent()
        return parent if isinstance(parent, QWidget) else None
    return None


def clashes(window: QWidget) -> list[str]:
    """Keys with two owners whose scopes overlap (one holds the other, or the window)."""
    by_key: dict[str, list[QObject]] = {}
    for key, owner in owners(window):
        by_key.setdefault(key, []).append(owner)
    bad = []
    for key, found in by_key.items():
        for i, first in enumerate(found):
            for second in found[i + 1:]:
                a, b = _scope(first), _scope(second)
                if a is None or b is None or a is b or a.isAncestorOf(b) or b.isAncestorOf(a):
                    bad.append(f"{key}: {first!r} and {second!r}")
    return bad


def test_every_screen_of_the_officers_window_has_one_owner_per_key(
        qtbot: QtBot, store: Database, shipped_form: FormDefinition) -> None:
    ctx = AppContext(lang="zh", paths=data_paths(), db=store, form=shipped_form,
                     profile=PROFILE)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.cases.wait_loaded()
    assert clashes(window) == [], "case list"
    with store.transaction() as session:
        final = session.query(Visit).filter(Visit.status == "final").first()
        draft = session.query(Visit).filter(Visit.status == "draft").first()
        assert final is not None and draft is not None
        org_id, final_id, draft_id = final.organization_id, final.id, draft.id
    window.open_organization(org_id)
    assert clashes(window) == [], "organization page"
    for visit_id in (draft_id, final_id):
        window.open_visit(visit_id)
        assert clashes(window) == [], f"visit {visit_id}"
    window.show_dashboard()
    assert clashes(window) == [], "dashboard"


@pytest.fixture
def office_ctx(shipped_form: FormDefinition) -> Iterator[OfficeContext]:
    paths = data_paths()
    target = default_office_file(paths)
    db = open_office(target, backups=paths.backups)
    county = OfficeProfile("county", "421202", "咸安区总工会")
    with db.transaction() as session:
        save_office_profile(session, county)
    set_office_target(paths, str(target))
    yield OfficeContext(lang="zh", paths=paths, db=db, form=shipped_form, profile=county,
                        staff_name="李敏")
    db.close()


def test_every_page_of_the_office_window_has_one_owner_per_key(
        qtbot: QtBot, office_ctx: OfficeContext) -> None:
    window = OfficeWindow(office_ctx)
    qtbot.addWidget(window)
    window.show()
    for name in PAGES:
        window.show_page(name)
        assert clashes(window) == [], name


def test_ctrl_n_on_the_organization_page_starts_a_visit(
        qtbot: QtBot, store: Database, shipped_form: FormDefinition) -> None:
    ctx = AppContext(lang="zh", paths=data_paths(), db=store, form=shipped_form,
                     profile=PROFILE)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.cases.wait_loaded()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.open_organization(window.cases.model.rows[0].id)
    qtbot.keyClick(window.org_page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.editor is not None)
    assert window.stack.currentWidget() is window.editor
