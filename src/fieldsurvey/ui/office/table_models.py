"""What the office pages share: a thin table model over Python rows, a two-level header,
and a thread that runs one job off the GUI thread.

The models only format rows the view asks for; the deciding is done by
``fieldsurvey.county``. Jobs on a :class:`JobThread` open their own sessions:
SQLAlchemy's pool gives the thread its own connection (SQLite in WAL mode lets the
pages keep reading meanwhile; PostgreSQL does not care).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QThread,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader, QWidget

from fieldsurvey.progress import Cancelled

T = TypeVar("T")
_ModelIndex = QModelIndex | QPersistentModelIndex
ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
ERROR_COLOR = QColor("#b3261e")
MUTED_COLOR = QColor("#5f6368")
#: headerData role of a column's group (the upper line of a :class:`GroupedHeader`).
GROUP_ROLE = int(Qt.ItemDataRole.UserRole) + 1


def local_time(moment: dt.datetime | None) -> str:
    """A stored UTC moment as the PC's local time, to the minute."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column of a :class:`RowsModel`: its heading and how a row shows in it."""

    header: str
    text: Callable[[T], str]
    numeric: bool = False
    tooltip: Callable[[T], str] | None = None
    color: Callable[[T], QColor | None] | None = None
    bold: Callable[[T], bool] | None = None


class RowsModel(QAbstractTableModel, Generic[T]):
    """A read-only table of ``rows``, one line each, formatted by ``columns``."""

    def __init__(self, columns: Sequence[Column[T]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> T:
        return self.rows[row]

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip else column.text(row) or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return ALIGN_RIGHT if column.numeric else ALIGN_LEFT
        if role == Qt.ItemDataRole.ForegroundRole and column.color is not None:
            color = column.color(row)
            return QBrush(color) if color is not None else None
        if role == Qt.ItemDataRole.FontRole and column.bold is not None and column.bold(row):
            font = QFont()
            font.setBold(True)
            return font
        return None


class GroupedHeader(QHeaderView):
    """A horizontal header of two levels: column groups above the columns they hold.

    The model names a column's group with :data:`GROUP_ROLE` (``None``: no group, the
    column's own heading then fills both levels, like 乡镇 and 登记类型 in the printed
    table). Neighbouring columns with the same group share one cell. Headings wrap onto
    two lines, so narrow columns of numbers keep long headings whole; a model without
    groups gets just that.
    """

    FIGURE_LINES = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSectionsClickable(False)
        self.setHighlightSections(False)

    def _group(self, logical: int) -> str | None:
        model = self.model()
        if model is None or not 0 <= logical < model.columnCount():
            return None
        value = model.headerData(logical, Qt.Orientation.Horizontal, GROUP_ROLE)
        return str(value) if value else None

    def _line_height(self) -> int:
        return self.fontMetrics().height() + 8

    def _has_groups(self) -> bool:
        model = self.model()
        return model is not None and any(self._group(c) for c in range(model.columnCount()))

    def sizeHint(self) -> QSize:
        base = super().sizeHint()
        fm = self.fontMetrics()
        top = self._line_height() if self._has_groups() else 0
        return QSize(base.width(), top + fm.height() * self.FIGURE_LINES + 10)

    def _group_span(self, logical: int) -> tuple[int, int]:
        """The first and last visual index of the run of columns sharing ``logical``'s group."""
        group = self._group(logical)
        visual = self.visualIndex(logical)
        first = last = visual
        while first > 0 and self._group(self.logicalIndex(first - 1)) == group:
            first -= 1
        while last < self.count() - 1 and self._group(self.logicalIndex(last + 1)) == group:
            last += 1
        return first, last

    def _cell(self, painter: QPainter, rect: QRect, text: str, logical: int) -> None:
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        option.rect = rect
        option.section = logical
        option.text = ""
        self.style().drawControl(QStyle.ControlElement.CE_HeaderSection, option, painter, self)
        painter.save()
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect.adjusted(3, 2, -3, -2), int(Qt.AlignmentFlag.AlignCenter
                                                          | Qt.TextFlag.TextWordWrap), text)
        painter.restore()

    def paintSection(self, painter: QPainter, rect: QRect, logicalIndex: int) -> None:
        model = self.model()
        if model is None or not rect.isValid():
            return
        text = str(model.headerData(logicalIndex, Qt.Orientation.Horizontal,
                                    Qt.ItemDataRole.DisplayRole) or "")
        group = self._group(logicalIndex)
        if group is None:
            self._cell(painter, rect, text, logicalIndex)
            return
        top_h = self._line_height()
        first, last = self._group_span(logicalIndex)
        left = self.sectionViewportPosition(self.logicalIndex(first))
        right = (self.sectionViewportPosition(self.logicalIndex(last))
                 + self.sectionSize(self.logicalIndex(last)))
        # Every section of the group draws the whole group cell: a partial repaint of any
        # one of them still shows the group's name whole.
        self._cell(painter, QRect(left, rect.top(), right - left, top_h), group, logicalIndex)
        self._cell(painter, QRect(rect.left(), rect.top() + top_h, rect.width(),
                                  rect.height() - top_h), text, logicalIndex)


def wrapped_width(fm: QFontMetrics, label: str, padding: int = 16) -> int:
    """About the narrowest width showing ``label`` on two lines (English breaks at spaces,
    Chinese between any characters), ``padding`` included."""
    words = label.split()
    whole = fm.horizontalAdvance(label)
    if len(words) == 1 and label.isascii():
        return whole + padding
    longest = max((fm.horizontalAdvance(w) for w in words if w.isascii()), default=0)
    return max(longest, (whole + 1) // 2 + fm.horizontalAdvance("中")) + padding


#: Jobs still running: a thread must outlive the page that started it (Qt aborts when a
#: running QThread is destroyed), so none has a parent and this set holds them instead.
_RUNNING: set[JobThread] = set()


class JobThread(QThread):
    """Runs one job and reports how it ended, always exactly once, with ``tag``.

    ``failed`` carries what went wrong in a few words (an OS error's text, else the
    exception), for the page to put in a sentence of its own; ``stopped`` means the job
    raised :class:`Cancelled` (the person asked it to stop). Connect bound methods of the
    page: Qt then drops the connections if the page goes away before the job ends.
    """

    succeeded = Signal(object, object)
    """tag, the job's result."""
    failed = Signal(object, str)
    """tag, what went wrong."""
    stopped = Signal(object)
    """tag."""

    def __init__(self, job: Callable[[], object], tag: object = None) -> None:
        super().__init__()
        self._job: Callable[[], object] | None = job
        self.tag = tag
        self.finished.connect(self._forget)

    def start_job(self) -> None:
        _RUNNING.add(self)
        self.start()

    def _forget(self) -> None:
        _RUNNING.discard(self)
        self.deleteLater()

    def run(self) -> None:
        job, self._job = self._job, None
        assert job is not None
        try:
            result = job()
        except Cancelled:
            self.stopped.emit(self.tag)
        except OSError as exc:
            self.failed.emit(self.tag, exc.strerror or repr(exc))
        except Exception as exc:  # noqa: BLE001  # the page must hear back, whatever happened
            self.failed.emit(self.tag, repr(exc))
        else:
            self.succeeded.emit(self.tag, result)


def wait_for_jobs(timeout_ms: int = 30_000) -> bool:
    """Wait until every job has ended (tests, and the window before it quits)."""
    return all(worker.wait(timeout_ms) for worker in list(_RUNNING))
