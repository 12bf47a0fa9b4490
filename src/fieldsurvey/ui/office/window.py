"""The office window: a navigation list on the left, one page at a time on the right.

It only navigates; every page does its own work. A page is refreshed each time it
is shown, so figures follow the imports and resolutions made on the other pages.
"""

from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from fieldsurvey import __version__
from fieldsurvey.county.office import save_office_profile
from fieldsurvey.messages import LANGUAGES
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.county_register_dialog import CountyRegisterDialog
from fieldsurvey.ui.office.rollup_dialog import RollupDialog
from fieldsurvey.ui.office.trust_page import TrustPage

#: Page name -> (module, class), in navigation order.
PAGES: dict[str, tuple[str, str]] = {
    "import": ("fieldsurvey.ui.office.import_page", "ImportPage"),
    "conflicts": ("fieldsurvey.ui.office.conflicts_page", "ConflictsPage"),
    "stats": ("fieldsurvey.ui.office.stats_page", "StatsPage"),
    "trust": ("fieldsurvey.ui.office.trust_page", "TrustPage"),
    "review": ("fieldsurvey.ui.office.review_page", "ReviewPage"),
    "package": ("fieldsurvey.ui.office.package_page", "PackagePage"),
}
# Menu -> actions, in order.
MENUS: dict[str, tuple[str, ...]] = {
    "file": ("import_bundles", "import_county_register", "export_rollup", "export_trust",
             "quit"),
    "settings": ("language_zh", "language_en"),
    "help": ("about",),
}
SHORTCUTS = {"import_bundles": "Ctrl+I", "export_rollup": "Ctrl+E"}
NAV_WIDTH = 190


class OfficeWindow(QMainWindow):
    """``OfficeWindow(ctx)``; emits :attr:`language_changed` for the app to rebuild it."""

    language_changed = Signal(str)

    def __init__(self, ctx: OfficeContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(ctx.tr("ui.office.title", unit=ctx.profile.unit_name))
        self.actions_by_name: dict[str, QAction] = {}

        self.nav = QListWidget()
        self.nav.setObjectName("office_nav")
        self.nav.setFixedWidth(NAV_WIDTH)
        self.nav.setSpacing(2)
        self.nav.setStyleSheet(
            "QListWidget#office_nav { border: none; background: #f1f3f4; padding-top: 8px; }"
            "QListWidget#office_nav::item { padding: 10px 14px; border-radius: 4px; }"
            "QListWidget#office_nav::item:selected { background: #d2e3fc; color: #174ea6; }")
        font = self.nav.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.nav.setFont(font)
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        for number, (name, (module, cls)) in enumerate(PAGES.items(), 1):
            page = self._make_page(name, module, cls)
            self.pages[name] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(ctx.tr(f"ui.office.page.{name}"))
            item.setSizeHint(QSize(NAV_WIDTH - 8, 40))
            item.setToolTip(f"Ctrl+{number}")
            self.nav.addItem(item)
        self.trust_page = self.pages["trust"]
        self.nav.currentRowChanged.connect(self._row_changed)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._build_actions()
        self.db_label = QLabel(ctx.tr("ui.office.status_db", url=ctx.db.url))
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.db_label, 1)
        self.staff_label = QLabel(ctx.tr("ui.office.status_staff", name=ctx.staff_name,
                                         unit=ctx.profile.unit_name))
        self.statusBar().addPermanentWidget(self.staff_label)
        self.show_page("import")

    # -- pages -------------------------------------------------------------------------
    def _make_page(self, name: str, module: str, cls: str) -> QWidget:
        if name == "trust":
            return TrustPage(self.ctx, self)
        page: QWidget = getattr(importlib.import_module(module), cls)(self.ctx, self)
        if name == "import" and hasattr(page, "show_conflicts"):
            page.show_conflicts.connect(lambda: self.show_page("conflicts"))
        return page

    def page_name(self) -> str:
        return list(PAGES)[self.stack.currentIndex()]

    def show_page(self, name: str) -> QWidget:
        """Show (and refresh) the page ``name``; it is returned."""
        row = list(PAGES).index(name)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)  # -> _row_changed
        else:
            self._row_changed(row)
        return self.pages[name]

    def _row_changed(self, row: int) -> None:
        if row < 0:
            return
        page = self.pages[list(PAGES)[row]]
        self.stack.setCurrentWidget(page)
        refresh = getattr(page, "refresh", None)
        if callable(refresh):
            refresh()

    # -- menus ---------------------------------------------------------------------------
    def _build_actions(self) -> None:
        handlers = {
            "import_bundles": self.import_bundles,
            "import_county_register": self.import_county_register,
            "export_rollup": self.export_rollup,
            "export_trust": self.export_trust, "quit": self.close, "about": self._about,
            "language_zh": lambda: self.switch_language("zh"),
            "language_en": lambda: self.switch_language("en"),
        }
        languages = QActionGroup(self)
        for menu_name, action_names in MENUS.items():
            menu: QMenu = self.menuBar().addMenu(self.ctx.tr(f"ui.office.menu.{menu_name}"))
            for name in action_names:
                action = QAction(self.ctx.tr(f"ui.office.action.{name}"), self)
                action.triggered.connect(handlers[name])
                if name in SHORTCUTS:
                    action.setShortcut(QKeySequence(SHORTCUTS[name]))
                if name.startswith("language_"):
                    action.setCheckable(True)
                    action.setChecked(name == f"language_{self.ctx.lang}")
                    languages.addAction(action)
                if name == "quit":
                    menu.addSeparator()
                menu.addAction(action)
                self.actions_by_name[name] = action
        self.actions_by_name["quit"].setShortcut(QKeySequence.StandardKey.Quit)
        # Ctrl+1..6 go to the pages, in the order of the navigation list.
        for number, name in enumerate(PAGES, 1):
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _=False, n=name: self.show_page(n))
            self.addAction(action)
            self.actions_by_name[f"page_{name}"] = action

    def import_bundles(self) -> None:
        page = self.show_page("import")
        pick = getattr(page, "pick_files", None)
        if callable(pick):
            pick()

    def import_county_register(self, path: Path | None = None) -> CountyRegisterDialog | None:
        """导入全县名录…: ask for the list (unless given), then import it with progress."""
        if path is None:
            name, _ = QFileDialog.getOpenFileName(
                self, self.ctx.tr("register_county.ui.pick_title"), str(Path.home()),
                self.ctx.tr("register_county.ui.pick_filter"))
            if not name:
                return None
            path = Path(name)
        dialog = CountyRegisterDialog(self.ctx, path, self)
        dialog.setModal(True)
        dialog.show()
        dialog.start()
        return dialog

    def export_rollup(self) -> None:
        RollupDialog(self.ctx, self).exec()

    def export_trust(self) -> None:
        self.show_page("trust")
        export = getattr(self.trust_page, "export_trust", None)
        if callable(export):
            export()

    def switch_language(self, lang: str) -> None:
        if lang == self.ctx.lang or lang not in LANGUAGES:
            return
        with self.ctx.db.transaction() as session:
            self.ctx.profile = save_office_profile(
                session, dataclasses.replace(self.ctx.profile, language=lang))
        # The application rebuilds the window in the new language (see ui.office.launch).
        self.language_changed.emit(lang)

    def _about(self) -> None:
        QMessageBox.about(self, self.ctx.tr("ui.office.action.about"),
                          self.ctx.tr("ui.office.about_text", version=__version__))

    def closeEvent(self, event: QCloseEvent) -> None:
        # A page with work on another thread stops it before the window goes.
        for page in self.pages.values():
            stop = getattr(page, "shutdown", None)
            if callable(stop):
                stop()
        event.accept()
