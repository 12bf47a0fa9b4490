"""The township dashboard: today's standing of each case beside the month's figures."""

from __future__ import annotations

import dataclasses
import datetime as dt

from fieldsurvey.cases.dashboard import dashboard
from fieldsurvey.cases.loading import CaseRow
from fieldsurvey.cases.month_end import Figures

TODAY = dt.date(2026, 11, 21)
BLANK = CaseRow(id="", name="", uscc="", reg_type="social_group", field="", status="unvisited",
                union_status="", last_visit=None, next_visit=None, operating_status="",
                staff=None, members=None, union_setup=None, visits=0, has_draft=False,
                haystack="", sort_name="")


def case(**changes: object) -> CaseRow:
    return dataclasses.replace(BLANK, **changes)  # type: ignore[arg-type]


def test_statuses_types_forms_and_overdue_come_from_the_cases() -> None:
    rows = [
        case(status="union", union_status="own"),
        case(status="union", union_status="joint", reg_type="foundation"),
        case(status="no_union", next_visit=dt.date(2026, 11, 20)),  # overdue
        case(status="union", union_status="own"),
        case(status="gone"), case(), case(status="revisit", next_visit=dt.date(2026, 12, 1)),
    ]
    d = dashboard(rows, Figures(), TODAY)
    assert d.total == 7
    assert d.by_status == {"unvisited": 1, "union": 3, "no_union": 1, "revisit": 1, "gone": 1}
    assert d.by_type["foundation"] == {"unvisited": 0, "union": 1, "no_union": 0, "revisit": 0,
                                       "gone": 0}
    assert d.by_union_form == {"own": 2, "joint": 1}
    assert d.overdue == 1


def test_rates_and_the_target_come_from_the_months_figures() -> None:
    month = Figures(registered=5, visited=5, operating=3, unions=2, staff=100, members=40,
                    new_unions=1)
    d = dashboard([], month, TODAY)
    assert (d.operating, d.with_union, d.staff, d.members) == (3, 2, 100, 40)
    assert d.coverage == 2 / 3 and d.membership == 0.4
    assert d.new_unions_this_month == 1
    assert d.unions_to_target == 1  # ceil(0.85 * 3) = 3 unions needed, 2 exist
    assert d.target_reached is False


def test_an_empty_register_has_no_rates_rather_than_zero() -> None:
    d = dashboard([], Figures(), TODAY)
    assert d.coverage is None and d.membership is None and d.unions_to_target == 0
    assert d.target_reached is None
    assert d.by_status == dict.fromkeys(d.by_status, 0)


def test_unions_to_target_is_exact_at_the_boundary() -> None:
    # 20 operating: 17 unions is exactly 85%, so none are missing.
    d = dashboard([], Figures(registered=20, visited=20, operating=20, unions=17), TODAY)
    assert d.coverage == 0.85 and d.unions_to_target == 0 and d.target_reached is True


def test_no_target_is_reached_before_the_census_covers_nine_tenths() -> None:
    early = Figures(registered=29, visited=1, operating=29, unions=29)
    assert dashboard([], early, TODAY).target_reached is None
    nearly = Figures(registered=10, visited=9, operating=10, unions=9)
    assert dashboard([], nearly, TODAY).target_reached is True
