"""The import dialog's first, second and last pages: the file, its columns, the result.

Each page shows what the wizard hands it and says what the officer chose by a
signal; reading, planning and importing stay with the wizard.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.forms.model import pick_label
from fieldsurvey.messages import Message
from fieldsurvey.register import (
    FIELD_LABELS,
    Action,
    ImportPlan,
    ImportResult,
    RegisterSheet,
    column_letter,
    propose_mapping,
)
from fieldsurvey.store.organizations import EDITABLE
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.import_check import ACTION_WORDS, ERROR_COLOR, counts_text, error_label

PREVIEW_ROWS = 20
# Long header texts are cut in the column choosers, not in the file.
_HEADER_CHARS = 24
# Choice lists of the shipped form that hold the codes plan_import stores.
CHOICE_LISTS = {"reg_type": "reg_type", "field": "org_field"}


class FilePage(QWidget):
    """Step 1: which file, which sheet, and what was found in it."""

    browse_requested = Signal()
    sheet_requested = Signal(str)
    """The officer picked another sheet of the same file, by name."""
    stop_requested = Signal()
    """The officer does not want to wait for the file being read."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        intro = QLabel(ctx.tr("ui.import.file_intro"))
        intro.setWordWrap(True)
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(ctx.tr("ui.import.no_file"))
        self.browse_button = QPushButton(ctx.tr("ui.import.browse"))
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self.browse_requested)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setEnabled(False)
        self.sheet_combo.setMinimumContentsLength(20)
        self.sheet_combo.activated.connect(self._sheet_chosen)
        form = QFormLayout()
        form.addRow(ctx.tr("ui.import.file"), file_row)
        form.addRow(ctx.tr("ui.import.sheet"), self.sheet_combo)
        self.file_summary = QLabel()
        self.file_summary.setWordWrap(True)
        self.file_error = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(self._build_reading())
        layout.addWidget(self.file_summary)
        layout.addWidget(self.file_error)
        layout.addStretch(1)
        if ctx.profile is None:
            self.browse_button.setEnabled(False)
            self.file_error.setText(ctx.tr("ui.import.no_profile"))

    def _build_reading(self) -> QHBoxLayout:
        # Shown while a worker thread reads the file: a big or hostile workbook
        # then costs the officer a wait she can end, not the app.
        self.reading_bar = QProgressBar()
        self.reading_bar.setRange(0, 0)
        self.reading_bar.setTextVisible(False)
        self.reading_label = QLabel(self.ctx.tr("ui.import.reading"))
        self.stop_button = QPushButton(self.ctx.tr("ui.import.stop_reading"))
        self.stop_button.setAutoDefault(False)
        self.stop_button.clicked.connect(self.stop_requested)
        row = QHBoxLayout()
        row.addWidget(self.reading_label)
        row.addWidget(self.reading_bar, 1)
        row.addWidget(self.stop_button)
        self.set_reading(False)
        return row

    def set_reading(self, reading: bool) -> None:
        for widget in (self.reading_bar, self.reading_label, self.stop_button):
            widget.setVisible(reading)
        self.browse_button.setEnabled(not reading and self.ctx.profile is not None)
        self.sheet_combo.setEnabled(not reading and self.sheet_combo.count() > 1)

    def show_progress(self, done: int, total: int, stage: object) -> None:
        """A report of the reading worker (see :class:`QtProgress`)."""
        if isinstance(stage, Message):
            self.reading_label.setText(self.ctx.word(stage))
        if total > 0:
            self.reading_bar.setRange(0, total)
            self.reading_bar.setValue(min(done, total))

    def start(self, path: Path) -> None:
        """A file was chosen: forget what the page said about the last one."""
        self.path_edit.setText(str(path))
        self.file_summary.clear()
        self.file_error.clear()
        self.reading_label.setText(self.ctx.tr("ui.import.reading"))
        self.reading_bar.setRange(0, 0)

    def clear_sheets(self) -> None:
        self.sheet_combo.clear()
        self.sheet_combo.setEnabled(False)

    def show_sheets(self, sheet: RegisterSheet) -> None:
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(list(sheet.sheets))
        self.sheet_combo.setCurrentText(sheet.sheet)
        self.sheet_combo.setEnabled(len(sheet.sheets) > 1)
        self.sheet_combo.blockSignals(False)

    def _sheet_chosen(self, index: int) -> None:
        if index >= 0:
            self.sheet_requested.emit(self.sheet_combo.itemText(index))


class MappingPage(QWidget):
    """Step 2: the header row and which column feeds which field, with a preview."""

    changed = Signal()
    """The header row or a column changed: the plan must be made again."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sheet: RegisterSheet | None = None
        self.header_row = 0
        intro = QLabel(ctx.tr("ui.import.mapping_intro"))
        intro.setWordWrap(True)
        self.header_spin = QSpinBox()
        self.header_spin.setMinimum(1)
        self.header_spin.valueChanged.connect(self._header_row_changed)
        header_row = QHBoxLayout()
        header_row.addWidget(QLabel(ctx.tr("ui.import.header_row")))
        header_row.addWidget(self.header_spin)
        header_row.addStretch(1)
        self.mapping_summary = QLabel()
        self.mapping_summary.setWordWrap(True)
        self.mapping_error = error_label()
        self.preview = QTableWidget()
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.preview.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(header_row)
        layout.addWidget(self._build_columns())
        layout.addWidget(self.mapping_error)
        layout.addWidget(QLabel(ctx.tr("ui.import.preview", rows=PREVIEW_ROWS)))
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.mapping_summary)

    def _build_columns(self) -> QGroupBox:
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
        return box

    def set_header(self, sheet: RegisterSheet, row: int, mapping: Mapping[str, int]) -> None:
        """Show ``sheet`` with its header in ``row`` (0-based) and these columns."""
        self.sheet = sheet
        self.header_row = row
        self.header_spin.blockSignals(True)
        self.header_spin.setMaximum(len(sheet.rows))
        self.header_spin.setValue(row + 1)
        self.header_spin.blockSignals(False)
        cells = sheet.rows[row]
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
        self.changed.emit()

    def _header_row_changed(self, value: int) -> None:
        if self.sheet is not None:
            self.set_header(self.sheet, value - 1, propose_mapping(self.sheet.rows[value - 1]))

    def _column_chosen(self, field: str) -> None:
        column = self.field_combos[field].currentData()
        if column is not None and column >= 0:
            # One column feeds one field: taking it elsewhere frees it here.
            for other, combo in self.field_combos.items():
                if other != field and combo.currentData() == column:
                    combo.blockSignals(True)
                    combo.setCurrentIndex(0)
                    combo.blockSignals(False)
        self.changed.emit()

    def mapping(self) -> dict[str, int]:
        """Field -> column as the combo boxes say now."""
        chosen = {f: c.currentData() for f, c in self.field_combos.items()}
        return {f: int(column) for f, column in chosen.items()
                if column is not None and column >= 0}

    def _choice_label(self, field: str, code: str | None) -> str:
        if code is None:
            return ""
        for choice in self.ctx.form.choices.get(CHOICE_LISTS.get(field, ""), ()):
            if choice.name == code:
                return pick_label(choice.labels, self.ctx.lang, self.ctx.form.default_language)
        return code

    def show_plan(self, plan: ImportPlan | None) -> None:
        """The first rows as they would be imported, and the counts."""
        fields = [f for f in EDITABLE if f in self.mapping()]
        self.preview.clear()
        self.preview.setColumnCount(len(fields) + 1)
        self.preview.setHorizontalHeaderLabels(
            [self.ctx.tr("ui.import.outcome")] + [self.ctx.tr(FIELD_LABELS[f]) for f in fields])
        entries = list(plan.entries[:PREVIEW_ROWS]) if plan else []
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
                if field == "uscc" and entry.values.get("uscc_pending"):
                    text = self.ctx.tr("ui.import.pending_code",
                                       value=entry.values["uscc_pending"])
                self.preview.setItem(r, c, QTableWidgetItem(text or ""))
        self.preview.resizeColumnsToContents()
        if plan is None:
            self.mapping_summary.clear()
        else:
            self.mapping_summary.setText(counts_text(self.ctx, plan))


class ResultPage(QWidget):
    """Step 4: what the import changed."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setStyleSheet("font-size: 14px;")
        self.result_note = QLabel()
        self.result_note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.result_label)
        layout.addWidget(self.result_note)
        layout.addStretch(1)

    def show_result(self, result: ImportResult) -> None:
        self.result_label.setText(self.ctx.tr(
            "ui.import.result", new=result.new, updated=result.updated,
            unchanged=result.unchanged, skipped=result.skipped))
        notes = [self.ctx.tr("ui.import.result_note")] if result.skipped else []
        if result.pending:
            notes.append(self.ctx.tr("ui.import.result_pending", count=result.pending))
        self.result_note.setText("\n".join(notes))
