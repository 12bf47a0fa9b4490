"""What the month-end figures cost the officer's dashboard with a 50,000-organization register.

Run: ``.venv/bin/python bench/bench_dashboard.py [--orgs 50000] [--runs 5]``

The dashboard used to count only the case rows the case list loads (statuses, union
forms, overdue revisits). Since issue 13 it also folds every finalized visit through
``cases.month_end`` so that its figures are the county table's. Both are timed in the
same run on the same demo register (``fieldsurvey.cases.demo``): the case rows alone
(the fastest alternative, what the dashboard did before) and the whole dashboard;
best of ``--runs``, wall time, and the cost of the month fold by itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fieldsurvey import clock
from fieldsurvey.cases.dashboard import load_dashboard, month_figures
from fieldsurvey.cases.demo import populate_demo
from fieldsurvey.cases.loading import load_cases
from fieldsurvey.forms.loader import load_form
from fieldsurvey.paths import DataPaths
from fieldsurvey.resources import forms_dir
from fieldsurvey.store import open_store

TODAY = dt.date(2026, 11, 21)
TOWNSHIP = "330106001"


def best(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    clock.pin(TODAY)
    form = load_form(forms_dir() / "so_union_visit.xlsx")
    with tempfile.TemporaryDirectory() as folder:
        db = open_store(DataPaths(Path(folder)).ensure())
        summary = populate_demo(db, form, TOWNSHIP, args.orgs, seed=1, today=TODAY)
        print(f"register: {summary.organizations:,} organizations, {summary.visits:,} visits")

        def cases_only() -> object:
            with db.sessions() as session:
                return load_cases(session, form, TOWNSHIP)

        def month_only() -> object:
            with db.sessions() as session:
                return month_figures(session, form, TOWNSHIP, TODAY.year, TODAY.month)

        def dashboard() -> object:
            with db.sessions() as session:
                return load_dashboard(session, form, TOWNSHIP, TODAY)

        rows = best(args.runs, cases_only)
        fold = best(args.runs, month_only)
        whole = best(args.runs, dashboard)
        db.close()
    print(f"case rows only (the old dashboard): {rows * 1000:8.1f} ms")
    print(f"month-end fold alone:               {fold * 1000:8.1f} ms")
    print(f"whole dashboard now:                {whole * 1000:8.1f} ms  "
          f"({whole / rows:.2f}x the case rows alone)")


if __name__ == "__main__":
    main()
