"""First-run setup: who the officer is, which township, the language, and the signing key.

Nothing else in the app opens until this is done, because every visit, export
and printed record carries the officer and the township.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.identity.keys import IdentityError, create_identity, identity_exists
from fieldsurvey.messages import LANGUAGES, render
from fieldsurvey.paths import DataPaths
from fieldsurvey.store import Database
from fieldsurvey.store.profile import OfficerProfile, check_profile, save_profile
from fieldsurvey.ui import fit
from fieldsurvey.ui.discard import reject_asking

FIELDS = ("name", "phone", "township_code", "township_name", "county_code", "county_name")
_ERROR_STYLE = "color: #b3261e;"


class SetupDialog(QDialog):
    """Asks for the profile (and a passphrase when there is no key yet), checks, saves."""

    def __init__(self, db: Database, paths: DataPaths, lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.paths, self.lang = db, paths, lang
        self.profile: OfficerProfile | None = None
        self.needs_key = not identity_exists(paths.keys)
        self.setWindowTitle(self.tr_("ui.setup.title"))
        self.setMinimumWidth(560)

        intro = QLabel(self.tr_("ui.setup.intro"))
        intro.setWordWrap(True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        for field in FIELDS:
            self._add_row(form, field, QLineEdit())
        self.edits["township_code"].setPlaceholderText("330106001")
        self.edits["county_code"].setPlaceholderText("330106")
        self.edits["township_code"].textEdited.connect(self._suggest_county)
        self.language = QComboBox()
        for code in LANGUAGES:
            self.language.addItem(render(f"ui.setup.language_{code}", code), code)
        self.language.setCurrentIndex(LANGUAGES.index(lang))
        form.addRow(self.tr_("ui.setup.field.language"), self.language)
        if self.needs_key:
            key_note = QLabel(self.tr_("ui.setup.key_intro"))
            key_note.setWordWrap(True)
            form.addRow(key_note)
            for field in ("passphrase", "passphrase_again"):
                edit = QLineEdit()
                edit.setEchoMode(QLineEdit.EchoMode.Password)
                self._add_row(form, field, edit)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr_("ui.setup.finish"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr_("ui.setup.quit"))
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        buttons.accepted.connect(self._finish)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        fit.scroll_body(self)  # on a small screen the fields scroll, the buttons stay

    def reject(self) -> None:
        """Quit: what was typed is thrown away only when the officer says so."""
        typed = any(edit.text() for edit in self.edits.values())
        reject_asking(self, self.lang, typed, super().reject)

    def tr_(self, code: str, **params: object) -> str:
        return render(code, self.lang, **params)

    def _add_row(self, form: QFormLayout, field: str, edit: QLineEdit) -> None:
        edit.setObjectName(f"setup_{field}")
        error = QLabel()
        error.setStyleSheet(_ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(edit)
        column.addWidget(error)
        holder = QWidget()
        holder.setLayout(column)
        column.setContentsMargins(0, 0, 0, 0)
        label = QLabel(self.tr_(f"ui.setup.field.{field}") + " *")
        label.setBuddy(edit)
        form.addRow(label, holder)
        self.edits[field], self.errors[field] = edit, error
        edit.returnPressed.connect(lambda: self._return_pressed(edit))

    def _suggest_county(self, text: str) -> None:
        county = self.edits["county_code"]
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) >= 6 and not county.isModified():
            county.setText(digits[:6])

    def _show_errors(self, problems: dict[str, str]) -> None:
        for field, label in self.errors.items():
            label.setText(problems.get(field, ""))
            label.setVisible(field in problems)
        first = next((f for f in self.edits if f in problems), None)
        if first:
            self.edits[first].setFocus()
            self.edits[first].selectAll()

    def _finish(self) -> None:
        values = {field: self.edits[field].text() for field in FIELDS}
        profile = OfficerProfile(**values, language=self.language.currentData())
        problems = {f: m.render(self.lang) for f, m in check_profile(profile).items()}
        if self.needs_key:
            first, again = (self.edits[f].text() for f in ("passphrase", "passphrase_again"))
            if first != again:
                problems["passphrase_again"] = self.tr_("ui.setup.passphrase_mismatch")
        if problems:
            self._show_errors(problems)
            return
        tidy = profile.tidied()
        if self.needs_key:
            try:
                create_identity(self.paths.keys, self.edits["passphrase"].text(), role="officer",
                                name=tidy.name, unit_code=tidy.township_code,
                                unit_name=tidy.township_name, phone=tidy.phone)
            except IdentityError as exc:
                self._show_errors({"passphrase": exc.message.render(self.lang)})
                return
            finally:
                for field in ("passphrase", "passphrase_again"):
                    self.edits[field].clear()
        with self.db.transaction() as session:
            self.profile = save_profile(session, profile)
        self.accept()

    def _return_pressed(self, edit: QLineEdit) -> None:
        """Enter moves to the next field; on the last one it finishes the setup."""
        order = list(self.edits.values())
        position = order.index(edit)
        if position == len(order) - 1:
            self._finish()
        else:
            order[position + 1].setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter is handled per field (above), never by a default button: a half-filled
        # form must not be submitted by a stray Enter.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)
