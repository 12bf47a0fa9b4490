"""The main window: menus, a toolbar and a stack of screens. It only navigates;
each screen does its own work.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QToolBar,
)

from fieldsurvey import __version__, clock
from fieldsurvey.identity.keys import identity_exists, load_public
from fieldsurvey.messages import LANGUAGES, render
from fieldsurvey.printing.blank_form import write_blank_form
from fieldsurvey.printing.enrollment_page import write_enrollment_page
from fieldsurvey.printing.stats_table import write_township_table
from fieldsurvey.printing.visit_record import write_visit_records
from fieldsurvey.store.models import Visit
from fieldsurvey.store.prefill import start_visit
from fieldsurvey.store.profile import save_profile
from fieldsurvey.ui.batch_print_dialog import BatchPrintDialog
from fieldsurvey.ui.card_dialog import CardExportDialog
from fieldsurvey.ui.case_list import CaseListPage
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.county_dialogs import trust_county_card
from fieldsurvey.ui.dashboard import DashboardPage
from fieldsurvey.ui.export_dialog import ExportDialog
from fieldsurvey.ui.export_reminder import ExportReminderBar
from fieldsurvey.ui.form_version_dialog import blank_form_version
from fieldsurvey.ui.guide import show_guide
from fieldsurvey.ui.import_wizard import ImportWizard
from fieldsurvey.ui.org_dialog import OrganizationDialog
from fieldsurvey.ui.org_page import OrganizationPage
from fieldsurvey.ui.print_preview import preview_document, print_visit
from fieldsurvey.ui.receive_dialog import ReceiveDialog
from fieldsurvey.ui.visit.editor import VisitEditor

# Menu -> actions, in order.
MENUS: dict[str, tuple[str, ...]] = {
    "file": ("import_register", "add_organization", "export_bundle", "receive_package",
             "trust_county", "print_records", "print_blank_form", "print_enrollment",
             "export_card", "quit"),
    "visit": ("case_list", "new_visit"),
    "stats": ("dashboard", "print_dashboard"),
    "settings": ("language_zh", "language_en"),
    "help": ("guide", "about"),
}
TOOLBAR = ("case_list", "dashboard", "new_visit", "add_organization", "import_register",
           "export_bundle")
SHORTCUTS = {"case_list": "Ctrl+1", "dashboard": "Ctrl+2", "new_visit": "Ctrl+N",
             "import_register": "Ctrl+I", "export_bundle": "Ctrl+E", "guide": "F1"}


class MainWindow(QMainWindow):
    language_changed = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.editor: VisitEditor | None = None
        self._touched: set[str] = set()  # organizations whose case row may have changed
        self.actions_by_name: dict[str, QAction] = {}
        self.setWindowTitle(self._title())

        self.cases = CaseListPage(ctx)
        self.org_page = OrganizationPage(ctx)
        self.dashboard = DashboardPage(ctx)
        self.reminder = ExportReminderBar(ctx)
        self.cases.banner_slot.addWidget(self.reminder)
        self.stack = QStackedWidget()
        for page in (self.cases, self.org_page, self.dashboard):
            self.stack.addWidget(page)
        self.setCentralWidget(self.stack)

        self._build_actions()
        self.counts = QLabel()
        self.statusBar().addWidget(self.counts, 1)
        officer = QLabel(self.tr_("ui.main.officer", name=ctx.profile.name,
                                  township=ctx.profile.township_name) if ctx.profile else "")
        self.statusBar().addPermanentWidget(officer)

        self.cases.open_requested.connect(self.open_organization)
        self.cases.counts_changed.connect(self._show_counts)
        self.org_page.back_requested.connect(self.show_cases)
        self.org_page.open_visit.connect(self.open_visit)
        self.org_page.new_visit.connect(self.new_visit)
        self.org_page.edit_requested.connect(self.edit_organization)
        self.org_page.print_requested.connect(self.print_visits)
        self.reminder.export_requested.connect(self.export_bundle)
        self.cases.import_requested.connect(self.import_register)
        self.cases.help_requested.connect(lambda: show_guide(self, self.ctx.lang))
        self.cases.reload()
        self.reminder.refresh()
        self.cases.focus_search()

    def tr_(self, code: str, **params: object) -> str:
        return render(code, self.ctx.lang, **params)

    def _title(self) -> str:
        profile = self.ctx.profile
        name = self.tr_("app.name")
        return f"{name} — {profile.township_name}" if profile else name

    def _build_actions(self) -> None:
        handlers = {
            "import_register": self.import_register, "add_organization": self.add_organization,
            "export_bundle": self.export_bundle, "receive_package": self.receive_package,
            "quit": self.close,
            "case_list": self.show_cases, "new_visit": self._new_visit_for_selection,
            "dashboard": self.show_dashboard, "about": self._about,
            "export_card": lambda: CardExportDialog(self.ctx, self).exec(),
            "trust_county": lambda: trust_county_card(self, self.ctx),
            "guide": lambda: show_guide(self, self.ctx.lang),
            "print_records": self.print_records, "print_blank_form": self.print_blank_form,
            "print_enrollment": self.print_enrollment, "print_dashboard": self.print_dashboard,
            "language_zh": lambda: self.switch_language("zh"),
            "language_en": lambda: self.switch_language("en"),
        }
        languages = QActionGroup(self)
        for menu_name, action_names in MENUS.items():
            menu: QMenu = self.menuBar().addMenu(self.tr_(f"ui.menu.{menu_name}"))
            for name in action_names:
                action = QAction(self.tr_(f"ui.action.{name}"), self)
                action.triggered.connect(handlers[name])
                if name in SHORTCUTS:
                    action.setShortcut(QKeySequence(SHORTCUTS[name]))
                if name.startswith("language_"):
                    action.setCheckable(True)
                    action.setChecked(name == f"language_{self.ctx.lang}")
                    languages.addAction(action)
                menu.addAction(action)
                self.actions_by_name[name] = action
        self.actions_by_name["quit"].setShortcut(QKeySequence.StandardKey.Quit)
        toolbar = QToolBar(self.tr_("ui.main.toolbar"))
        toolbar.setMovable(False)
        for name in TOOLBAR:
            action = self.actions_by_name[name]
            toolbar.addAction(action)
            # The tooltip says the key too, so the toolbar teaches the shortcut.
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            label = action.text().replace("&", "").rstrip("…")
            action.setToolTip(f"{label} ({keys})" if keys else label)
        self.addToolBar(toolbar)

    # --- navigation ------------------------------------------------------------------
    def _leave_editor(self) -> bool:
        """Save and drop the visit editor; False if its draft could not be saved."""
        if self.editor is None:
            return True
        if not self.editor.save_now():
            return False
        self.stack.removeWidget(self.editor)
        self.editor.deleteLater()
        self.editor = None
        return True

    def show_cases(self) -> None:
        if self._leave_editor():
            if self._touched:  # only the organizations worked on since need re-reading
                self.cases.refresh(sorted(self._touched))
                self._touched.clear()
            self.reminder.refresh()
            self.stack.setCurrentWidget(self.cases)
            self.cases.table.setFocus()

    def show_dashboard(self) -> None:
        if self._leave_editor():
            self.dashboard.reload()
            self.stack.setCurrentWidget(self.dashboard)

    def open_organization(self, org_id: str) -> None:
        self._touched.add(org_id)
        if self._leave_editor():
            self.org_page.show_organization(org_id)
            self.stack.setCurrentWidget(self.org_page)

    def open_visit(self, visit_id: str) -> None:
        if not self._leave_editor():
            return
        self.editor = VisitEditor(self.ctx, visit_id)
        self.editor.closed.connect(self._editor_closed)
        self.stack.addWidget(self.editor)
        self.stack.setCurrentWidget(self.editor)

    def _editor_closed(self, visit_id: str) -> None:
        with self.ctx.db.transaction() as session:
            visit = session.get(Visit, visit_id)
            org_id = visit.organization_id if visit else None
        if org_id:
            self.open_organization(org_id)
        else:
            self.show_cases()

    def new_visit(self, org_id: str) -> None:
        officer = self.ctx.profile.name if self.ctx.profile else ""
        with self.ctx.db.transaction() as session:
            visit = start_visit(session, self.ctx.form, org_id, officer, clock.today())
            visit_id = visit.id
        self.open_visit(visit_id)

    def _new_visit_for_selection(self) -> None:
        if self.stack.currentWidget() is self.org_page and self.org_page.org_id:
            self.org_page.new_button.click()
            return
        org_id = self.cases.current_id()
        if org_id is None:
            self.statusBar().showMessage(self.tr_("ui.main.select_first"), 5000)
            return
        self.open_organization(org_id)
        self.org_page.new_button.click()

    # --- dialogs ---------------------------------------------------------------------
    def import_register(self) -> None:
        wizard = ImportWizard(self.ctx, self)
        wizard.imported.connect(self.cases.reload)
        wizard.exec()

    def add_organization(self) -> None:
        dialog = OrganizationDialog(self.ctx, None, self)
        dialog.saved.connect(self._organization_saved)
        dialog.exec()

    def edit_organization(self, org_id: str) -> None:
        dialog = OrganizationDialog(self.ctx, org_id, self)
        dialog.saved.connect(self._organization_saved)
        dialog.exec()

    def _organization_saved(self, org_id: str) -> None:
        self.cases.refresh([org_id])
        self.cases.select(org_id)
        if self.stack.currentWidget() is self.org_page:
            self.org_page.show_organization(org_id)

    def export_bundle(self) -> None:
        if self.editor is not None and not self.editor.save_now():
            return
        ExportDialog(self.ctx, self).exec()
        self.reminder.refresh()

    def receive_package(self, path: Path | None = None) -> None:
        """Ask for the county's package (unless given), show what it holds, apply it."""
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(
                self, self.tr_("ui.receive.title"), str(self.ctx.paths.root),
                self.tr_("ui.receive.file_filter"))
            if not chosen:
                return
            path = Path(chosen)
        if self.editor is not None and not self.editor.save_now():
            return
        dialog = ReceiveDialog(self.ctx, path, self)
        dialog.received.connect(self.cases.reload)
        dialog.exec()

    # --- printing ------------------------------------------------------------------------
    def print_records(self) -> None:
        """Every finalized visit in a date range, one record sheet after another."""
        dialog = BatchPrintDialog(self.ctx, self)
        if dialog.exec() != BatchPrintDialog.DialogCode.Accepted:
            return
        dates = dialog.date_range()
        preview_document(self.ctx, f"visits-{dates[0]:%Y%m%d}-{dates[1]:%Y%m%d}",
                         lambda path: write_visit_records(self.ctx.db, self.ctx.form, path,
                                                          date_range=dates, lang=self.ctx.lang),
                         self)

    def print_visits(self, visit_ids: list[str]) -> None:
        """The record sheets of the visits selected on the organization page, in one PDF."""
        if len(visit_ids) == 1:
            print_visit(self.ctx, visit_ids[0], self)
            return
        preview_document(self.ctx, f"visits-{len(visit_ids)}",
                         lambda path: write_visit_records(self.ctx.db, self.ctx.form, path,
                                                          visit_ids=visit_ids,
                                                          lang=self.ctx.lang),
                         self)

    def print_blank_form(self) -> None:
        form = blank_form_version(self.ctx, self)  # the newest unless another is asked for
        if form is None:
            return
        preview_document(self.ctx, f"blank-form-{form.version}",
                         lambda path: write_blank_form(form, path, lang=self.ctx.lang), self)

    def print_dashboard(self) -> None:
        profile = self.ctx.profile
        preview_document(
            self.ctx, "township-figures",
            lambda path: write_township_table(
                self.ctx.db, self.ctx.form, path,
                township_code=profile.township_code if profile else None,
                township=profile.township_name if profile else "", today=clock.today(),
                lang=self.ctx.lang),
            self)

    def print_enrollment(self) -> None:
        """The page the county files to register this officer's key."""
        if not identity_exists(self.ctx.paths.keys):
            self.statusBar().showMessage(self.tr_("ui.main.no_key"), 8000)
            return
        public = load_public(self.ctx.paths.keys)
        preview_document(self.ctx, "enrollment",
                         lambda path: write_enrollment_page(public, path, lang=self.ctx.lang),
                         self)

    def switch_language(self, lang: str) -> None:
        if lang == self.ctx.lang or lang not in LANGUAGES:
            return
        if self.ctx.profile is not None:
            with self.ctx.db.transaction() as session:
                self.ctx.profile = save_profile(
                    session, dataclasses.replace(self.ctx.profile, language=lang))
        # The application rebuilds the window in the new language (see ui.app).
        self.language_changed.emit(lang)

    def _show_counts(self, shown: int, total: int, overdue: int) -> None:
        self.counts.setText(self.tr_("ui.main.counts", shown=shown, total=total,
                                     overdue=overdue))

    def _about(self) -> None:
        QMessageBox.about(self, self.tr_("ui.action.about"),
                          self.tr_("ui.about_text", version=__version__))

    def closeEvent(self, event: QCloseEvent) -> None:
        # The draft must be on disk before the window goes; if it cannot be saved, stay.
        if self.editor is not None and not self.editor.save_now():
            QMessageBox.warning(self, self.tr_("app.name"), self.tr_("ui.main.unsaved"))
            event.ignore()
            return
        self.cases.wait_loaded()  # never leave a reader thread running behind the window
        event.accept()
