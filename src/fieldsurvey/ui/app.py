"""Starting the desktop app: build every object once and wire them together."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from fieldsurvey.messages import render
from fieldsurvey.paths import data_paths
from fieldsurvey.store import StoreError, open_store
from fieldsurvey.ui.main_window import MainWindow


def run(lang: str, data_dir: str | None = None) -> int:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("fieldsurvey")
    app.setApplicationDisplayName(render("app.name", lang))
    paths = data_paths(data_dir)
    try:
        database = open_store(paths)
    except StoreError as exc:
        # Nothing was changed on disk; say what happened and where the backup is.
        QMessageBox.critical(None, render("app.name", lang), exc.message.render(lang))
        return 2
    window = MainWindow(lang=lang, paths=paths)
    window.show()
    try:
        return app.exec()
    finally:
        database.close()
