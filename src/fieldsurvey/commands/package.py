"""``fieldsurvey package``: the county's signed packages for its townships.

What each package holds is printed first (``--dry-run`` stops there); the key is
unlocked only then, and a township's number is taken only when its file is
about to be written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fieldsurvey.commands.bundle import SHIPPED_FORM
from fieldsurvey.commands.identity import unlock_identity
from fieldsurvey.commands.office import _fail, with_office
from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.office import OfficeProfile
from fieldsurvey.county.package import (
    PackageError,
    PackagePlan,
    build_packages,
    package_file_name,
    plan_packages,
)
from fieldsurvey.messages import render
from fieldsurvey.outputs import output_problem
from fieldsurvey.paths import DataPaths


def _labels() -> dict[str, str]:
    from fieldsurvey.forms.loader import load_form
    from fieldsurvey.resources import forms_dir

    form = load_form(forms_dir() / SHIPPED_FORM)
    return {q.name: form.label(q.name, "zh") for q in form.questions()}


def print_plans(plans: list[PackagePlan], lang: str) -> None:
    for plan in plans:
        c = plan.contents
        print(render("cli_review.plan", lang, township=f"{c.township_name}（{c.township_code}）",
                     sequence=plan.sequence, **plan.counts))


def package_command(paths: DataPaths, lang: str, db_url: str | None, args: Any) -> int:
    out_dir = Path(args.out) if args.out else paths.exports
    if args.out and not out_dir.is_dir():
        return _fail(lang, render("cli_review.no_folder", lang, path=args.out), 2)
    notice = (args.notice or "").strip()

    def work(db: OfficeDatabase, profile: OfficeProfile) -> int:
        try:
            plans = plan_packages(db, profile, None if args.all else [args.township], notice)
        except PackageError as exc:
            return _fail(lang, exc.message)
        print_plans(plans, lang)
        if args.dry_run or not plans:
            return 0
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / package_file_name(plans[0], plans[0].sequence)
        if (problem := output_problem(probe)) is not None:  # before a number is spent
            return _fail(lang, problem, 2)
        signer = unlock_identity(paths, lang)
        try:
            built = build_packages(db, plans, signer, out_dir, labels=_labels())
        except OSError as exc:
            return _fail(lang, render("cli.write_failed", lang, path=str(out_dir),
                                      detail=exc.strerror or exc))
        for b in built:
            print(render("cli_review.written", lang, path=str(b.path), sequence=b.sequence))
        return 0

    return with_office(paths, lang, db_url, work)
