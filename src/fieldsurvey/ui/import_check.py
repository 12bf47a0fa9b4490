"""The import dialog's check page: every problem of the plan, filtered and copied.

Also the words and colours the other pages of the dialog share (what happens
to a row, how an error is coloured).
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
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

from fieldsurvey.register import FIELD_LABELS, Action, ImportPlan, PlanEntry, Problem
from fieldsurvey.ui.context import AppContext

# Up to this many problems, rows grow to show whole messages; beyond it measuring
# every row would make the page slow to open, and the detail line below serves.
WRAP_LIMIT = 500
ERROR_COLOR = QColor("#b00020")
WARNING_COLOR = QColor("#8a5a00")

ACTION_WORDS = {
    Action.NEW: "ui.import.action.new",
    Action.UPDATE: "ui.import.action.update",
    Action.UNCHANGED: "ui.import.action.unchanged",
    Action.SKIPPED: "ui.import.action.skipped",
}
SEVERITY_WORDS = {"error": "ui.import.severity.error", "warning": "ui.import.severity.warning"}
PROBLEM_COLUMNS = {
    "row": "ui.import.problem_column.row",
    "organization": "ui.import.problem_column.organization",
    "column": "ui.import.problem_column.column",
    "field": "ui.import.problem_column.field",
    "severity": "ui.import.problem_column.severity",
    "outcome": "ui.import.problem_column.outcome",
    "message": "ui.import.problem_column.message",
}
FILTERS = ("all", "error", "warning")
FILTER_WORDS = {
    "all": "ui.import.filter.all",
    "error": "ui.import.filter.error",
    "warning": "ui.import.filter.warning",
}


def error_label() -> QLabel:
    """A selectable red label for what went wrong on a page."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOR.name()};")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def counts_text(ctx: AppContext, plan: ImportPlan) -> str:
    counts = plan.counts()
    return ctx.tr("ui.import.counts", new=counts.new, update=counts.update,
                  unchanged=counts.unchanged, skipped=counts.skipped)


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
            (str(p.row), p.organization, p.column, tr(FIELD_LABELS[p.field]),
             tr(SEVERITY_WORDS[p.severity]), tr(ACTION_WORDS[entry.action]), word(p.message))
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
        if role == Qt.ItemDataRole.ForegroundRole and column in (4, 5):
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


class CheckPage(QWidget):
    """Step 3: what importing would do, and every problem, each naming its cell.

    A credit code set aside as pending (待核实) can be corrected here: the
    officer types the code from the certificate and the plan is made again.
    """

    correction_requested = Signal(int, str)
    """Excel row, the credit code typed for it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.check_summary = QLabel()
        self.check_summary.setWordWrap(True)
        self.check_summary.setStyleSheet("font-size: 14px;")
        self.check_where = QLabel()
        self.check_where.setWordWrap(True)
        self.problem_model = ProblemModel(ctx, self)
        self.problem_filter = ProblemFilter(self)
        self.problem_filter.setSourceModel(self.problem_model)
        self.problem_view = self._build_view()
        self.problem_count = QLabel()
        self.problem_detail = QLabel()
        self.problem_detail.setWordWrap(True)
        self.problem_detail.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.check_error = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.check_summary)
        layout.addWidget(self.check_where)
        layout.addLayout(self._build_filters())
        layout.addWidget(self.problem_view, 1)
        layout.addWidget(self.problem_detail)
        layout.addLayout(self._build_correction())
        layout.addWidget(self.problem_count)
        layout.addWidget(self.check_error)

    def _build_filters(self) -> QHBoxLayout:
        self.filter_combo = QComboBox()
        for key in FILTERS:
            self.filter_combo.addItem(self.ctx.tr(FILTER_WORDS[key]), key)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.ctx.tr("ui.import.search"))
        self.search_edit.setClearButtonEnabled(True)
        self.copy_button = QPushButton(self.ctx.tr("ui.import.copy"))
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_problems)
        self.filter_combo.currentIndexChanged.connect(self._filter_changed)
        self.search_edit.textChanged.connect(self._filter_changed)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.ctx.tr("ui.import.show")))
        filters.addWidget(self.filter_combo)
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.copy_button)
        return filters

    def _build_view(self) -> QTableView:
        view = QTableView()
        view.setModel(self.problem_filter)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setWordWrap(True)
        view.verticalHeader().setVisible(False)
        header = view.horizontalHeader()
        header.setStretchLastSection(True)
        for column in range(len(ProblemModel.COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        view.selectionModel().currentRowChanged.connect(self._problem_selected)
        return view

    def _build_correction(self) -> QHBoxLayout:
        self.correction_label = QLabel(self.ctx.tr("ui.import.correct_label"))
        self.correction_edit = QLineEdit()
        self.correction_edit.setPlaceholderText(self.ctx.tr("ui.org.uscc_placeholder"))
        self.correction_edit.setMaxLength(40)
        self.correction_edit.installEventFilter(self)
        self.correction_button = QPushButton(self.ctx.tr("ui.import.correct"))
        self.correction_button.setAutoDefault(False)
        self.correction_button.clicked.connect(self.apply_correction)
        self.correction_label.setBuddy(self.correction_edit)
        row = QHBoxLayout()
        row.addWidget(self.correction_label)
        row.addWidget(self.correction_edit, 1)
        row.addWidget(self.correction_button)
        self._correcting: int | None = None
        self._show_correction(None)
        return row

    def _show_correction(self, problem: Problem | None) -> None:
        pending = problem is not None and problem.message.code == "register.uscc_pending"
        self._correcting = problem.row if problem is not None and pending else None
        for widget in (self.correction_label, self.correction_edit, self.correction_button):
            widget.setVisible(pending)
        if problem is not None and pending:
            self.correction_label.setText(self.ctx.tr("ui.import.correct_label_row",
                                                      row=problem.row))
            self.correction_edit.setText(str(problem.message.params.get("value", "")))

    def apply_correction(self) -> None:
        """Send the typed code for the selected row; the wizard plans again."""
        code = self.correction_edit.text().strip()
        if self._correcting is not None and code:
            self.correction_requested.emit(self._correcting, code)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter in the correction field corrects; it must not reach the dialog's
        # default button, which would import.
        if (watched is self.correction_edit and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self.apply_correction()
            return True
        return super().eventFilter(watched, event)

    def show_plan(self, plan: ImportPlan | None) -> None:
        self.check_error.clear()
        if plan is None:
            return
        self.check_summary.setText(counts_text(self.ctx, plan))
        self.check_where.setText(self.ctx.tr(
            "ui.import.check_where", file=plan.file, sheet=plan.sheet,
            header=plan.header_row + 1))
        self.problem_model.set_plan(plan)
        self.problem_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
            if self.problem_model.rowCount() <= WRAP_LIMIT else QHeaderView.ResizeMode.Interactive)
        self.problem_detail.clear()
        self._show_correction(None)
        self._filter_changed()

    def _problem_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.problem_detail.clear()
            self._show_correction(None)
            return
        row = self.problem_filter.mapToSource(current).row()
        self.problem_detail.setText(self.problem_model.located_text(row))
        self._show_correction(self.problem_model.problem(row))

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
