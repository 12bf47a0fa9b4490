"""The blank paper form prints whichever version is asked for (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.paths import data_paths
from fieldsurvey.printing.blank_form import write_blank_form
from fieldsurvey.resources import forms_dir
from fieldsurvey.store import Database
from fieldsurvey.store.form_versions import remember_shipped_forms
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.form_version_dialog import FormVersionDialog, blank_form_version

pytestmark = pytest.mark.gui


def test_an_older_version_prints_as_it_was(qtbot: QtBot, db: Database,
                                           tmp_path: Path) -> None:
    with db.transaction() as s:
        newest = remember_shipped_forms(s, forms_dir() / "so_union_visit.xlsx")
    ctx = AppContext(lang="zh", paths=data_paths(), db=db, form=newest)
    dialog = FormVersionDialog(ctx, ["2026120501", newest.version])
    qtbot.addWidget(dialog)
    assert dialog.versions.itemText(0) == f"{newest.version}（当前版本）"  # newest first
    assert dialog.chosen() is newest
    dialog.versions.setCurrentIndex(1)
    older = dialog.chosen()
    assert older.version == "2026120501"
    assert "plaque_displayed" in newest.nodes and "plaque_displayed" not in older.nodes
    assert write_blank_form(older, tmp_path / "blank.pdf", lang="zh") >= 1


def test_with_one_version_nothing_is_asked(db: Database, shipped_form: FormDefinition,
                                           qtbot: QtBot) -> None:
    ctx = AppContext(lang="zh", paths=data_paths(), db=db, form=shipped_form)
    assert blank_form_version(ctx, None) is shipped_form  # type: ignore[arg-type]
