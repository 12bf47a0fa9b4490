"""Adding or editing one organization of the register by hand.

The checks and the save are :mod:`fieldsurvey.register.editing`; the dialog
shows each finding under its field as the officer types, and enables Save
only when nothing blocks it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from fieldsurvey.forms.model import pick_label
from fieldsurvey.register import FIELD_LABELS, RegisterError
from fieldsurvey.register.editing import OrganizationCheck, check_organization, save_organization
from fieldsurvey.store.models import Organization
from fieldsurvey.store.organizations import EDITABLE
from fieldsurvey.ui import fit
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.discard import reject_asking

# Fields picked from a choice list of the shipped form (the codes are stored).
CHOICE_LISTS = {"reg_type": "reg_type", "field": "org_field"}
ERROR_STYLE = "color: #b00020;"
WARNING_STYLE = "color: #8a5a00;"


class OrganizationDialog(QDialog):
    """One organization's register entry: name, code, type, contacts."""

    saved = Signal(str)
    """The organization was saved; carries its id."""

    def __init__(self, ctx: AppContext, org_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.org_id = org_id
        self.township_code = ctx.profile.township_code if ctx.profile else ""
        self.check: OrganizationCheck | None = None
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        self.notes: dict[str, QLabel] = {}
        self._touched: set[str] = set()
        self.discard_box: QMessageBox | None = None
        self.setWindowTitle(ctx.tr("ui.org.title_edit" if org_id else "ui.org.title_new"))
        self.setMinimumWidth(620)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for field in EDITABLE:
            widget = self._input(field)
            note = QLabel()
            note.setWordWrap(True)
            note.setVisible(False)
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(widget)
            column.addWidget(note)
            label = QLabel(ctx.tr(FIELD_LABELS[field]) + ("*" if field == "name" else ""))
            label.setBuddy(widget)
            form.addRow(label, column)
            self.inputs[field] = widget
            self.notes[field] = note
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(ctx.tr("ui.org.save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            ctx.tr("ui.org.cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        hint = QLabel(ctx.tr("ui.org.hint"))
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        fit.scroll_body(self)  # on a small screen the fields scroll, the buttons stay
        if org_id is not None:
            self._load(org_id)
        if not self.township_code:
            self.error_label.setText(ctx.tr("ui.org.no_profile"))
        for field, widget in self.inputs.items():
            if isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(lambda _i, f=field: self._edited(f))
            else:
                widget.textEdited.connect(lambda _t, f=field: self._edited(f))
        self.recheck()

    def reject(self) -> None:
        """取消 or Esc: typed changes are thrown away only when the officer says so."""
        reject_asking(self, self.ctx.lang, bool(self._touched), super().reject)

    def _input(self, field: str) -> QLineEdit | QComboBox:
        if field not in CHOICE_LISTS:
            edit = QLineEdit()
            if field == "uscc":
                edit.setPlaceholderText(self.ctx.tr("ui.org.uscc_placeholder"))
            return edit
        combo = QComboBox()
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        combo.addItem(self.ctx.tr("ui.org.not_chosen"), None)
        for choice in self.ctx.form.choices.get(CHOICE_LISTS[field], ()):
            combo.addItem(pick_label(choice.labels, self.ctx.lang, self.ctx.form.default_language),
                          choice.name)
        return combo

    def _load(self, org_id: str) -> None:
        with self.ctx.db.sessions() as session:
            org = session.get(Organization, org_id)
            if org is None:
                self.error_label.setText(self.ctx.tr("register.organization_gone"))
                return
            self.township_code = org.township_code
            stored = {field: getattr(org, field) for field in EDITABLE}
            if not org.uscc and org.uscc_pending:
                # The code awaiting verification is there to be corrected in place.
                stored["uscc"] = org.uscc_pending
        for field, value in stored.items():
            widget = self.inputs[field]
            if isinstance(widget, QComboBox):
                index = widget.findData(value)
                if index < 0 and value:
                    # A code the form no longer offers is shown, not silently dropped.
                    widget.addItem(str(value), value)
                    index = widget.count() - 1
                widget.setCurrentIndex(max(index, 0))
            else:
                widget.setText(value or "")

    def values(self) -> dict[str, str | None]:
        """What the officer has entered, field by field."""
        out: dict[str, str | None] = {}
        for field, widget in self.inputs.items():
            out[field] = widget.currentData() if isinstance(widget, QComboBox) else widget.text()
        return out

    def _edited(self, field: str) -> None:
        self._touched.add(field)
        self.recheck()

    def recheck(self) -> None:
        """Check the values now and show what is wrong under each field."""
        try:
            with self.ctx.db.sessions() as session:
                self.check = check_organization(session, self.values(), self.township_code,
                                                self.org_id)
        except SQLAlchemyError as exc:
            self.check = None
            self.error_label.setText(self.ctx.tr("ui.org.failed", detail=str(exc)))
            self.save_button.setEnabled(False)
            return
        for field, note in self.notes.items():
            findings = self.check.findings.get(field, ())
            if field == "name" and field not in self._touched and self.org_id is None:
                # An empty new dialog should not open with a complaint.
                findings = ()
            note.setText("\n".join(self.ctx.word(f.message) for f in findings))
            note.setStyleSheet(ERROR_STYLE if any(f.is_error for f in findings)
                               else WARNING_STYLE)
            note.setVisible(bool(findings))
        self.save_button.setEnabled(self.check.can_save and bool(self.township_code))

    def save(self) -> None:
        """Save in one transaction; on success emit ``saved`` and close."""
        self.recheck()
        if self.check is None or not self.check.can_save or not self.township_code:
            return
        try:
            org_id = save_organization(self.ctx.db, self.values(), self.township_code,
                                       self.org_id)
        except RegisterError as exc:
            self.error_label.setText(self.ctx.word(exc.message))
            return
        except SQLAlchemyError as exc:
            self.error_label.setText(self.ctx.tr("ui.org.failed", detail=str(exc)))
            return
        self.org_id = org_id
        self.saved.emit(org_id)
        self.accept()
