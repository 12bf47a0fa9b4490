"""Starting the office app: open the office database, make sure the unit is set up,
then show the office window (rebuilt on a language switch, as the officer's is)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from fieldsurvey.commands.bundle import SHIPPED_FORM
from fieldsurvey.county.db import OfficeDatabase, open_office
from fieldsurvey.county.office import (
    OfficeRole,
    load_office_profile,
    office_target,
    staff_name,
)
from fieldsurvey.forms.loader import FormLoadError, load_form
from fieldsurvey.messages import render
from fieldsurvey.paths import DataPaths
from fieldsurvey.resources import forms_dir
from fieldsurvey.store import StoreError
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.setup import OfficeSetupDialog
from fieldsurvey.ui.office.window import OfficeWindow
from fieldsurvey.ui.relaunch import show_rebuilding


def _fail(lang: str, text: str) -> int:
    QMessageBox.critical(None, render("ui.office.app_name", lang), text)
    return 2


def open_office_context(lang: str, paths: DataPaths, *, db_override: str | None = None,
                        role: OfficeRole | None = None,
                        lang_fixed: bool = False) -> OfficeContext | int:
    """The context of the office app, asking for the setup when needed; an exit code
    (2 after an error was shown, 0 when the user quit the setup) when it cannot start."""
    try:
        form = load_form(forms_dir() / SHIPPED_FORM)
    except FormLoadError as exc:
        return _fail(lang, "\n".join(p.render(lang) for p in exc.problems[:10]))
    target = office_target(paths, db_override)
    database: OfficeDatabase | None = None
    if target is not None:
        try:
            database = open_office(target, backups=paths.backups)
        except StoreError as exc:
            return _fail(lang, exc.message.render(lang))
        with database.transaction() as session:
            profile = load_office_profile(session)
    else:
        profile = None
    if profile is None:
        setup = OfficeSetupDialog(paths, lang, role=role, db=database, target=target)
        accepted = setup.exec() == QDialog.DialogCode.Accepted
        if not accepted or setup.profile is None or setup.db is None:
            if database is not None:
                database.close()
            return 0
        database, profile = setup.db, setup.profile
    assert database is not None
    return OfficeContext(lang=lang if lang_fixed else profile.language, paths=paths,
                         db=database, form=form, profile=profile, staff_name=staff_name(paths))


def show_office_window(app: QApplication, ctx: OfficeContext) -> list[QWidget]:
    """Show the window; a language switch replaces it. The list holds the one shown."""
    return show_rebuilding(app, ctx, lambda: OfficeWindow(ctx), "ui.office.app_name")


def run_office(app: QApplication, lang: str, paths: DataPaths, *,
               db_override: str | None = None, role: OfficeRole | None = None,
               lang_fixed: bool = False) -> int:
    """Run the office app until its window closes; the process exit code."""
    ctx = open_office_context(lang, paths, db_override=db_override, role=role,
                              lang_fixed=lang_fixed)
    if isinstance(ctx, int):
        return ctx
    try:
        windows = show_office_window(app, ctx)
        code = app.exec()
        windows.clear()
        return code
    finally:
        ctx.db.close()
