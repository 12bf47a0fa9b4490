"""Which version of the form a blank paper form prints (issue 17): the newest by
default, any version the store has used on request (an older visit's paper copy)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.store.form_versions import stored_form, stored_versions
from fieldsurvey.ui.context import AppContext


class FormVersionDialog(QDialog):
    """A list of the stored versions, newest first; :meth:`chosen` after OK."""

    def __init__(self, ctx: AppContext, versions: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(ctx.tr("ui.form_version.title"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(ctx.tr("ui.form_version.choose")))
        self.versions = QComboBox()
        for version in reversed(versions):
            current = version == ctx.form.version
            self.versions.addItem(ctx.tr("ui.form_version.current", version=version)
                                  if current else version, version)
        layout.addWidget(self.versions)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> FormDefinition:
        version = str(self.versions.currentData())
        if version == self.ctx.form.version:
            return self.ctx.form
        with self.ctx.db.sessions() as session:
            return stored_form(session, self.ctx.form.form_id, version) or self.ctx.form


def blank_form_version(ctx: AppContext, parent: QWidget) -> FormDefinition | None:
    """The form to print blank: asks only when the store knows several versions."""
    with ctx.db.sessions() as session:
        versions = stored_versions(session, ctx.form.form_id)
    if len(versions) < 2:
        return ctx.form
    dialog = FormVersionDialog(ctx, versions, parent)
    return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
