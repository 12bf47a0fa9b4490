"""Properties of planning and applying over generated registers."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from register_workbooks import TOWNSHIP, corrupt, make_uscc
from sqlalchemy import delete, func, select

from fieldsurvey.register import Action, RegisterSheet, apply_plan, plan_import
from fieldsurvey.store import Database
from fieldsurvey.store.models import Organization

HEADER = ("单位名称", "统一社会信用代码", "登记类型", "联系电话")
# Few names and codes, so that duplicates and clashes are common.
CODES = [make_uscc("51", i) for i in range(4)] + [corrupt(make_uscc("52", 9)), ""]
rows = st.lists(
    st.tuples(st.sampled_from(["甲协会", "乙协会", "丙协会", "丁协会", ""]),
              st.sampled_from(CODES),
              st.sampled_from(["社会团体", "社团", "民办学校", ""]),
              st.sampled_from(["13800138000", "12345", ""])),
    max_size=12)


def sheet_of(data: list[tuple[str, str, str, str]]) -> RegisterSheet:
    return RegisterSheet(Path("r.xlsx"), "名录", ("名录",), (HEADER, *data))


MAPPING = {"name": 0, "uscc": 1, "reg_type": 2, "phone": 3}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=rows, second=rows)
def test_importing_is_consistent_and_idempotent(
        db: Database, first: list[tuple[str, str, str, str]],
        second: list[tuple[str, str, str, str]]) -> None:
    with db.transaction() as session:
        session.execute(delete(Organization))
    for data in (first, second):
        sheet = sheet_of(data)
        with db.sessions() as session:
            plan = plan_import(sheet, 0, MAPPING, session, TOWNSHIP)
        # One entry per non-blank row; skipped exactly when there is an error.
        assert len(plan.entries) == sum(1 for r in data if any(r))
        for entry in plan.entries:
            assert (entry.action is Action.SKIPPED) == any(p.is_error for p in entry.problems)
        with db.sessions() as session:
            before = session.scalar(select(func.count()).select_from(Organization))
        result = apply_plan(db, plan)
        with db.sessions() as session:
            after = session.scalar(select(func.count()).select_from(Organization))
            codes = session.scalars(select(Organization.uscc).where(
                Organization.uscc.is_not(None))).all()
        assert after == (before or 0) + result.new
        assert len(codes) == len(set(codes)), "a code is stored twice"
        # The same list again changes nothing.
        with db.sessions() as session:
            again = plan_import(sheet, 0, MAPPING, session, TOWNSHIP).counts()
        assert (again.new, again.update) == (0, 0)
