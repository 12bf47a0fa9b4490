"""File → 接收下发包…: what the county's package holds, then apply it, or why not.

The package is verified and checked when the dialog opens (nothing is written);
"接收" applies it in one transaction (``packages.receive``). A refusal names its
reason and leaves the store as it was.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.messages import render
from fieldsurvey.packages.read import PackageRefused
from fieldsurvey.packages.receive import ReceiveSummary, preview_package, receive_package
from fieldsurvey.store.form_versions import newest_form
from fieldsurvey.ui.context import AppContext


def summary_text(summary: ReceiveSummary, lang: str) -> str:
    """What the package holds, in the words the command line uses."""
    package = summary.package
    lines = [render("cli_receive.holds", lang, sequence=package.sequence,
                    signer=package.signer_name, unit=package.signer_unit,
                    returned=summary.returned, added=summary.added, updated=summary.updated,
                    unchanged=summary.unchanged, conflicts=len(summary.conflicts),
                    gone=summary.found_gone)]
    lines += [render("cli_receive.conflict", lang, name=c.name, field=c.field, mine=c.mine,
                     county=c.county) for c in summary.conflicts]
    if package.contents.notice:
        lines.append(render("cli_receive.notice", lang, notice=package.contents.notice))
    return "\n".join(lines)


class ReceiveDialog(QDialog):
    """``ReceiveDialog(ctx, path)``: :attr:`received` once the package is applied."""

    received = Signal()
    """The package was applied: the case list and open pages should re-read."""

    def __init__(self, ctx: AppContext, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.path = ctx, path
        self.setWindowTitle(ctx.tr("ui.receive.title"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.headline = QLabel(self)
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.headline)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        layout.addWidget(self.details)
        # Where the officer's value is the newer one it stays, unless ticked here.
        self.choices_label = QLabel(ctx.tr("ui.receive.choose"), self)
        self.choices_label.setWordWrap(True)
        self.choices = QListWidget(self)
        layout.addWidget(self.choices_label)
        layout.addWidget(self.choices)
        self.buttons = QDialogButtonBox(self)
        self.apply_button = self.buttons.addButton(ctx.tr("ui.receive.apply"),
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.apply_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        try:
            self.summary: ReceiveSummary | None = preview_package(ctx.db, path)
        except PackageRefused as exc:
            self.summary = None
            self._refused(exc)
        else:
            self.headline.setText(ctx.tr("ui.receive.check", file=path.name))
            self.details.setPlainText(summary_text(self.summary, ctx.lang))
            for conflict in self.summary.conflicts:
                item = QListWidgetItem(ctx.tr(
                    "ui.receive.choice", name=conflict.name,
                    field=ctx.tr(f"ui.org_page.field.{conflict.field}"),
                    mine=conflict.mine, county=conflict.county), self.choices)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                item.setData(Qt.ItemDataRole.UserRole, (conflict.organization_id,
                                                        conflict.field))
        shown = self.summary is not None and bool(self.summary.conflicts)
        self.choices_label.setVisible(shown)
        self.choices.setVisible(shown)

    def _refused(self, exc: PackageRefused) -> None:
        self.headline.setText(self.ctx.tr("ui.receive.refused", reason=self.ctx.word(
            exc.message)))
        self.details.setPlainText("\n".join(exc.details))
        self.apply_button.setEnabled(False)

    def chosen(self) -> set[tuple[str, str]]:
        """(organization id, field) of every difference where the county's value is taken."""
        items = (self.choices.item(i) for i in range(self.choices.count()))
        return {tuple(item.data(Qt.ItemDataRole.UserRole)) for item in items
                if item.checkState() == Qt.CheckState.Checked}

    def apply(self) -> None:
        try:
            summary = receive_package(self.ctx.db, self.path, take=self.chosen())
        except PackageRefused as exc:
            self._refused(exc)
            return
        if summary.form_installed is not None:
            # New visits from now on use the county's newer form (drafts move to it
            # when opened); views read the form from the shared context.
            with self.ctx.db.transaction() as session:
                self.ctx.form = newest_form(session, self.ctx.form)
        self.received.emit()
        self.accept()
