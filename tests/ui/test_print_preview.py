"""The print preview: pages on screen, printing to a (PDF) printer, save as, print_visit."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fieldsurvey.cases.demo import populate_demo
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.paths import data_paths
from fieldsurvey.printing.blank_form import write_blank_form
from fieldsurvey.store import open_store
from fieldsurvey.store.models import Visit
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.print_preview import PrintPreviewDialog, print_visit

pytestmark = pytest.mark.gui

TODAY = dt.date(2026, 11, 21)



@pytest.fixture
def ctx(shipped_form: FormDefinition) -> Iterator[AppContext]:
    paths = data_paths()
    db = open_store(paths)
    yield AppContext(lang="zh", paths=paths, db=db, form=shipped_form)
    db.close()


@pytest.fixture
def blank_pdf(ctx: AppContext, tmp_path: Path) -> Path:
    path = tmp_path / "blank.pdf"
    write_blank_form(ctx.form, path)
    return path


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return int(next(line.split()[1] for line in info.stdout.splitlines()
                    if line.startswith("Pages:")))


def test_the_preview_shows_the_pages_one_by_one(qtbot: QtBot, ctx: AppContext,
                                                 blank_pdf: Path) -> None:
    dialog = PrintPreviewDialog(ctx, blank_pdf)
    qtbot.addWidget(dialog)
    total = _pages(blank_pdf)
    assert dialog.page_count == total > 1
    assert dialog.page_label.text() == f"第 1 页，共 {total} 页"
    pixmap = dialog.page_view.pixmap()
    assert not pixmap.isNull() and pixmap.height() > pixmap.width()  # A4 portrait
    assert not dialog.previous_button.isEnabled()
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.current == 1 and dialog.page_label.text() == f"第 2 页，共 {total} 页"
    dialog.show_page(total + 5)
    assert dialog.current == total - 1 and not dialog.next_button.isEnabled()
    assert dialog.print_button.text() == "打印…" and dialog.save_button.text() == "另存为 PDF…"


def test_save_as_copies_the_pdf(qtbot: QtBot, ctx: AppContext, blank_pdf: Path,
                                tmp_path: Path) -> None:
    dialog = PrintPreviewDialog(ctx, blank_pdf)
    qtbot.addWidget(dialog)
    target = tmp_path / "out" / "纸质表"
    target.parent.mkdir()
    dialog.ask_save_path = lambda: target
    with qtbot.waitSignal(dialog.saved) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    written = target.with_name("纸质表.pdf")
    assert saved.args == [written]
    assert written.read_bytes() == blank_pdf.read_bytes()
    assert [p.name for p in target.parent.iterdir()] == ["纸质表.pdf"]


def test_printing_draws_every_page_on_the_printer(qtbot: QtBot, ctx: AppContext,
                                                   blank_pdf: Path, tmp_path: Path) -> None:
    """A PDF-file printer stands in for a real one: nothing is sent anywhere."""
    dialog = PrintPreviewDialog(ctx, blank_pdf)
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setResolution(150)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    with qtbot.waitSignal(dialog.printed) as printed:
        assert dialog.print_to(printer) == _pages(blank_pdf)
    assert printed.args == [_pages(blank_pdf)]
    assert _pages(out) == _pages(blank_pdf)


def test_printing_honours_a_page_range(qtbot: QtBot, ctx: AppContext, blank_pdf: Path,
                                       tmp_path: Path) -> None:
    dialog = PrintPreviewDialog(ctx, blank_pdf)
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setResolution(100)
    printer.setOutputFileName(str(tmp_path / "two.pdf"))
    printer.setFromTo(2, 3)
    assert dialog.print_to(printer) == 2
    assert _pages(tmp_path / "two.pdf") == 2


def test_print_visit_opens_the_preview_and_cleans_up(qtbot: QtBot, ctx: AppContext) -> None:
    populate_demo(ctx.db, ctx.form, "421202001", 20, seed=2, today=TODAY)
    with ctx.db.transaction() as session:
        visit_id = session.scalars(select(Visit.id).where(Visit.status == "final")).first()
    assert visit_id is not None
    dialog = print_visit(ctx, visit_id)
    assert dialog is not None  # deletes itself on close, so not handed to qtbot
    try:
        assert dialog.isVisible() and dialog.page_count >= 1
        path = dialog.pdf_path
        assert path.exists()
    finally:
        dialog.close_button.click()
    assert not path.exists() and not path.parent.exists()


def test_print_visit_says_why_a_record_cannot_be_printed(
        ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text: shown.append(text)))
    assert print_visit(ctx, "no-such-visit") is None
    assert shown == ["找不到走访记录 no-such-visit。"]
