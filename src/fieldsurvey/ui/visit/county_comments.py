"""The county's comments on a returned visit, shown in the visit editor.

The comment on the visit goes in a banner above the questions, each question's
comment beside its answer, the way the county wrote them in its package.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from fieldsurvey.store.county import returned_cases
from fieldsurvey.store.db import Database
from fieldsurvey.ui.visit.section import QuestionRow


class _Editor(Protocol):
    visit_id: str

    @property
    def rows(self) -> dict[str, QuestionRow]: ...


def county_banner(parent: QWidget) -> QLabel:
    banner = QLabel(parent)
    banner.setObjectName("countyBanner")
    banner.setTextFormat(Qt.TextFormat.PlainText)
    banner.setWordWrap(True)
    banner.setStyleSheet("background: #fff4e0; border: 1px solid #f0c36d; padding: 4px 8px;")
    banner.hide()
    return banner


def show_county_comments(db: Database, editor: _Editor, banner: QLabel, lang: str) -> None:
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
