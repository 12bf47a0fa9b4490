"""The office's Import page: real signed bundles dropped on it, merged on the worker thread."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "county"))
from office_helpers import COUNTY, Township, make_office, tampered

from fieldsurvey.bundles import verify_bundle
from fieldsurvey.county.models import BatchFile, ImportBatch
from fieldsurvey.county.trust import trust_mapping
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.messages import render
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.import_page import ImportPage
from fieldsurvey.ui.office.table_models import wait_for_jobs

pytestmark = pytest.mark.gui


@pytest.fixture
def townships(tmp_path: Path, shipped_form: FormDefinition) -> tuple[Township, Township]:
    return (Township(tmp_path / "wenquan", "421202001", "温泉街道", shipped_form).populate(20, 1),
            Township(tmp_path / "fushan", "421202002", "浮山街道", shipped_form).populate(14, 2))


@pytest.fixture
def ctx(office_ctx: OfficeContext,
        townships: tuple[Township, Township]) -> Iterator[OfficeContext]:
    """The conftest's county office, trusting both townships' keys."""
    make_office(office_ctx.db, COUNTY, trusted=tuple(t.signer for t in townships))
    yield office_ctx
    wait_for_jobs()


@pytest.fixture
def page(qtbot: QtBot, ctx: OfficeContext) -> ImportPage:
    widget = ImportPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1300, 700)
    widget.show()
    widget.refresh()
    return widget


def drop(page: ImportPage, paths: list[Path]) -> None:
    """Files dropped on the drop zone, as the file manager delivers them."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    zone = page.drop_zone
    centre = zone.rect().center()
    # Qt delivers a drop only to the widget that accepted the drag entering it.
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(zone, enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(zone, event)
    assert event.isAccepted()


def cells(page: ImportPage, column: int) -> list[str]:
    model = page.report_model
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_dropped_bundles_are_merged_and_reported(
        qtbot: QtBot, page: ImportPage, ctx: OfficeContext, tmp_path: Path,
        townships: tuple[Township, Township], shipped_form: FormDefinition) -> None:
    wenquan, fushan = townships
    first, second = wenquan.export(), fushan.export()
    forged = tampered(wenquan.export())
    stranger = Township(tmp_path / "x", "421202003", "向阳街道", shipped_form).populate(4, 3)
    unknown = stranger.export()
    note = tmp_path / "readme.txt"
    note.write_text("not a bundle", encoding="utf-8")
    with ctx.db.transaction() as s:
        trust = trust_mapping(s)
    expected_reasons = [verify_bundle(p, trust).message.render("zh") for p in (forged, unknown)]

    with qtbot.waitSignal(page.import_ended, timeout=60_000):
        drop(page, [first, note, second, forged, unknown])  # the .txt is not taken
        assert page.is_running() and page.progress_box.isVisible()
        assert not page.drop_zone.isEnabled()  # one import at a time
    assert not page.progress_box.isVisible()

    assert cells(page, 0) == [first.name, second.name, forged.name, unknown.name]
    assert cells(page, 1)[:2] == ["温泉街道（421202001）", "浮山街道（421202002）"]
    assert cells(page, 2)[:2] == ["王芳", "王芳"]
    assert cells(page, 3)[:2] == ["1", "1"]
    assert cells(page, 4) == ["已导入", "已导入", "拒收", "拒收"]
    with ctx.db.transaction() as s:
        stored = s.scalars(select(BatchFile).order_by(BatchFile.position)).all()
        batch = s.scalars(select(ImportBatch)).one()
    assert batch.imported_by == ctx.staff_name and page.batch_id == batch.id
    for row, line in enumerate(stored):  # the counts are the merge's, file by file
        shown = [page.report_model.index(row, c).data() for c in range(5, 10)]
        if line.outcome == "imported":
            assert shown == [str(line.new), str(line.updated), str(line.unchanged),
                             str(line.superseded), str(line.conflict)]
            assert line.new > 0
        else:
            assert shown == [""] * 5
    assert cells(page, 10)[2:] == expected_reasons
    assert "篡改" in expected_reasons[0] or "改动" in expected_reasons[0]
    tip = page.report_model.index(2, 10).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith(expected_reasons[0]) and len(tip.splitlines()) > 1  # with details
    new_total = sum(line.new for line in stored)
    summary = page.summary_label.text()
    assert f"新增 {new_total}" in summary and "拒收 2 个" in summary

    page.report_view.setCurrentIndex(page.report_model.index(2, 0))
    assert expected_reasons[0] in page.details_label.text()

    # The history lists the batch; the report saves to Excel as shown.
    assert page.history_model.rowCount() == 1
    assert page.history_model.index(0, 1).data() == ctx.staff_name
    target = tmp_path / "out" / "报告"
    target.parent.mkdir()
    page.ask_save_path = lambda suggested: target
    saved = page.save_report()
    assert saved == target.with_name("报告.xlsx") and saved.is_file()
    sheet = load_workbook(saved).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == render("office.report.col.file", "zh")
    assert [r[0] for r in rows[2:6]] == cells(page, 0)
    assert [r[4] for r in rows[2:6]] == cells(page, 4)
    assert rows[4][10].startswith(expected_reasons[0])
    assert rows[6][5] == new_total
    assert str(saved) in page.status_label.text()


def test_the_button_and_a_second_batch_use_the_same_path(
        qtbot: QtBot, page: ImportPage, ctx: OfficeContext,
        townships: tuple[Township, Township]) -> None:
    wenquan, _ = townships
    bundle = wenquan.export()
    page.ask_open_paths = lambda: [bundle]
    with qtbot.waitSignal(page.import_ended, timeout=60_000):
        page.pick_files()
    first_batch = page.batch_id
    assert cells(page, 4) == ["已导入"]
    with qtbot.waitSignal(page.import_ended, timeout=60_000):
        page.pick_files()  # the same file again: already in, not refused
    assert cells(page, 4) == ["此前已导入"]
    assert "已经导入过" in cells(page, 10)[0]
    assert page.history_model.rowCount() == 2
    # Choosing the older batch in the history shows its report again.
    older = next(r for r in range(2) if page.history_model.row_at(r).batch_id == first_batch)
    page.history_view.setCurrentIndex(page.history_model.index(older, 0))
    assert page.batch_id == first_batch and cells(page, 4) == ["已导入"]
    assert not page.conflicts_button.isVisible()


def test_cancel_stops_between_files_and_keeps_what_was_merged(
        qtbot: QtBot, page: ImportPage, ctx: OfficeContext, tmp_path: Path,
        shipped_form: FormDefinition, townships: tuple[Township, Township]) -> None:
    files = [t.export() for t in townships]
    files += [townships[0].export(), townships[1].export()]
    assert page.import_files(files)
    assert page.progress is not None
    # Cancel as soon as the page names the first file, as a person would.
    page.progress.progressed.connect(lambda *_: page.cancel_import())
    with qtbot.waitSignal(page.import_ended, timeout=60_000):
        pass
    assert "已取消" in page.status_label.text()
    with ctx.db.transaction() as s:
        merged = s.scalars(select(BatchFile)).all()
    assert len(merged) < len(files)
    assert len(page.lines) == len(merged)
    assert page.drop_zone.isEnabled() and not page.progress_box.isVisible()
    # A new import works after a cancel.
    with qtbot.waitSignal(page.import_ended, timeout=60_000):
        assert page.import_files(files[len(merged):])
    assert "已取消" not in page.status_label.text()


def test_the_drop_zone_refuses_what_is_not_a_bundle(page: ImportPage, tmp_path: Path) -> None:
    note = tmp_path / "readme.txt"
    note.write_text("not a bundle", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(note))])
    enter = QDragEnterEvent(page.drop_zone.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(page.drop_zone, enter)
    assert not enter.isAccepted()
    assert not page.is_running()
    assert not page.import_files([])
