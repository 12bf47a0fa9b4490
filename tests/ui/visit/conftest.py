"""Real widgets on a real store and the shipped form, in a fresh data folder per test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from visit_helpers import ORG_USCC, PROFILE, TODAY, Keyboard

from fieldsurvey import clock
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.paths import data_paths
from fieldsurvey.store import Database
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.prefill import start_visit
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.visit.editor import VisitEditor


@pytest.fixture
def ctx(db: Database, shipped_form: FormDefinition) -> AppContext:
    clock.pin(TODAY)
    return AppContext(lang="zh", paths=data_paths(), db=db, form=shipped_form,
                      profile=PROFILE)


@pytest.fixture
def org_id(db: Database) -> str:
    with db.transaction() as s:
        return add_organization(s, name="西湖区茶叶协会", township_code="330106001",
                                uscc=ORG_USCC, reg_type="social_group",
                                address="西湖区龙井路1号", legal_rep="张华",
                                phone="0571-87654321").id


@pytest.fixture
def visit_id(ctx: AppContext, org_id: str) -> str:
    with ctx.db.transaction() as s:
        return start_visit(s, ctx.form, org_id, PROFILE.name, TODAY).id


@pytest.fixture
def open_editor(qtbot: QtBot, ctx: AppContext) -> Callable[..., VisitEditor]:
    """Show an editor at laptop size, active, with the cursor on its first question."""

    def opener(visit: str, context: AppContext | None = None, **kwargs: Any) -> VisitEditor:
        editor = VisitEditor(context or ctx, visit, **kwargs)
        qtbot.addWidget(editor)
        editor.resize(1366, 768)
        editor.show()
        qtbot.waitExposed(editor)
        editor.activateWindow()
        qtbot.waitUntil(editor.isActiveWindow)
        if not editor.read_only:
            qtbot.waitUntil(lambda: editor.isAncestorOf(QApplication.focusWidget()))
        return editor

    return opener


@pytest.fixture
def keys(qtbot: QtBot) -> Keyboard:
    return Keyboard(qtbot)
