"""The office's monthly table: figures worked out by hand from tests/county/stats_fixture.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from stats_fixture import CITY, COUNTY, MONTH, T1, T2, T_EMPTY, YEAR, add_other_county, build

from fieldsurvey import clock
from fieldsurvey.cases.month_end import FIGURES, Figures
from fieldsurvey.cases.rates import rate_text
from fieldsurvey.county.db import OfficeDatabase, open_office
from fieldsurvey.county.stats import (
    COLUMNS,
    StatsError,
    counted_organizations,
    explain_cell,
    monthly_table,
    table_json,
    table_rows,
)


@pytest.fixture
def office(tmp_path: Path) -> Iterator[OfficeDatabase]:
    db = open_office(tmp_path / "office.sqlite3")
    build(db)
    yield db
    db.close()


def figures(**values: int) -> Figures:
    return Figures(**values)


# Worked out by hand (see the comments in stats_fixture.py), November 2026, with the
# rules of cases.month_end: every organization is on the register from the campaign's
# start (2026-01-01, the shipped form) whatever day it reached the office; A4 is off it
# (found gone); unvisited organizations count as operating; a union is new only when it
# was set up in November (A8's unknown date is not).
T1_SOCIAL = figures(registered=4, visited=3, operating=4, unions=2, union_own=1, union_joint=1,
                    new_unions=1, staff=60, members=23, committees_full=1, dues_full=1)
T1_FOUNDATION = figures(registered=3, visited=2, operating=2, unions=1, union_federation=1,
                        staff=4, members=4, committees_full=1, dues_full=1)
T1_UNKNOWN = figures(registered=1, operating=1)
T1_TOTAL = figures(registered=8, visited=5, operating=7, unions=3, union_own=1, union_joint=1,
                   union_federation=1, new_unions=1, staff=64, members=27, committees_full=2,
                   dues_full=2)
T2_PNE = figures(registered=5, visited=3, operating=5, unions=2, union_own=1,
                 union_individual=1, new_unions=1, staff=61, members=46, committees_full=1,
                 dues_full=2)
T2_SOCIAL = figures(registered=2, visited=2, operating=2, staff=7)
T2_TOTAL = figures(registered=7, visited=5, operating=7, unions=2, union_own=1,
                   union_individual=1, new_unions=1, staff=68, members=46, committees_full=1,
                   dues_full=2)
SOCIAL = figures(registered=6, visited=5, operating=6, unions=2, union_own=1, union_joint=1,
                 new_unions=1, staff=67, members=23, committees_full=1, dues_full=1)
TOTAL = figures(registered=15, visited=10, operating=14, unions=5, union_own=2, union_joint=1,
                union_federation=1, union_individual=1, new_unions=2, staff=132, members=73,
                committees_full=3, dues_full=4)


def test_cells_subtotals_and_totals_match_the_hand_count(office: OfficeDatabase) -> None:
    table = monthly_table(office, YEAR, MONTH, COUNTY)
    assert table.month_end == dt.date(2026, 11, 30)
    assert [(a.code, a.name) for a in table.areas] == [
        (T1, "温泉街道"), (T2, "横沟桥镇"), (T_EMPTY, "贺胜桥镇")]
    # The form's order; the unknown type last.
    assert table.types == ("social_group", "private_non_enterprise", "foundation", "")
    assert table.types_in(T1) == ["social_group", "foundation", ""]
    assert table.types_in(T2) == ["social_group", "private_non_enterprise"]
    assert table.types_in(T_EMPTY) == []
    assert table.cell(T1, "social_group") == T1_SOCIAL
    assert table.cell(T1, "foundation") == T1_FOUNDATION
    assert table.cell(T1, "") == T1_UNKNOWN
    assert table.cell(T1, None) == T1_TOTAL
    assert table.cell(T2, "private_non_enterprise") == T2_PNE
    assert table.cell(T2, "social_group") == T2_SOCIAL
    assert table.cell(T2, None) == T2_TOTAL
    assert table.cell(T_EMPTY, None) == Figures()
    assert table.cell(None, "social_group") == SOCIAL
    assert table.cell(None, "foundation") == T1_FOUNDATION
    assert table.cell(None, "private_non_enterprise") == T2_PNE
    assert table.cell(None, "") == T1_UNKNOWN
    assert table.total == TOTAL


def test_rates_and_their_rounding(office: OfficeDatabase) -> None:
    table = monthly_table(office, YEAR, MONTH, COUNTY)
    assert table.cell(T1, None).coverage == 3 / 7
    assert table.cell(T1, None).membership == 27 / 64  # 42.1875%
    assert rate_text(27, 64) == "42.19%"
    assert table.total.coverage == 5 / 14
    assert rate_text(5, 14) == "35.71%"
    assert rate_text(73, 132) == "55.30%"
    assert rate_text(2, 3) == "66.67%"  # half up, two decimals
    assert table.cell(T1, "").coverage == 0 and table.cell(T1, "").membership is None
    assert table.cell(T_EMPTY, None).coverage is None
    assert rate_text(1, 0) == "—"


def test_the_previous_month_and_new_unions(office: OfficeDatabase) -> None:
    october = monthly_table(office, YEAR, 10, COUNTY)
    # A1 and B1 had unions by 31 October; only B1's (set up on 15 October) is new then,
    # A1's dates from 2025, before the campaign.
    assert october.total.unions == 2 and october.total.new_unions == 1
    # All 16 from the campaign's start (A4 was not gone yet, nor A5 found dormant).
    assert october.total.registered == 16
    assert october.total.operating == 16
    assert october.total.visited == 3  # A1, A4 and B1
    assert [o.id for o in explain_cell(office, YEAR, MONTH, COUNTY, None, None,
                                       "new_unions")] == ["A2", "B2"]


def test_the_special_cases(office: OfficeDatabase) -> None:
    orgs = {o.id: o for o in counted_organizations(office, YEAR, MONTH, COUNTY)}
    # A4 was found gone; duplicates are never rows of their own. A7 and B6 reached the
    # office after November, but count from the campaign's start all the same.
    assert set(orgs) == {"A1", "A2", "A3", "A5", "A6", "A7", "A8", "A9",
                         "B1", "B2", "B3", "B4", "B5", "B6", "B7"}
    assert "unions" not in orgs["A3"].figures and "operating" in orgs["A3"].figures
    assert orgs["A1"].status == "union" and orgs["A1"].last_visit == dt.date(2026, 10, 10)
    assert orgs["A5"].figures == {"registered", "visited"}  # dormant
    assert orgs["A6"].figures == {"registered", "operating", "staff"}
    assert orgs["A6"].status == "unvisited" and orgs["A6"].staff is None
    assert orgs["A7"].figures == {"registered", "operating", "staff"}
    assert "new_unions" not in orgs["A8"].figures  # a union with no set-up date
    assert orgs["A8"].reg_type == "foundation" and orgs["A9"].reg_type == ""
    assert orgs["B1"].status == "union" and "new_unions" not in orgs["B1"].figures
    b2 = orgs["B2"]
    assert (b2.area, b2.reg_type, b2.staff, b2.members) == (T2, "private_non_enterprise", 40, 40)
    assert orgs["B4"].status == "revisit" and "operating" in orgs["B4"].figures
    assert orgs["B7"].status == "no_union" and orgs["B7"].staff == 9


def test_every_cell_is_explained_by_the_organizations_it_counts(
        office: OfficeDatabase) -> None:
    table = monthly_table(office, YEAR, MONTH, COUNTY)
    areas = [None, *(a.code for a in table.areas)]
    types = [None, *table.types]
    for area in areas:
        for reg_type in types:
            cell = table.cell(area, reg_type)
            for figure in FIGURES:
                listed = explain_cell(office, YEAR, MONTH, COUNTY, area, reg_type, figure)
                if figure == "staff":
                    assert sum(o.staff or 0 for o in listed) == cell.staff
                elif figure == "members":
                    assert sum(o.members or 0 for o in listed) == cell.members
                else:
                    assert len(listed) == cell.value(figure), (area, reg_type, figure)
                assert all(area in (None, o.area) for o in listed)
    assert [o.id for o in explain_cell(office, YEAR, MONTH, COUNTY, T1, "social_group",
                                       "unions")] == ["A1", "A2"]
    with pytest.raises(StatsError):
        explain_cell(office, YEAR, MONTH, COUNTY, None, None, "coverage")


def test_the_city_office_counts_by_county(tmp_path: Path) -> None:
    db = open_office(tmp_path / "city.sqlite3")
    try:
        build(db, CITY)
        add_other_county(db)
        table = monthly_table(db, YEAR, MONTH, CITY)
        assert [(a.code, a.name) for a in table.areas] == [("421202", "咸安区"),
                                                           ("421221", "421221")]
        assert table.cell("421202", None) == TOTAL
        c1 = figures(registered=1, visited=1, operating=1, unions=1, union_own=1,
                     new_unions=1, staff=5, members=5, committees_full=1)
        assert table.cell("421221", None) == c1
        assert table.cell("421221", "social_group") == c1
        assert table.cell("421202", "social_group") == SOCIAL
        assert table.total.unions == 6 and table.total.registered == 16
        listed = explain_cell(db, YEAR, MONTH, CITY, "421221", None, "unions")
        assert [(o.id, o.township_code) for o in listed] == [("C1", "421221001")]
    finally:
        db.close()


def test_rows_json_and_bad_months(office: OfficeDatabase) -> None:
    table = monthly_table(office, YEAR, MONTH, COUNTY)
    rows = table_rows(table)
    assert [(r.kind, r.area, r.reg_type) for r in rows] == [
        ("type", T1, "social_group"), ("type", T1, "foundation"), ("type", T1, ""),
        ("subtotal", T1, None),
        ("type", T2, "social_group"), ("type", T2, "private_non_enterprise"),
        ("subtotal", T2, None),
        ("subtotal", T_EMPTY, None),
        ("type_total", None, "social_group"), ("type_total", None, "private_non_enterprise"),
        ("type_total", None, "foundation"), ("type_total", None, ""),
        ("grand_total", None, None)]
    assert [r.block_size for r in rows if r.block_start] == [4, 3, 1, 5]
    data = table_json(table)
    assert data["as_of"] == "2026-11-30" and data["total"]["registered"] == 15
    assert data["total"]["coverage"] == 5 / 14
    assert data["areas"][0]["by_type"]["social_group"] == {
        **dataclasses.asdict(T1_SOCIAL), "coverage": 2 / 4, "membership": 23 / 60,
        "census": 3 / 4}
    assert data["areas"][2]["total"]["coverage"] is None
    assert data["bundles"] == {"count": 0, "latest_created_at": None}
    assert data["generated_at"].startswith("2026-11-21")  # the suite's clock
    assert set(COLUMNS) == set(FIGURES) | {"coverage", "membership", "census"}
    with pytest.raises(StatsError):
        monthly_table(office, YEAR, 13, COUNTY)


def test_the_same_figures_on_postgresql(office: OfficeDatabase, pg_db_url: str) -> None:
    pg = open_office(pg_db_url)
    try:
        build(pg)
        clock.pin("2026-12-01T09:00:00", frozen=True)  # both tables made "at once"
        assert table_json(monthly_table(pg, YEAR, MONTH, COUNTY)) == table_json(
            monthly_table(office, YEAR, MONTH, COUNTY))
    finally:
        pg.close()
