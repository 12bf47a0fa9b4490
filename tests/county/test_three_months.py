"""Three months of one county, counted by hand: the officer's dashboard and the county's
table give the same figures for the same township, month after month.

Two townships of 咸安区, campaign start 2026-01-01 (the shipped form). August, September
and October 2026 are months 1 to 3. Every visit is keyed into a real officer's store
through ``finalize`` (with the clock pinned to the day it was keyed), exported in a real
signed bundle at each month's end and merged into a real county database.

T1 温泉街道, six organizations:
- a1: a union set up in 2025, before the campaign; found by the August census. Never new.
- a2: a union set up on 2026-08-20, found on 08-25. New in August.
- a3: no union in August (08-10); a union set up on 09-10, found on 09-15. New in
  September.
- a4: never visited until a visit dated 09-20 (a federation union set up on 09-18) that
  is keyed on 10-25 and so only reaches the county in October's bundle. September's
  table changes once it is merged.
- a5: operating in August; found deregistered on 09-05. Off the register from September.
- a6: found dormant in August: registered, visited, not operating.
T2 横沟桥镇: 30 organizations, only b1 visited (a union set up in 2020).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
from office_helpers import COUNTY, Township, make_office

from fieldsurvey import clock
from fieldsurvey.bundles import export_bundle
from fieldsurvey.cases.dashboard import load_dashboard, month_figures
from fieldsurvey.cases.demo import VisitPlan, make_organization, visit_answers
from fieldsurvey.cases.month_end import Figures
from fieldsurvey.cases.rates import rate_text
from fieldsurvey.county.db import open_office
from fieldsurvey.county.merge import merge_bundles
from fieldsurvey.county.stats import monthly_table
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.visits import create_visit, finalize

T1, T2 = "421202001", "421202100"
AUG, SEP, OCT = (2026, 8), (2026, 9), (2026, 10)
D = dt.date.fromisoformat

# What each month's table must say, worked out by hand from the module doc; the
# figures are in the order of KEYS below.
EXPECTED: dict[tuple[str, tuple[int, int]], tuple[int, ...]] = {
    # August: a1..a6 registered (a4 from the campaign's start, unvisited); a6 dormant.
    # Staff of the operating ones: 20 + 10 + 30 + 0 + 4; members 15 + 8.
    (T1, AUG): (6, 5, 5, 2, 1, 1, 0, 1, 64, 23),
    # September, once a4's late visit is in: a5 is off the register; a3 and a4 are new.
    (T1, SEP): (5, 5, 4, 4, 2, 1, 1, 2, 66, 41),
    # October: nothing new; the same four unions.
    (T1, OCT): (5, 5, 4, 4, 2, 1, 1, 0, 66, 41),
    # T2: 30 on the register, one visited, every unvisited one counts as operating.
    (T2, AUG): (30, 1, 30, 1, 1, 0, 0, 0, 9, 9),
    (T2, SEP): (30, 1, 30, 1, 1, 0, 0, 0, 9, 9),
    (T2, OCT): (30, 1, 30, 1, 1, 0, 0, 0, 9, 9),
}
# September as the county saw it before October's bundle brought a4's late visit.
SEPTEMBER_BEFORE_LATE_VISIT = (5, 4, 4, 3, 2, 1, 0, 1, 60, 35)
KEYS = ("registered", "visited", "operating", "unions", "union_own", "union_joint",
        "union_federation", "new_unions", "staff", "members")


def figures_tuple(figures: Figures) -> tuple[int, ...]:
    return tuple(int(getattr(figures, key)) for key in KEYS)


class County:
    """Two townships keying and exporting visits, and the county merging them."""

    def __init__(self, folder: Path, form: FormDefinition) -> None:
        self.form = form
        self.rng = random.Random(2026)
        self.towns = {T1: Township(folder / "t1", T1, "温泉街道", form),
                      T2: Township(folder / "t2", T2, "横沟桥镇", form)}
        self.orgs: dict[str, Any] = {}
        self.office = make_office(open_office(folder / "office.sqlite3"), COUNTY,
                                  tuple(t.signer for t in self.towns.values()))
        self.used: set[str] = set()

    def register(self, township: str, name: str) -> None:
        org = make_organization(self.rng, township, self.used, "social_group")
        with self.towns[township].db.transaction() as s:
            stored = add_organization(s, name=org.name, township_code=township,
                                      uscc=org.uscc, reg_type="social_group")
        self.orgs[name] = (org, stored.id, township)

    def key(self, name: str, keyed_on: str, plan: VisitPlan) -> None:
        """The officer keys a visit on ``keyed_on`` (the plan carries the visit's date)."""
        org, org_id, township = self.orgs[name]
        answers = visit_answers(org, plan, self.rng)
        with clock.pinned(D(keyed_on)), self.towns[township].db.transaction() as s:
            visit = create_visit(s, organization_id=org_id, form=self.form,
                                 officer="王芳", answers=answers)
            finalize(s, visit.id, self.form, answers)

    def close_month(self, year: int, month: int) -> None:
        """Each township exports its bundle on the month's last day; the county merges."""
        end = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
        moment = dt.datetime.combine(end, dt.time(18, 0)).astimezone()
        files = []
        with clock.pinned(moment):
            for town in self.towns.values():
                town.sequence += 1
                path = town.folder / f"{town.code}-{year}{month:02d}.xlsx"
                export_bundle(town.db, self.form, town.signer, path,
                              period_start=end.replace(day=1), period_end=end,
                              sequence=town.sequence, now=clock.now())
                files.append(path)
            report = merge_bundles(self.office, files, form=self.form, profile=COUNTY,
                                   by="李主席")
        assert all(f.imported for f in report.files), [f.reason for f in report.files]

    def county(self, township: str, when: tuple[int, int]) -> Figures:
        return monthly_table(self.office, *when, COUNTY).area_totals[township]

    def officer(self, township: str, when: tuple[int, int]) -> Figures:
        with self.towns[township].db.transaction() as s:
            return month_figures(s, self.form, township, *when)


def completed(day: str, union: str, *, staff: int, members: int | None = None,
              setup: str | None = None, operating: str = "operating") -> VisitPlan:
    return VisitPlan(D(day), "completed", union, operating=operating, staff=staff,
                     members=members, setup_date=D(setup) if setup else None,
                     reasons=("few_staff",) if union in ("none", "individual") else ())


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory,
           shipped_form: FormDefinition) -> County:
    with clock.pinned("2026-08-01"):
        world = County(tmp_path_factory.mktemp("three_months"), shipped_form)
        for name in ("a1", "a2", "a3", "a4", "a5", "a6"):
            world.register(T1, name)
        for n in range(30):
            world.register(T2, f"b{n + 1}")
    # Month 1: the census.
    world.key("a1", "2026-08-05", completed("2026-08-05", "own", staff=20, members=15,
                                            setup="2025-05-01"))
    world.key("a2", "2026-08-25", completed("2026-08-25", "joint", staff=10, members=8,
                                            setup="2026-08-20"))
    world.key("a3", "2026-08-10", completed("2026-08-10", "none", staff=30))
    world.key("a5", "2026-08-08", completed("2026-08-08", "none", staff=4))
    world.key("a6", "2026-08-15", completed("2026-08-15", "none", staff=3,
                                            operating="dormant"))
    world.key("b1", "2026-08-18", completed("2026-08-18", "own", staff=9, members=9,
                                            setup="2020-01-01"))
    world.close_month(*AUG)
    # Month 2: a3 sets up a union; a5 is gone. a4's visit on 09-20 waits on paper.
    world.key("a3", "2026-09-15", completed("2026-09-15", "own", staff=30, members=12,
                                            setup="2026-09-10"))
    world.key("a5", "2026-09-05", VisitPlan(D("2026-09-05"), "gone",
                                            operating="deregistered"))
    world.close_month(*SEP)
    world.september_before = world.county(T1, SEP)  # type: ignore[attr-defined]
    # Month 3: the paper form of 09-20 is keyed a month late.
    world.key("a4", "2026-10-25", completed("2026-09-20", "federation", staff=6, members=6,
                                            setup="2026-09-18"))
    world.close_month(*OCT)
    return world


@pytest.mark.slow
@pytest.mark.parametrize(("township", "when"), list(EXPECTED))
def test_the_county_table_counts_each_month_as_worked_out_by_hand(
        county: County, township: str, when: tuple[int, int]) -> None:
    assert figures_tuple(county.county(township, when)) == EXPECTED[(township, when)]


@pytest.mark.slow
@pytest.mark.parametrize(("township", "when"), list(EXPECTED))
def test_the_officers_dashboard_gives_the_county_tables_numbers(
        county: County, township: str, when: tuple[int, int]) -> None:
    officer, office = county.officer(township, when), county.county(township, when)
    assert officer == office  # every figure, committees and dues included
    assert figures_tuple(officer) == EXPECTED[(township, when)]


@pytest.mark.slow
def test_a_visit_keyed_a_month_late_changes_its_own_months_table(county: County) -> None:
    before = county.september_before  # type: ignore[attr-defined]
    assert figures_tuple(before) == SEPTEMBER_BEFORE_LATE_VISIT
    assert figures_tuple(county.county(T1, SEP)) == EXPECTED[(T1, SEP)]


@pytest.mark.slow
def test_rates_show_two_decimals_rounded_half_up(county: County) -> None:
    august = county.county(T1, AUG)
    assert rate_text(*august.rate_parts("coverage")) == "40.00%"  # 2 of 5
    assert rate_text(*august.rate_parts("membership")) == "35.94%"  # 23 of 64: 35.9375
    assert rate_text(*august.rate_parts("census")) == "83.33%"  # 5 of 6
    assert rate_text(*county.county(T2, OCT).rate_parts("coverage")) == "3.33%"


@pytest.mark.slow
def test_one_visit_out_of_thirty_is_no_target_reached(county: County) -> None:
    with clock.pinned("2026-10-31"), county.towns[T2].db.transaction() as s:
        board = load_dashboard(s, county.form, T2, clock.today())
    assert (board.with_union, board.operating) == (1, 30)
    assert rate_text(board.with_union, board.operating) == "3.33%"
    assert board.target_reached is None  # 1 of 30 visited: too early to judge
    with clock.pinned("2026-10-31"), county.towns[T1].db.transaction() as s:
        t1 = load_dashboard(s, county.form, T1, clock.today())
    assert (t1.with_union, t1.operating, t1.month.visited, t1.month.registered) == (4, 4, 5, 5)
    assert t1.target_reached is True


def test_the_census_month_has_no_new_union_set_up_before_it(county: County) -> None:
    """b1 (2020) and a1 (2025) were found by the census; neither is new in August."""
    total = monthly_table(county.office, *AUG, COUNTY).total
    assert total.new_unions == 1  # a2 only
    assert total.unions == 3
