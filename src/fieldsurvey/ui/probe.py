"""Can this installation load its GUI toolkit? The self-check's Qt step.

A frozen build can pass every core step and still fail to start because a Qt
library or plugin was left out of the bundle. Creating the application object,
and painting Chinese text into an image, loads QtCore, QtGui and QtWidgets, a
platform plugin and the font database: the parts the app needs before its
first window appears.

The ``offscreen`` platform is used unless ``QT_QPA_PLATFORM`` names another: Qt
aborts the whole process when a platform plugin cannot start (no display over
SSH, say), which would cut the self-check off before its verdict. Support staff
can test the real plugin with ``QT_QPA_PLATFORM=xcb`` (or ``windows``, ``cocoa``).
"""

from __future__ import annotations

import os
import sys


def qt_probe() -> str:
    """``Qt 6.11.3 (offscreen)``: the version and platform; raises if the toolkit fails."""
    from PySide6.QtCore import qVersion
    from PySide6.QtGui import QColor, QFontDatabase, QImage, QPainter
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        argv = [sys.argv[0] if sys.argv else "fieldsurvey"]
        if not os.environ.get("QT_QPA_PLATFORM"):
            argv += ["-platform", "offscreen"]
        app = QApplication(argv)
    families = QFontDatabase.families()
    if not families:
        raise RuntimeError("Qt found no fonts")
    image = QImage(64, 32, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    blank = image.copy()
    painter = QPainter(image)
    try:
        painter.drawText(image.rect(), 0, "走访")
    finally:
        painter.end()
    if image == blank:
        raise RuntimeError("Qt drew no glyphs")
    return f"Qt {qVersion()} ({app.platformName()})"
