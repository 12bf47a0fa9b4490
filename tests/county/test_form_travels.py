"""Issue 17's end-to-end acceptance: a new form version travels in the county's package,
one township takes it and the other does not yet, both export, and the county's monthly
table counts visits of both versions as worked out by hand.

Real keys, stores, bundles and packages. The county publishes 2026120503 (tests/county/
form_v3.py), which renames the statistics question ``staff_total`` to ``staff_count``:
a visit of either version is counted right only when read with its own version.

November 2026, campaign start 2026-01-01:
- T1 温泉街道 (receives the package): a1 a union (own) since 2025, staff 20, members 15,
  keyed on 2026120502 before the package; a2 a union (joint) set up 11-01, staff 10,
  members 8, keyed on 2026120503 after it; a3 not visited (counts as operating).
- T2 横沟桥镇 (has not received it): b1 no union, staff 7; b2 a union (own) set up 11-02,
  staff 12, members 12; both on 2026120502.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from form_v3 import SHIPPED, V3, next_shipped_form
from office_helpers import COUNTY, Township, make_office
from receive_helpers import package, set_up_officer
from sqlalchemy import select

from fieldsurvey import clock
from fieldsurvey.cases.dashboard import month_figures
from fieldsurvey.cases.demo import VisitPlan, make_organization, visit_answers
from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.form_archive import publish
from fieldsurvey.county.merge import merge_bundles
from fieldsurvey.county.models import MergedVisit
from fieldsurvey.county.stats import monthly_table
from fieldsurvey.filegate import read_form
from fieldsurvey.forms.mapping import move_answers
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.packages.receive import receive_package
from fieldsurvey.store.form_versions import chain, newest_form, remember_shipped_forms
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.visits import create_visit, finalize

T1, T2 = "421202001", "421202100"
D = dt.date.fromisoformat
KEYS = ("registered", "visited", "operating", "unions", "union_own", "union_joint",
        "union_federation", "new_unions", "staff", "members")
# Worked out by hand from the module doc, in the order of KEYS.
EXPECTED = {
    T1: (3, 2, 3, 2, 1, 1, 0, 1, 20 + 10, 15 + 8),
    T2: (2, 2, 2, 1, 1, 0, 0, 1, 7 + 12, 12),
}


def _at(day: str, hour: int = 18) -> dt.datetime:
    return dt.datetime.combine(D(day), dt.time(hour)).replace(tzinfo=dt.UTC)


class Campaign:
    def __init__(self, folder: Path, shipped: FormDefinition, office: OfficeDatabase) -> None:
        self.rng = random.Random(17)
        self.used: set[str] = set()
        self.towns = {T1: Township(folder / "t1", T1, "温泉街道", shipped),
                      T2: Township(folder / "t2", T2, "横沟桥镇", shipped)}
        for town in self.towns.values():
            set_up_officer(town.db, town.code, town.name)
            with town.db.transaction() as s:  # as the app does at start
                remember_shipped_forms(s, SHIPPED)
        self.office = make_office(office, COUNTY, tuple(t.signer for t in self.towns.values()))
        self.orgs: dict[str, tuple[object, str, str]] = {}

    def register(self, township: str, *names: str) -> None:
        for name in names:
            org = make_organization(self.rng, township, self.used, "social_group")
            with self.towns[township].db.transaction() as s:
                stored = add_organization(s, name=org.name, township_code=township,
                                          uscc=org.uscc, reg_type="social_group")
            self.orgs[name] = (org, stored.id, township)

    def key(self, name: str, day: str, union: str, *, staff: int, members: int | None = None,
            setup: str | None = None) -> str:
        """The officer keys a completed visit with the form the app uses for new visits."""
        org, org_id, township = self.orgs[name]
        town = self.towns[township]
        plan = VisitPlan(D(day), "completed", union, operating="operating", staff=staff,
                         members=members, setup_date=D(setup) if setup else None,
                         reasons=("few_staff",) if union == "none" else ())
        answers = visit_answers(org, plan, self.rng)  # in the shipped version's names
        with clock.pinned(_at(day, 10)), town.db.transaction() as s:
            form = newest_form(s, town.form)
            if form.version != town.form.version:
                answers = move_answers(answers, chain(s, form.form_id, town.form.version,
                                                      form)).answers
            visit = create_visit(s, organization_id=org_id, form=form, officer="王芳",
                                 answers=answers)
            finalize(s, visit.id, form, answers)
            return visit.id

    def export_and_merge(self, day: str) -> None:
        files = []
        for town in self.towns.values():
            with town.db.sessions() as s:
                town.form = newest_form(s, town.form)  # the app's form: the newest installed
            with clock.pinned(_at(day)):
                files.append(town.export(now=_at(day)))
        with clock.pinned(_at(day, 19)):
            report = merge_bundles(self.office, files, form=self.shipped, profile=COUNTY,
                                   by="李主席")
        assert all(f.imported for f in report.files), [f.reason for f in report.files]

    @property
    def shipped(self) -> FormDefinition:
        return self.towns[T2].form


def test_a_new_form_travels_and_the_months_table_counts_both_versions(
        office: OfficeDatabase, shipped_form: FormDefinition, tmp_path: Path) -> None:
    world = Campaign(tmp_path, shipped_form, office)
    world.register(T1, "a1", "a2", "a3")
    world.register(T2, "b1", "b2")
    first = world.key("a1", "2026-11-05", "own", staff=20, members=15, setup="2025-05-01")
    world.key("b1", "2026-11-06", "none", staff=7)
    world.export_and_merge("2026-11-10")

    # 1. The county publishes v3 in T1's package; 2. T1 receives it, T2 does not yet.
    v3 = next_shipped_form(tmp_path / "forms")
    with clock.pinned(_at("2026-11-12", 9)):
        with office.transaction() as s:
            publish(s, read_form(v3), v3.name)
        sent = package(office, world.towns[T1], tmp_path / "out")
    with clock.pinned(_at("2026-11-13", 9)):
        assert receive_package(world.towns[T1].db, sent).form_installed == V3
    with world.towns[T2].db.sessions() as s:
        assert newest_form(s, shipped_form).version == shipped_form.version

    # New visits: T1 on v3, T2 still on the shipped version.
    second = world.key("a2", "2026-11-15", "joint", staff=10, members=8, setup="2026-11-01")
    world.key("b2", "2026-11-16", "own", staff=12, members=12, setup="2026-11-02")
    # 3. Both export; 4. the county merges visits of both versions.
    world.export_and_merge("2026-11-30")

    with office.sessions() as s:
        versions = dict(s.execute(select(MergedVisit.id, MergedVisit.form_version)).all())
        staff = dict(s.execute(select(MergedVisit.id, MergedVisit.staff_total)).all())
    assert versions[first] == shipped_form.version and versions[second] == V3
    assert (staff[first], staff[second]) == (20, 10)
    assert sorted(set(versions.values())) == [shipped_form.version, V3]

    # 5. The monthly table equals the figures worked out by hand.
    table = monthly_table(office, 2026, 11, COUNTY)
    for township, expected in EXPECTED.items():
        got = table.area_totals[township]
        assert tuple(int(getattr(got, k)) for k in KEYS) == expected, township
    assert int(table.total.staff) == 30 + 19 and int(table.total.members) == 23 + 12
    # The officer's own dashboard (on v3) gives T1 the county's numbers.
    town = world.towns[T1]
    with town.db.sessions() as s:
        assert month_figures(s, town.form, T1, 2026, 11) == table.area_totals[T1]
