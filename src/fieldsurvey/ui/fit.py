"""Every window fits the screen it opens on, whatever the scale (issue 15).

An old laptop at 1366×768 with 125 % scaling leaves Qt about 1093×614 logical
pixels, less the taskbar. So:

- one application-wide event filter (:func:`install`) caps every dialog and
  window as it is shown, to the screen's *available* area less a window
  manager's frame, and keeps it on that area. A dialog written anywhere (the
  import wizard, Qt's own message boxes and file dialogs) fits without code of
  its own; a dialog that sets no size gets its preferred size when there is
  room (Qt alone would stop at two thirds of the screen);
- a dialog whose content can be taller than the room calls :func:`scroll_body`
  once it is built: everything but its buttons scrolls, so the buttons always
  show;
- main windows open maximized the first time and come back as they were left
  (:func:`show_main`);
- a table gives its spare width to the name column and, when narrow, takes it
  from the other columns first (:func:`share_width`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, QRect, QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QFrame,
    QHeaderView,
    QMainWindow,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

#: Room kept for a window manager's borders and title bar, which Qt learns only
#: once the window is mapped (logical pixels; generous at 125 %).
FRAME = QSize(16, 40)
_WINDOW_TYPES = (Qt.WindowType.Window, Qt.WindowType.Dialog)


def available(widget: QWidget | None = None) -> QRect:
    """The area windows may use on ``widget``'s screen (the primary one if unknown)."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def room(widget: QWidget | None = None) -> QSize:
    """The largest size a window's content may have so that its frame fits too."""
    area = available(widget)
    return QSize(max(area.width() - FRAME.width(), 320), max(area.height() - FRAME.height(), 240))


def cap(window: QWidget, preferred: QSize | None = None) -> None:
    """Size ``window`` to ``preferred`` (else its current size), at most :func:`room`,
    and move it onto the available area (over its parent when it has one)."""
    size = (preferred or window.size()).boundedTo(room(window))
    size = size.expandedTo(window.minimumSize().boundedTo(room(window)))
    window.resize(size)
    area = available(window)
    parent = window.parentWidget()
    if parent is not None:
        centre = parent.window().frameGeometry().center()
        top_left = centre - QPoint(size.width() // 2, size.height() // 2)
    else:
        top_left = window.pos()
    # The frame's title bar sits above pos(), its borders beside and below.
    side = FRAME.width() // 2
    top = FRAME.height() - side
    x = min(max(top_left.x(), area.left() + side), area.right() + 1 - size.width() - side)
    y = min(max(top_left.y(), area.top() + top), area.bottom() + 1 - size.height() - side)
    window.move(x, y)


class _FitOnShow(QObject):
    """Caps each window the first time it is shown (see the module doc)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.Show and not event.spontaneous()
                and isinstance(watched, QWidget) and watched.isWindow()
                and watched.windowType() in _WINDOW_TYPES
                and not watched.windowState() & (Qt.WindowState.WindowMaximized
                                                 | Qt.WindowState.WindowFullScreen)):
            # Qt sized a window nobody sized to at most 2/3 of the screen; give it
            # the size it asks for when the screen has room.
            resized = watched.testAttribute(Qt.WidgetAttribute.WA_Resized)
            cap(watched, None if resized else watched.sizeHint().expandedTo(watched.size()))
        return False


def install(app: QApplication) -> None:
    """Fit every window this application shows (call once, after creating it)."""
    if app.findChild(_FitOnShow) is None:
        app.installEventFilter(_FitOnShow(app))


def uninstall() -> None:
    """Undo :func:`install` (tests share one application between them)."""
    app = QApplication.instance()
    if app is None:
        return
    for fitter in app.findChildren(_FitOnShow):
        app.removeEventFilter(fitter)
        fitter.setParent(None)
        fitter.deleteLater()


class _ShareWidth(QObject):
    """Keeps a table's name column readable when the table is narrow (see share_width)."""

    def __init__(self, view: QTableView, name_column: int, widths: dict[int, int],
                 name_share: float, samples: dict[int, str]) -> None:
        # Owned by the viewport, whose resizes it follows: the viewport's size is the
        # one the columns share, and it is settled only after the view's own resize.
        viewport = view.viewport()
        super().__init__(viewport)
        self.view, self.viewport = view, viewport
        self.name_column, self.widths, self.name_share = name_column, widths, name_share
        self.samples = samples
        view.horizontalHeader().setSectionResizeMode(name_column,
                                                     QHeaderView.ResizeMode.Stretch)
        viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport and event.type() == QEvent.Type.Resize \
                and self.view.isVisible():
            self.apply()
        return False

    def apply(self) -> None:
        header = self.view.horizontalHeader()
        room = self.viewport.width() * (1 - self.name_share)
        wanted = sum(self.widths.values())
        scale = min(1.0, room / wanted) if wanted else 1.0
        metrics = header.fontMetrics()
        for column, width in self.widths.items():
            label = str(self.view.model().headerData(column, Qt.Orientation.Horizontal) or "")
            # The heading, and a value that must never be cut (a date), stay readable.
            floor = max(metrics.horizontalAdvance(label),
                        self.view.fontMetrics().horizontalAdvance(self.samples.get(column, "")))
            floor += 16
            header.resizeSection(column, max(int(width * scale), min(floor, width)))


def share_width(view: QTableView, name_column: int, widths: dict[int, int],
                name_share: float = 0.35, samples: dict[int, str] | None = None) -> None:
    """Give ``view``'s spare width to its name column: the other columns keep their
    ``widths`` while there is room, and shrink (not below their headings, nor below
    their ``samples``, such as a date) before the name gets less than ``name_share``
    of the table."""
    _ShareWidth(view, name_column, widths, name_share, samples or {}).apply()


class _Body(QScrollArea):
    """A scroll area that asks for its content's full size: it scrolls only when capped."""

    def sizeHint(self) -> QSize:
        content = self.widget()
        inner = content.sizeHint() if content is not None else QSize()
        bar = self.verticalScrollBar().sizeHint().width()
        return inner + QSize(2 * self.frameWidth() + bar, 2 * self.frameWidth())


def scroll_body(dialog: QWidget, keep: int = 1) -> QScrollArea:
    """Move everything in ``dialog``'s box layout but its last ``keep`` items (the
    buttons) into a scroll area, so the dialog can shrink to the screen."""
    outer = dialog.layout()
    if not isinstance(outer, QBoxLayout):
        raise TypeError("scroll_body needs a dialog laid out by a QBoxLayout")
    body = QWidget()
    inner = QVBoxLayout(body)
    margins = outer.contentsMargins()
    inner.setContentsMargins(0, 0, margins.right() // 2, 0)  # room beside the scroll bar
    inner.setSpacing(outer.spacing())
    for _ in range(max(outer.count() - keep, 0)):
        stretch = outer.stretch(0)
        item = outer.takeAt(0)
        if item is None:
            break
        widget, sub = item.widget(), item.layout()
        if widget is not None:
            inner.addWidget(widget, stretch)
        elif sub is not None:
            sub.setParent(None)  # a layout joins another only without a parent
            inner.addLayout(sub, stretch)
        else:
            inner.addItem(item)
    scroll = _Body()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(body)
    outer.insertWidget(0, scroll, 1)
    return scroll


def show_main(window: QMainWindow, state_file: Path, name: str) -> None:
    """Show a main window as it was last left, or maximized; remember it on close."""
    settings = QSettings(str(state_file), QSettings.Format.IniFormat)
    saved = settings.value(f"{name}/geometry")
    if isinstance(saved, QByteArray) and window.restoreGeometry(saved):
        if not window.isMaximized():
            cap(window)  # left on a larger screen: bring it back onto this one
    else:
        window.setWindowState(Qt.WindowState.WindowMaximized)
    window.show()
    window.installEventFilter(_Remember(window, state_file, name))


class _Remember(QObject):
    """Writes a main window's geometry (maximized or not) when it closes."""

    def __init__(self, window: QMainWindow, state_file: Path, name: str) -> None:
        super().__init__(window)
        self._window, self._file, self._name = window, state_file, name

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Close:
            settings = QSettings(str(self._file), QSettings.Format.IniFormat)
            settings.setValue(f"{self._name}/geometry", self._window.saveGeometry())
            settings.sync()
        return False
