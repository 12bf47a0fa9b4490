"""The main window: menus and a place for the screens; it delegates everything."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu

from fieldsurvey.messages import render
from fieldsurvey.paths import DataPaths

# Menu -> actions. Actions whose screens are not built yet stay disabled rather
# than pretending to work.
MENUS: dict[str, tuple[str, ...]] = {
    "file": ("import_register", "export_bundle", "quit"),
    "visit": ("new_visit", "case_list"),
    "stats": ("dashboard",),
    "help": ("about",),
}
AVAILABLE = {"quit", "about"}


class MainWindow(QMainWindow):
    def __init__(self, lang: str, paths: DataPaths) -> None:
        super().__init__()
        self.lang = lang
        self.paths = paths
        self.actions_by_name: dict[str, QAction] = {}
        self.setWindowTitle(self.tr_("app.name"))
        self.resize(1280, 720)
        self._build_menus()
        placeholder = QLabel(self.tr_("ui.welcome"))
        placeholder.setWordWrap(True)
        placeholder.setMargin(24)
        self.setCentralWidget(placeholder)
        self.statusBar().showMessage(self.tr_("ui.data_dir", path=str(paths.root)))

    def tr_(self, code: str, **params: object) -> str:
        return render(code, self.lang, **params)

    def _build_menus(self) -> None:
        for menu_name, action_names in MENUS.items():
            menu: QMenu = self.menuBar().addMenu(self.tr_(f"ui.menu.{menu_name}"))
            for name in action_names:
                action = QAction(self.tr_(f"ui.action.{name}"), self)
                action.setEnabled(name in AVAILABLE)
                menu.addAction(action)
                self.actions_by_name[name] = action
        self.actions_by_name["quit"].setShortcut(QKeySequence.StandardKey.Quit)
        self.actions_by_name["quit"].triggered.connect(self.close)
        self.actions_by_name["about"].triggered.connect(self._about)

    def _about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from fieldsurvey import __version__

        QMessageBox.about(self, self.tr_("ui.action.about"),
                          self.tr_("ui.about_text", version=__version__))
