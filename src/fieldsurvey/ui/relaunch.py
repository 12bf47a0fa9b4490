"""Showing an app's main window so that a language switch rebuilds it.

Every label is created in one language, so switching builds a new window in
the new language and closes the old one. Shared by the officer's and the
office's app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtWidgets import QApplication, QWidget

from fieldsurvey.messages import render
from fieldsurvey.paths import DataPaths
from fieldsurvey.ui import fit
from fieldsurvey.ui.qt_language import use_language


class _HasLanguage(Protocol):
    lang: str
    paths: DataPaths


def show_rebuilding(app: QApplication, ctx: _HasLanguage, make_window: Callable[[], Any],
                    name_code: str | None) -> list[QWidget]:
    """Show ``make_window()``; its ``language_changed`` signal replaces it. The returned
    list holds the window shown (keep it alive while the app runs).

    ``name_code`` words the application display name, which Qt appends to every window
    title; ``None`` sets none, for a window whose title already names the app.
    """
    windows: list[QWidget] = []

    def show(language: str) -> None:
        ctx.lang = language
        use_language(app, language)  # Qt's own dialogs speak it too
        app.setApplicationDisplayName(render(name_code, language) if name_code else "")
        window = make_window()
        window.language_changed.connect(relaunch)
        windows.append(window)
        # Maximized the first time, then as the officer left it (either app).
        fit.show_main(window, ctx.paths.window_state, name_code or "officer")

    def relaunch(language: str) -> None:
        old = windows.pop()
        show(language)
        old.close()
        old.deleteLater()

    show(ctx.lang)
    return windows
