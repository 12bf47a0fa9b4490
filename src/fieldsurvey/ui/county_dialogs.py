"""The officer's two dialogs with the county: trusting its key, and replying to a return.

Trusting works as the command line does (``fieldsurvey county-trust``): the card's
fingerprint is trusted only once the officer has typed in the digits the county read
out over the phone, so a card swapped on the way is caught. A reply travels in the
next monthly bundle and joins the county's thread.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from fieldsurvey.identity.enrollment import read_enrollment_card
from fieldsurvey.identity.records import IdentityError, PublicIdentity
from fieldsurvey.store.county import CountyError, add_reply, trust_county
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.discard import reject_asking


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


class CountyCardDialog(QDialog):
    """One county card: who it names, and the fingerprint the officer types in."""

    def __init__(self, ctx: AppContext, public: PublicIdentity,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.public = ctx, public
        tr = ctx.tr
        self.setWindowTitle(tr("ui.county.trust_title"))
        layout = QVBoxLayout(self)
        who = QLabel(tr("ui.county.card_names", name=public.name, unit=public.unit_name,
                        unit_code=public.unit_code))
        who.setWordWrap(True)
        layout.addWidget(who)
        how = QLabel(tr("ui.county.type_fingerprint"))
        how.setWordWrap(True)
        layout.addWidget(how)
        self.typed = QLineEdit()
        self.typed.setPlaceholderText("0000 0000 0000 0000 0000 0000 0000 0000")
        self.typed.textChanged.connect(self._check)
        layout.addWidget(self.typed)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        layout.addWidget(self.verdict)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.trust_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.trust_button.setText(tr("ui.county.trust"))
        self.trust_button.setEnabled(False)
        self.buttons.accepted.connect(self.trust)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _check(self) -> None:
        typed = _digits(self.typed.text())
        matches = typed == _digits(self.public.fingerprint)
        self.trust_button.setEnabled(matches)
        if len(typed) >= 32 and not matches:
            self.verdict.setText(self.ctx.tr("ui.county.fingerprint_differs"))
            self.verdict.setStyleSheet("color: #c62828;")
        else:
            self.verdict.setText(self.ctx.tr("ui.county.fingerprint_matches")
                                 if matches else "")
            self.verdict.setStyleSheet("color: #2e7d32;")

    def trust(self) -> None:
        if not self.trust_button.isEnabled():  # Enter before the digits match
            return
        try:
            with self.ctx.db.transaction() as session:
                trust_county(session, self.public)
        except (CountyError, SQLAlchemyError) as exc:
            message = exc.message if isinstance(exc, CountyError) else None
            self.verdict.setText(self.ctx.word(message) if message else str(exc))
            self.verdict.setStyleSheet("color: #c62828;")
            return
        self.accept()


def trust_county_card(parent: QWidget, ctx: AppContext, path: Path | None = None) -> bool:
    """File → 信任县总工会密钥…: pick the county's card, check it, trust it."""
    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(parent, ctx.tr("ui.county.trust_title"),
                                                str(Path.home()),
                                                ctx.tr("ui.county.card_filter"))
        if not chosen:
            return False
        path = Path(chosen)
    try:
        public = read_enrollment_card(path)  # through the file gate
    except IdentityError as exc:
        QMessageBox.warning(parent, ctx.tr("ui.county.trust_title"), ctx.word(exc.message))
        return False
    if public.role != "county":
        QMessageBox.warning(parent, ctx.tr("ui.county.trust_title"),
                            ctx.tr("ui.county.not_county", name=public.name))
        return False
    return CountyCardDialog(ctx, public, parent).exec() == QDialog.DialogCode.Accepted


class ReplyDialog(QDialog):
    """The officer's answer to a returned visit, for the county's thread."""

    def __init__(self, ctx: AppContext, visit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.visit_id = ctx, visit_id
        self.setWindowTitle(ctx.tr("ui.county.reply_title"))
        layout = QVBoxLayout(self)
        intro = QLabel(ctx.tr("ui.county.reply_intro"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)  # Tab reaches the buttons; Enter types a line
        layout.addWidget(self.text)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828;")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ctx.tr("ui.county.send"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)

    def reject(self) -> None:
        reject_asking(self, self.ctx.lang, bool(self.text.toPlainText().strip()),
                      super().reject)

    def save(self) -> None:
        officer = self.ctx.profile.name if self.ctx.profile is not None else ""
        try:
            with self.ctx.db.transaction() as session:
                add_reply(session, self.visit_id, self.text.toPlainText(), officer=officer)
        except (CountyError, SQLAlchemyError) as exc:
            message = exc.message if isinstance(exc, CountyError) else None
            self.error.setText(self.ctx.word(message) if message else str(exc))
            return
        self.accept()
