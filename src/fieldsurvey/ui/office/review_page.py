"""The review page: merged visits by township, state, form and month; approve or return.

A thin screen over ``fieldsurvey.county.review``: the filters pick rows, the table
shows them, the panel beside it shows the selected visit's thread. Keyboard first:
Ctrl+Enter approves the selected rows, Ctrl+R returns the current one (a comment is
required; ``题目代码=意见`` lines add comments on single questions).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.commands.stats import parse_month
from fieldsurvey.county import review
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.table_models import Column, RowsModel, local_time


class ReturnDialog(QDialog):
    """A comment on the visit and, one per line, ``question=comment``."""

    def __init__(self, ctx: OfficeContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(ctx.tr("ui.review.return_title"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(ctx.tr("ui.review.comment")))
        self.comment = QPlainTextEdit()
        layout.addWidget(self.comment)
        layout.addWidget(QLabel(ctx.tr("ui.review.question_comments")))
        self.questions = QPlainTextEdit()
        layout.addWidget(self.questions)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def question_comments(self) -> dict[str, str]:
        out = {}
        for line in self.questions.toPlainText().splitlines():
            name, sep, text = line.partition("=")
            if sep and name.strip():
                out[name.strip()] = text.strip()
        return out


class ReviewPage(QWidget):
    """``ReviewPage(ctx)``; :attr:`changed` after every approval or return."""

    changed = Signal()
    """Review states changed (the statistics page may count approved visits only)."""

    def __init__(self, ctx: OfficeContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        tr = ctx.tr
        self.township = QLineEdit()
        self.township.setPlaceholderText(tr("ui.review.township"))
        self.state = QComboBox()
        self.state.addItem(tr("ui.review.all_states"), None)
        for state in review.STATES:
            self.state.addItem(tr(f"review.state.{state}"), state)
        self.form_filter = QComboBox()  # forms of the merged visits, filled by refresh()
        self.form_filter.addItem(tr("ui.review.all_forms"), None)
        self.form_filter.currentIndexChanged.connect(self.refresh)
        self.month = QLineEdit()
        self.month.setPlaceholderText("YYYY-MM")
        self.township.returnPressed.connect(self.refresh)
        self.month.returnPressed.connect(self.refresh)
        self.state.currentIndexChanged.connect(self.refresh)
        filters = QHBoxLayout()
        filters.addWidget(self.township)
        filters.addWidget(self.state)
        filters.addWidget(self.form_filter)
        filters.addWidget(self.month)
        self.approve_button = QPushButton(tr("ui.review.approve"))
        self.return_button = QPushButton(tr("ui.review.return"))
        self.approve_button.clicked.connect(self.approve_selected)
        self.return_button.clicked.connect(self.return_current)
        filters.addStretch(1)
        filters.addWidget(self.approve_button)
        filters.addWidget(self.return_button)

        self.model: RowsModel[review.ReviewItem] = RowsModel([
            Column(tr("ui.review.col.township"), lambda i: i.township_code),
            Column(tr("ui.review.col.organization"), lambda i: i.organization_name),
            Column(tr("ui.review.col.date"), lambda i: str(i.visit_date or "")),
            Column(tr("ui.review.col.revision"), lambda i: str(i.revision), numeric=True),
            Column(tr("ui.review.col.state"), lambda i: tr(f"review.state.{i.state}")),
            Column(tr("ui.review.col.changed"),
                   lambda i: f"{local_time(i.changed_at)} {i.changed_by}"),
        ], self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_thread())
        self.thread_view = QTextBrowser()
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(self.thread_view)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.count_label = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addWidget(self.count_label)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Keys the table leaves alone reach the page: no window-wide shortcut needed.
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if ctrl and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.approve_selected()
        elif ctrl and event.key() == Qt.Key.Key_R:
            self.return_current()
        else:
            super().keyPressEvent(event)

    def refresh(self) -> None:
        month = parse_month(self.month.text().strip()) if self.month.text().strip() else None
        with self.ctx.db.transaction() as session:
            forms = review.form_ids(session)
            items = review.review_list(session, township=self.township.text().strip() or None,
                                       state=self.state.currentData(),
                                       form_id=self.form_filter.currentData(), month=month)
        self._offer_forms(forms)
        self.model.set_rows(items)
        self.table.resizeColumnsToContents()
        self.count_label.setText(self.ctx.tr("cli_review.listed", count=len(items)))
        if items:
            self.table.selectRow(0)
        self._show_thread()

    def _offer_forms(self, forms: list[str]) -> None:
        known = {self.form_filter.itemData(i) for i in range(1, self.form_filter.count())}
        self.form_filter.blockSignals(True)  # adding items is not choosing one
        for form_id in forms:
            if form_id not in known:
                self.form_filter.addItem(form_id, form_id)
        self.form_filter.blockSignals(False)

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.row_at(r).visit_id for r in rows]

    def approve_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        with self.ctx.db.transaction() as session:
            review.approve(session, ids, by=self.ctx.staff_name)
        self.changed.emit()
        self.refresh()

    def return_current(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        dialog = ReturnDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.return_visit(ids[0], dialog.comment.toPlainText(), dialog.question_comments())

    def return_visit(self, visit_id: str, comment: str, questions: dict[str, str]) -> bool:
        """Return one visit; a refusal (no comment, unknown question) is shown, not raised."""
        try:
            with self.ctx.db.transaction() as session:
                review.return_visit(session, visit_id, comment, by=self.ctx.staff_name,
                                    questions=questions,
                                    known_questions=[q.name for q in self.ctx.form.questions()])
        except review.ReviewError as exc:
            self.count_label.setText(self.ctx.word(exc.message))
            return False
        self.changed.emit()
        self.refresh()
        return True

    def _show_thread(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            self.thread_view.clear()
            return
        item = self.model.row_at(index.row())
        with self.ctx.db.transaction() as session:
            entries = review.thread(session, item.visit_id)
            changes = review.changed_answers(session, item.visit_id)
        lines = []
        for e in entries:
            text = f"{local_time(e.at)} r{e.revision} {e.by} " \
                   f"{self.ctx.tr(f'review.action.{e.action}')}"
            if e.comment:
                text += f"：{e.comment}"
            lines.append(text)
            lines += [f"    {self.ctx.form.label(n, self.ctx.lang) if n in self._names() else n}"
                      f"：{c}" for n, c in e.questions.items()]
        if changes:  # the visit beside its previous revision: only what differs
            lines += ["", self.ctx.tr("ui.review.changes", revision=item.revision - 1)]
            lines += [f"  ≠ {self._label(n)}：{self._value(n, old)} → {self._value(n, new)}"
                      for n, old, new in changes]
        self.thread_view.setPlainText("\n".join(lines))

    def _label(self, name: str) -> str:
        return self.ctx.form.label(name, self.ctx.lang) if name in self._names() else name

    def _value(self, name: str, value: object) -> str:
        if value is None or value in ("", []):
            return "—"
        list_name = getattr(self.ctx.form.nodes.get(name), "list_name", None)
        if list_name:
            labels = self.ctx.form.choice_labels(list_name, self.ctx.lang)
            items = value if isinstance(value, list) else [value]
            return "、".join(labels.get(str(v), str(v)) for v in items)
        return str(value)

    def _names(self) -> set[str]:
        return {q.name for q in self.ctx.form.questions()}
