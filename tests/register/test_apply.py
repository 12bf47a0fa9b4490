"""Applying a plan: the good rows in one transaction, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from register_workbooks import CALLIGRAPHY, FOUNDATION, SCHOOL, TEA, TOWNSHIP, messy_register
from sqlalchemy import func, select

from fieldsurvey.messages import Message
from fieldsurvey.progress import Cancelled
from fieldsurvey.register import (
    ImportPlan,
    RegisterError,
    apply_plan,
    find_header,
    plan_import,
    read_register,
)
from fieldsurvey.register.apply import BATCH
from fieldsurvey.store import Database
from fieldsurvey.store.models import Organization
from fieldsurvey.store.organizations import EDITABLE, add_organization


def plan_file(db: Database, path: Path) -> ImportPlan:
    sheet = read_register(path)
    guess = find_header(sheet)
    with db.sessions() as session:
        return plan_import(sheet, guess.row, guess.mapping, session, TOWNSHIP)


def register(db: Database) -> dict[str, dict[str, str | None]]:
    with db.sessions() as session:
        return {org.name: {f: getattr(org, f) for f in (*EDITABLE, "township_code",
                                                         "search_key")}
                for org in session.scalars(select(Organization))}


def count(db: Database) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Organization)) or 0)


class Recorder:
    """A progress that records reports and cancels after ``cancel_after`` checks."""

    def __init__(self, cancel_after: int | None = None) -> None:
        self.reports: list[tuple[int, int | None, str | None]] = []
        self.checks = 0
        self.cancel_after = cancel_after

    def report(self, done: int, total: int | None = None, stage: Message | None = None) -> None:
        self.reports.append((done, total, stage.code if stage else None))

    def cancelled(self) -> bool:
        self.checks += 1
        return self.cancel_after is not None and self.checks > self.cancel_after


def test_the_good_rows_of_the_messy_register_are_imported(db: Database, tmp_path: Path) -> None:
    result = apply_plan(db, plan_file(db, messy_register(tmp_path / "名录.xlsx")))
    assert (result.new, result.updated, result.unchanged, result.skipped) == (6, 0, 0, 3)
    assert result.pending == 1
    stored = register(db)
    assert sorted(stored) == ["ABC培训学校", "坏代码协会", "翠苑社区老年协会", "西湖区书法家协会",
                              "西湖区慈善基金会", "西湖区茶叶协会"]
    assert stored["坏代码协会"]["uscc"] is None
    assert stored["西湖区茶叶协会"] == {
        "name": "西湖区茶叶协会", "uscc": TEA, "reg_type": "social_group", "field": None,
        "supervisor": "区农业农村局", "address": "西湖区 文三路 1号", "legal_rep": "张三",
        "phone": "13800138000", "township_code": TOWNSHIP,
        "search_key": "xhqcyxh xihuquchayexiehui", "registered_on": None}
    assert stored["西湖区书法家协会"]["supervisor"] == "区农业农村局"  # from the merged cell
    assert stored["西湖区书法家协会"]["uscc"] == CALLIGRAPHY
    assert stored["ABC培训学校"]["uscc"] == SCHOOL
    assert stored["翠苑社区老年协会"]["uscc"] is None
    assert stored["西湖区慈善基金会"]["uscc"] == FOUNDATION
    assert stored["西湖区慈善基金会"]["phone"] == "12345"  # kept, with a warning
    assert len(result.changed_ids) == 6


def test_reimporting_an_updated_list_updates_instead_of_adding(
        db: Database, tmp_path: Path) -> None:
    apply_plan(db, plan_file(db, messy_register(tmp_path / "v1.xlsx")))
    with db.sessions() as session:
        ids = {o.name: o.id for o in session.scalars(select(Organization))}
    updated = [
        (1, "西湖区茶叶协会", TEA, "社会团体", "区农业农村局", "西湖区文三路1号", "张三",
         "13911112222"),
        (2, "西湖区书法家协会", CALLIGRAPHY, "社会团体", "区文联", "西湖区文二路2号", "李四",
         "0571-88881234"),
        (3, "翠苑社区老年协会", None, "社区社会组织", "翠苑街道", "翠苑二区", "赵六", None),
        (4, "西湖区慈善基金会", FOUNDATION, "基金会", "区民政局", "西湖区某路8号", "周九", None),
        (5, "新成立的协会", "", "社会团体", "", "", "", ""),
    ]
    result = apply_plan(db, plan_file(db, messy_register(tmp_path / "v2.xlsx", updated,
                                                         totals=False)))
    assert (result.new, result.updated, result.unchanged, result.skipped) == (1, 3, 1, 0)
    stored = register(db)
    assert count(db) == 7
    assert stored["西湖区茶叶协会"]["phone"] == "13911112222"
    assert stored["西湖区茶叶协会"]["address"] == "西湖区文三路1号"
    assert stored["西湖区书法家协会"]["supervisor"] == "区文联"
    assert stored["翠苑社区老年协会"]["address"] == "翠苑二区"
    assert stored["西湖区慈善基金会"]["phone"] == "12345"  # a blank cell erases nothing
    with db.sessions() as session:
        after = {o.name: o.id for o in session.scalars(select(Organization))}
    assert {k: after[k] for k in ids} == ids


def test_a_renamed_organization_gets_a_new_search_key(db: Database) -> None:
    from register_workbooks import HEADER

    from fieldsurvey.register import RegisterSheet

    with db.transaction() as session:
        add_organization(session, name="旧名协会", township_code=TOWNSHIP, uscc=TEA)
    rows = (HEADER, ("1", "茶叶协会", TEA, "", "", "", "", ""))
    sheet = RegisterSheet(Path("r.xlsx"), "名录", ("名录",), rows)
    with db.sessions() as session:
        plan = plan_import(sheet, 0, {"name": 1, "uscc": 2}, session, TOWNSHIP)
    apply_plan(db, plan)
    assert register(db)["茶叶协会"]["search_key"] == "cyxh chayexiehui"


def big_register(tmp_path: Path, rows: int) -> Path:
    from register_workbooks import make_uscc

    data = [(i, f"协会{i}", make_uscc("51", i), "社会团体", "", "", "", "") for i in range(rows)]
    return messy_register(tmp_path / "big.xlsx", data, totals=False)


def test_cancelling_midway_writes_nothing(db: Database, tmp_path: Path) -> None:
    """Cancelled after two batches were already sent to SQLite: all rolled back."""
    plan = plan_file(db, big_register(tmp_path, BATCH * 2 + 10))
    progress = Recorder(cancel_after=2)
    with pytest.raises(Cancelled):
        apply_plan(db, plan, progress)
    assert [done for done, _, _ in progress.reports] == [0, BATCH]
    assert count(db) == 0
    result = apply_plan(db, plan, Recorder())
    assert result.new == BATCH * 2 + 10
    assert count(db) == BATCH * 2 + 10


def test_progress_is_reported_in_batches(db: Database, tmp_path: Path) -> None:
    plan = plan_file(db, big_register(tmp_path, BATCH + 1))
    progress = Recorder()
    apply_plan(db, plan, progress)
    total = BATCH + 1
    stage = "register.stage.importing"
    assert progress.reports == [(0, total, stage), (BATCH, total, stage), (total, total, stage)]


def test_a_register_changed_after_the_check_is_not_overwritten(
        db: Database, tmp_path: Path) -> None:
    plan = plan_file(db, messy_register(tmp_path / "名录.xlsx"))
    with db.transaction() as session:
        add_organization(session, name="西湖区茶叶协会", township_code=TOWNSHIP, uscc=TEA)
    with pytest.raises(RegisterError) as changed:
        apply_plan(db, plan)
    assert changed.value.message.render("zh") == (
        "检查文件“名录.xlsx”之后，单位名录又有改动。请重新检查后再导入。")
    assert count(db) == 1


def test_a_pending_code_is_stored_aside_and_cleared_by_a_good_one(db: Database) -> None:
    from register_workbooks import BAD, HEADER, make_uscc

    from fieldsurvey.register import RegisterSheet

    def import_rows(*rows: tuple[str, ...]) -> None:
        sheet = RegisterSheet(Path("r.xlsx"), "名录", ("名录",), (HEADER, *rows))
        with db.sessions() as session:
            apply_plan(db, plan_import(sheet, 0, {"name": 1, "uscc": 2}, session, TOWNSHIP))

    def codes() -> dict[str, tuple[str | None, str | None]]:
        with db.sessions() as session:
            return {o.name: (o.uscc, o.uscc_pending)
                    for o in session.scalars(select(Organization))}

    import_rows(("1", "坏代码协会", BAD, "", "", "", "", ""),
                ("2", "茶叶协会", TEA, "", "", "", "", ""))
    assert codes() == {"坏代码协会": (None, BAD), "茶叶协会": (TEA, None)}
    # A later list with a bad code never displaces the good one stored.
    import_rows(("1", "茶叶协会", BAD, "", "", "", "", ""))
    assert codes()["茶叶协会"] == (TEA, None)
    # The corrected list fills the code in and clears the pending one.
    import_rows(("1", "坏代码协会", make_uscc("51", 5), "", "", "", "", ""))
    assert codes()["坏代码协会"] == (make_uscc("51", 5), None)
