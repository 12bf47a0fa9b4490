"""The list of sections on the left, each with a badge of what is left to do.

A red badge counts errors (a failed constraint, a wrong type); a grey one the
required questions still unanswered; a green tick marks a section with neither.
Sections that are not relevant (the interview after a refusal) are hidden.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from fieldsurvey.messages import render

ERRORS_ROLE = Qt.ItemDataRole.UserRole + 1
MISSING_ROLE = Qt.ItemDataRole.UserRole + 2
CHANGED_ROLE = Qt.ItemDataRole.UserRole + 3
# Before a section's title when the newer form version added or changed a question in it.
CHANGED_MARK = "● "
BADGE_COLORS = {ERRORS_ROLE: QColor("#c62828"), MISSING_ROLE: QColor("#80868b")}
DONE_COLOR = QColor("#2e7d32")


class _BadgeDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        rect: QRect = option.rect
        badges = [(role, int(index.data(role) or 0)) for role in (ERRORS_ROLE, MISSING_ROLE)]
        badges = [(role, n) for role, n in badges if n]
        metrics = option.fontMetrics
        widths = [metrics.horizontalAdvance(str(n)) + 12 for _, n in badges]
        reserved = sum(widths) + 6 * len(widths) + (0 if badges else 18) + 6
        # The selection colour spans the whole row, badges included.
        panel = QStyleOptionViewItem(option)
        self.initStyleOption(panel, index)
        panel.text = ""
        style = panel.widget.style() if panel.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, panel, painter, panel.widget)
        text_option = QStyleOptionViewItem(option)
        text_option.rect = rect.adjusted(0, 0, -reserved, 0)
        super().paint(painter, text_option, index)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        x = rect.right() - 6
        height = metrics.height() + 2
        top = rect.top() + (rect.height() - height) // 2
        for (role, number), width in zip(reversed(badges), reversed(widths), strict=True):
            x -= width
            pill = QRect(x, top, width, height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(BADGE_COLORS[role])
            painter.drawRoundedRect(pill, height / 2, height / 2)
            painter.setPen(QColor("white"))
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, str(number))
            x -= 6
        if not badges:
            painter.setPen(DONE_COLOR)
            painter.drawText(QRect(x - 16, rect.top(), 16, rect.height()),
                             Qt.AlignmentFlag.AlignCenter, "✓")
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 60, max(size.height() + 10, 32))


class SectionNavigator(QListWidget):
    """Section titles with badges; Enter jumps into the section's first question."""

    enter_pressed = Signal()
    """Enter on a section: move the keyboard focus into it."""

    def __init__(self, titles: list[str], lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.setItemDelegate(_BadgeDelegate(self))
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for title in titles:
            item = QListWidgetItem(title, self)
            item.setSizeHint(QSize(0, 36))
        self.setFixedWidth(max(190, self.sizeHintForColumn(0) + 70))
        self.setStyleSheet("QListWidget { font-size: 11pt; }")

    def set_badges(self, row: int, errors: int, missing: int) -> None:
        item = self.item(row)
        if item.data(ERRORS_ROLE) != errors or item.data(MISSING_ROLE) != missing:
            item.setData(ERRORS_ROLE, errors)
            item.setData(MISSING_ROLE, missing)
            item.setToolTip(render("ui.visit.badge_tip", self.lang, errors=errors,
                                   missing=missing))

    def mark_changed(self, rows: set[int], tip: str) -> None:
        """Mark the sections holding questions new or changed in a newer form version."""
        for row in range(self.count()):
            item = self.item(row)
            title = item.text().removeprefix(CHANGED_MARK)
            item.setText(CHANGED_MARK + title if row in rows else title)
            item.setData(CHANGED_ROLE, row in rows)
            if row in rows:
                item.setToolTip(tip)

    def changed_rows(self) -> list[int]:
        return [row for row in range(self.count()) if self.item(row).data(CHANGED_ROLE)]

    def badges(self, row: int) -> tuple[int, int]:
        item = self.item(row)
        return int(item.data(ERRORS_ROLE) or 0), int(item.data(MISSING_ROLE) or 0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter_pressed.emit()
            return
        super().keyPressEvent(event)
