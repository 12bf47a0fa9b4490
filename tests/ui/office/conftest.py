"""Fixtures for the office screens: a real office database in the test's data folder.

``office_ctx`` is what every office page takes: an :class:`OfficeContext` on a real,
migrated SQLite office database (``office.sqlite3`` in the test's data folder, which
``office.json`` names), with the profile ``COUNTY`` saved, the shipped form, the staff
member ``STAFF`` and "today" pinned to ``TODAY``. The language is Chinese; set
``office_ctx.lang = "en"`` before building a widget for English. No signing key is
created: ask for ``office_key`` too (it creates one, with ``PASSPHRASE``, cheaply).
``stub_pages`` replaces the window's pages written elsewhere by :class:`StubPage`.
"""

from __future__ import annotations

import datetime as dt
import sys
import types
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QWidget

from fieldsurvey.county.db import open_office
from fieldsurvey.county.office import (
    OfficeProfile,
    default_office_file,
    save_office_profile,
    set_office_target,
)
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.identity.keys import MIN_SCRYPT_N, PublicIdentity, create_identity
from fieldsurvey.paths import data_paths
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.window import PAGES

COUNTY = OfficeProfile("county", "421202", "咸安区总工会")
STAFF = "李敏"
TODAY = dt.date(2026, 11, 21)
PASSPHRASE = "county-key-2026"  # noqa: S105  # a throw-away key in the test's folder


@pytest.fixture
def office_ctx(shipped_form: FormDefinition) -> Iterator[OfficeContext]:
    """A county office (``COUNTY``) on a real SQLite office database; closed afterwards."""
    paths = data_paths()
    target = default_office_file(paths)
    db = open_office(target, backups=paths.backups)
    with db.transaction() as session:
        save_office_profile(session, COUNTY)
    set_office_target(paths, str(target))
    ctx = OfficeContext(lang="zh", paths=paths, db=db, form=shipped_form, profile=COUNTY,
                        staff_name=STAFF)
    try:
        yield ctx
    finally:
        db.close()


@pytest.fixture
def office_key(office_ctx: OfficeContext) -> PublicIdentity:
    """The office's own signing key in ``office_ctx.paths.keys`` (passphrase ``PASSPHRASE``)."""
    return create_identity(office_ctx.paths.keys, PASSPHRASE, role="county", name=STAFF,
                           unit_code=COUNTY.unit_code, unit_name=COUNTY.unit_name,
                           scrypt_n=MIN_SCRYPT_N).public


class StubPage(QWidget):
    """Stands in for a page written elsewhere: records what the window asked of it."""

    def __init__(self, ctx: OfficeContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.calls: list[str] = []

    def refresh(self) -> None:
        self.calls.append("refresh")

    def pick_files(self) -> None:
        self.calls.append("pick_files")


@pytest.fixture
def stub_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """The window's import, conflicts and stats pages replaced by :class:`StubPage`, so
    the window's own tests do not depend on those pages (they have tests of their own)."""
    module = types.ModuleType("office_stub_pages")
    module.StubPage = StubPage  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    for name in ("import", "conflicts", "stats"):
        monkeypatch.setitem(PAGES, name, (module.__name__, "StubPage"))
