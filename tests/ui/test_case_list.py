"""The case list: instant search by name, code or pinyin, filters, keyboard, counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from fieldsurvey.domain.uscc import uscc_check_char
from fieldsurvey.forms.loader import load_form
from fieldsurvey.paths import data_paths
from fieldsurvey.resources import forms_dir
from fieldsurvey.store import open_store
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.profile import OfficerProfile
from fieldsurvey.ui.case_list import CaseListPage
from fieldsurvey.ui.context import AppContext

pytestmark = pytest.mark.gui

PROFILE = OfficerProfile(name="王芳", phone="13800138000", township_code="330106001",
                         township_name="西湖街道", county_code="330106", county_name="西湖区")


def uscc(body: str) -> str:
    return body + uscc_check_char(body)


CHAYE = uscc("51330106MJ0000001")
NAMES = {"茶叶协会": CHAYE, "长兴书法家协会": uscc("51330106MJ0000002"),
         "阳光助学基金会": uscc("53330106MJ0000003"), "社区志愿者服务队": None}


@pytest.fixture
def ctx() -> Iterator[AppContext]:
    db = open_store(data_paths())
    with db.transaction() as session:
        for name, code in NAMES.items():
            add_organization(session, name=name, uscc=code, township_code="330106001",
                             reg_type="foundation" if "基金会" in name else "social_group")
        add_organization(session, name="外乡茶叶协会", township_code="330106002")
    yield AppContext(lang="zh", paths=data_paths(), db=db,
                     form=load_form(forms_dir() / "so_union_visit.xlsx"), profile=PROFILE)
    db.close()


@pytest.fixture
def page(qtbot: QtBot, ctx: AppContext) -> CaseListPage:
    page = CaseListPage(ctx)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.reload()
    page.wait_loaded()
    assert page.model.complete
    return page


def shown(page: CaseListPage) -> list[str]:
    model = page.model
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


def test_only_this_townships_organizations_are_listed_sorted_by_pinyin(
        page: CaseListPage) -> None:
    # chang- < chaye < shequ < yang-
    assert shown(page) == ["长兴书法家协会", "茶叶协会", "社区志愿者服务队", "阳光助学基金会"]
    assert page.model.data(page.model.index(0, 3)) == "未走访"


@pytest.mark.parametrize(("typed", "expected"), [
    ("cyxh", ["茶叶协会"]),
    ("CYXH", ["茶叶协会"]),
    ("shufa", ["长兴书法家协会"]),
    (CHAYE[-8:].lower(), ["茶叶协会"]),
    ("５３３３０１０６ＭＪ００００００３", ["阳光助学基金会"]),
    ("协会", ["长兴书法家协会", "茶叶协会"]),
    ("没有这家", []),
])
def test_typing_in_the_search_box_filters_instantly(qtbot: QtBot, page: CaseListPage,
                                                    typed: str, expected: list[str]) -> None:
    if typed.isascii():
        qtbot.keyClicks(page.search, typed)
    else:  # Chinese and full-width text arrives committed by the input method, not as keys
        page.search.insert(typed)
    assert shown(page) == expected


def test_counts_follow_the_filter(qtbot: QtBot, page: CaseListPage) -> None:
    counts: list[tuple[int, int, int]] = []
    page.counts_changed.connect(lambda *args: counts.append(args))
    qtbot.keyClicks(page.search, "xh")
    assert counts[-1] == (2, 4, 0)
    page.type_filter.setCurrentIndex(page.type_filter.findData("foundation"))
    assert counts[-1] == (0, 4, 0)
    page.search.clear()
    assert counts[-1] == (1, 4, 0) and shown(page) == ["阳光助学基金会"]


def test_the_keyboard_reaches_and_opens_a_case(qtbot: QtBot, page: CaseListPage) -> None:
    opened: list[str] = []
    page.open_requested.connect(opened.append)
    page.focus_search()
    qtbot.keyClicks(page.search, "jjh")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)  # one match: Enter opens it
    with page.ctx.db.transaction() as session:
        from fieldsurvey.store.models import Organization

        names = {o.id: o.name for o in session.query(Organization)}
    assert [names[i] for i in opened] == ["阳光助学基金会"]

    qtbot.keyClick(page.search, Qt.Key.Key_Escape)
    assert page.search.text() == ""
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert page.table.hasFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert names[opened[-1]] == "茶叶协会"
    qtbot.keyClick(page.table, Qt.Key.Key_Up)
    qtbot.keyClick(page.table, Qt.Key.Key_Up)
    assert page.search.hasFocus()


def test_clicking_a_header_sorts_and_keeps_the_filter(qtbot: QtBot, page: CaseListPage) -> None:
    qtbot.keyClicks(page.search, "xh")
    page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert shown(page) == ["茶叶协会", "长兴书法家协会"]
    page.search.clear()
    assert shown(page)[0] == "阳光助学基金会"


def test_the_first_screen_is_painted_before_the_rest_arrives(
        qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    from fieldsurvey.ui import case_list

    monkeypatch.setattr(case_list, "FIRST_SCREEN", 2)
    page = CaseListPage(ctx)
    qtbot.addWidget(page)
    counts: list[tuple[int, int, int]] = []
    page.counts_changed.connect(lambda *args: counts.append(args))
    page.reload()
    assert shown(page) == ["长兴书法家协会", "茶叶协会"] and not page.model.complete
    assert counts == []  # no half-true totals in the status bar
    page.wait_loaded()
    assert len(shown(page)) == 4 and page.model.complete and counts == [(4, 4, 0)]


def test_refresh_updates_one_organization_in_place(page: CaseListPage) -> None:
    from fieldsurvey.store.models import Organization
    from fieldsurvey.store.prefill import start_visit

    with page.ctx.db.transaction() as session:
        org = session.query(Organization).filter_by(name="茶叶协会").one()
        start_visit(session, page.ctx.form, org.id, "王芳", dt.date(2026, 11, 21))
        org_id = org.id
    page.select(org_id)
    page.refresh([org_id])
    assert "茶叶协会 ✎" in shown(page)
    assert page.current_id() == org_id
