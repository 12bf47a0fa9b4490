"""What every screenshot script shares: settling layouts, saving, a dialog over its window.

Windows are rendered with ``QWidget.grab()``, not grabbed from the screen: a
virtual display without a window manager maps a window only some time after
``show()``, and draws no title bars. A dialog is drawn over its window by hand,
with a plain title bar, so the picture is the same with or without a window manager.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from fieldsurvey import clock
from fieldsurvey.ui import fit

TITLE_BAR = 28


#: Every screenshot shows the same day, whatever the real date (the demo data is
#: laid out around it).
SHOTS_DAY = "2026-11-21T10:00:00"


def start_app(argv: list[str]) -> QApplication:
    """The application as the app starts it: every window fitted to the screen, the
    clock at :data:`SHOTS_DAY`."""
    clock.pin(SHOTS_DAY)
    app = QApplication(argv[:1])
    fit.install(app)
    return app


def fill_screen(window: QWidget) -> None:
    """Show ``window`` over the whole available area, as a maximized window is (shown
    at that size, ``fit`` would leave room for a frame a maximized window lacks)."""
    window.show()
    window.setGeometry(fit.available())


def scale_suffix() -> str:
    """``""`` at 100 %, ``"_125"`` at 125 %: both sets live side by side."""
    ratio = QApplication.primaryScreen().devicePixelRatio()
    return "" if abs(ratio - 1) < 0.01 else f"_{round(ratio * 100)}"


def settle(widget: QWidget) -> None:
    """Run pending layout and paint work, innermost layouts first."""
    for child in reversed([widget, *widget.findChildren(QWidget)]):
        if child.layout() is not None:
            child.layout().activate()
    for _ in range(5):
        QApplication.processEvents()


def save(pixmap: QPixmap, path: Path) -> Path:
    path = path.with_name(path.stem + scale_suffix() + path.suffix)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not pixmap.save(str(path)):
        raise OSError(f"could not write {path}")
    print("wrote", path)
    return path


def shoot(widget: QWidget, path: Path) -> Path:
    settle(widget)
    return save(widget.grab(), path)


def shoot_over(window: QWidget, dialog: QWidget, path: Path) -> Path:
    """``window`` dimmed, with ``dialog`` and a title bar drawn where the dialog sits."""
    settle(window)
    settle(dialog)
    pixmap = window.grab()
    painter = QPainter(pixmap)
    painter.fillRect(pixmap.rect(), QColor(0, 0, 0, 60))  # the window behind is inactive
    offset = dialog.mapToGlobal(QPoint(0, 0)) - window.mapToGlobal(QPoint(0, 0))
    title = QRect(offset.x() - 1, offset.y() - TITLE_BAR, dialog.width() + 2, TITLE_BAR)
    painter.fillRect(title, QColor("#dfe3e8"))
    painter.setPen(QColor("#202124"))
    painter.drawText(title.adjusted(10, 0, 0, 0), int(Qt.AlignmentFlag.AlignVCenter),
                     dialog.windowTitle())
    painter.drawPixmap(offset, dialog.grab())
    painter.setPen(QColor("#80868b"))
    painter.drawRect(title.united(QRect(offset, dialog.size())).adjusted(0, 0, 1, 0))
    painter.end()
    return save(pixmap, path)


def center(dialog: QWidget, window: QWidget) -> None:
    """Place ``dialog`` in the middle of ``window``, below the drawn title bar."""
    x = (window.width() - dialog.width()) // 2
    y = (window.height() - dialog.height() + TITLE_BAR) // 2
    dialog.move(window.mapToGlobal(QPoint(max(0, x), max(TITLE_BAR, y))))
