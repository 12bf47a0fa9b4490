"""Small charts drawn with QPainter: a coverage gauge and horizontal stacked bars.

QtCharts is not part of PySide6-Essentials, and these two charts need little:
each widget takes plain numbers and labels (no database, no messages), so the
township dashboard and the county statistics screen can both use them.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from fieldsurvey.cases.rates import NO_VALUE

#: One colour per case status, the same on every screen. Union is green and overdue work
#: red-ish orange, the colours officers know from traffic lights; the rest stay calm.
STATUS_COLORS: dict[str, QColor] = {
    "unvisited": QColor("#b0b7bf"),
    "union": QColor("#2e7d32"),
    "no_union": QColor("#ef8f00"),
    "revisit": QColor("#1e6fb8"),
    "gone": QColor("#6b4f3f"),
}
TARGET_COLOR = QColor("#c62828")


def count_text(value: int) -> str:
    """Counts with thousands separators: 50,000 organizations read at a glance."""
    return f"{value:,}"


def _contrast(color: QColor) -> QColor:
    """Black or white text, whichever reads better on ``color``."""
    luma = 0.299 * color.redF() + 0.587 * color.greenF() + 0.114 * color.blueF()
    return QColor("#000000") if luma > 0.6 else QColor("#ffffff")


class CoverageGauge(QWidget):
    """A horizontal bar filled to a rate, with the target as a labelled line.

    ``rate`` is ``None`` when there is nothing to divide by: the bar stays empty
    and ``value_text`` (``—``) says so.
    """

    BAR_HEIGHT = 26

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rate: float | None = None
        self.target = 0.85
        self.value_text = NO_VALUE
        self.target_label = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(240)

    def set_value(self, rate: float | None, target: float | Fraction, value_text: str,
                  target_label: str) -> None:
        self.rate = None if rate is None else min(max(rate, 0.0), 1.0)
        self.target = float(target)
        self.value_text = value_text
        self.target_label = target_label
        self.setAccessibleName(f"{value_text} / {target_label}")
        self.update()

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        return QSize(480, fm.height() + self.BAR_HEIGHT + 8)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        label_h = fm.height()
        bar = QRectF(1, label_h + 4, self.width() - 2, self.BAR_HEIGHT)
        palette = self.palette()
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(bar, 4, 4)
        if self.rate:
            filled = QRectF(bar.left(), bar.top(), bar.width() * self.rate, bar.height())
            reached = self.rate >= self.target
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(STATUS_COLORS["union"] if reached else QColor("#4f9a55"))
            painter.drawRoundedRect(filled, 4, 4)
        # The value inside the bar when it fits in the filled part, else just after it.
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        text_w = QFontMetrics(bold).horizontalAdvance(self.value_text) + 12
        fill_w = bar.width() * (self.rate or 0.0)
        if fill_w >= text_w:
            painter.setPen(QColor("#ffffff"))
            text_rect = QRectF(bar.left(), bar.top(), fill_w - 6, bar.height())
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignRight
                             | Qt.AlignmentFlag.AlignVCenter, self.value_text)
        else:
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            text_rect = QRectF(bar.left() + fill_w + 6, bar.top(), text_w, bar.height())
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft
                             | Qt.AlignmentFlag.AlignVCenter, self.value_text)
        # The target line across the bar, its label above it, kept inside the widget.
        x = bar.left() + bar.width() * self.target
        painter.setPen(QPen(TARGET_COLOR, 2, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(x, bar.top() - 3), QPointF(x, bar.bottom() + 3))
        painter.setFont(self.font())
        painter.setPen(TARGET_COLOR)
        label_w = fm.horizontalAdvance(self.target_label) + 4
        left = min(max(x - label_w / 2, 0.0), self.width() - label_w)
        painter.drawText(QRectF(left, 0, label_w, label_h), Qt.AlignmentFlag.AlignCenter,
                         self.target_label)
        painter.end()


class StackedBars(QWidget):
    """One horizontal bar per row, split into the series' segments, with a legend.

    Bars share one scale (the largest row total), so a small registration type
    looks small; each segment shows its count when the count fits inside, and
    every bar ends with its total.
    """

    ROW_HEIGHT = 24
    GAP = 8
    LEGEND_SWATCH = 12

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, list[int]]] = []
        self.series: list[tuple[str, QColor]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(320)

    def set_data(self, rows: Sequence[tuple[str, Sequence[int]]],
                 series: Sequence[tuple[str, QColor]]) -> None:
        """``rows``: label and one count per series, in the order of ``series``."""
        if any(len(values) != len(series) for _, values in rows):
            raise ValueError("every row needs one value per series")
        self.rows = [(label, list(values)) for label, values in rows]
        self.series = list(series)
        self.setAccessibleName("; ".join(
            f"{label}: " + ", ".join(f"{name} {v}" for (name, _), v in zip(series, values,
                                                                          strict=True))
            for label, values in self.rows))
        self.updateGeometry()
        self.update()

    def _legend_lines(self, width: int) -> list[list[tuple[str, QColor, float]]]:
        """The legend entries laid out in lines that fit ``width``."""
        fm = self.fontMetrics()
        lines: list[list[tuple[str, QColor, float]]] = [[]]
        used = 0.0
        for name, color in self.series:
            w = self.LEGEND_SWATCH + 4 + fm.horizontalAdvance(name) + 14
            if lines[-1] and used + w > width:
                lines.append([])
                used = 0.0
            lines[-1].append((name, color, w))
            used += w
        return lines

    def _legend_height(self, width: int) -> int:
        return len(self._legend_lines(width)) * (self.fontMetrics().height() + 4) + 6

    def sizeHint(self) -> QSize:
        rows = max(len(self.rows), 1)
        return QSize(520, self._legend_height(520) + rows * (self.ROW_HEIGHT + self.GAP))

    def minimumSizeHint(self) -> QSize:
        rows = max(len(self.rows), 1)
        return QSize(320, self._legend_height(320) + rows * (self.ROW_HEIGHT // 2 + 4))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        text_color = self.palette().color(QPalette.ColorRole.WindowText)
        # Legend.
        y = 2.0
        for line in self._legend_lines(self.width()):
            x = 0.0
            for name, color, w in line:
                swatch = QRectF(x, y + (fm.height() - self.LEGEND_SWATCH) / 2,
                                self.LEGEND_SWATCH, self.LEGEND_SWATCH)
                painter.fillRect(swatch, color)
                painter.setPen(text_color)
                painter.drawText(QRectF(x + self.LEGEND_SWATCH + 4, y, w, fm.height()),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 name)
                x += w
            y += fm.height() + 4
        top = self._legend_height(self.width())
        if not self.rows:
            painter.end()
            return
        # Rows share the height left, between a compact and a comfortable size.
        space = (self.height() - top) / len(self.rows)
        row_h = max(min(space - 4, self.ROW_HEIGHT), 12.0)
        # Bars far apart read as unrelated: spare height stays below the last bar.
        pitch = min(max(space, row_h + 4), self.ROW_HEIGHT + 2 * self.GAP)
        label_w = min(max(fm.horizontalAdvance(label) for label, _ in self.rows) + 10,
                      int(self.width() * 0.38))
        biggest = max(1, *(sum(values) for _, values in self.rows))
        total_w = fm.horizontalAdvance(count_text(biggest)) + 10
        scale = max(self.width() - label_w - total_w, 10) / biggest
        for index, (label, values) in enumerate(self.rows):
            row_top = top + index * pitch + (pitch - row_h) / 2
            painter.setPen(text_color)
            painter.drawText(QRectF(0, row_top, label_w - 8, row_h),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             fm.elidedText(label, Qt.TextElideMode.ElideMiddle, label_w - 8))
            x = float(label_w)
            for (_, color), value in zip(self.series, values, strict=True):
                if value <= 0:
                    continue
                w = value * scale
                painter.fillRect(QRectF(x, row_top, w, row_h), color)
                text = count_text(value)
                if fm.horizontalAdvance(text) + 6 <= w and fm.height() <= row_h + 2:
                    painter.setPen(_contrast(color))
                    painter.drawText(QRectF(x, row_top, w, row_h), Qt.AlignmentFlag.AlignCenter,
                                     text)
                x += w
            painter.setPen(text_color)
            painter.drawText(QRectF(x + 6, row_top, total_w, row_h),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             count_text(sum(values)))
        painter.end()
