"""The Statistics page's exports: Excel, PDF and the print preview of the monthly table."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from fieldsurvey import clock
from fieldsurvey.county.stats import MonthlyTable
from fieldsurvey.county.stats_xlsx import write_table_xlsx
from fieldsurvey.printing.county_table import write_county_table
from fieldsurvey.printing.errors import PrintError
from fieldsurvey.ui.print_preview import PrintPreviewDialog, preview_document

if TYPE_CHECKING:
    from fieldsurvey.ui.office.stats_page import StatsPage


class StatsExports:
    """Writes the shown month's table where the officer chooses."""

    def __init__(self, page: StatsPage) -> None:
        self.page = page

    def ask_save_path(self, suggested: str, file_filter: str) -> Path | None:
        ctx = self.page.ctx
        name, _ = QFileDialog.getSaveFileName(self.page, ctx.tr("ui.office_stats.save_title"),
                                              str(ctx.paths.exports / suggested), file_filter)
        return Path(name) if name else None

    def _file_stem(self) -> str:
        assert self.page.table is not None
        return self.page.ctx.tr("ui.office_stats.file_stem", unit=self.page.ctx.profile.unit_name,
                           year=self.page.table.year, month=self.page.table.month)

    def _target(self, suffix: str, file_filter: str) -> Path | None:
        target = self.page.ask_save_path(self._file_stem() + suffix, self.page.ctx.tr(file_filter))
        if target is not None and target.suffix.lower() != suffix:
            target = target.with_name(target.name + suffix)
        return target

    def _saved(self, target: Path) -> None:
        self.page.status_label.setStyleSheet("")
        self.page.status_label.setText(self.page.ctx.tr("ui.office_stats.saved", path=str(target)))

    def _save_failed(self, target: Path, detail: str) -> None:
        QMessageBox.warning(self.page, self.page.ctx.tr("ui.office_stats.save_title"),
                            self.page.ctx.tr("ui.office_stats.save_failed", path=str(target),
                                        detail=detail))

    def export_excel(self) -> Path | None:
        """The table as an Excel workbook laid out like the printed table."""
        if self.page.table is None:
            return None
        target = self._target(".xlsx", "ui.office_stats.xlsx_filter")
        if target is None:
            return None
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            write_table_xlsx(self.page.table, target, self.page.ctx.lang,
                             filled_on=clock.today())
        except OSError as exc:
            self._save_failed(target, exc.strerror or type(exc).__name__)
            return None
        finally:
            QApplication.restoreOverrideCursor()
        self._saved(target)
        return target

    def _write_pdf(self, table: MonthlyTable, path: Path) -> int:
        return write_county_table(table, path, self.page.ctx.lang, filled_on=clock.today())

    def export_pdf(self) -> Path | None:
        """The table as a landscape A4 PDF."""
        if self.page.table is None:
            return None
        target = self._target(".pdf", "ui.office_stats.pdf_filter")
        if target is None:
            return None
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self._write_pdf(self.page.table, target)
        except PrintError as exc:
            self._save_failed(target, self.page.ctx.word(exc.message))
            return None
        finally:
            QApplication.restoreOverrideCursor()
        self._saved(target)
        return target

    def print_preview(self) -> PrintPreviewDialog | None:
        """The PDF on screen, to print or save."""
        table = self.page.table
        if table is None:
            return None
        # preview_document only words messages (tr, word), which OfficeContext has too.
        return preview_document(self.page.ctx, self._file_stem(),
                                partial(self._write_pdf, table), self.page)
