"""The main screen: every organization of the township, searchable and filterable."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QThread, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.cases.filtering import CaseFilter
from fieldsurvey.cases.loading import CaseRow, first_organizations, load_cases
from fieldsurvey.cases.status import STATUSES
from fieldsurvey.store.county import returned_cases
from fieldsurvey.ui import fit
from fieldsurvey.ui.case_model import COLUMNS, CaseTableModel
from fieldsurvey.ui.context import AppContext

#: Rows read and painted before the rest of the register (a tall screen shows ~40).
FIRST_SCREEN = 100


class _CaseLoader(QThread):
    """Reads the whole register on a worker thread, with its own database connection."""

    loaded = Signal(int, object)  # generation, list[CaseRow]

    def __init__(self, ctx: AppContext, township: str | None, generation: int,
                 parent: QObject) -> None:
        super().__init__(parent)
        self.ctx, self.township, self.generation = ctx, township, generation

    def run(self) -> None:
        with self.ctx.db.sessions() as session:  # reads: never holds up an autosave
            rows = load_cases(session, self.ctx.form, self.township)
        self.loaded.emit(self.generation, rows)


class CaseListPage(QWidget):
    """Search box and filters above the table; Enter or a double click opens a case."""

    open_requested = Signal(str)  # organization id
    counts_changed = Signal(int, int, int)  # shown, total, overdue
    import_requested = Signal()  # the empty list's first step
    help_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = CaseTableModel(ctx, self)
        self._generation = 0
        self._loaders: set[_CaseLoader] = set()

        self.search = QLineEdit()
        self.search.setPlaceholderText(ctx.tr("ui.cases.search_placeholder"))
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("case_search")
        self.status_filter = QComboBox()
        self.status_filter.addItem(ctx.tr("ui.cases.all_statuses"), "")
        for status in STATUSES:
            self.status_filter.addItem(ctx.tr(f"ui.status.{status}"), status)
        self.type_filter = QComboBox()
        self.type_filter.addItem(ctx.tr("ui.cases.all_types"), "")
        for code, label in ctx.form.choice_labels("reg_type", ctx.lang).items():
            self.type_filter.addItem(label, code)
        self.field_filter = QComboBox()
        self.field_filter.addItem(ctx.tr("ui.cases.all_fields"), "")
        for code, label in ctx.form.choice_labels("org_field", ctx.lang).items():
            self.field_filter.addItem(label, code)
        self.overdue = QCheckBox(ctx.tr("ui.cases.overdue_only"))
        self.pending = QCheckBox(ctx.tr("ui.cases.pending_only"))
        self.pending.setToolTip(ctx.tr("ui.cases.pending_tip"))
        self.returned = QCheckBox(ctx.tr("ui.receive.returned_only"))
        self.returned.setObjectName("returned_filter")

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COLUMNS.index("name"), Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        # Fixed row heights and column widths: the view never measures 50,000 rows.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The name takes whatever room is left; on a narrow (125 %) screen the other
        # columns give way first, so names are not cut short while 状态 stays wide.
        widths = {COLUMNS.index(column): width for column, width in
                  zip(COLUMNS[1:], (170, 200, 230, 96, 96, 60, 60), strict=True)}
        samples = {COLUMNS.index("uscc"): "52421202391913279X",
                   COLUMNS.index("last_visit"): "2026-12-05",
                   COLUMNS.index("next_visit"): "2026-12-05"}
        fit.share_width(self.table, COLUMNS.index("name"), widths, samples=samples)
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        self.table.setObjectName("case_table")

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for widget in (self.status_filter, self.type_filter, self.field_filter):
            filters.addWidget(widget, 1)
        filters.addWidget(self.overdue)
        filters.addWidget(self.pending)
        filters.addWidget(self.returned)
        layout = QVBoxLayout(self)
        self.banner_slot = QVBoxLayout()  # the export reminder goes here
        layout.addLayout(self.banner_slot)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self._build_empty(), 1)

        self.search.textChanged.connect(self._apply_filter)
        for combo in (self.status_filter, self.type_filter, self.field_filter):
            combo.currentIndexChanged.connect(self._apply_filter)
        self.overdue.toggled.connect(self._apply_filter)
        self.pending.toggled.connect(self._apply_filter)
        self.returned.toggled.connect(self._apply_filter)
        self.search.installEventFilter(self)
        self.table.installEventFilter(self)
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)

    def _build_empty(self) -> QWidget:
        """What a new officer sees before the first import: the way to it."""
        self.empty_panel = QWidget()
        text = QLabel(self.ctx.tr("ui.cases.empty.text"))
        text.setWordWrap(True)
        text.setStyleSheet("font-size: 15px;")
        self.import_button = QPushButton(self.ctx.tr("ui.cases.empty.import"))
        self.import_button.setStyleSheet("font-size: 15px; padding: 8px 24px;")
        self.import_button.clicked.connect(self.import_requested)
        self.help_button = QPushButton(self.ctx.tr("ui.cases.empty.help"))
        self.help_button.clicked.connect(self.help_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.help_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self.empty_panel)
        layout.addStretch(1)
        layout.addWidget(text)
        layout.addLayout(buttons)
        layout.addStretch(2)
        self.empty_panel.hide()
        return self.empty_panel

    # --- public ----------------------------------------------------------------------
    def reload(self) -> None:
        """Read the whole register again (at start, after an import); keep the selection.

        The first screenful is read and painted at once; the rest is read on a
        worker thread (about a second for 50,000 organizations) and replaces it.
        """
        township = self.ctx.profile.township_code if self.ctx.profile else None
        with self.ctx.db.transaction() as session:
            first = load_cases(session, self.ctx.form, township,
                               organization_ids=first_organizations(session, township,
                                                                    FIRST_SCREEN))
        self._show(first, complete=False)
        self._generation += 1
        loader = _CaseLoader(self.ctx, township, self._generation, self)
        loader.loaded.connect(self._loaded)
        loader.finished.connect(loader.deleteLater)
        self._loaders.add(loader)
        loader.finished.connect(lambda: self._loaders.discard(loader))
        loader.start()

    def refresh(self, org_ids: list[str]) -> None:
        """Re-read a few organizations (after a visit or an edit) without reloading all."""
        with self.ctx.db.transaction() as session:
            rows = load_cases(session, self.ctx.form, organization_ids=org_ids)
        current = self.current_id()
        self.model.update_rows(rows)
        if current:
            self.select(current)
        self._emit_counts()

    def wait_loaded(self) -> None:
        """Block until the full register is shown (for tests and screenshots)."""
        for loader in list(self._loaders):
            loader.wait()
        QApplication.sendPostedEvents()

    def _loaded(self, generation: int, rows: list[CaseRow]) -> None:
        if generation == self._generation:  # a newer reload supersedes this one
            self._show(rows, complete=True)

    def _show(self, rows: list[CaseRow], *, complete: bool) -> None:
        current = self.current_id()
        self.model.set_rows(rows, complete=complete)
        if current:
            self.select(current)
        self._emit_counts()

    def current_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.row_at(index).id if index.isValid() else None

    def select(self, org_id: str) -> None:
        row = self.model.row_of(org_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # --- internals -------------------------------------------------------------------
    def _apply_filter(self, *_: Any) -> None:
        statuses = self.status_filter.currentData()
        self.model.set_filter(CaseFilter(
            text=self.search.text(),
            statuses=frozenset({statuses}) if statuses else frozenset(),
            reg_type=self.type_filter.currentData() or "",
            field=self.field_filter.currentData() or "",
            overdue_only=self.overdue.isChecked(),
            pending_only=self.pending.isChecked(),
            organizations=self._returned_organizations() if self.returned.isChecked() else None,
        ))
        if self.model.rowCount():
            self.table.selectRow(0)
        self._emit_counts()

    def _returned_organizations(self) -> frozenset[str]:
        """Organizations with a visit the county returned and the officer has neither fixed
        nor answered yet (read when the filter is applied: a few rows at most)."""
        with self.ctx.db.transaction() as session:
            return frozenset(c.organization_id for c in returned_cases(session) if c.to_fix)

    def _emit_counts(self) -> None:
        # An empty register (not an empty search result) shows the way to import one.
        empty = self.model.complete and not self.model.rows
        self.empty_panel.setVisible(empty)
        self.table.setVisible(not empty)
        if self.model.complete:
            self.counts_changed.emit(self.model.rowCount(), len(self.model.rows),
                                     self.model.overdue_count())

    def _open(self, view_row: int) -> None:
        if 0 <= view_row < self.model.rowCount():
            self.open_requested.emit(self.model.row_at(self.model.index(view_row, 0)).id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keyboard: Down/Enter from the search box go to the list; Enter opens; Esc clears."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if watched is self.search:
            if key == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) or enter:
                if self.model.rowCount():
                    self.table.setFocus()
                    if not self.table.currentIndex().isValid():
                        self.table.selectRow(0)
                    if enter and self.model.rowCount() == 1:
                        self._open(0)
                return True
        elif watched is self.table:
            if enter:
                self._open(self.table.currentIndex().row())
                return True
            if key == Qt.Key.Key_Up and self.table.currentIndex().row() <= 0:
                self.focus_search()
                return True
        return super().eventFilter(watched, event)
