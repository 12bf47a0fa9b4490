"""A banner at the top of the case list: time to export the monthly bundle.

The decision (never exported, or more than a month ago) is made in
:func:`fieldsurvey.bundles.monthly.reminder_for`; the bar only words it and offers
the export. It never blocks work: the officer may dismiss it for this session.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from fieldsurvey import clock
from fieldsurvey.bundles.monthly import reminder_for
from fieldsurvey.messages import Message
from fieldsurvey.ui.context import AppContext


class ExportReminderBar(QFrame):
    """Shown while an export is due, until dismissed; :meth:`refresh` re-reads the store."""

    export_requested = Signal()
    """The officer pressed "export now": the owner opens the Export screen."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reminder: Message | None = None
        self.dismissed = False
        self.setObjectName("exportReminderBar")
        # A warm, non-alarming colour: a reminder, not an error.
        self.setStyleSheet("#exportReminderBar { background: #fff4d6; border: 1px solid #e0b85c;"
                           " border-radius: 4px; } #exportReminderBar QLabel { color: #4a3800; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.text_label = QLabel()
        self.text_label.setWordWrap(True)
        self.export_button = QPushButton(ctx.tr("ui.export.reminder_export"))
        self.export_button.clicked.connect(self.export_requested)
        self.dismiss_button = QPushButton(ctx.tr("ui.export.reminder_dismiss"))
        self.dismiss_button.setToolTip(ctx.tr("ui.export.reminder_dismiss_tip"))
        self.dismiss_button.clicked.connect(self.dismiss)
        layout.addWidget(self.text_label, 1)
        layout.addWidget(self.export_button)
        layout.addWidget(self.dismiss_button)
        self.refresh()

    def _now(self) -> dt.datetime:
        # The context's "today" (pinned in tests and screenshots) at the real time of day.
        return clock.local_now()

    def refresh(self) -> None:
        """Ask the store again whether an export is due; show or hide accordingly."""
        self.reminder = reminder_for(self.ctx.db, self._now())
        if self.reminder is not None:
            self.text_label.setText(self.ctx.word(self.reminder))
        self.setVisible(self.reminder is not None and not self.dismissed)

    def dismiss(self) -> None:
        """Hide the bar until the app is started again."""
        self.dismissed = True
        self.hide()
