"""Print preview: the PDF's pages on screen, "打印…" through Qt's print dialog, and
"另存为 PDF…".

Pages are rendered with PDFium through ``pypdfium2``. QtPdf would do the same (it is
PDFium inside) but is not part of PySide6-Essentials, and PySide6-Addons would add
hundreds of megabytes to the installer for this one use; poppler's ``pdftoppm`` is
not on officers' Windows laptops. One page is shown at a time, rendered when it is
shown, so a batch of a thousand records opens at once.

Printing draws each page as an image at the printer's resolution (at most 300 dpi)
onto the printer's full page, keeping the PDF's proportions: the PDF is already laid
out for A4, so the printer must not lay it out again.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]  # ships no type information
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QCloseEvent, QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.atomic import write_file_atomically
from fieldsurvey.printing.errors import PrintError
from fieldsurvey.printing.visit_record import write_visit_record
from fieldsurvey.ui.context import AppContext, Words

POINTS_PER_INCH = 72
SCREEN_DPI = 96
MAX_PRINT_DPI = 300


def render_page(document: pdfium.PdfDocument, index: int, dpi: float) -> QImage:
    """Page ``index`` (from 0) as an RGB image at ``dpi``."""
    page = document[index]
    try:
        bitmap = page.render(scale=dpi / POINTS_PER_INCH, rev_byteorder=True)
        try:
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_RGB888)
            return image.copy()  # own the pixels before PDFium frees its buffer
        finally:
            bitmap.close()
    finally:
        page.close()


class PrintPreviewDialog(QDialog):
    """Shows ``pdf_path`` page by page; prints it or saves a copy."""

    saved = Signal(Path)
    """A copy of the PDF was written to this path."""

    printed = Signal(int)
    """This many pages were sent to the printer."""

    def __init__(self, ctx: Words, pdf_path: Path, parent: QWidget | None = None, *,
                 title: str = "", owns_file: bool = False) -> None:
        super().__init__(parent)
        self.ctx, self.pdf_path, self._owns_file = ctx, pdf_path, owns_file
        self.document: pdfium.PdfDocument | None = pdfium.PdfDocument(str(pdf_path))
        self.page_count = len(self.document)
        self.current = 0
        # Where "save as" asks for a file; tests replace it with a function.
        self.ask_save_path: Callable[[], Path | None] = self._ask_save_path
        self.setWindowTitle(title or ctx.tr("print.preview.title"))
        self.resize(820, 960)

        self.page_label = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.page_view = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.page_view.setStyleSheet("background: #808080;")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.page_view)

        self.previous_button = QPushButton(ctx.tr("print.preview.previous"))
        self.next_button = QPushButton(ctx.tr("print.preview.next"))
        self.print_button = QPushButton(ctx.tr("print.preview.print"))
        self.save_button = QPushButton(ctx.tr("print.preview.save_as"))
        self.close_button = QPushButton(ctx.tr("print.preview.close"))
        self.previous_button.clicked.connect(lambda: self.show_page(self.current - 1))
        self.next_button.clicked.connect(lambda: self.show_page(self.current + 1))
        self.print_button.clicked.connect(self.ask_print)
        self.save_button.clicked.connect(self.ask_save_as)
        self.close_button.clicked.connect(self.reject)
        self.print_button.setDefault(True)

        buttons = QHBoxLayout()
        for widget in (self.previous_button, self.page_label, self.next_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        for widget in (self.print_button, self.save_button, self.close_button):
            buttons.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.show_page(0)

    # -- viewing ----------------------------------------------------------------------
    def show_page(self, index: int) -> None:
        """Show page ``index`` (from 0), clamped to the document."""
        self.current = max(0, min(index, self.page_count - 1))
        assert self.document is not None, "the preview was closed"
        ratio = self.devicePixelRatioF()
        image = render_page(self.document, self.current, SCREEN_DPI * ratio)
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self.page_view.setPixmap(pixmap)
        self.page_label.setText(self.ctx.tr("print.page_of", page=self.current + 1,
                                            pages=self.page_count))
        self.previous_button.setEnabled(self.current > 0)
        self.next_button.setEnabled(self.current < self.page_count - 1)

    # -- printing ---------------------------------------------------------------------
    def ask_print(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, self.page_count)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Print the pages the printer's range asks for (all by default); returns how many."""
        first, last = printer.fromPage(), printer.toPage()
        if first == 0 and last == 0:
            first, last = 1, self.page_count
        first, last = max(1, first), min(self.page_count, last)
        assert self.document is not None, "the preview was closed"
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        painter = QPainter()
        if not painter.begin(printer):
            self._show_error(self.ctx.tr("print.preview.print_failed"))
            return 0
        printed = 0
        try:
            for number in range(first, last + 1):
                if printed:
                    printer.newPage()
                image = render_page(self.document, number - 1, dpi)
                target = painter.viewport()
                scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRectF(0, 0, scaled.width(), scaled.height()), image)
                printed += 1
        finally:
            painter.end()
        self.printed.emit(printed)
        return printed

    # -- saving -----------------------------------------------------------------------
    def _ask_save_path(self) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, self.ctx.tr("print.preview.save_as"),
                                              str(Path.home() / self.pdf_path.name),
                                              self.ctx.tr("print.preview.pdf_filter"))
        return Path(name) if name else None

    def ask_save_as(self) -> None:
        target = self.ask_save_path()
        if target is not None:
            self.save_as(target)

    def save_as(self, target: Path) -> bool:
        """Copy the PDF to ``target`` atomically (a crash leaves no half file)."""
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            write_file_atomically(target, self.pdf_path.read_bytes())
        except OSError as exc:
            self._show_error(self.ctx.tr("print.preview.save_failed", path=str(target),
                                         detail=exc.strerror or type(exc).__name__))
            return False
        self.saved.emit(target)
        return True

    def _show_error(self, text: str) -> None:
        QMessageBox.warning(self, self.windowTitle(), text)

    def done(self, result: int) -> None:
        self._release()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._release()
        super().closeEvent(event)

    def _release(self) -> None:
        """Close the document (PDFium holds the file open) and drop a temporary file."""
        if self.document is None:
            return
        self.document.close()
        self.document = None
        if self._owns_file:
            with contextlib.suppress(OSError):
                self.pdf_path.unlink(missing_ok=True)
                self.pdf_path.parent.rmdir()


def preview_document(ctx: Words, name: str, write: Callable[[Path], object],
                     parent: QWidget | None = None) -> PrintPreviewDialog | None:
    """Write a document with ``write(path)`` to a temporary PDF and open the preview on it.

    Returns the (open, non-modal) dialog, or None after telling the officer why the
    document cannot be printed. The temporary file goes when the dialog closes.
    """
    folder = Path(tempfile.mkdtemp(prefix="fieldsurvey-print-"))
    path = folder / f"{name}.pdf"
    try:
        write(path)
    except PrintError as exc:
        with contextlib.suppress(OSError):
            folder.rmdir()
        QMessageBox.warning(parent, ctx.tr("print.preview.title"), ctx.word(exc.message))
        return None
    dialog = PrintPreviewDialog(ctx, path, parent, owns_file=True)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def print_visit(ctx: AppContext, visit_id: str, parent: QWidget | None = None
                ) -> PrintPreviewDialog | None:
    """The preview of one visit's record sheet (see :func:`preview_document`)."""
    return preview_document(
        ctx, f"visit-{visit_id[:8]}",
        lambda path: write_visit_record(ctx.db, ctx.form, visit_id, path, lang=ctx.lang),
        parent)
