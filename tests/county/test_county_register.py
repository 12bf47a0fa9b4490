"""The county imports the civil-affairs list for its whole area, split by township:
real xlsx files, a real office database (SQLite, and PostgreSQL), the CLI end to end."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from office_helpers import COUNTY, NOW, make_office
from openpyxl import Workbook
from sqlalchemy import select

from fieldsurvey import clock
from fieldsurvey.county.db import OfficeDatabase, open_office
from fieldsurvey.county.models import MergedOrganization, Unit
from fieldsurvey.county.register_import import (
    COUNTY_REGISTER,
    apply_county_plan,
    import_county_register,
    plan_county_register,
)
from fieldsurvey.domain.uscc import org_code_check_char, uscc_check_char
from fieldsurvey.register import RegisterError, read_register

HEADER = ("序号", "乡镇（街道）", "社会组织名称", "统一社会信用代码", "法定代表人", "联系电话")


def uscc(serial: int) -> str:
    body = f"MJ{serial:06d}"
    first17 = "51" + "421202" + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


def county_list(path: Path, rows: list[tuple[object, ...]], header: tuple[str, ...] = HEADER
                ) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "全区名录"
    sheet.append(["咸安区社会组织名录（民政局提供）"])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    sheet.append(["合计", "", "共若干个", "", "", ""])
    book.save(path)
    return path


def office(db: OfficeDatabase) -> OfficeDatabase:
    make_office(db)
    with db.transaction() as session:
        session.add_all([Unit(code="421202001", name="温泉街道"),
                         Unit(code="421202002", name="浮山街道"),
                         Unit(code="421202101", name="汀泗桥镇")])
        # What an officer's bundle brought: the township's own, newer knowledge.
        session.add(MergedOrganization(
            id="org-from-bundle", name="温泉茶叶协会", uscc=uscc(1), reg_type=None, field=None,
            supervisor=None, address="温泉路1号", legal_rep="王芳", phone=None,
            township_code="421202001", registered_on=None, created_at=NOW, updated_at=NOW,
            content_hash="h" * 64, name_key="温泉茶叶协会", duplicate_of=None,
            source_bundle="bundle-1", source_key="officerkey", imported_at=NOW))
    return db


ROWS: list[tuple[object, ...]] = [
    (1, "温泉街道", "温泉茶叶协会", uscc(1), "李四", "13800138000"),  # the bundle's: fill only
    (2, "421202002", "浮山书画院", uscc(2), "赵六", ""),
    (3, "汀泗桥", "汀泗桥龙舟协会", "", "", ""),
    (4, "东山镇", "不知哪里协会", "", "", ""),
    (5, "", "没写乡镇协会", "", "", ""),
    (6, "浮山街道", "浮山重复", uscc(1), "", ""),  # the code is 温泉街道's
    (7, "330106001", "外县协会", "", "", ""),
]


@pytest.fixture
def db(tmp_path: Path) -> OfficeDatabase:
    opened = office(open_office(tmp_path / "office.sqlite3"))
    yield opened
    opened.close()


def rows_of(db: OfficeDatabase) -> dict[str, MergedOrganization]:
    with db.transaction() as session:
        found = session.scalars(select(MergedOrganization)).all()
        session.expunge_all()
    return {o.name: o for o in found}


def test_the_list_is_split_by_township_and_doubt_is_named(db: OfficeDatabase,
                                                           tmp_path: Path) -> None:
    path = county_list(tmp_path / "全区.xlsx", ROWS)
    with clock.pinned(dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)):
        plan = import_county_register(db, COUNTY, path)
    split = {p.code: p.counts() for p in plan.parts}
    assert split["421202001"] | {} == {"new": 0, "updated": 1, "unchanged": 0, "skipped": 0,
                                       "problems": 0}
    assert split["421202002"]["new"] == 1 and split["421202002"]["skipped"] == 1
    assert split["421202101"]["new"] == 1
    assert [(u.row, u.column) for u in plan.unplaced] == [(6, "B"), (7, "B"), (9, "B")]
    assert all(u.organization for u in plan.unplaced)
    claimed = [p for _e, p in plan.parts[1].plan.problems()]
    assert claimed[0].row == 8 and "421202001" in str(claimed[0].message.params)
    orgs = rows_of(db)
    kept = orgs["温泉茶叶协会"]
    # Filled where empty, never overwritten, and the township's version left as it was.
    assert (kept.legal_rep, kept.phone, kept.address) == ("王芳", "13800138000", "温泉路1号")
    assert (kept.updated_at, kept.content_hash, kept.source_key) == (NOW, "h" * 64,
                                                                   "officerkey")
    added = orgs["浮山书画院"]
    assert (added.township_code, added.source_key) == ("421202002", COUNTY_REGISTER)
    assert orgs["汀泗桥龙舟协会"].township_code == "421202101"
    assert {"不知哪里协会", "没写乡镇协会", "浮山重复", "外县协会"}.isdisjoint(orgs)


def test_a_second_list_updates_the_countys_own_but_never_blanks(db: OfficeDatabase,
                                                                tmp_path: Path) -> None:
    import_county_register(db, COUNTY, county_list(tmp_path / "a.xlsx", ROWS))
    again = county_list(tmp_path / "b.xlsx", [(1, "浮山街道", "浮山书画院", uscc(2), "", "0715-8123456")])
    plan = import_county_register(db, COUNTY, again)
    assert plan.parts[0].counts()["updated"] == 1
    added = rows_of(db)["浮山书画院"]
    assert (added.legal_rep, added.phone) == ("赵六", "0715-8123456")
    assert import_county_register(db, COUNTY, again).totals()["unchanged"] == 1


def test_dry_run_writes_nothing_and_a_stale_plan_is_refused(db: OfficeDatabase,
                                                           tmp_path: Path) -> None:
    path = county_list(tmp_path / "a.xlsx", ROWS)
    before = rows_of(db).keys()
    import_county_register(db, COUNTY, path, dry_run=True)
    assert rows_of(db).keys() == before
    with db.transaction() as session:
        plan = plan_county_register(session, COUNTY, read_register(path))
    import_county_register(db, COUNTY, path)
    after = {k: (v.legal_rep, v.phone) for k, v in rows_of(db).items()}
    with pytest.raises(RegisterError):
        apply_county_plan(db, plan)
    assert {k: (v.legal_rep, v.phone) for k, v in rows_of(db).items()} == after


def test_a_list_without_a_township_column_is_refused(db: OfficeDatabase,
                                                     tmp_path: Path) -> None:
    path = county_list(tmp_path / "a.xlsx", [(1, "x", "某协会", "", "", "")],
                       header=("序号", "备注", "社会组织名称", "统一社会信用代码", "法定代表人",
                               "联系电话"))
    with pytest.raises(RegisterError) as caught:
        import_county_register(db, COUNTY, path)
    assert caught.value.message.code == "register_county.no_township_column"


def test_the_same_on_postgresql(pg_db_url: str, tmp_path: Path) -> None:
    db = office(open_office(pg_db_url))
    try:
        plan = import_county_register(db, COUNTY, county_list(tmp_path / "a.xlsx", ROWS))
        assert plan.totals()["new"] == 2
        assert rows_of(db)["温泉茶叶协会"].phone == "13800138000"
    finally:
        db.close()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FIELDSURVEY_PASSPHRASE": "correct-horse-9"}
    env.pop("FIELDSURVEY_DATA_DIR", None)
    return subprocess.run([sys.executable, "-m", "fieldsurvey", *args], capture_output=True,
                          text=True, env=env, timeout=120, check=False)


def test_cli_at_the_office_prints_the_split(tmp_path: Path) -> None:
    folder = tmp_path / "county"
    assert run("--data-dir", str(folder), "office", "init", "--role", "county",
               "--unit-code", "421202", "--unit-name", "咸安区总工会").returncode == 0
    db = open_office(folder / "office.sqlite3", create=False)
    with db.transaction() as session:
        session.add_all([Unit(code="421202001", name="温泉街道"),
                         Unit(code="421202002", name="浮山街道")])
    db.close()
    path = county_list(tmp_path / "全区.xlsx", ROWS)
    dry = run("--data-dir", str(folder), "register", "import", str(path), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "421202001 温泉街道：新增 1" in dry.stdout
    assert "第6行B列（所属乡镇），单位“不知哪里协会”" in dry.stdout
    done = run("--data-dir", str(folder), "--lang", "en", "register", "import", str(path),
               "--db", str(folder / "office.sqlite3"))
    assert done.returncode == 0, done.stderr
    assert "421202002 浮山街道: 1 new" in done.stdout
    assert "Imported: 2 new" in done.stdout  # 汀泗桥 is no unit here
    bad = run("--data-dir", str(folder), "register", "import", str(tmp_path))
    assert bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1
    assert "Traceback" not in bad.stderr
