"""The register import dialog: file -> columns -> check -> import -> result.

All the deciding is done by :mod:`fieldsurvey.register`; this module only shows
it and passes the officer's corrections back.

Long work (planning and importing 50,000 rows takes a few seconds) runs in the
GUI thread, with a modal progress dialog whose progress object calls
``processEvents``. A worker thread was not chosen: the ``Database`` in
``store/db.py`` is one engine shared by every screen and its sessions must
not cross threads, SQLite allows one writer at a time anyway, and the modal
progress dialog already keeps the officer from starting anything else while
the import runs. Cancelling raises ``Cancelled`` inside the transaction, so
nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from fieldsurvey.forms.model import pick_label
from fieldsurvey.messages import Message
from fieldsurvey.progress import Cancelled
from fieldsurvey.register import (
    FIELD_LABELS,
    Action,
    ImportPlan,
    ImportResult,
    PlanEntry,
    Problem,
    RegisterError,
    RegisterSheet,
    apply_plan,
    column_letter,
    find_header,
    plan_import,
    propose_mapping,
    read_register,
)
from fieldsurvey.store.organizations import EDITABLE
from fieldsurvey.ui.context import AppContext

PREVIEW_ROWS = 20
# Up to this many problems, rows grow to show whole messages; beyond it measuring
# every row would make the page slow to open, and the detail line below serves.
WRAP_LIMIT = 500
# Long header texts are cut in the column choosers, not in the file.
_HEADER_CHARS = 24
ERROR_COLOR = QColor("#b00020")
WARNING_COLOR = QColor("#8a5a00")
# Choice lists of the shipped form that hold the codes plan_import stores.
CHOICE_LISTS = {"reg_type": "reg_type", "field": "org_field"}

ACTION_WORDS = {
    Action.NEW: "ui.import.action.new",
    Action.UPDATE: "ui.import.action.update",
    Action.UNCHANGED: "ui.import.action.unchanged",
    Action.SKIPPED: "ui.import.action.skipped",
}
SEVERITY_WORDS = {"error": "ui.import.severity.error", "warning": "ui.import.severity.warning"}
PROBLEM_COLUMNS = {
    "row": "ui.import.problem_column.row",
    "column": "ui.import.problem_column.column",
    "field": "ui.import.problem_column.field",
    "severity": "ui.import.problem_column.severity",
    "outcome": "ui.import.problem_column.outcome",
    "message": "ui.import.problem_column.message",
}
STEPS = ("ui.import.step.file", "ui.import.step.mapping", "ui.import.step.check",
         "ui.import.step.result")
FILTERS = ("all", "error", "warning")
FILTER_WORDS = {
    "all": "ui.import.filter.all",
    "error": "ui.import.filter.error",
    "warning": "ui.import.filter.warning",
}


class _DialogProgress:
    """A core ``Progress`` shown in a modal QProgressDialog, in the GUI thread."""

    def __init__(self, dialog: QProgressDialog, ctx: AppContext) -> None:
        self.dialog = dialog
        self.ctx = ctx

    def report(self, done: int, total: int | None = None, stage: Message | None = None) -> None:
        if stage is not None:
            self.dialog.setLabelText(self.ctx.word(stage))
        if total:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
        QApplication.processEvents()

    def cancelled(self) -> bool:
        QApplication.processEvents()
        return self.dialog.wasCanceled()


class ProblemModel(QAbstractTableModel):
    """The problems of a plan, one per line; words are rendered once per plan."""

    COLUMNS = tuple(PROBLEM_COLUMNS)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._problems: list[Problem] = []
        self._texts: list[tuple[str, ...]] = []
        self._located: list[str] = []

    def set_plan(self, plan: ImportPlan | None) -> None:
        self.beginResetModel()
        pairs: list[tuple[PlanEntry, Problem]] = list(plan.problems()) if plan else []
        self._problems = [p for _, p in pairs]
        tr, word = self.ctx.tr, self.ctx.word
        self._texts = [
            (str(p.row), p.column, tr(FIELD_LABELS[p.field]), tr(SEVERITY_WORDS[p.severity]),
             tr(ACTION_WORDS[entry.action]), word(p.message))
            for entry, p in pairs
        ]
        self._located = [word(p.located()) for p in self._problems]
        self.endResetModel()

    def problem(self, row: int) -> Problem:
        return self._problems[row]

    def located_text(self, row: int) -> str:
        """The message naming file, sheet, row and column (tooltips, copying)."""
        return self._located[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._problems)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[row][column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._located[row]
        if role == Qt.ItemDataRole.ForegroundRole and column in (3, 4):
            is_error = self._problems[row].is_error
            return QBrush(ERROR_COLOR if is_error else WARNING_COLOR)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.ctx.tr(PROBLEM_COLUMNS[self.COLUMNS[section]])
        return None


class ProblemFilter(QSortFilterProxyModel):
    """Keeps problems of one severity (or all) whose words contain the search text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.severity = "all"
        self.text = ""

    def set_filter(self, severity: str, text: str) -> None:
        self.beginFilterChange()
        self.severity = severity
        self.text = text.strip().lower()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, ProblemModel)
        problem = model.problem(source_row)
        if self.severity not in ("all", problem.severity):
            return False
        return not self.text or self.text in model.located_text(source_row).lower()


class ImportWizard(QDialog):
    """Import the township's register of organizations from an Excel list."""

    imported = Signal()
    """Organizations were added or changed; lists showing the register should reload."""

    FILE, MAPPING, CHECK, RESULT = range(4)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 path: Path | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.sheet: RegisterSheet | None = None
        self.header_row = 0
        self.plan: ImportPlan | None = None
        self.import_result: ImportResult | None = None
        self.setWindowTitle(ctx.tr("ui.import.title"))
        # Fits a 1366x768 laptop screen with the taskbar and title bar.
        self.resize(1120, 660)
        self.setMinimumSize(860, 520)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_file_page())
        self.stack.addWidget(self._build_mapping_page())
        self.stack.addWidget(self._build_check_page())
        self.stack.addWidget(self._build_result_page())
        layout = QVBoxLayout(self)
        self.step_label = QLabel()
        self.step_label.setStyleSheet("font-weight: bold; font-size: 15px;")
        layout.addWidget(self.step_label)
        layout.addWidget(self.stack, 1)
        layout.addLayout(self._build_buttons())
        self._go(self.FILE)
        if path is not None:
            self.load_file(path)

    # -- building -------------------------------------------------------------------------
    def _build_buttons(self) -> QHBoxLayout:
        self.back_button = QPushButton(self.ctx.tr("ui.import.back"))
        self.next_button = QPushButton(self.ctx.tr("ui.import.next"))
        self.import_button = QPushButton(self.ctx.tr("ui.import.do_import"))
        self.close_button = QPushButton(self.ctx.tr("ui.import.cancel"))
        self.back_button.clicked.connect(self._back)
        self.next_button.clicked.connect(self._next)
        self.import_button.clicked.connect(self.start_import)
        self.close_button.clicked.connect(self._close)
        self.next_button.setDefault(True)
        row = QHBoxLayout()
        row.addStretch(1)
        for button in (self.back_button, self.next_button, self.import_button,
                       self.close_button):
            row.addWidget(button)
        return row

    def _error_label(self) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setStyleSheet(f"color: {ERROR_COLOR.name()};")
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _build_file_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(self.ctx.tr("ui.import.file_intro"))
        intro.setWordWrap(True)
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(self.ctx.tr("ui.import.no_file"))
        self.browse_button = QPushButton(self.ctx.tr("ui.import.browse"))
        self.browse_button.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setEnabled(False)
        self.sheet_combo.setMinimumContentsLength(20)
        self.sheet_combo.activated.connect(self._sheet_chosen)
        form = QFormLayout()
        form.addRow(self.ctx.tr("ui.import.file"), file_row)
        form.addRow(self.ctx.tr("ui.import.sheet"), self.sheet_combo)
        self.file_summary = QLabel()
        self.file_summary.setWordWrap(True)
        self.file_error = self._error_label()
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.file_summary)
        layout.addWidget(self.file_error)
        layout.addStretch(1)
        if self.ctx.profile is None:
            self.browse_button.setEnabled(False)
            self.file_error.setText(self.ctx.tr("ui.import.no_profile"))
        return page

    def _build_mapping_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(self.ctx.tr("ui.import.mapping_intro"))
        intro.setWordWrap(True)
        self.header_spin = QSpinBox()
        self.header_spin.setMinimum(1)
        self.header_spin.valueChanged.connect(self._header_row_changed)
        header_row = QHBoxLayout()
        header_row.addWidget(QLabel(self.ctx.tr("ui.import.header_row")))
        header_row.addWidget(self.header_spin)
        header_row.addStretch(1)
        box = QGroupBox(self.ctx.tr("ui.import.columns"))
        grid = QGridLayout(box)
        self.field_combos: dict[str, QComboBox] = {}
        for i, field in enumerate(EDITABLE):
            combo = QComboBox()
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
            combo.currentIndexChanged.connect(lambda _i, f=field: self._column_chosen(f))
            label = QLabel(self.ctx.tr(FIELD_LABELS[field]) + ("*" if field == "name" else ""))
            label.setBuddy(combo)
            row, col = divmod(i, 2)
            grid.addWidget(label, row, col * 2)
            grid.addWidget(combo, row, col * 2 + 1)
            self.field_combos[field] = combo
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.mapping_summary = QLabel()
        self.mapping_summary.setWordWrap(True)
        self.mapping_error = self._error_label()
        self.preview = QTableWidget()
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.preview.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addLayout(header_row)
        layout.addWidget(box)
        layout.addWidget(self.mapping_error)
        layout.addWidget(QLabel(self.ctx.tr("ui.import.preview", rows=PREVIEW_ROWS)))
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.mapping_summary)
        return page

    def _build_check_page(self) -> QWidget:
        page = QWidget()
        self.check_summary = QLabel()
        self.check_summary.setWordWrap(True)
        self.check_summary.setStyleSheet("font-size: 14px;")
        self.check_where = QLabel()
        self.check_where.setWordWrap(True)
        self.filter_combo = QComboBox()
        for key in FILTERS:
            self.filter_combo.addItem(self.ctx.tr(FILTER_WORDS[key]), key)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.ctx.tr("ui.import.search"))
        self.search_edit.setClearButtonEnabled(True)
        self.copy_button = QPushButton(self.ctx.tr("ui.import.copy"))
        self.copy_button.clicked.connect(self.copy_problems)
        self.filter_combo.currentIndexChanged.connect(self._filter_changed)
        self.search_edit.textChanged.connect(self._filter_changed)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.ctx.tr("ui.import.show")))
        filters.addWidget(self.filter_combo)
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.copy_button)
        self.problem_model = ProblemModel(self.ctx, self)
        self.problem_filter = ProblemFilter(self)
        self.problem_filter.setSourceModel(self.problem_model)
        self.problem_view = QTableView()
        self.problem_view.setModel(self.problem_filter)
        self.problem_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problem_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problem_view.setWordWrap(True)
        self.problem_view.verticalHeader().setVisible(False)
        header = self.problem_view.horizontalHeader()
        header.setStretchLastSection(True)
        for column in range(len(ProblemModel.COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.problem_view.selectionModel().currentRowChanged.connect(self._problem_selected)
        self.problem_count = QLabel()
        self.problem_detail = QLabel()
        self.problem_detail.setWordWrap(True)
        self.problem_detail.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.check_error = self._error_label()
        layout = QVBoxLayout(page)
        layout.addWidget(self.check_summary)
        layout.addWidget(self.check_where)
        layout.addLayout(filters)
        layout.addWidget(self.problem_view, 1)
        layout.addWidget(self.problem_detail)
        layout.addWidget(self.problem_count)
        layout.addWidget(self.check_error)
        return page

    def _build_result_page(self) -> QWidget:
        page = QWidget()
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setStyleSheet("font-size: 14px;")
        self.result_note = QLabel()
        self.result_note.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addWidget(self.result_label)
        layout.addWidget(self.result_note)
        layout.addStretch(1)
        return page

    # -- navigation -----------------------------------------------------------------------
    def _go(self, page: int) -> None:
        self.stack.setCurrentIndex(page)
        self.step_label.setText(self.ctx.tr(STEPS[page]))
        if page == self.CHECK:
            self._show_check()
        self._update_buttons()

    def _update_buttons(self) -> None:
        page = self.stack.currentIndex()
        self.back_button.setVisible(page in (self.MAPPING, self.CHECK))
        self.next_button.setVisible(page in (self.FILE, self.MAPPING))
        self.import_button.setVisible(page == self.CHECK)
        if page == self.FILE:
            self.next_button.setEnabled(self.sheet is not None and not self.file_error.text())
        elif page == self.MAPPING:
            self.next_button.setEnabled(self.plan is not None)
        counts = self.plan.counts() if self.plan else None
        self.import_button.setEnabled(bool(counts and counts.new + counts.update))
        if counts:
            self.import_button.setText(self.ctx.tr("ui.import.do_import_count",
                                                   count=counts.new + counts.update))
        self.close_button.setText(self.ctx.tr(
            "ui.import.finish" if page == self.RESULT else "ui.import.cancel"))

    def _next(self) -> None:
        page = self.stack.currentIndex()
        if page == self.FILE and self.sheet is not None:
            self._go(self.MAPPING)
        elif page == self.MAPPING and self.plan is not None:
            self._go(self.CHECK)

    def _back(self) -> None:
        self._go(max(self.FILE, self.stack.currentIndex() - 1))

    def _close(self) -> None:
        if self.stack.currentIndex() == self.RESULT:
            self.accept()
        else:
            self.reject()

    # -- page 1: the file -----------------------------------------------------------------
    def _browse(self) -> None:
        start = str(self.path.parent) if self.path else str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.ctx.tr("ui.import.choose_file"), start,
            self.ctx.tr("ui.import.file_filter") + " (*.xlsx *.xlsm *.xls *.xlsb *.ods)")
        if chosen:
            self.load_file(Path(chosen))

    def load_file(self, path: Path, sheet: str | None = None) -> bool:
        """Read ``path`` (its first non-empty sheet, or ``sheet``); False on a problem."""
        self.path = path
        self.path_edit.setText(str(path))
        self.sheet = None
        self.plan = None
        self.file_summary.clear()
        if self.ctx.profile is None:
            # New organizations need the township code; the file page says so.
            self._update_buttons()
            return False
        self.file_error.clear()
        try:
            with _busy():
                self.sheet = read_register(path, sheet)
        except RegisterError as exc:
            self.file_error.setText(self.ctx.word(exc.message))
            if sheet is None:
                self.sheet_combo.clear()
                self.sheet_combo.setEnabled(False)
            self._update_buttons()
            return False
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(list(self.sheet.sheets))
        self.sheet_combo.setCurrentText(self.sheet.sheet)
        self.sheet_combo.setEnabled(len(self.sheet.sheets) > 1)
        self.sheet_combo.blockSignals(False)
        try:
            guess = find_header(self.sheet)
        except RegisterError as exc:
            # The sheet stays chosen: the officer may pick another one in the list.
            self.file_error.setText(self.ctx.word(exc.message))
            self._update_buttons()
            return False
        self.file_summary.setText(self.ctx.tr(
            "ui.import.file_summary", sheet=self.sheet.sheet, rows=len(self.sheet.rows),
            header=guess.row + 1))
        self._set_header(guess.row, guess.mapping)
        self._update_buttons()
        return True

    def _sheet_chosen(self, index: int) -> None:
        if self.path is not None and index >= 0:
            self.load_file(self.path, self.sheet_combo.itemText(index))

    # -- page 2: header row and columns ---------------------------------------------------
    def _set_header(self, row: int, mapping: Mapping[str, int]) -> None:
        assert self.sheet is not None
        self.header_row = row
        self.header_spin.blockSignals(True)
        self.header_spin.setMaximum(len(self.sheet.rows))
        self.header_spin.setValue(row + 1)
        self.header_spin.blockSignals(False)
        cells = self.sheet.rows[row]
        for field, combo in self.field_combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.ctx.tr("ui.import.not_imported"), -1)
            for column, text in enumerate(cells):
                shown = text if len(text) <= _HEADER_CHARS else text[:_HEADER_CHARS] + "…"
                combo.addItem(f"{column_letter(column)}: {shown}" if shown
                              else column_letter(column), column)
            combo.setCurrentIndex(combo.findData(mapping.get(field, -1)))
            combo.blockSignals(False)
        self.replan()

    def _header_row_changed(self, value: int) -> None:
        if self.sheet is not None:
            self._set_header(value - 1, propose_mapping(self.sheet.rows[value - 1]))

    def _column_chosen(self, field: str) -> None:
        column = self.field_combos[field].currentData()
        if column is not None and column >= 0:
            # One column feeds one field: taking it elsewhere frees it here.
            for other, combo in self.field_combos.items():
                if other != field and combo.currentData() == column:
                    combo.blockSignals(True)
                    combo.setCurrentIndex(0)
                    combo.blockSignals(False)
        self.replan()

    def mapping(self) -> dict[str, int]:
        """Field -> column as the combo boxes say now."""
        chosen = {f: c.currentData() for f, c in self.field_combos.items()}
        return {f: int(column) for f, column in chosen.items()
                if column is not None and column >= 0}

    def replan(self) -> None:
        """Plan again with the current header row and columns; update preview and check."""
        self.plan = None
        self.mapping_error.clear()
        if self.sheet is None or self.ctx.profile is None:
            return
        progress_dialog = self._progress_dialog("register.stage.checking")
        try:
            with self.ctx.db.sessions() as session:
                self.plan = plan_import(self.sheet, self.header_row, self.mapping(), session,
                                        self.ctx.profile.township_code,
                                        _DialogProgress(progress_dialog, self.ctx))
        except RegisterError as exc:
            self.mapping_error.setText(self.ctx.word(exc.message))
        except Cancelled:
            self.mapping_error.setText(self.ctx.tr("ui.import.check_cancelled"))
        finally:
            _dismiss(progress_dialog)
        self._show_preview()
        self._update_buttons()

    def _choice_label(self, field: str, code: str | None) -> str:
        if code is None:
            return ""
        for choice in self.ctx.form.choices.get(CHOICE_LISTS.get(field, ""), ()):
            if choice.name == code:
                return pick_label(choice.labels, self.ctx.lang, self.ctx.form.default_language)
        return code

    def _show_preview(self) -> None:
        fields = [f for f in EDITABLE if f in self.mapping()]
        self.preview.clear()
        self.preview.setColumnCount(len(fields) + 1)
        self.preview.setHorizontalHeaderLabels(
            [self.ctx.tr("ui.import.outcome")] + [self.ctx.tr(FIELD_LABELS[f]) for f in fields])
        entries = list(self.plan.entries[:PREVIEW_ROWS]) if self.plan else []
        self.preview.setRowCount(len(entries))
        self.preview.setVerticalHeaderLabels([str(e.row) for e in entries])
        for r, entry in enumerate(entries):
            outcome = QTableWidgetItem(self.ctx.tr(ACTION_WORDS[entry.action]))
            if entry.action is Action.SKIPPED:
                outcome.setForeground(QBrush(ERROR_COLOR))
            self.preview.setItem(r, 0, outcome)
            for c, field in enumerate(fields, start=1):
                value = entry.values.get(field)
                text = self._choice_label(field, value) if field in CHOICE_LISTS else value
                self.preview.setItem(r, c, QTableWidgetItem(text or ""))
        self.preview.resizeColumnsToContents()
        if self.plan is None:
            self.mapping_summary.clear()
        else:
            self.mapping_summary.setText(self._counts_text(self.plan))

    # -- page 3: the check ----------------------------------------------------------------
    def _counts_text(self, plan: ImportPlan) -> str:
        counts = plan.counts()
        return self.ctx.tr("ui.import.counts", new=counts.new, update=counts.update,
                           unchanged=counts.unchanged, skipped=counts.skipped)

    def _show_check(self) -> None:
        self.check_error.clear()
        if self.plan is None:
            return
        self.check_summary.setText(self._counts_text(self.plan))
        self.check_where.setText(self.ctx.tr(
            "ui.import.check_where", file=self.plan.file, sheet=self.plan.sheet,
            header=self.plan.header_row + 1))
        self.problem_model.set_plan(self.plan)
        self.problem_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
            if self.problem_model.rowCount() <= WRAP_LIMIT else QHeaderView.ResizeMode.Interactive)
        self.problem_detail.clear()
        self._filter_changed()

    def _problem_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.problem_detail.clear()
            return
        row = self.problem_filter.mapToSource(current).row()
        self.problem_detail.setText(self.problem_model.located_text(row))

    def _filter_changed(self) -> None:
        self.problem_filter.set_filter(str(self.filter_combo.currentData()),
                                       self.search_edit.text())
        self.problem_count.setText(self.ctx.tr(
            "ui.import.problem_count", shown=self.problem_filter.rowCount(),
            total=self.problem_model.rowCount()))

    def copy_problems(self) -> None:
        """Put the problems shown, each naming file, sheet, row and column, on the clipboard."""
        lines = [self.problem_model.located_text(self.problem_filter.mapToSource(
            self.problem_filter.index(r, 0)).row()) for r in range(self.problem_filter.rowCount())]
        QGuiApplication.clipboard().setText("\n".join(lines))

    # -- importing ------------------------------------------------------------------------
    def _progress_dialog(self, stage: str) -> QProgressDialog:
        dialog = QProgressDialog(self.ctx.tr(stage), self.ctx.tr("ui.import.cancel"), 0, 0, self)
        dialog.setWindowTitle(self.ctx.tr("ui.import.title"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        # Small registers finish before the dialog would flash up.
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        return dialog

    def start_import(self) -> None:
        """Write the checked plan: new and changed organizations, in one transaction."""
        if self.plan is None:
            return
        dialog = self._progress_dialog("register.stage.importing")
        try:
            result = apply_plan(self.ctx.db, self.plan, _DialogProgress(dialog, self.ctx))
        except Cancelled:
            self.check_error.setText(self.ctx.tr("ui.import.import_cancelled"))
            return
        except RegisterError as exc:
            # The register changed since the check: check again before importing.
            self.replan()
            self._show_check()
            self.check_error.setText(self.ctx.word(exc.message))
            return
        except (SQLAlchemyError, OSError) as exc:
            self.check_error.setText(self.ctx.tr("ui.import.failed", detail=str(exc)))
            return
        finally:
            _dismiss(dialog)
        self.import_result = result
        self.result_label.setText(self.ctx.tr(
            "ui.import.result", new=result.new, updated=result.updated,
            unchanged=result.unchanged, skipped=result.skipped))
        self.result_note.setText(self.ctx.tr("ui.import.result_note") if result.skipped
                                 else "")
        self._go(self.RESULT)
        self.imported.emit()


def _dismiss(dialog: QProgressDialog) -> None:
    # reset() also stops the timer that would show the dialog after its minimum
    # duration, which a plain close() leaves running.
    dialog.reset()
    dialog.close()
    dialog.deleteLater()


@contextmanager
def _busy() -> Iterator[None]:
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
