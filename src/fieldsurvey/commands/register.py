"""``register import FILE``: the officer's own list, or the county's list for its whole area.

Which one is told by the data folder: an office's folder (``office.json``) or
``--db`` means the office database and the county's import
(:mod:`fieldsurvey.county.register_import`); otherwise the officer's store and
the township of its profile. Both print the plan before anything is written
and apply it in one transaction, unless ``--dry-run``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fieldsurvey.commands.errors import is_file_argument
from fieldsurvey.county.office import office_target
from fieldsurvey.messages import Message, render
from fieldsurvey.paths import DataPaths
from fieldsurvey.register import (
    ImportPlan,
    RegisterError,
    apply_plan,
    find_header,
    plan_import,
    read_register,
)
from fieldsurvey.store import StoreError, open_store
from fieldsurvey.store.profile import load_profile

#: More problem lines than this are counted, not printed: a terminal is no report.
MAX_PROBLEM_LINES = 200


def _fail(lang: str, message: Message, code: int = 1) -> int:
    print(message.render(lang), file=sys.stderr)
    return code


def problem_line(severity: str, located: Message, lang: str) -> str:
    """One problem as one line: severity, then file, sheet, row, column, organization."""
    text = render(f"ui.import.severity.{severity}", lang) + " " + located.render(lang)
    return "  " + " ".join(text.split())


def print_plan(plan: ImportPlan, lang: str) -> None:
    counts = plan.counts()
    print(render("register_county.summary", lang, file=plan.file, sheet=plan.sheet,
                 new=counts.new, updated=counts.update, unchanged=counts.unchanged,
                 skipped=counts.skipped, pending=plan.pending()))
    problems = list(plan.problems())
    for _entry, problem in problems[:MAX_PROBLEM_LINES]:
        print(problem_line(problem.severity, problem.located(), lang))
    if len(problems) > MAX_PROBLEM_LINES:
        print(render("register_county.more_problems", lang,
                     count=len(problems) - MAX_PROBLEM_LINES))


def register_command(paths: DataPaths, lang: str, db: str | None, file: str,
                     sheet: str | None, dry_run: bool) -> int:
    if (problem := is_file_argument(Path(file))) is not None:
        return _fail(lang, problem, 2)
    if office_target(paths, db) is not None:
        from fieldsurvey.commands.register_office import office_register_command

        return office_register_command(paths, lang, db, Path(file), sheet, dry_run)
    return _officer_import(paths, lang, Path(file), sheet, dry_run)


def _officer_import(paths: DataPaths, lang: str, file: Path, sheet: str | None,
                    dry_run: bool) -> int:
    try:
        db = open_store(paths)
    except StoreError as exc:
        return _fail(lang, exc.message)
    try:
        with db.transaction() as session:
            profile = load_profile(session)
        if profile is None:
            return _fail(lang, Message("register_county.no_profile", {"path": str(paths.root)}), 2)
        read = read_register(file, sheet)
        header = find_header(read)
        with db.transaction() as session:  # planning only reads
            plan = plan_import(read, header.row, header.mapping, session, profile.township_code)
        print_plan(plan, lang)
        if dry_run:
            print(render("register_county.dry_run", lang))
            return 0
        result = apply_plan(db, plan)
        print(render("register_county.applied", lang, new=result.new, updated=result.updated))
        return 0
    except (RegisterError, StoreError) as exc:
        return _fail(lang, exc.message)
    finally:
        db.close()
