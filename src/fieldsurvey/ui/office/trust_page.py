"""The trust list: whose bundles this office accepts.

Keys arrive on enrollment cards (``*.fsid.json``). A card proves nothing by itself:
for each new card the page shows the fingerprint and asks whether it was checked
by phone with its owner, who reads it from the printed enrollment page; only a
card confirmed so is added. Revoking a key refuses what it signs from a moment on.
The list travels to another PC of the office as a trust file signed with the
office's key; importing one shows who signed it, to be checked the same way.

Every question goes through a small method (``choose_cards``, ``confirm_card``,
``ask_revocation``, ``ask_passphrase``, ``choose_trust_target``, ``choose_trust_file``,
``confirm_trust_file``, ``inform``), so tests answer them without modal dialogs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey import clock
from fieldsurvey.county.models import TrustedKeyRow
from fieldsurvey.county.office import CHILD_ROLE
from fieldsurvey.county.trust import (
    TRUST_SUFFIX,
    TrustFile,
    add_identity,
    export_trust_file,
    import_trust,
    read_trust_file,
    revoke,
    trusted_keys,
)
from fieldsurvey.identity.enrollment import CARD_SUFFIX, fingerprint_lines, read_enrollment_card
from fieldsurvey.identity.keys import IdentityError, identity_exists, load_public, unlock
from fieldsurvey.identity.records import PublicIdentity
from fieldsurvey.messages import Message
from fieldsurvey.store import StoreError
from fieldsurvey.ui.office.context import OfficeContext

COLUMNS = ("unit_code", "unit_name", "name", "role", "fingerprint", "added", "status")
REVOKED_COLOR = "#b3261e"
WARNING_STYLE = "color: #b3261e;"


def local_time(moment: dt.datetime) -> str:
    """``YYYY-MM-DD HH:MM`` in this PC's time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return f"{moment.astimezone():%Y-%m-%d %H:%M}"


def fingerprint_font(scale: float = 1.0) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(QApplication.font().pointSizeF() * scale)
    return font


def _modal_buttons(dialog: QDialog, ok_text: str, cancel_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                           | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class CardCheckDialog(QDialog):
    """One new card: who it names, the fingerprint large, and "checked by phone?".

    "Add" stays disabled until the box saying the fingerprint was checked is ticked.
    """

    def __init__(self, ctx: OfficeContext, public: PublicIdentity, file_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        tr = ctx.tr
        self.setWindowTitle(tr("ui.trust.card_title"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("ui.trust.card_file", file=file_name)))
        form = QFormLayout()
        form.addRow(tr("ui.trust.column.name"), QLabel(public.name))
        form.addRow(tr("ui.trust.column.unit_name"),
                    QLabel(tr("ui.trust.unit_value", unit=public.unit_name,
                              unit_code=public.unit_code)))
        form.addRow(tr("ui.trust.column.role"), QLabel(ctx.word(
            Message(f"identity.role_{public.role}"))))
        form.addRow(tr("ui.trust.phone"), QLabel(public.phone or tr("ui.trust.no_phone")))
        layout.addLayout(form)
        self.warnings = [text for text in self._warnings(ctx, public) if text]
        for text in self.warnings:
            warning = QLabel(text)
            warning.setWordWrap(True)
            warning.setStyleSheet(WARNING_STYLE)
            layout.addWidget(warning)
        layout.addWidget(QLabel(tr("ui.trust.fingerprint_heading")))
        self.fingerprint = QLabel("\n".join(fingerprint_lines(public.fingerprint)))
        self.fingerprint.setFont(fingerprint_font(1.6))
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.fingerprint.setStyleSheet("padding: 8px; background: #f1f3f4;")
        layout.addWidget(self.fingerprint)
        how = QLabel(tr("ui.trust.card_how", name=public.name,
                        phone=public.phone or tr("ui.trust.no_phone")))
        how.setWordWrap(True)
        layout.addWidget(how)
        self.checked = QCheckBox(tr("ui.trust.card_checked"))
        layout.addWidget(self.checked)
        box = _modal_buttons(self, tr("ui.trust.card_add"), tr("ui.trust.card_skip"))
        self.add_button = box.button(QDialogButtonBox.StandardButton.Ok)
        self.add_button.setEnabled(False)
        self.checked.toggled.connect(self.add_button.setEnabled)
        layout.addWidget(box)

    @staticmethod
    def _warnings(ctx: OfficeContext, public: PublicIdentity) -> list[str]:
        profile = ctx.profile
        child = CHILD_ROLE.get(profile.role)
        out = []
        if child is not None and public.role != child:
            out.append(ctx.tr("ui.trust.wrong_role",
                              role=Message(f"identity.role_{public.role}"),
                              expected=Message(f"identity.role_{child}")))
        prefix = profile.unit_code if profile.role == "county" else profile.unit_code[:4]
        if not public.unit_code.startswith(prefix):
            out.append(ctx.tr("ui.trust.outside", unit_code=public.unit_code,
                              office=profile.unit_name))
        return out


class RevokeDialog(QDialog):
    """From when (default: now) and why (required)."""

    def __init__(self, ctx: OfficeContext, row: TrustedKeyRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        tr = ctx.tr
        self.setWindowTitle(tr("ui.trust.revoke_title"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        who = QLabel(tr("ui.trust.revoke_who", name=row.name, unit=row.unit_name,
                        fingerprint=row.fingerprint))
        who.setWordWrap(True)
        layout.addWidget(who)
        explain = QLabel(tr("ui.trust.revoke_explain"))
        explain.setWordWrap(True)
        layout.addWidget(explain)
        form = QFormLayout()
        moment = clock.local_now()
        self.when = QDateTimeEdit(QDateTime(moment.year, moment.month, moment.day,
                                            moment.hour, moment.minute, moment.second))
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setCalendarPopup(True)
        form.addRow(tr("ui.trust.revoke_from"), self.when)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("ui.trust.revoke_reason_hint"))
        form.addRow(tr("ui.trust.revoke_reason") + " *", self.reason)
        layout.addLayout(form)
        box = _modal_buttons(self, tr("ui.trust.revoke_ok"), tr("ui.trust.cancel"))
        self.ok_button = box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        self.reason.textChanged.connect(
            lambda text: self.ok_button.setEnabled(bool(text.strip())))
        layout.addWidget(box)

    def revoked_from(self) -> dt.datetime:
        """The chosen moment, aware, in this PC's time zone."""
        value = self.when.dateTime().toPython()
        assert isinstance(value, dt.datetime)
        return value.astimezone()

    def answer(self) -> tuple[dt.datetime, str]:
        return self.revoked_from(), self.reason.text().strip()


class PassphraseDialog(QDialog):
    """The office key's passphrase, for signing the trust file."""

    def __init__(self, ctx: OfficeContext, public: PublicIdentity,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        tr = ctx.tr
        self.setWindowTitle(tr("ui.trust.passphrase_title"))
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        signer = QLabel(tr("ui.trust.signer", name=public.name, unit=public.unit_name,
                           fingerprint=public.fingerprint))
        signer.setWordWrap(True)
        layout.addWidget(signer)
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(tr("ui.trust.passphrase"), self.edit)
        layout.addLayout(form)
        layout.addWidget(_modal_buttons(self, tr("ui.trust.sign"), tr("ui.trust.cancel")))


class TrustFileDialog(QDialog):
    """What a trust file holds and who signed it: import it?"""

    def __init__(self, ctx: OfficeContext, trust: TrustFile, file_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        tr = ctx.tr
        self.setWindowTitle(tr("ui.trust.file_title"))
        self.setMinimumWidth(540)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("ui.trust.card_file", file=file_name)))
        form = QFormLayout()
        form.addRow(tr("ui.trust.file_signer"),
                    QLabel(tr("ui.trust.signer_value", name=trust.signer_name,
                              unit=trust.signer_unit)))
        form.addRow(tr("ui.trust.file_exported"), QLabel(trust.exported_at[:16].replace(
            "T", " ")))
        revoked = sum(1 for _, when, _ in trust.keys if when is not None)
        form.addRow(tr("ui.trust.file_keys"),
                    QLabel(tr("ui.trust.file_count", count=len(trust.keys), revoked=revoked)))
        layout.addLayout(form)
        layout.addWidget(QLabel(tr("ui.trust.fingerprint_heading")))
        fingerprint = QLabel("\n".join(fingerprint_lines(trust.signer_fingerprint)))
        fingerprint.setFont(fingerprint_font(1.4))
        fingerprint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        fingerprint.setStyleSheet("padding: 8px; background: #f1f3f4;")
        fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(fingerprint)
        how = QLabel(tr("ui.trust.file_how"))
        how.setWordWrap(True)
        layout.addWidget(how)
        layout.addWidget(_modal_buttons(self, tr("ui.trust.file_import"), tr("ui.trust.cancel")))


class TrustPage(QWidget):
    """``TrustPage(ctx)``: the table of trusted keys and what can be done with it."""

    def __init__(self, ctx: OfficeContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[TrustedKeyRow] = []
        self.last_message = ""
        tr = ctx.tr
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        heading = QLabel(tr("ui.trust.heading"))
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        intro = QLabel(tr("ui.trust.intro"))
        intro.setWordWrap(True)
        layout.addWidget(intro)

        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for name, slot in (("import_cards", self.import_cards), ("revoke", self.revoke_selected),
                           ("export", self.export_trust), ("import_file", self.import_trust_file)):
            button = QPushButton(tr(f"ui.trust.button.{name}"))
            button.clicked.connect(slot)
            self.buttons[name] = button
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.count_label = QLabel()
        buttons.addWidget(self.count_label)
        layout.addLayout(buttons)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(f"ui.trust.column.{c}") for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setStyleSheet("QTableWidget::item { padding: 0 8px; }")
        header = self.table.horizontalHeader()
        for column, name in enumerate(COLUMNS):
            mode = (QHeaderView.ResizeMode.Stretch if name == "status"
                    else QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(column, mode)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.revoke_selected())
        layout.addWidget(self.table, 1)
        self.empty_label = QLabel(tr("ui.trust.empty"))
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: #5f6368; padding: 24px;")
        layout.addWidget(self.empty_label)
        self.refresh()

    # -- the table -----------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the list again."""
        selected = self.selected_key()
        with self.ctx.db.transaction() as session:
            self.rows = trusted_keys(session)
        self.table.setRowCount(len(self.rows))
        mono = fingerprint_font()
        revoked = 0
        for n, row in enumerate(self.rows):
            status = (self.ctx.tr("ui.trust.status_revoked", when=local_time(row.revoked_from))
                      if row.revoked_from else self.ctx.tr("ui.trust.status_valid"))
            values = (row.unit_code, row.unit_name, row.name,
                      self.ctx.word(Message(f"identity.role_{row.role}")), row.fingerprint,
                      local_time(row.added_at), status)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                item.setData(Qt.ItemDataRole.UserRole, row.key_id)
                if COLUMNS[column] == "fingerprint":
                    item.setFont(mono)
                if row.revoked_from:
                    item.setForeground(QBrush(QColor(REVOKED_COLOR)))
                if COLUMNS[column] == "status" and row.revoke_reason:
                    item.setToolTip(row.revoke_reason)
                self.table.setItem(n, column, item)
            revoked += row.revoked_from is not None
        self.count_label.setText(self.ctx.tr("ui.trust.count", count=len(self.rows),
                                             revoked=revoked))
        self.empty_label.setVisible(not self.rows)
        if selected:
            self.select_key(selected)
        self._selection_changed()

    def selected_key(self) -> str | None:
        items = self.table.selectedItems()
        return str(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def select_key(self, key_id: str) -> None:
        for n, row in enumerate(self.rows):
            if row.key_id == key_id:
                self.table.selectRow(n)
                return

    def _selection_changed(self) -> None:
        self.buttons["revoke"].setEnabled(self.selected_key() is not None)

    # -- questions (overridable) ---------------------------------------------------------
    def inform(self, text: str, *, error: bool = False) -> None:
        self.last_message = text
        title = self.ctx.tr("ui.trust.heading")
        if error:
            QMessageBox.warning(self, title, text)
        else:
            QMessageBox.information(self, title, text)

    def choose_cards(self) -> list[Path]:
        files, _ = QFileDialog.getOpenFileNames(
            self, self.ctx.tr("ui.trust.button.import_cards"), str(Path.home()),
            self.ctx.tr("ui.trust.card_filter", pattern=f"*{CARD_SUFFIX}"))
        return [Path(f) for f in files]

    def confirm_card(self, public: PublicIdentity, path: Path) -> bool:
        dialog = CardCheckDialog(self.ctx, public, path.name, self)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def ask_revocation(self, row: TrustedKeyRow) -> tuple[dt.datetime, str] | None:
        dialog = RevokeDialog(self.ctx, row, self)
        return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def ask_passphrase(self, public: PublicIdentity) -> str | None:
        dialog = PassphraseDialog(self.ctx, public, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        passphrase = dialog.edit.text()
        dialog.edit.clear()
        return passphrase if accepted else None

    def choose_trust_target(self) -> Path | None:
        today = self.ctx.today()
        suggested = self.ctx.paths.exports / (
            f"{self.ctx.profile.unit_code}-trust-{today:%Y%m%d}{TRUST_SUFFIX}")
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.ctx.tr("ui.trust.button.export"), str(suggested),
            self.ctx.tr("ui.trust.file_filter", pattern=f"*{TRUST_SUFFIX}"))
        return Path(chosen) if chosen else None

    def choose_trust_file(self) -> Path | None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.ctx.tr("ui.trust.button.import_file"), str(Path.home()),
            self.ctx.tr("ui.trust.file_filter", pattern=f"*{TRUST_SUFFIX}"))
        return Path(chosen) if chosen else None

    def confirm_trust_file(self, trust: TrustFile, path: Path) -> bool:
        dialog = TrustFileDialog(self.ctx, trust, path.name, self)
        return dialog.exec() == QDialog.DialogCode.Accepted

    # -- actions -------------------------------------------------------------------------
    def import_cards(self) -> None:
        """Cards chosen by the user; each new one added only once confirmed."""
        added: list[str] = []
        known: list[str] = []
        skipped: list[str] = []
        problems: list[str] = []
        for path in self.choose_cards():
            try:
                public = read_enrollment_card(path)
                with self.ctx.db.transaction() as session:
                    exists = session.get(TrustedKeyRow, public.key_id) is not None
                if not exists and not self.confirm_card(public, path):
                    skipped.append(public.name)
                    continue
                with self.ctx.db.transaction() as session:
                    add_identity(session, public, by=self.ctx.staff_name)
            except (IdentityError, StoreError) as exc:
                problems.append(self.ctx.word(exc.message))
                continue
            (known if exists else added).append(public.name)
        if not (added or known or skipped or problems):
            return
        self.refresh()
        lines = []
        if added:
            lines.append(self.ctx.tr("ui.trust.cards_added", count=len(added),
                                     names="、".join(added)))
        if known:
            lines.append(self.ctx.tr("ui.trust.cards_known", names="、".join(known)))
        if skipped:
            lines.append(self.ctx.tr("ui.trust.cards_skipped", names="、".join(skipped)))
        lines += problems
        self.inform("\n".join(lines), error=bool(problems))

    def revoke_selected(self) -> None:
        key = self.selected_key()
        row = next((r for r in self.rows if r.key_id == key), None)
        if row is None:
            self.inform(self.ctx.tr("ui.trust.select_first"))
            return
        answer = self.ask_revocation(row)
        if answer is None:
            return
        revoked_from, reason = answer
        if not reason.strip():
            self.inform(self.ctx.tr("ui.trust.reason_missing"), error=True)
            return
        try:
            with self.ctx.db.transaction() as session:
                revoke(session, row.key_id, revoked_from=revoked_from, by=self.ctx.staff_name,
                       reason=reason)
        except (IdentityError, StoreError) as exc:
            self.inform(self.ctx.word(exc.message), error=True)
            return
        self.refresh()

    def export_trust(self) -> None:
        """The whole list as a trust file, signed with this office's key."""
        keys = self.ctx.paths.keys
        if not identity_exists(keys):
            self.inform(self.ctx.tr("ui.trust.no_key"), error=True)
            return
        try:
            public = load_public(keys)
        except IdentityError as exc:
            self.inform(self.ctx.word(exc.message), error=True)
            return
        target = self.choose_trust_target()
        if target is None:
            return
        if not target.name.endswith(TRUST_SUFFIX):
            target = target.with_name(target.name.removesuffix(".json") + TRUST_SUFFIX)
        passphrase = self.ask_passphrase(public)
        if not passphrase:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            signer = unlock(keys, passphrase)
            with self.ctx.db.transaction() as session:
                count = export_trust_file(session, target, signer)
        except (IdentityError, StoreError) as exc:
            self.inform(self.ctx.word(exc.message), error=True)
            return
        finally:
            del passphrase
            QApplication.restoreOverrideCursor()
        self.inform(self.ctx.tr("ui.trust.exported", count=count, path=str(target)))

    def import_trust_file(self) -> None:
        """A colleague's trust file: checked, shown with its signer, merged if confirmed."""
        path = self.choose_trust_file()
        if path is None:
            return
        try:
            trust = read_trust_file(path)
        except IdentityError as exc:
            self.inform(self.ctx.word(exc.message), error=True)
            return
        if not self.confirm_trust_file(trust, path):
            return
        try:
            with self.ctx.db.transaction() as session:
                added, revoked = import_trust(session, trust, by=self.ctx.staff_name)
        except (IdentityError, StoreError) as exc:
            self.inform(self.ctx.word(exc.message), error=True)
            return
        self.refresh()
        self.inform(self.ctx.tr("ui.trust.imported", added=added, revoked=revoked))
