"""Starting the desktop app: build every object once and wire them together."""

from __future__ import annotations

import logging
import sys

from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from fieldsurvey.commands.bundle import SHIPPED_FORM
from fieldsurvey.county.office import OfficeRole
from fieldsurvey.debris import remove_debris
from fieldsurvey.filegate import Refused
from fieldsurvey.forms.loader import FormLoadError, load_form
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.messages import render
from fieldsurvey.paths import data_paths
from fieldsurvey.resources import forms_dir
from fieldsurvey.store import Database, StoreError, open_store
from fieldsurvey.store.form_versions import newest_form, remember_shipped_forms
from fieldsurvey.store.profile import load_profile
from fieldsurvey.store.visits import VisitError
from fieldsurvey.ui import fit
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.main_window import MainWindow
from fieldsurvey.ui.mode_dialog import ask_mode, startup_mode
from fieldsurvey.ui.qt_language import use_language
from fieldsurvey.ui.relaunch import show_rebuilding
from fieldsurvey.ui.setup_dialog import SetupDialog

#: The officer's main window titles itself "<app> — <township>" (issue 15): no display
#: name for Qt to append a second time.
OFFICER_NAME_CODE = None


def _remember_forms(database: Database, shipped: FormDefinition) -> FormDefinition:
    """Record the shipped form versions in the store, so finalized visits keep their
    definitions and older drafts can move to the newest (store.form_versions); returns
    the form new visits use (a newer one the county sent, else the shipped one).
    Failing here must not stop the officer's work: such drafts open as before."""
    try:
        with database.transaction() as session:
            remember_shipped_forms(session, forms_dir() / SHIPPED_FORM)
            return newest_form(session, shipped)
    except (VisitError, FormLoadError, Refused, StoreError) as exc:
        logging.getLogger(__name__).warning("form versions not recorded: %s", exc)
        return shipped


def run(lang: str, data_dir: str | None = None, *, lang_fixed: bool = False,
        db: str | None = None) -> int:
    """Run the app; ``lang_fixed`` (``--lang`` given) overrides the officer's saved choice.

    A data folder is an officer's or an office's (``db``: the office database, ``--db``);
    a new one asks which (:mod:`fieldsurvey.ui.mode_dialog`).
    """
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("fieldsurvey")
    fit.install(app)  # every dialog fits the screen, whoever wrote it
    use_language(app, lang)  # the mode and setup dialogs come before the saved language
    # No application display name: Qt would append it to every window title, and the
    # main window's title already reads "<app> — <township>" (issue 15).
    paths = data_paths(data_dir)
    remove_debris(paths)  # what a crashed run left behind
    mode = startup_mode(paths, db)
    role: OfficeRole | None = None
    if mode == "ask":
        chosen = ask_mode(lang)
        if chosen is None:
            return 0
        if chosen != "officer":
            mode, role = "office", chosen
    if mode == "office":
        from fieldsurvey.ui.office.launch import run_office  # the office app loads only here

        return run_office(app, lang, paths, db_override=db, role=role, lang_fixed=lang_fixed)
    try:
        database = open_store(paths)
        form = _remember_forms(database, load_form(forms_dir() / SHIPPED_FORM))
    except StoreError as exc:
        # Nothing was changed on disk; say what happened and where the backup is.
        QMessageBox.critical(None, render("app.name", lang), exc.message.render(lang))
        return 2
    except FormLoadError as exc:
        QMessageBox.critical(None, render("app.name", lang),
                             "\n".join(p.render(lang) for p in exc.problems[:10]))
        return 2
    try:
        with database.transaction() as session:
            profile = load_profile(session)
        if profile is None:
            setup = SetupDialog(database, paths, lang)
            if setup.exec() != QDialog.DialogCode.Accepted or setup.profile is None:
                return 0
            profile = setup.profile
        if not lang_fixed:
            lang = profile.language
        ctx = AppContext(lang=lang, paths=paths, db=database, form=form, profile=profile)
        windows = show_rebuilding(app, ctx, lambda: MainWindow(ctx), OFFICER_NAME_CODE)
        code = app.exec()
        windows.clear()
        return code
    finally:
        database.close()
