"""How long importing a large register takes: read, find the header, plan, apply.

Run: ``.venv/bin/python bench/bench_register_import.py`` (50,000 rows). It
writes a register workbook with openpyxl (title row, full-width characters,
ideographic spaces, phones stored as numbers, 1% bad codes, 1% duplicates),
imports it into a fresh database, then imports it again (every row matched:
the re-import path). ``--compare-orm`` also times the same first import
written row by row with ``add_organization`` (one ORM object and flush per
row), the alternative the bulk writer was chosen over.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from openpyxl import Workbook

from fieldsurvey.domain.uscc import org_code_check_char, uscc_check_char
from fieldsurvey.register import apply_plan, find_header, plan_import, read_register
from fieldsurvey.register.plan import Action, ImportPlan
from fieldsurvey.store.db import Database
from fieldsurvey.store.migrate import open_database
from fieldsurvey.store.organizations import add_organization

T = TypeVar("T")
TOWNSHIP = "330106001"
TYPES = ("社会团体", "民办非企业单位", "基金会", "社区社会组织", "社会团体")
WORDS = "茶叶书法慈善体育文化教育科技农业养老志愿调解商会"


def timed(label: str, work: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = work()
    print(f"  {label:<34} {time.perf_counter() - start:7.2f} s")
    return result


def make_uscc(kind: str, serial: int) -> str:
    body = f"M{serial:07d}"
    first17 = kind + "330106" + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


def write_register(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    book = Workbook(write_only=True)
    ws = book.create_sheet("名录")
    ws.append(["西湖区社会组织名录"])
    ws.append(["序号", "社会组织名称", "统一社会信用代码", "登记类型", "业务主管单位", "住所",
               "法定代表人", "联系电话"])
    for i in range(rows):
        kind = rng.choice(("51", "52", "53"))
        code = make_uscc(kind, i)
        if rng.random() < 0.01:
            code = code[:17] + ("0" if code[17] != "0" else "1")
        if rng.random() < 0.01 and i:
            code = make_uscc(kind, i - 1)  # a duplicate of the previous row
        name = "".join(rng.choice(WORDS) for _ in range(4)) + f"协会{i}"
        if rng.random() < 0.1:
            name = "\u3000" + name + "\u3000"
        ws.append([i + 1, name, code, rng.choice(TYPES), "区民政局", f"西湖区某路{i}号",
                   "张三", 13800000000 + i])
    book.save(path)


def import_once(db: Database, path: Path, label: str) -> ImportPlan:
    print(label)
    sheet = timed("read (calamine, clean cells)", lambda: read_register(path))
    guess = timed("find header", lambda: find_header(sheet))
    with db.sessions() as session:
        plan = timed("plan", lambda: plan_import(sheet, guess.row, guess.mapping, session,
                                                 TOWNSHIP))
    result = timed("apply (one transaction)", lambda: apply_plan(db, plan))
    print(f"  new {result.new}, updated {result.updated}, unchanged {result.unchanged}, "
          f"skipped {result.skipped}")
    return plan


def apply_row_by_row(db: Database, plan: ImportPlan) -> None:
    with db.transaction() as session:
        for entry in plan.entries:
            if entry.action is Action.NEW:
                values = dict(entry.values)
                name = str(values.pop("name"))
                add_organization(session, name=name, township_code=TOWNSHIP, **values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--compare-orm", action="store_true",
                        help="also time add_organization row by row")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "register.xlsx"
        print(f"{args.rows:,} rows")
        timed("write the workbook (openpyxl)", lambda: write_register(path, args.rows, args.seed))
        print(f"  file size {path.stat().st_size / 2**20:.1f} MiB")
        db = open_database(folder / "bench.sqlite3", backups=folder / "backups")
        try:
            plan = import_once(db, path, "first import (empty register)")
            import_once(db, path, "re-import (every row matched)")
        finally:
            db.close()
        if args.compare_orm:
            other = open_database(folder / "orm.sqlite3", backups=folder / "backups")
            try:
                print("row by row with add_organization")
                timed("apply", lambda: apply_row_by_row(other, plan))
            finally:
                other.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
