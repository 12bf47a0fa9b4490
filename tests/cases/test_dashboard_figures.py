"""The township dashboard's figures, by the definitions in ``cases.dashboard``."""

from __future__ import annotations

import dataclasses
import datetime as dt

from fieldsurvey.cases.dashboard import dashboard
from fieldsurvey.cases.loading import CaseRow

TODAY = dt.date(2026, 11, 21)
BLANK = CaseRow(id="", name="", uscc="", reg_type="social_group", field="", status="unvisited",
                union_status="", last_visit=None, next_visit=None, operating_status="",
                staff=None, members=None, union_setup=None, visits=0, has_draft=False,
                haystack="", sort_name="")


def case(**changes: object) -> CaseRow:
    return dataclasses.replace(BLANK, **changes)  # type: ignore[arg-type]


def test_rates_use_operating_organizations_only() -> None:
    rows = [
        case(status="union", union_status="own", operating_status="operating", staff=40,
             members=30, union_setup=dt.date(2026, 11, 3)),
        case(status="union", union_status="joint", operating_status="operating", staff=10,
             members=10, union_setup=dt.date(2026, 10, 30), reg_type="foundation"),
        case(status="no_union", operating_status="operating", staff=50,
             next_visit=dt.date(2026, 11, 20)),
        # A dormant organization with a union is not in the rates.
        case(status="union", union_status="own", operating_status="dormant", staff=5, members=5),
        case(status="gone"), case(), case(status="revisit", next_visit=dt.date(2026, 12, 1)),
    ]
    d = dashboard(rows, TODAY)
    assert d.total == 7
    assert d.by_status == {"unvisited": 1, "union": 3, "no_union": 1, "revisit": 1, "gone": 1}
    assert d.by_type["foundation"] == {"unvisited": 0, "union": 1, "no_union": 0, "revisit": 0,
                                       "gone": 0}
    assert d.by_union_form == {"own": 2, "joint": 1}
    assert (d.operating, d.with_union, d.staff, d.members) == (3, 2, 100, 40)
    assert d.coverage == 2 / 3 and d.membership == 0.4
    assert d.new_unions_this_month == 1
    assert d.overdue == 1
    # ceil(0.85 * 3) = 3 unions needed, 2 exist.
    assert d.unions_to_target == 1


def test_an_empty_register_has_no_rates_rather_than_zero() -> None:
    d = dashboard([], TODAY)
    assert d.coverage is None and d.membership is None and d.unions_to_target == 0
    assert d.by_status == dict.fromkeys(d.by_status, 0)


def test_unions_to_target_is_exact_at_the_boundary() -> None:
    # 20 operating: 17 unions is exactly 85%, so none are missing.
    rows = [case(status="union", union_status="own", operating_status="operating", staff=1)
            for _ in range(17)] + [case(status="no_union", operating_status="operating")] * 3
    d = dashboard(rows, TODAY)
    assert d.coverage == 0.85 and d.unions_to_target == 0
