"""The revisions of a visit, read-only, and what changed between two of them.

Every finalized revision is frozen in the store. The list shows each one with
its date and officer (and the current draft, if the visit was reopened); the
table compares the chosen revision with the one before it, side by side.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.forms.answers import Answers
from fieldsurvey.messages import render
from fieldsurvey.store.visits import answers_of, history
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.visit.display import answer_lines

CHANGED_BRUSH = QBrush(QColor("#fff0cc"))


@dataclass(frozen=True)
class RevisionView:
    """One version of the answers as the dialog lists it."""

    title: str
    answers: Answers
    overrides: list[dict[str, str]]


def load_revisions(ctx: AppContext, visit_id: str,
                   draft: tuple[int, Answers] | None) -> list[RevisionView]:
    """The frozen revisions, oldest first, then the current draft if there is one."""
    views = []
    with ctx.db.transaction() as session:
        for revision in history(session, visit_id):
            when = revision.finalized_at.astimezone().strftime("%Y-%m-%d %H:%M")
            views.append(RevisionView(
                render("ui.visit.revision_line", ctx.lang, revision=revision.revision,
                       when=when, officer=revision.officer),
                answers_of(revision), json.loads(revision.overrides_json)))
    if draft is not None:
        number, answers = draft
        views.append(RevisionView(render("ui.visit.revision_draft", ctx.lang, revision=number),
                                  answers, []))
    return views


class HistoryDialog(QDialog):
    def __init__(self, ctx: AppContext, visit_id: str, draft: tuple[int, Answers] | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(render("ui.visit.history_title", ctx.lang))
        self.revisions = load_revisions(ctx, visit_id, draft)
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.list = QListWidget(splitter)
        self.list.addItems([r.title for r in self.revisions])
        self.list.setWordWrap(True)
        right = QWidget(splitter)
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        self.only_changes = QCheckBox(render("ui.visit.only_changes", ctx.lang), right)
        self.only_changes.setChecked(True)
        column.addWidget(self.only_changes)
        self.table = QTableWidget(0, 3, right)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 220)
        column.addWidget(self.table, 1)
        self.overrides = QLabel(right)
        self.overrides.setTextFormat(Qt.TextFormat.PlainText)  # reasons are typed text
        self.overrides.setWordWrap(True)
        column.addWidget(self.overrides)
        splitter.addWidget(self.list)
        splitter.addWidget(right)
        splitter.setSizes([260, 740])
        layout.addWidget(splitter, 1)
        if not self.revisions:
            layout.addWidget(QLabel(render("ui.visit.no_revisions", ctx.lang), self))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(
            render("ui.visit.close", ctx.lang))
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self.list.currentRowChanged.connect(self.show_revision)
        self.only_changes.toggled.connect(lambda _on: self.show_revision(self.list.currentRow()))
        self.resize(1040, 620)
        if self.revisions:
            self.list.setCurrentRow(len(self.revisions) - 1)
        self.list.setFocus()

    def show_revision(self, row: int) -> None:
        """Compare revision ``row`` with the one before it (all answers for the first)."""
        if not 0 <= row < len(self.revisions):
            return
        lang, form = self.ctx.lang, self.ctx.form
        after = self.revisions[row]
        before = self.revisions[row - 1] if row > 0 else None
        self.table.setHorizontalHeaderLabels([
            render("ui.visit.question", lang),
            before.title if before else "",
            after.title,
        ])
        old = {line.key: line for line in answer_lines(form, before.answers, lang)} \
            if before else {}
        new = {line.key: line for line in answer_lines(form, after.answers, lang)}
        keys = list(new) + [k for k in old if k not in new]
        only_changes = self.only_changes.isChecked() and before is not None
        rows = []
        for key in keys:
            was = old[key].text if key in old else ""
            now = new[key].text if key in new else ""
            if only_changes and was == now:
                continue
            label = (new.get(key) or old[key]).label
            rows.append((label, was, now, was != now and before is not None))
        self.table.setRowCount(len(rows))
        for i, (label, was, now, changed) in enumerate(rows):
            for j, text in enumerate((label, was, now)):
                cell = QTableWidgetItem(text)
                if changed:
                    cell.setBackground(CHANGED_BRUSH)
                self.table.setItem(i, j, cell)
        self.table.resizeRowsToContents()
        reasons = [render("ui.visit.override_line", lang, field=self._field_label(o.get("field")),
                          reason=o.get("reason", "")) for o in after.overrides]
        self.overrides.setText("\n".join(
            [render("ui.visit.overrides_title", lang), *reasons]) if reasons else "")

    def _field_label(self, key: str | None) -> str:
        name = (key or "").split("@")[0]
        return self.ctx.form.label(name, self.ctx.lang) if name in self.ctx.form.nodes else name
