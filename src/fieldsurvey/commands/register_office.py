"""``register import FILE`` at a county office: the whole county's list, split by township."""

from __future__ import annotations

import sys
from pathlib import Path

from fieldsurvey.commands.office import with_office
from fieldsurvey.commands.register import MAX_PROBLEM_LINES, problem_line
from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.office import OfficeProfile
from fieldsurvey.county.register_import import CountyPlan, import_county_register
from fieldsurvey.messages import render
from fieldsurvey.paths import DataPaths
from fieldsurvey.register import RegisterError


def print_county_plan(plan: CountyPlan, lang: str) -> None:
    """The split: one line per township, then each problem on a line of its own."""
    totals = plan.totals()
    print(render("register_county.county_summary", lang, file=plan.file, sheet=plan.sheet,
                 townships=len(plan.parts), unplaced=len(plan.unplaced), **totals))
    for part in plan.parts:
        print(render("register_county.township_line", lang, code=part.code, name=part.name,
                     **part.counts()))
    lines = [problem_line(u.severity, u.located(), lang) for u in plan.unplaced]
    for township_plan in (*(p.plan for p in plan.parts), plan.notes):
        lines += [problem_line(p.severity, p.located(), lang)
                  for _e, p in township_plan.problems()]
    for line in lines[:MAX_PROBLEM_LINES]:
        print(line)
    if len(lines) > MAX_PROBLEM_LINES:
        print(render("register_county.more_problems", lang,
                     count=len(lines) - MAX_PROBLEM_LINES))


def office_register_command(paths: DataPaths, lang: str, db_url: str | None, file: Path,
                            sheet: str | None, dry_run: bool) -> int:
    def work(db: OfficeDatabase, profile: OfficeProfile) -> int:
        try:
            plan = import_county_register(db, profile, file, sheet, dry_run=dry_run)
        except RegisterError as exc:
            print(exc.message.render(lang), file=sys.stderr)
            return 1
        print_county_plan(plan, lang)
        print(render("register_county.dry_run" if dry_run else "register_county.applied",
                     lang, **{k: v for k, v in plan.totals().items()
                              if k in ("new", "updated")}))
        return 0

    return with_office(paths, lang, db_url, work)
