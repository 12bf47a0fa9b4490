"""The township dashboard shows the figures of the cases in the store."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterator
from fractions import Fraction

import pytest
from pytestqt.qtbot import QtBot

from fieldsurvey import clock
from fieldsurvey.cases.dashboard import load_dashboard
from fieldsurvey.cases.demo import VisitPlan, make_organization, populate_demo, visit_answers
from fieldsurvey.cases.rates import rate_text, target_reached, target_text
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.paths import data_paths
from fieldsurvey.store import open_store
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.profile import OfficerProfile
from fieldsurvey.store.visits import create_visit, finalize
from fieldsurvey.ui.charts import StackedBars
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.dashboard import DashboardPage

pytestmark = pytest.mark.gui

TOWNSHIP = "421202001"
TODAY = dt.date(2026, 11, 21)  # the suite's pinned clock
PROFILE = OfficerProfile(name="王芳", phone="13800138000", township_code=TOWNSHIP,
                         township_name="温泉街道", county_code="421202", county_name="咸安区")



@pytest.fixture
def ctx(shipped_form: FormDefinition) -> Iterator[AppContext]:
    paths = data_paths()
    db = open_store(paths)
    yield AppContext(lang="zh", paths=paths, db=db, form=shipped_form, profile=PROFILE)
    db.close()


def add_case(ctx: AppContext, rng: random.Random, used: set[str], reg_type: str,
             plan: VisitPlan | None) -> None:
    """An organization of the register and, if ``plan`` says so, its finalized visit."""
    org = make_organization(rng, TOWNSHIP, used, reg_type)
    with ctx.db.transaction() as s:
        added = add_organization(s, name=org.name, township_code=TOWNSHIP, uscc=org.uscc,
                                 reg_type=org.reg_type, field=org.org_field,
                                 address=org.address, legal_rep=org.legal_rep,
                                 phone=org.phone, supervisor=org.supervisor)
        if plan is not None:
            answers = visit_answers(dataclasses.replace(org, id=added.id), plan, rng)
            visit = create_visit(s, organization_id=added.id, form=ctx.form, officer="王芳",
                                 answers=answers)
            finalize(s, visit.id, ctx.form, answers)


@pytest.fixture
def township(ctx: AppContext) -> AppContext:
    """Eight organizations whose figures are worked out by hand below."""
    rng, used, d = random.Random(7), set[str](), dt.timedelta
    long_ago = TODAY - d(800)
    cases: list[tuple[str, VisitPlan | None]] = [
        ("social_group", VisitPlan(TODAY, "completed", "own", staff=20, members=15,
                                   setup_date=TODAY)),
        ("social_group", VisitPlan(TODAY, "completed", "joint", staff=10, members=10,
                                   setup_date=long_ago)),
        ("private_non_enterprise", VisitPlan(TODAY, "completed", "none", staff=30,
                                             next_visit=TODAY + d(7))),
        ("private_non_enterprise", VisitPlan(TODAY, "completed", "federation", staff=40,
                                             members=30, setup_date=long_ago,
                                             operating="dormant")),
        ("private_non_enterprise", VisitPlan(TODAY, "revisit", next_visit=TODAY + d(5))),
        ("foundation", VisitPlan(TODAY, "gone", operating="deregistered")),
        ("foundation", None),
        ("community", None),
    ]
    for reg_type, plan in cases:
        add_case(ctx, rng, used, reg_type, plan)
    return ctx


def values(page: DashboardPage) -> dict[str, str]:
    return {name: tile.value_label.text() for name, tile in page.tiles.items()}


def test_the_tiles_show_the_townships_figures(qtbot: QtBot, township: AppContext) -> None:
    page = DashboardPage(township)
    qtbot.addWidget(page)
    # As of November's end: 7 on the register (the deregistered foundation is off it),
    # 5 visited; 6 operating (the dormant one is not; the two unvisited ones and the
    # revisit count as operating); 2 unions, one set up this month.
    assert values(page) == {
        "organizations": "7", "visited": "5", "unions": "2",
        "coverage": "33.33%",  # 2 unions among 6 operating organizations
        "membership": "41.67%",  # 25 members of 60 staff in operating organizations
        "new_unions": "1", "overdue": "0",
    }
    notes = {name: tile.note_label.text() for name, tile in page.tiles.items()}
    assert notes["organizations"] == "正常运营 6 家\n另有 1 家已注销或查无"
    assert notes["coverage"] == "目标 85%，还差 4 家"
    assert notes["unions"] == "单独建 1 · 联合建 1"
    assert notes["membership"] == "会员 25 人 / 职工 60 人"
    assert notes["visited"] == "走访进度 71.43%\n未走访 2 家"
    assert page.title_label.text() == "温泉街道 工作看板"


def test_the_table_counts_types_by_status_with_totals(qtbot: QtBot,
                                                      township: AppContext) -> None:
    page = DashboardPage(township)
    qtbot.addWidget(page)
    headers = [page.table.horizontalHeaderItem(c).text()
               for c in range(page.table.columnCount())]
    assert headers == ["登记类型", "未走访", "已建会", "未建会", "需回访", "已注销或查无", "合计"]
    assert page.table_rows() == {
        "社会团体": ["0", "2", "0", "0", "0", "2"],
        "民办非企业单位（社会服务机构）": ["0", "1", "1", "1", "0", "3"],
        "基金会": ["1", "0", "0", "0", "1", "2"],
        "城乡社区社会组织": ["1", "0", "0", "0", "0", "1"],
        "合计": ["2", "3", "1", "1", "1", "8"],
    }


def test_the_charts_get_the_same_numbers(qtbot: QtBot, township: AppContext) -> None:
    page = DashboardPage(township)
    qtbot.addWidget(page)
    assert page.gauge.rate == pytest.approx(2 / 6)
    assert (page.gauge.value_text, page.gauge.target_label) == ("33.33%", "目标 85%")
    assert [name for name, _ in page.bars.series] == ["未走访", "已建会", "未建会", "需回访",
                                                      "已注销或查无"]
    assert page.bars.rows[0] == ("社会团体", [0, 2, 0, 0, 0])
    assert [label for label, _ in page.bars.rows] == ["社会团体", "民办非企业单位（社会服务机构）",
                                                      "基金会", "城乡社区社会组织"]
    page.resize(1366, 700)
    assert not page.grab().isNull()  # every chart paints at the laptop size


def test_overdue_revisits_show_once_their_date_has_passed(qtbot: QtBot,
                                                          township: AppContext) -> None:
    page = DashboardPage(township)
    qtbot.addWidget(page)
    clock.pin(TODAY + dt.timedelta(days=8))  # both agreed dates have passed
    page.refresh_button.click()
    assert page.tiles["overdue"].value_label.text() == "2"
    assert "#c62828" in page.tiles["overdue"].value_label.styleSheet()


def test_reload_picks_up_new_organizations(qtbot: QtBot, township: AppContext) -> None:
    page = DashboardPage(township)
    qtbot.addWidget(page)
    add_case(township, random.Random(99), set(), "law_firm", None)
    with qtbot.waitSignal(page.reloaded) as reloaded:
        page.refresh_button.click()
    assert reloaded.args[0].total == 9
    assert page.tiles["organizations"].value_label.text() == "8"  # the gone one is off it
    assert page.table_rows()["律师事务所"] == ["1", "0", "0", "0", "0", "1"]


def test_an_empty_register_shows_dashes_not_zero_rates(qtbot: QtBot, ctx: AppContext) -> None:
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    assert values(page)["coverage"] == "—" and values(page)["membership"] == "—"
    assert page.gauge.rate is None and page.gauge.value_text == "—"
    assert page.table_rows() == {"合计": ["0", "0", "0", "0", "0", "0"]}
    assert page.gauge_note.text() == "登记在册的单位都已确认停止活动，暂无建会率。"


def test_the_dashboard_speaks_english(qtbot: QtBot, township: AppContext) -> None:
    page = DashboardPage(dataclasses.replace(township, lang="en"))
    qtbot.addWidget(page)
    assert page.tiles["coverage"].title_label.text() == "Coverage rate"
    assert page.tiles["coverage"].note_label.text() == "Target 85%: 4 more needed"
    assert "Social group" in page.table_rows()
    assert page.table.horizontalHeaderItem(1).text() == "Not visited"


def test_a_demo_register_matches_the_core_figures(qtbot: QtBot, ctx: AppContext) -> None:
    populate_demo(ctx.db, ctx.form, TOWNSHIP, 300, seed=11, today=TODAY)
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    with ctx.db.sessions() as s:
        board = load_dashboard(s, ctx.form, TOWNSHIP, TODAY)
    assert page.board == board
    assert values(page)["coverage"] == rate_text(board.with_union, board.operating)
    assert values(page)["overdue"] == str(board.overdue)
    assert page.table_rows()["合计"][-1] == "300"
    assert sum(sum(counts) for _, counts in page.bars.rows) == 300


@pytest.mark.parametrize(("numerator", "denominator", "text"), [
    (2, 3, "66.67%"), (1, 0, "—"), (0, 5, "0.00%"), (5, 5, "100.00%"),
    (37, 457, "8.10%"), (1, 30, "3.33%"),  # as the published tables print them
    (1, 8, "12.50%"), (1, 20000, "0.01%"),  # 0.005% is rounded half up
    (2122, 2123, "99.95%"),  # half up: 99.9529
])
def test_rates_have_two_decimals_rounded_half_up(numerator: int, denominator: int,
                                                  text: str) -> None:
    assert rate_text(numerator, denominator) == text


def test_the_target_is_judged_on_the_exact_ratio_not_the_rounded_text() -> None:
    board_ratio = (16999, 20000)  # 84.995% shows as 85.00% but is short of 85%
    assert rate_text(*board_ratio) == "85.00%"
    assert target_reached(*board_ratio, visited=10, registered=10) is False
    assert target_reached(17, 20, visited=10, registered=10) is True
    assert target_reached(17, 20, visited=8, registered=10) is None  # census under 90%


def test_targets_are_whole_percentages_unless_set_finer() -> None:
    assert (target_text(Fraction(85, 100)), target_text(Fraction(8, 10)),
            target_text(Fraction(855, 1000))) == ("85%", "80%", "85.5%")


def test_stacked_bars_want_one_value_per_series(qtbot: QtBot) -> None:
    from PySide6.QtGui import QColor

    bars = StackedBars()
    qtbot.addWidget(bars)
    with pytest.raises(ValueError, match="one value per series"):
        bars.set_data([("a", [1, 2])], [("x", QColor("red"))])
