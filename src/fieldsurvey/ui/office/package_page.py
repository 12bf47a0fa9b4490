"""The 下发 page: what each township's package would hold, then sign and write them.

The table is the dry run (``county.package.plan_packages``) and is shown before
anything is written; the passphrase unlocks the office key only when the staff
member asks for the files, so a typo never uses up a township's number. Forty
packages take a few seconds (bench/bench_package.py), so they are written on the
GUI thread under a wait cursor.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.county.form_archive import ArchiveError, publish
from fieldsurvey.county.package import PackageError, PackagePlan, build_packages, plan_packages
from fieldsurvey.filegate import Refused, read_form
from fieldsurvey.identity.keys import IdentityError, unlock
from fieldsurvey.messages import Message
from fieldsurvey.outputs import folder_problem
from fieldsurvey.packages.contents import PackageForm
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.table_models import Column, RowsModel


class PackagePage(QWidget):
    """``PackagePage(ctx)``; :attr:`written` with the paths after writing."""

    written = Signal(list)
    """The packages were written (a list of their paths)."""

    def __init__(self, ctx: OfficeContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        tr = ctx.tr
        self.model: RowsModel[PackagePlan] = RowsModel([
            Column(tr("ui.review.col.township"),
                   lambda p: f"{p.contents.township_name}（{p.contents.township_code}）"),
            Column(tr("ui.package.col.sequence"), lambda p: str(p.sequence), numeric=True),
            Column(tr("ui.package.col.returned"), lambda p: str(p.counts["returned"]),
                   numeric=True),
            Column(tr("ui.package.col.organizations"),
                   lambda p: str(p.counts["organizations"]), numeric=True),
            Column(tr("ui.package.col.found_gone"), lambda p: str(p.counts["found_gone"]),
                   numeric=True),
            Column(tr("form_archive.col_form"),
                   lambda p: p.contents.form.version if p.contents.form else "—"),
        ], self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.notice = QPlainTextEdit()
        self.notice.setPlaceholderText(tr("ui.package.notice_hint"))
        self.notice.setMaximumHeight(80)
        # A new form version to send (checked against the published one when writing).
        self.form_file = QLineEdit()
        self.form_file.setPlaceholderText(tr("form_archive.form_hint"))
        browse = QPushButton(tr("form_archive.browse"))
        browse.clicked.connect(self._choose_form)
        form_row = QHBoxLayout()
        form_row.addWidget(self.form_file, 1)
        form_row.addWidget(browse)
        self.folder = QLineEdit(str(ctx.paths.exports))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.write_button = QPushButton(tr("ui.package.write"))
        self.write_button.clicked.connect(self.write_all)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.addRow(tr("ui.package.notice"), self.notice)
        form.addRow(tr("form_archive.new_form"), form_row)
        form.addRow(tr("ui.package.folder"), self.folder)
        form.addRow(tr("ui.package.passphrase"), self.passphrase)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.write_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("ui.package.intro")))
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        self.plans: list[PackagePlan] = []

    def refresh(self) -> None:
        try:
            self.plans = plan_packages(self.ctx.db, self.ctx.profile, None)
        except PackageError as exc:
            self.plans = []
            self.result.setText(self.ctx.word(exc.message))
        self.model.set_rows(self.plans)
        self.table.resizeColumnsToContents()
        self.write_button.setEnabled(bool(self.plans))

    def _choose_form(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, self.ctx.tr("form_archive.new_form"),
                                                str(self.ctx.paths.root), "XLSForm (*.xlsx)")
        if chosen:
            self.form_file.setText(chosen)

    def _publish(self) -> tuple[bool, PackageForm | None]:
        """Publish the chosen form (the rules of ``form check --against``): (True, the
        form to carry or None when none is chosen), or (False, None) when refused, the
        reasons shown. Only once the key is unlocked, so a typo publishes nothing."""
        text = self.form_file.text().strip()
        if not text:
            return True, None
        try:
            source = read_form(Path(text))
            with self.ctx.db.transaction() as session:
                return True, publish(session, source, Path(text).name)
        except Refused as exc:
            self.result.setText(self.ctx.word(Message("form_archive.form_unreadable", {
                "file": text, "detail": Message(f"filegate.{exc.reason}", {
                    "file": text, "found": exc.found or ""})})))
        except ArchiveError as exc:
            self.result.setText("\n".join([self.ctx.word(exc.message),
                                            *exc.details(self.ctx.lang)]))
        return False, None

    def write_all(self) -> None:
        folder = Path(self.folder.text().strip())
        if (problem := folder_problem(folder)) is not None:
            self.result.setText(self.ctx.word(problem))
            return
        try:
            signer = unlock(self.ctx.paths.keys, self.passphrase.text())
        except IdentityError as exc:
            self.result.setText(self.ctx.word(exc.message))
            return
        self.passphrase.clear()
        ok, carried = self._publish()
        if not ok:
            return
        labels = {q.name: self.ctx.form.label(q.name, "zh") for q in self.ctx.form.questions()}
        # The notice is the same for every township: not worth re-planning per keystroke.
        notice = self.notice.toPlainText().strip()
        plans = [PackagePlan(dataclasses.replace(
            p.contents, notice=notice, form=carried or p.contents.form), p.sequence)
            for p in self.plans]
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            built = build_packages(self.ctx.db, plans, signer, folder, labels=labels)
        except OSError as exc:
            self.result.setText(self.ctx.tr("cli.write_failed", path=str(folder),
                                            detail=exc.strerror or exc))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.result.setText(self.ctx.tr("ui.package.done", count=len(built), folder=str(folder)))
        self.written.emit([b.path for b in built])
        self.refresh()
