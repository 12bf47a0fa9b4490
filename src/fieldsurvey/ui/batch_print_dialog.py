"""Choose the dates whose finalized visits go into one PDF of record sheets."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey import clock
from fieldsurvey.bundles.monthly import default_month
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.qt_language import DATE_FORMAT


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class BatchPrintDialog(QDialog):
    """Two dates, defaulting to the month an export made today would report."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(ctx.tr("ui.batch_print.title"))
        start, end = default_month(clock.today())
        self.start, self.end = QDateEdit(_qdate(start)), QDateEdit(_qdate(end))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(DATE_FORMAT)  # 2026-12-05 in both languages
        note = QLabel(ctx.tr("ui.batch_print.note"))
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(ctx.tr("ui.batch_print.start"), self.start)
        form.addRow(ctx.tr("ui.batch_print.end"), self.end)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def date_range(self) -> tuple[dt.date, dt.date]:
        """The chosen dates, in order whichever way round they were entered."""
        first, second = sorted((_pydate(self.start.date()), _pydate(self.end.date())))
        return first, second
