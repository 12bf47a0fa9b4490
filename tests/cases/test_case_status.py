"""Every organization's status comes from its finalized visits, by the documented rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fieldsurvey.cases.loading import CaseRow, load_cases
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.store import Database
from fieldsurvey.store.visits import delete, reopen, save_draft

AddVisit = Callable[..., str]
TODAY = dt.date(2026, 11, 21)
D1, D2, D3 = dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)


def cases(db: Database, form: FormDefinition) -> dict[str, CaseRow]:
    with db.transaction() as session:
        return {row.name: row for row in load_cases(session, form)}


def test_each_status_follows_the_latest_visits(
        db: Database, form: FormDefinition, add_org: Callable[..., str],
        add_visit: AddVisit) -> None:
    ids = {name: add_org(name) for name in
           ("未走访会", "有工会", "无工会", "需回访", "拒访", "注销", "草稿", "先建会后不在")}
    add_visit(ids["有工会"], visit_date=D2, result="completed", operating="operating",
              staff=40, union_status="joint", setup=D1, members=30)
    add_visit(ids["无工会"], visit_date=D2, result="completed", operating="operating",
              staff=12, union_status="none", next_visit=dt.date(2026, 12, 1))
    add_visit(ids["需回访"], visit_date=D2, result="revisit", next_visit=dt.date(2026, 11, 1))
    add_visit(ids["拒访"], visit_date=D2, result="refused")
    add_visit(ids["注销"], visit_date=D1, result="completed", operating="operating", staff=3,
              union_status="own", members=3)
    add_visit(ids["注销"], visit_date=D3, result="gone")
    add_visit(ids["草稿"], final=False, visit_date=D3, result="completed")
    add_visit(ids["先建会后不在"], visit_date=D1, result="completed", operating="operating",
              staff=9, union_status="own", members=9)
    add_visit(ids["先建会后不在"], visit_date=D3, result="revisit",
              next_visit=dt.date(2026, 11, 10))

    rows = cases(db, form)
    assert {name: (row.status, row.union_status) for name, row in rows.items()} == {
        "未走访会": ("unvisited", ""), "有工会": ("union", "joint"), "无工会": ("no_union", ""),
        "需回访": ("revisit", ""), "拒访": ("revisit", ""), "注销": ("gone", ""),
        "草稿": ("unvisited", ""), "先建会后不在": ("union", "own"),
    }
    assert rows["草稿"].has_draft and not rows["有工会"].has_draft
    assert (rows["有工会"].staff, rows["有工会"].members, rows["有工会"].union_setup) == (40, 30, D1)
    assert rows["注销"].visits == 2 and rows["注销"].last_visit == D3
    # Overdue: the revisit was due on 1 Nov; the union's own revisit date does not count.
    overdue = {name for name, row in rows.items() if row.overdue(TODAY)}
    assert overdue == {"需回访"}
    assert rows["无工会"].next_visit == dt.date(2026, 12, 1)


def test_deleted_visits_do_not_count_and_a_reopened_visit_keeps_its_finalized_facts(
        db: Database, form: FormDefinition, add_org: Callable[..., str],
        add_visit: AddVisit) -> None:
    org = add_org("茶叶协会")
    gone = add_visit(org, visit_date=D3, result="gone")
    with db.transaction() as session:
        delete(session, gone, "录错单位")
    assert cases(db, form)["茶叶协会"].status == "unvisited"

    visit = add_visit(org, visit_date=D2, result="completed", operating="operating", staff=5,
                      union_status="own", members=5)
    with db.transaction() as session:
        reopen(session, visit)
        # The officer is half-way through revision 2: the list still shows revision 1.
        save_draft(session, visit, form, {"visit_date": D2.isoformat(), "result": "gone"})
    row = cases(db, form)["茶叶协会"]
    assert (row.status, row.union_status, row.has_draft) == ("union", "own", True)


def test_the_register_type_is_used_until_a_visit_records_one(
        db: Database, form: FormDefinition, add_org: Callable[..., str],
        add_visit: AddVisit) -> None:
    org = add_org("书法家协会", reg_type="social_group", uscc="51330100MJ00000018")
    assert cases(db, form)["书法家协会"].reg_type == "social_group"
    add_visit(org, visit_date=D2, result="completed", reg_type="foundation",
              operating="operating", staff=2, union_status="none")
    row = cases(db, form)["书法家协会"]
    assert row.reg_type == "foundation"
    assert "shufajiaxiehui" in row.haystack and "sfjxh" in row.haystack
    assert "51330100mj00000018" in row.haystack


def test_only_the_chosen_township_is_loaded(db: Database, form: FormDefinition,
                                            add_org: Callable[..., str]) -> None:
    from fieldsurvey.store.organizations import add_organization

    org = add_org("本乡协会")
    with db.transaction() as session:
        add_organization(session, name="外乡协会", township_code="330106002")
    with db.transaction() as session:
        assert [r.name for r in load_cases(session, form, "330106001")] == ["本乡协会"]
        assert len(load_cases(session, form)) == 2
        one = load_cases(session, form, organization_ids=[org])
    assert [r.name for r in one] == ["本乡协会"]
