"""The county's comments on a returned visit, shown in the visit editor.

The comment on the visit goes in a banner above the questions, each question's
comment beside its answer, the way the county wrote them in its package.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from fieldsurvey.store.county import returned_cases
from fieldsurvey.store.db import Database
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.county_dialogs import ReplyDialog
from fieldsurvey.ui.visit.section import QuestionRow


class _Editor(Protocol):
    visit_id: str

    @property
    def rows(self) -> dict[str, QuestionRow]: ...


class CountyBanner(QFrame):
    """The county's comment on the visit, with a button to answer it (the reply travels
    in the next monthly bundle)."""

    def __init__(self, ctx: AppContext, visit_id: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx, self.visit_id = ctx, visit_id
        self.setObjectName("countyBanner")
        self.setStyleSheet("#countyBanner { background: #fff4e0; border: 1px solid #f0c36d; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        self.reply_button = QPushButton(ctx.tr("ui.county.reply"))
        self.reply_button.clicked.connect(self.reply)
        layout.addWidget(self.reply_button)
        self.reply_dialog: ReplyDialog | None = None
        self.hide()

    def setText(self, text: str) -> None:
        self.label.setText(text)

    def text(self) -> str:
        return self.label.text()

    def reply(self) -> None:
        self.reply_dialog = ReplyDialog(self.ctx, self.visit_id, self)
        self.reply_dialog.open()


def county_banner(editor: QWidget) -> CountyBanner:
    return CountyBanner(editor.ctx, editor.visit_id, editor)  # type: ignore[attr-defined]


def show_county_comments(db: Database, editor: _Editor, banner: CountyBanner,
                         lang: str) -> None:
    """Fill ``banner`` and the question rows from the county's newest package."""
    from fieldsurvey.messages import render

    with db.transaction() as session:
        case = next((c for c in returned_cases(session) if c.visit_id == editor.visit_id), None)
    if case is None or case.state != "returned":
        banner.hide()
        return
    banner.setText(render("ui.receive.banner", lang, comment=case.comment))
    banner.show()
    for name, comment in case.questions.items():
        row = editor.rows.get(name)
        if row is not None:
            row.set_county_comment(comment)
