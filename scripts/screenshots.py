"""Regenerate docs/screenshots/: every main screen at 1366x768.

Run under a virtual display with a CJK font installed (``make test`` installs
xvfb and fonts-noto-cjk)::

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from fieldsurvey.paths import DataPaths
from fieldsurvey.ui.main_window import MainWindow

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SIZE = (1366, 768)


def shoot(window: MainWindow, name: str) -> None:
    window.resize(*SIZE)
    window.show()
    QApplication.processEvents()
    screen = window.screen()
    image = screen.grabWindow(0, 0, 0, *SIZE)  # the whole screen: title bar and menus too
    image.save(str(OUT / name))
    print("wrote", OUT / name)


def main() -> int:
    app = QApplication(sys.argv)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data:
        paths = DataPaths(Path(data)).ensure()
        for lang in ("zh", "en"):
            window = MainWindow(lang=lang, paths=paths)
            window.move(0, 0)
            shoot(window, f"main_window_{lang}.png")
            window.close()
    app.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
