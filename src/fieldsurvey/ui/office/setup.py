"""First run of a county (or city) federation's PC: which unit, who works here, the key,
and which database the office merges into.

The database is a SQLite file in the data folder by default; an office where
several staff share the work points every PC at one PostgreSQL database. On
"finish" the database is opened (created and migrated), the unit saved in it, the
office's signing key created (as the officer's is, in ``paths.keys``) and the data
folder marked as an office's (``office.json``), in that order: a problem with the
database leaves no key behind.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.county.db import OfficeDatabase, open_office
from fieldsurvey.county.office import (
    OfficeProfile,
    OfficeRole,
    check_office_profile,
    default_office_file,
    load_office_profile,
    office_target,
    save_office_profile,
    set_office_target,
)
from fieldsurvey.domain.division import normalize_division_code
from fieldsurvey.domain.findings import has_errors
from fieldsurvey.domain.phone import normalize_phone, validate_phone
from fieldsurvey.identity.envelope import check_new_passphrase
from fieldsurvey.identity.keys import IdentityError, create_identity, identity_exists, load_public
from fieldsurvey.messages import LANGUAGES, render
from fieldsurvey.paths import DataPaths
from fieldsurvey.store import StoreError
from fieldsurvey.ui import fit
from fieldsurvey.ui.discard import reject_asking

ROLES: tuple[OfficeRole, ...] = ("county", "city")
#: The fields with an error line under them, in the order Enter walks through them.
FIELDS = ("unit_code", "unit_name", "staff_name", "staff_phone", "passphrase",
          "passphrase_again", "db_url")
PLACEHOLDER_CODE = {"county": "421202", "city": "421200"}
ERROR_STYLE = "color: #b3261e;"
OK_STYLE = "color: #1e7d32;"


class OfficeSetupDialog(QDialog):
    """Asks, checks and saves (see the module doc).

    ``role`` preselects the level (from the mode dialog). With ``db`` the database is
    already chosen and open (``target`` names it) and only the profile is asked.
    After acceptance :attr:`db`, :attr:`profile` and :attr:`target` are set; the caller
    owns (and closes) the database.
    """

    def __init__(self, paths: DataPaths, lang: str, *, role: OfficeRole | None = None,
                 db: OfficeDatabase | None = None, target: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths, self.lang = paths, lang
        self.db: OfficeDatabase | None = db
        self._db_given = db is not None
        self.target: str | None = target
        self.profile: OfficeProfile | None = None
        self.needs_key = not identity_exists(paths.keys)
        self.setWindowTitle(self.tr_("ui.office_setup.title"))
        self.setMinimumWidth(620)
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self.labels: list[QLabel] = []  # of both forms, made one width so the fields align

        intro = QLabel(self.tr_("ui.office_setup.intro"))
        intro.setWordWrap(True)

        unit_box = QGroupBox(self.tr_("ui.office_setup.unit_group"))
        unit_form = self._form(unit_box)
        self.level = QComboBox()
        for value in ROLES:
            self.level.addItem(self.tr_(f"ui.office_setup.level_{value}"), value)
        self.level.setCurrentIndex(ROLES.index(role) if role in ROLES else 0)
        self.level.currentIndexChanged.connect(self._level_changed)
        level_label = QLabel(self.tr_("ui.office_setup.field.level"))
        self.labels.append(level_label)
        unit_form.addRow(level_label, self.level)
        self._add_row(unit_form, "unit_code", QLineEdit())
        self._add_row(unit_form, "unit_name", QLineEdit())
        self.language = QComboBox()
        for code in LANGUAGES:
            self.language.addItem(render(f"ui.setup.language_{code}", code), code)
        self.language.setCurrentIndex(LANGUAGES.index(lang))
        language_label = QLabel(self.tr_("ui.office_setup.field.language"))
        self.labels.append(language_label)
        unit_form.addRow(language_label, self.language)

        key_box = QGroupBox(self.tr_("ui.office_setup.key_group"))
        key_column = QVBoxLayout(key_box)
        key_form = QFormLayout()
        key_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if self.needs_key:
            # Above the form, not a spanning row of it: a wrapped label in a form row
            # gets the height of one line.
            key_note = QLabel(self.tr_("ui.office_setup.key_intro"))
            key_note.setWordWrap(True)
            key_column.addWidget(key_note)
            self._add_row(key_form, "staff_name", QLineEdit())
            self._add_row(key_form, "staff_phone", QLineEdit())
            for field in ("passphrase", "passphrase_again"):
                edit = QLineEdit()
                edit.setEchoMode(QLineEdit.EchoMode.Password)
                self._add_row(key_form, field, edit)
        else:
            key_column.addWidget(QLabel(self._existing_key_text()))
        key_column.addLayout(key_form)

        db_box = QGroupBox(self.tr_("ui.office_setup.db_group"))
        db_layout = QVBoxLayout(db_box)
        self.db_choice = QButtonGroup(self)
        self.local_radio = QRadioButton(self.tr_("ui.office_setup.db_local"))
        self.shared_radio = QRadioButton(self.tr_("ui.office_setup.db_shared"))
        self.db_choice.addButton(self.local_radio)
        self.db_choice.addButton(self.shared_radio)
        self.local_path = QLabel(str(default_office_file(paths)))
        self.local_path.setIndent(24)
        self.local_path.setStyleSheet("color: #5f6368;")
        self.local_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        url_edit = QLineEdit()
        url_edit.setPlaceholderText(self.tr_("ui.office_setup.url_hint"))
        self.test_button = QPushButton(self.tr_("ui.office_setup.test"))
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self.test_connection)
        url_row = QHBoxLayout()
        url_row.setContentsMargins(24, 0, 0, 0)
        url_row.addWidget(url_edit, 1)
        url_row.addWidget(self.test_button)
        self.edits["db_url"] = url_edit
        url_edit.setObjectName("office_setup_db_url")
        url_edit.returnPressed.connect(lambda: self._return_pressed(url_edit))
        self.db_status = QLabel()
        self.db_status.setWordWrap(True)
        self.db_status.setIndent(24)
        self.db_status.hide()
        self.errors["db_url"] = self.db_status
        db_layout.addWidget(self.local_radio)
        db_layout.addWidget(self.local_path)
        db_layout.addWidget(self.shared_radio)
        db_layout.addLayout(url_row)
        db_layout.addWidget(self.db_status)
        self.local_radio.setChecked(True)
        self.shared_radio.toggled.connect(self._db_choice_changed)
        if db is not None:  # already chosen (``--db`` or office.json): only show it
            for widget in (self.local_radio, self.shared_radio, self.local_path,
                           url_edit, self.test_button):
                widget.hide()
            shown = QLabel(self.tr_("ui.office_setup.db_given", url=db.url))
            shown.setWordWrap(True)
            db_layout.insertWidget(0, shown)
        self._db_choice_changed()
        self._level_changed()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.finish_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.finish_button.setText(self.tr_("ui.office_setup.finish"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            self.tr_("ui.office_setup.quit"))
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        buttons.accepted.connect(self.finish)
        buttons.rejected.connect(self.reject)
        width = max(label.sizeHint().width() for label in self.labels)
        for label in self.labels:
            label.setMinimumWidth(width)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(unit_box)
        layout.addWidget(key_box)
        layout.addWidget(db_box)
        layout.addWidget(buttons)
        fit.scroll_body(self)  # on a small screen the boxes scroll, the buttons stay

    def tr_(self, code: str, **params: object) -> str:
        return render(code, self.lang, **params)

    # -- building ------------------------------------------------------------------------
    @staticmethod
    def _form(box: QGroupBox) -> QFormLayout:
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return form

    def _add_row(self, form: QFormLayout, field: str, edit: QLineEdit) -> None:
        edit.setObjectName(f"office_setup_{field}")
        error = QLabel()
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        column = QVBoxLayout()
        column.setSpacing(2)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(edit)
        column.addWidget(error)
        holder = QWidget()
        holder.setLayout(column)
        label = QLabel(self.tr_(f"ui.office_setup.field.{field}") + " *")
        self.labels.append(label)
        label.setBuddy(edit)
        form.addRow(label, holder)
        self.edits[field], self.errors[field] = edit, error
        edit.returnPressed.connect(lambda: self._return_pressed(edit))

    def _existing_key_text(self) -> str:
        try:
            public = load_public(self.paths.keys)
        except IdentityError as exc:
            return exc.message.render(self.lang)
        return self.tr_("ui.office_setup.key_exists", name=public.name, unit=public.unit_name,
                        fingerprint=public.fingerprint)

    # -- reacting ------------------------------------------------------------------------
    @property
    def role(self) -> OfficeRole:
        value = self.level.currentData()
        return value if value in ROLES else "county"

    def _level_changed(self) -> None:
        self.edits["unit_code"].setPlaceholderText(
            self.tr_("ui.office_setup.code_hint", example=PLACEHOLDER_CODE[self.role]))
        self.edits["unit_name"].setPlaceholderText(
            self.tr_(f"ui.office_setup.name_hint_{self.role}"))

    def uses_shared_db(self) -> bool:
        return self.shared_radio.isChecked()

    def _db_choice_changed(self) -> None:
        shared = self.uses_shared_db()
        self.edits["db_url"].setEnabled(shared)
        self.test_button.setEnabled(shared)
        if not shared:
            self._db_message("")

    def _db_message(self, text: str, ok: bool = False) -> None:
        self.db_status.setText(text)
        self.db_status.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.db_status.setVisible(bool(text))

    def test_connection(self) -> bool:
        """Open the database typed (creating our tables if it is empty), say how it went."""
        url = self.edits["db_url"].text().strip()
        if not url:
            self._db_message(self.tr_("ui.office_setup.url_missing"))
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            database = open_office(url)
        except StoreError as exc:
            self._db_message(exc.message.render(self.lang))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        try:
            with database.transaction() as session:
                existing = load_office_profile(session)
        finally:
            database.close()
        if existing is None:
            self._db_message(self.tr_("ui.office_setup.test_ok", url=database.url), ok=True)
        else:
            self._fill_from(existing)
            self._db_message(self.tr_("ui.office_setup.test_ok_unit", url=database.url,
                                      unit=existing.unit_name,
                                      unit_code=existing.unit_code), ok=True)
        return True

    def _fill_from(self, profile: OfficeProfile) -> None:
        """A shared database already set up by a colleague: take its unit over."""
        self.level.setCurrentIndex(ROLES.index(profile.role) if profile.role in ROLES else 0)
        self.edits["unit_code"].setText(profile.unit_code)
        self.edits["unit_name"].setText(profile.unit_name)

    # -- finishing -----------------------------------------------------------------------
    def _show_errors(self, problems: dict[str, str]) -> None:
        for field, label in self.errors.items():
            if field == "db_url":
                if field in problems or not self.uses_shared_db():
                    self._db_message(problems.get(field, ""))
                continue
            label.setText(problems.get(field, ""))
            label.setVisible(field in problems)
        first = next((f for f in FIELDS if f in problems and f in self.edits), None)
        if first and self.edits[first].isVisible():
            self.edits[first].setFocus()
            self.edits[first].selectAll()

    def _check(self) -> dict[str, str]:
        profile = self._typed_profile()
        problems = {f: m.render(self.lang) for f, m in check_office_profile(profile).items()}
        if self.needs_key:
            if not self.edits["staff_name"].text().strip():
                problems["staff_name"] = render("profile.required", self.lang)
            phone = self.edits["staff_phone"].text().strip()
            findings = validate_phone(phone)
            if not phone:
                problems["staff_phone"] = render("profile.required", self.lang)
            elif has_errors(findings):
                problems["staff_phone"] = findings[0].message.render(self.lang)
            first, again = (self.edits[f].text() for f in ("passphrase", "passphrase_again"))
            try:
                check_new_passphrase(first)
            except IdentityError as exc:
                problems["passphrase"] = exc.message.render(self.lang)
            if first != again:
                problems["passphrase_again"] = self.tr_("ui.office_setup.passphrase_mismatch")
        if not self._db_given and self.uses_shared_db() and \
                not self.edits["db_url"].text().strip():
            problems["db_url"] = self.tr_("ui.office_setup.url_missing")
        return problems

    def _typed_profile(self) -> OfficeProfile:
        return OfficeProfile(role=self.role, unit_code=self.edits["unit_code"].text(),
                             unit_name=self.edits["unit_name"].text(),
                             language=str(self.language.currentData()))

    def _open_database(self) -> OfficeDatabase | None:
        if self.db is not None:
            return self.db
        target = (self.edits["db_url"].text().strip() if self.uses_shared_db()
                  else str(default_office_file(self.paths)))
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.db = open_office(target, backups=self.paths.backups)
        except StoreError as exc:
            self._show_errors({"db_url": exc.message.render(self.lang)})
            return None
        finally:
            QApplication.restoreOverrideCursor()
        self.target = target
        return self.db

    def _drop_database(self) -> None:
        """Close a database this dialog opened (the caller's stays open)."""
        if self.db is not None and not self._db_given:
            self.db.close()
            self.db = None

    def finish(self) -> None:
        """Check everything, then open the database, create the key, save, mark the folder."""
        problems = self._check()
        if problems:
            self._show_errors(problems)
            return
        self._show_errors({})
        profile = self._typed_profile()
        database = self._open_database()
        if database is None:
            return
        with database.transaction() as session:
            existing = load_office_profile(session)
        code = normalize_division_code(profile.unit_code)
        if existing is not None and (existing.role, existing.unit_code) != (profile.role, code):
            self._drop_database()
            self._show_errors({"unit_code": self.tr_(
                "ui.office_setup.other_unit", unit=existing.unit_name,
                unit_code=existing.unit_code)})
            return
        if self.needs_key:
            try:
                create_identity(
                    self.paths.keys, self.edits["passphrase"].text(), role=profile.role,
                    name=self.edits["staff_name"].text().strip(), unit_code=code,
                    unit_name=profile.unit_name.strip(),
                    phone=normalize_phone(self.edits["staff_phone"].text().strip()))
            except IdentityError as exc:
                self._drop_database()
                self._show_errors({"passphrase": exc.message.render(self.lang)})
                return
            finally:
                for field in ("passphrase", "passphrase_again"):
                    self.edits[field].clear()
        with database.transaction() as session:
            self.profile = save_office_profile(session, profile)
        if self.target is not None and (not self._db_given or office_target(self.paths) is None):
            set_office_target(self.paths, self.target)
        self.accept()

    def reject(self) -> None:
        """取消, Esc or the close box: typed work is thrown away only when asked."""
        typed = any(edit.text() for edit in self.edits.values())
        reject_asking(self, self.lang, typed, self._give_up)

    def _give_up(self) -> None:
        self._drop_database()
        super().reject()

    # -- keyboard ------------------------------------------------------------------------
    def _return_pressed(self, edit: QLineEdit) -> None:
        """Enter moves to the next field; on the last one it finishes the setup."""
        order = [e for f in FIELDS if (e := self.edits.get(f)) is not None and e.isEnabled()
                 and not e.isHidden()]
        if edit not in order:
            return
        position = order.index(edit)
        if position == len(order) - 1:
            self.finish()
        else:
            order[position + 1].setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # As in the officer's setup: Enter never submits a half-filled form.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)
