"""One organization: its register profile, every visit as a timeline, the next visit due."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from fieldsurvey import clock
from fieldsurvey.cases.loading import CaseRow, load_cases
from fieldsurvey.store.models import Organization, Visit
from fieldsurvey.store.organizations import EDITABLE
from fieldsurvey.ui.context import AppContext

_GREY = QColor("#8a8a8a")
# A credit code awaiting verification, in the colour the import uses for warnings.
PENDING_STYLE = "color: #8a5a00; font-weight: bold;"
TIMELINE_COLUMNS = ("date", "kind", "result", "state", "officer")


class OrganizationPage(QWidget):
    """Shows one organization; the main window reacts to its signals."""

    back_requested = Signal()
    open_visit = Signal(str)  # visit id
    new_visit = Signal(str)  # organization id
    edit_requested = Signal(str)  # organization id
    print_requested = Signal(list)  # visit ids, in timeline order

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.org_id: str | None = None
        self.draft_id: str | None = None

        self.title = QLabel()
        self.title.setObjectName("org_title")
        self.title.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.title.setWordWrap(True)
        self.status_line = QLabel()
        self.status_line.setWordWrap(True)
        self.profile = QFormLayout()
        self.profile.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.profile_values: dict[str, QLabel] = {}
        for field in EDITABLE:
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.profile.addRow(ctx.tr(f"ui.org_page.field.{field}"), value)
            self.profile_values[field] = value
        profile_box = QGroupBox(ctx.tr("ui.org_page.profile"))
        profile_box.setLayout(self.profile)

        self.timeline = QTableWidget(0, len(TIMELINE_COLUMNS))
        self.timeline.setObjectName("timeline")
        self.timeline.setHorizontalHeaderLabels(
            [ctx.tr(f"ui.org_page.column.{c}") for c in TIMELINE_COLUMNS])
        self.timeline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timeline.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several visits can be selected to print their records into one PDF.
        self.timeline.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.timeline.verticalHeader().hide()
        self.timeline.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.timeline.horizontalHeader().setStretchLastSection(True)
        self.timeline.doubleClicked.connect(lambda _index: self._open_selected())
        timeline_box = QGroupBox(ctx.tr("ui.org_page.timeline"))
        QVBoxLayout(timeline_box).addWidget(self.timeline)

        self.back_button = QPushButton(ctx.tr("ui.org_page.back"))
        self.new_button = QPushButton()
        self.open_button = QPushButton(ctx.tr("ui.org_page.open_visit"))
        self.edit_button = QPushButton(ctx.tr("ui.org_page.edit"))
        self.print_button = QPushButton(ctx.tr("ui.org_page.print"))
        self.print_button.clicked.connect(self._print_selected)
        self.back_button.clicked.connect(self.back_requested)
        self.new_button.clicked.connect(self._new_or_continue)
        self.open_button.clicked.connect(self._open_selected)
        self.edit_button.clicked.connect(lambda: self.edit_requested.emit(self.org_id or ""))
        buttons = QHBoxLayout()
        for button in (self.back_button, self.new_button, self.open_button, self.print_button,
                       self.edit_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        body = QHBoxLayout()
        body.addWidget(profile_box, 2)
        body.addWidget(timeline_box, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.title)
        layout.addWidget(self.status_line)
        layout.addLayout(body, 1)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.back_requested.emit)
        # Ctrl+N belongs to the main window's 新建走访, which on this page starts or
        # continues this organization's visit (one owner per key).

    def show_organization(self, org_id: str) -> None:
        self.org_id = org_id
        with self.ctx.db.transaction() as session:
            org = session.get(Organization, org_id)
            if org is None:
                return
            visits = list(session.scalars(
                select(Visit).where(Visit.organization_id == org_id)
                .order_by(Visit.visit_date.desc(), Visit.updated_at.desc())))
            case = next(iter(load_cases(session, self.ctx.form, organization_ids=[org_id])), None)
            self.title.setText(org.name)
            labels = {"reg_type": self.ctx.form.choice_labels("reg_type", self.ctx.lang),
                      "field": self.ctx.form.choice_labels("org_field", self.ctx.lang)}
            for field, label in self.profile_values.items():
                value = getattr(org, field) or ""
                label.setText(labels.get(field, {}).get(value, value))
            pending = org.uscc_pending if not org.uscc else None
            if pending:
                # Shown, and marked: the officer checks it against the certificate.
                self.profile_values["uscc"].setText(
                    self.ctx.tr("ui.import.pending_code", value=pending))
            self.profile_values["uscc"].setStyleSheet(PENDING_STYLE if pending else "")
            self.profile_values["uscc"].setToolTip(
                self.ctx.tr("ui.org_page.pending_tip") if pending else "")
            self._fill_timeline(visits)
        self.status_line.setText(self._status_text(case))
        self.new_button.setText(self.ctx.tr(
            "ui.org_page.continue_draft" if self.draft_id else "ui.org_page.new_visit"))
        self.open_button.setEnabled(self.timeline.rowCount() > 0)
        self.print_button.setEnabled(self.timeline.rowCount() > 0)
        if self.timeline.rowCount():
            self.timeline.selectRow(0)
        self.timeline.setFocus()

    def _fill_timeline(self, visits: list[Visit]) -> None:
        lang = self.ctx.lang
        kinds = self.ctx.form.choice_labels("visit_kind", lang)
        results = self.ctx.form.choice_labels("visit_result", lang)
        self.draft_id = None
        self.timeline.setRowCount(len(visits))
        for row, visit in enumerate(visits):
            kind = json.loads(visit.answers_json).get("visit_kind", "")
            if visit.deleted_at is not None:
                state = self.ctx.tr("ui.org_page.state.deleted", reason=visit.deleted_reason)
            elif visit.status == "draft":
                state = self.ctx.tr("ui.org_page.state.draft", revision=visit.revision)
                self.draft_id = self.draft_id or visit.id
            else:
                state = self.ctx.tr("ui.org_page.state.final", revision=visit.revision)
            cells = (visit.visit_date.isoformat() if visit.visit_date else "",
                     kinds.get(kind, kind), results.get(visit.visit_result or "", ""), state,
                     visit.officer)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, visit.id)
                if visit.deleted_at is not None:
                    item.setForeground(QBrush(_GREY))
                self.timeline.setItem(row, column, item)

    def _status_text(self, case: CaseRow | None) -> str:
        if case is None:
            return ""
        parts = [self.ctx.tr(f"ui.status.{case.status}")]
        if case.status == "union" and case.union_status:
            forms = self.ctx.form.choice_labels("union_status", self.ctx.lang)
            parts.append(forms.get(case.union_status, case.union_status))
        if case.staff is not None:
            parts.append(self.ctx.tr("ui.org_page.staff", staff=case.staff))
        if case.members is not None:
            parts.append(self.ctx.tr("ui.org_page.members", members=case.members))
        if case.next_visit is not None:
            key = ("ui.org_page.overdue" if case.overdue(clock.today())
                   else "ui.org_page.next_visit")
            parts.append(self.ctx.tr(key, date=case.next_visit.isoformat()))
        return " · ".join(parts)

    def _selected_visit(self) -> str | None:
        item = self.timeline.item(self.timeline.currentRow(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _open_selected(self) -> None:
        visit_id = self._selected_visit()
        if visit_id:
            self.open_visit.emit(visit_id)

    def _print_selected(self) -> None:
        rows = sorted({index.row() for index in self.timeline.selectedIndexes()})
        items = [self.timeline.item(row, 0) for row in rows]
        ids = [item.data(Qt.ItemDataRole.UserRole) for item in items if item is not None]
        if ids:
            self.print_requested.emit(ids)

    def _new_or_continue(self) -> None:
        # One draft at a time per organization: continuing beats a duplicate visit.
        if self.draft_id:
            self.open_visit.emit(self.draft_id)
        elif self.org_id:
            self.new_visit.emit(self.org_id)
