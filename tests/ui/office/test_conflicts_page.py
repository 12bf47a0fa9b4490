"""The office's Conflicts page on real conflicts from real bundles: decide, see, undo."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "county"))
from office_helpers import COUNTY, Township, make_office

from fieldsurvey import clock
from fieldsurvey.county.conflicts import DISTINCT, comparison_rows, list_conflicts
from fieldsurvey.county.merge import merge_bundles
from fieldsurvey.county.models import Conflict, MergedOrganization, MergedVisit
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.ui.office.conflicts_page import DIFFERS_BACKGROUND, ConflictsPage
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.table_models import wait_for_jobs

pytestmark = pytest.mark.gui


def conflicting_bundles(tmp_path: Path, form: FormDefinition) -> tuple[Township, list[Path]]:
    """A township's bundle, and one from a copy of its laptop that changed a visit without
    a new revision (a visit conflict); the register also holds a likely duplicate name."""
    wenquan = Township(tmp_path / "a", "421202001", "温泉街道", form).populate(16, 11)
    with wenquan.db.transaction() as s:
        name = s.execute(text("SELECT name FROM organization ORDER BY name LIMIT 1")).scalar_one()
        add_organization(s, name=f"{name}（筹）", township_code="421202001")
    first = wenquan.export()
    twin = wenquan.copy_to(tmp_path / "a-twin")
    with twin.db.transaction() as s:
        changed = s.execute(text(
            "UPDATE visit SET answers_json = replace(answers_json, '\"visit_kind\":\"census\"', "
            "'\"visit_kind\":\"follow_up\"'), updated_at = '2026-11-17 08:00:00.000000' "
            "WHERE id = (SELECT id FROM visit WHERE status = 'final' AND deleted_at IS NULL "
            "AND answers_json LIKE '%\"visit_kind\":\"census\"%' ORDER BY id LIMIT 1)"))
        assert changed.rowcount == 1
    return wenquan, [first, twin.export("twin.xlsx", sequence=10)]


@pytest.fixture
def ctx(office_ctx: OfficeContext, tmp_path: Path,
        shipped_form: FormDefinition) -> Iterator[OfficeContext]:
    """The conftest's county office with the bundles merged (by someone else)."""
    wenquan, files = conflicting_bundles(tmp_path, shipped_form)
    make_office(office_ctx.db, COUNTY, trusted=(wenquan.signer,))
    report = merge_bundles(office_ctx.db, files, form=shipped_form, profile=COUNTY, by="张三")
    assert all(f.imported for f in report.files)
    yield office_ctx
    wait_for_jobs()


@pytest.fixture
def page(qtbot: QtBot, ctx: OfficeContext) -> ConflictsPage:
    widget = ConflictsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1300, 700)
    widget.show()
    widget.refresh()
    return widget


def select_kind(page: ConflictsPage, kind: str) -> None:
    view = next(c for c in page.conflicts if c.kind == kind)
    assert page.select_conflict(view.id)
    assert page.current is not None and page.current.id == view.id


def test_the_versions_side_by_side_and_a_visit_decided(
        qtbot: QtBot, page: ConflictsPage, ctx: OfficeContext) -> None:
    with ctx.db.transaction() as s:
        expected = list_conflicts(s)
    assert sorted(c.kind for c in expected) == ["name_duplicate", "visit_content"]
    assert page.conflict_list.count() == 2
    assert "待处理 2 个" in page.count_label.text()
    titles = {page.conflict_list.item(i).text().splitlines()[0] for i in range(2)}
    assert titles == {page.title(c) for c in expected}
    names = next(c for c in expected if c.kind == "name_duplicate")
    assert page.title(names) == names.title.render("zh")
    visit_conflict = next(c for c in expected if c.kind == "visit_content")
    with ctx.db.transaction() as s:
        org = s.get(MergedOrganization, visit_conflict.versions[0].payload["organization_id"])
        assert org is not None
    assert page.title(visit_conflict) == \
        f"「{org.name}」{visit_conflict.versions[0].payload['visit_date']} 的走访有 2 个不同版本"

    select_kind(page, "visit_content")
    view = page.current
    assert view is not None
    rows = comparison_rows(view, ctx.form, "zh")
    model = page.comparison
    assert model.columnCount() == 1 + len(view.versions) == 3
    assert model.rowCount() == len(rows) + 1  # the buttons' row first
    for r, row in enumerate(rows, 1):
        shown = [model.index(r, c).data() for c in range(3)]
        assert shown == [row.label, *row.values]
        background = model.index(r, 1).data(Qt.ItemDataRole.BackgroundRole)
        assert (background is not None and background.color() == DIFFERS_BACKGROUND) \
            == row.differs
    assert any(r.differs for r in rows)
    header = model.headerData(1, Qt.Orientation.Horizontal)
    assert header.startswith("版本 1") and "温泉街道（421202001）" in header
    assert "签名人：王芳 · 数据包序号" in header and "导入于" in header
    assert [b.text() for b in page.version_buttons] == ["采用此版本"] * 2
    assert not page.distinct_button.isVisible()

    # Only the differences.
    page.only_differences.setChecked(True)
    assert model.rowCount() == 1 + sum(r.differs for r in rows)
    page.only_differences.setChecked(False)

    chosen = view.versions[0]
    page.note_edit.setText("已电话核实")
    before = clock.now() - dt.timedelta(seconds=5)
    with qtbot.waitSignal(page.conflicts_changed):
        qtbot.mouseClick(page.version_buttons[0], Qt.MouseButton.LeftButton)
    with ctx.db.transaction() as s:
        stored = s.get(Conflict, view.id)
        assert stored is not None
        assert (stored.status, stored.resolution, stored.resolved_by, stored.note) == (
            "resolved", chosen.key, ctx.staff_name, "已电话核实")
        assert stored.resolved_at is not None and stored.resolved_at >= before
        visit = s.get(MergedVisit, view.subject.rsplit("#", 1)[0])
        assert visit is not None and visit.pinned and visit.content_hash == chosen.key
    # It left the open list; the other conflict is shown now.
    assert page.conflict_list.count() == 1
    assert page.current is not None and page.current.kind == "name_duplicate"
    assert "待处理 1 个，已处理 1 个" in page.count_label.text()

    # Resolved ones shown: who decided what and when; then undone.
    page.show_resolved.setChecked(True)
    assert page.conflict_list.count() == 2
    assert page.select_conflict(view.id)
    assert page.resolution_box.isVisible() and page.reopen_button.isVisible()
    text_shown = page.resolution_label.text()
    assert ctx.staff_name in text_shown and "采用版本 1" in text_shown and "已电话核实" in text_shown
    assert not any(b.isEnabled() for b in page.version_buttons)
    assert "✓ 已采用" in model.headerData(1, Qt.Orientation.Horizontal)
    with qtbot.waitSignal(page.conflicts_changed):
        qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)
    with ctx.db.transaction() as s:
        stored = s.get(Conflict, view.id)
        assert stored is not None and stored.status == "open" and stored.resolved_by is None
        assert s.get(MergedVisit, view.subject.rsplit("#", 1)[0]).pinned is False
    assert page.current is not None and page.current.id == view.id
    assert not page.resolution_box.isVisible()
    assert all(b.isEnabled() for b in page.version_buttons)


def test_a_name_duplicate_kept_or_declared_distinct(
        qtbot: QtBot, page: ConflictsPage, ctx: OfficeContext) -> None:
    select_kind(page, "name_duplicate")
    view = page.current
    assert view is not None
    assert [b.text() for b in page.version_buttons] == ["保留此单位（其余标为重复）"] * 2
    assert page.distinct_button.isVisible()
    keeper, other = view.versions[1], view.versions[0]
    with qtbot.waitSignal(page.conflicts_changed):
        qtbot.mouseClick(page.version_buttons[1], Qt.MouseButton.LeftButton)
    with ctx.db.transaction() as s:
        assert s.get(MergedOrganization, other.key).duplicate_of == keeper.key
        assert s.get(MergedOrganization, keeper.key).duplicate_of is None
        assert s.get(Conflict, view.id).resolved_by == ctx.staff_name

    page.show_resolved.setChecked(True)
    page.select_conflict(view.id)
    assert keeper.payload["name"] in page.resolution_label.text()
    page.reopen_current()
    with ctx.db.transaction() as s:
        assert s.get(MergedOrganization, other.key).duplicate_of is None

    with qtbot.waitSignal(page.conflicts_changed):
        qtbot.mouseClick(page.distinct_button, Qt.MouseButton.LeftButton)
    with ctx.db.transaction() as s:
        stored = s.get(Conflict, view.id)
        assert stored is not None and stored.resolution == DISTINCT
        dupes = s.scalars(select(MergedOrganization.id).where(
            MergedOrganization.duplicate_of.is_not(None))).all()
        assert dupes == []
    page.select_conflict(view.id)
    assert "不是同一单位" in page.resolution_label.text()
