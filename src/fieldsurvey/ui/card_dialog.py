"""File -> 导出登记卡…: the officer's enrollment card, written where the county can get it.

The card (``*.fsid.json``, :mod:`fieldsurvey.identity.enrollment`) holds the public
key only, so it may travel on any USB stick. The dialog offers the removable drives
mounted now first, then the home folder and any folder the officer picks, with a
file name saying whose card it is (unit and name).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.drives import removable_drives
from fieldsurvey.identity.enrollment import (
    CARD_SUFFIX,
    fingerprint_lines,
    suggested_card_name,
    write_enrollment_card,
)
from fieldsurvey.identity.keys import IdentityError, identity_exists, load_public
from fieldsurvey.ui.context import AppContext

_OTHER = "other"  # the combo entry that asks for a folder


class CardExportDialog(QDialog):
    """Choose a drive or folder and a name; write the card; say where it went."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 drives: Callable[[], list[Path]] = removable_drives) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._drives = drives
        self.written: Path | None = None
        self.setWindowTitle(ctx.tr("ui.card.title"))
        self.setMinimumWidth(560)
        self.public = None
        problem = ""
        if identity_exists(ctx.paths.keys):
            try:
                self.public = load_public(ctx.paths.keys)
            except IdentityError as exc:
                problem = ctx.word(exc.message)
        else:
            problem = ctx.tr("ui.card.no_key")
        layout = QVBoxLayout(self)
        self.intro = QLabel(problem or ctx.tr("ui.card.intro"))
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        layout.addLayout(self._build_form())
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)
        layout.addLayout(self._build_buttons())
        self.export_button.setEnabled(self.public is not None)
        self.refresh_drives()

    def _build_form(self) -> QFormLayout:
        who = ""
        if self.public is not None:
            who = self.ctx.tr("ui.card.who", name=self.public.name,
                              unit=self.public.unit_name,
                              fingerprint="\n".join(fingerprint_lines(self.public.fingerprint)))
        self.who_label = QLabel(who)
        self.target_combo = QComboBox()
        self.target_combo.activated.connect(self._target_chosen)
        self.refresh_button = QPushButton(self.ctx.tr("ui.card.refresh"))
        self.refresh_button.setAutoDefault(False)
        self.refresh_button.clicked.connect(self.refresh_drives)
        target_row = QHBoxLayout()
        target_row.addWidget(self.target_combo, 1)
        target_row.addWidget(self.refresh_button)
        self.name_edit = QLineEdit(suggested_card_name(self.public) if self.public else "")
        form = QFormLayout()
        form.addRow(self.ctx.tr("ui.card.whose"), self.who_label)
        form.addRow(self.ctx.tr("ui.card.save_to"), target_row)
        form.addRow(self.ctx.tr("ui.card.file_name"), self.name_edit)
        return form

    def _build_buttons(self) -> QHBoxLayout:
        self.export_button = QPushButton(self.ctx.tr("ui.card.export"))
        self.close_button = QPushButton(self.ctx.tr("ui.card.close"))
        self.export_button.setDefault(True)
        self.close_button.setAutoDefault(False)
        self.export_button.clicked.connect(self.export)
        self.close_button.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.export_button)
        row.addWidget(self.close_button)
        return row

    def refresh_drives(self) -> None:
        """List the USB drives mounted now (first), then the home folder and "other"."""
        current = self.target_combo.currentData()
        self.target_combo.clear()
        for drive in self._drives():
            self.target_combo.addItem(self.ctx.tr("ui.card.drive", path=str(drive)), str(drive))
        self.target_combo.addItem(self.ctx.tr("ui.card.home", path=str(Path.home())),
                                  str(Path.home()))
        self.target_combo.addItem(self.ctx.tr("ui.card.other"), _OTHER)
        index = self.target_combo.findData(current)
        self.target_combo.setCurrentIndex(max(index, 0))

    def add_folder(self, folder: Path) -> None:
        """Offer ``folder`` (chosen by the officer) and select it."""
        index = self.target_combo.findData(str(folder))
        if index < 0:
            self.target_combo.insertItem(self.target_combo.count() - 1, str(folder), str(folder))
            index = self.target_combo.findData(str(folder))
        self.target_combo.setCurrentIndex(index)

    def _target_chosen(self, index: int) -> None:
        if self.target_combo.itemData(index) != _OTHER:
            return
        chosen = QFileDialog.getExistingDirectory(self, self.ctx.tr("ui.card.choose_folder"),
                                                  str(Path.home()))
        if chosen:
            self.add_folder(Path(chosen))
        else:
            self.target_combo.setCurrentIndex(0)

    def target(self) -> Path | None:
        folder = self.target_combo.currentData()
        name = self.name_edit.text().strip()
        if not folder or folder == _OTHER or not name:
            return None
        if not name.endswith(CARD_SUFFIX):
            name += CARD_SUFFIX
        return Path(folder) / name

    def export(self) -> None:
        """Write the card; the dialog stays open saying where it is and what comes next."""
        path = self.target()
        if self.public is None or path is None:
            self.result_label.setText(self.ctx.tr("ui.card.choose_first"))
            return
        try:
            write_enrollment_card(self.public, path)
        except IdentityError as exc:
            self.result_label.setText(self.ctx.word(exc.message))
            return
        self.written = path
        self.result_label.setText(self.ctx.tr("ui.card.written", path=str(path)))
        self.close_button.setText(self.ctx.tr("ui.card.done"))
        self.close_button.setDefault(True)
        self.export_button.setDefault(False)
