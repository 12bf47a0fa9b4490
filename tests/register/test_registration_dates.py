"""Registration dates in a civil-affairs list: read in every common spelling, kept as
ISO text, and never guessed: a doubtful one is left out with a warning."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook
from register_workbooks import make_uscc
from sqlalchemy import select

from fieldsurvey.register import apply_plan, find_header, plan_import, read_register
from fieldsurvey.register.dates import parse_registration_date
from fieldsurvey.store import Database
from fieldsurvey.store.models import Organization

TOWNSHIP = "330106001"


@pytest.mark.parametrize(("text", "day"), [
    ("2015-03-02", dt.date(2015, 3, 2)), ("2015/3/2", dt.date(2015, 3, 2)),
    ("2015.03.02", dt.date(2015, 3, 2)), ("2015年3月2日", dt.date(2015, 3, 2)),
    ("2015 年 3 月 2 日", dt.date(2015, 3, 2)), ("20150302", dt.date(2015, 3, 2)),
    ("2015-02-30", None), ("2015年3月", None), ("三月", None), ("42064", None),
])
def test_the_spellings_of_a_date(text: str, day: dt.date | None) -> None:
    assert parse_registration_date(text) == day


def test_a_register_with_a_date_column_stores_each_date(db: Database, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["单位名称", "统一社会信用代码", "成立日期"])
    sheet.append(["甲协会", make_uscc("51", 1), dt.datetime(2015, 3, 2)])  # a typed date cell
    sheet.append(["乙协会", make_uscc("51", 2), "2019年11月5日"])
    sheet.append(["丙协会", make_uscc("51", 3), "不详"])
    sheet.append(["丁协会", make_uscc("51", 4), "2031-01-01"])  # after today (2026-11-21)
    path = tmp_path / "名录.xlsx"
    book.save(path)
    register = read_register(path)
    guess = find_header(register)
    assert "registered_on" in guess.mapping
    with db.sessions() as session:
        plan = plan_import(register, guess.row, guess.mapping, session, TOWNSHIP)
    warnings = {(p.organization, p.message.code) for _, p in plan.problems()}
    assert warnings == {("丙协会", "register.bad_date"), ("丁协会", "register.future_date")}
    result = apply_plan(db, plan)
    assert result.new == 4  # a doubtful date never costs the organization
    with db.sessions() as session:
        rows = session.execute(select(Organization.name, Organization.registered_on)).all()
    stored = {row.name: row.registered_on for row in rows}
    assert stored == {"甲协会": "2015-03-02", "乙协会": "2019-11-05", "丙协会": None,
                      "丁协会": None}
