"""``fieldsurvey package``: the county's signed packages for its townships.

What each package holds is printed first (``--dry-run`` stops there); the key is
unlocked only then, and a township's number is taken only when its file is
about to be written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from fieldsurvey.commands.bundle import SHIPPED_FORM
from fieldsurvey.commands.identity import unlock_identity
from fieldsurvey.commands.office import _fail, with_office
from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.form_archive import ArchiveError, check_publish, publish
from fieldsurvey.county.office import OfficeProfile
from fieldsurvey.county.package import (
    PackageError,
    PackagePlan,
    build_packages,
    package_file_name,
    plan_packages,
)
from fieldsurvey.filegate import Refused, read_form
from fieldsurvey.messages import Message, render
from fieldsurvey.outputs import output_problem
from fieldsurvey.packages.contents import PackageForm
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


def _publish(db: OfficeDatabase, source: bytes, name: str, lang: str, *,
              dry_run: bool) -> PackageForm | None:
    """Check the form against the newest version the office has and, unless a dry run,
    archive it as published; None (after saying why) when it may not be sent."""
    try:
        with db.transaction() as session:
            if dry_run:
                checked = check_publish(session, source, name)
                form = PackageForm(checked.form_id, checked.version, name, source)
            else:
                form = publish(session, source, name)
    except ArchiveError as exc:
        _fail(lang, exc.message)
        for line in exc.details(lang):
            print("  ! " + line, file=sys.stderr)
        return None
    print(render("form_archive.form_published", lang, form_id=form.form_id,
                 version=form.version, file=name))
    return form


def package_command(paths: DataPaths, lang: str, db_url: str | None, args: Any) -> int:
    out_dir = Path(args.out) if args.out else paths.exports
    if args.out and not out_dir.is_dir():
        return _fail(lang, render("cli_review.no_folder", lang, path=args.out), 2)
    notice = (args.notice or "").strip()

    form_file = getattr(args, "form", None)
    source = b""
    if form_file:
        try:  # before the database is opened: a missing file is one line, nothing else
            source = read_form(Path(form_file))
        except Refused as exc:
            return _fail(lang, Message("form_archive.form_unreadable", {
                "file": form_file, "detail": Message(f"filegate.{exc.reason}", {
                    "file": form_file, "found": exc.found or ""})}))

    def work(db: OfficeDatabase, profile: OfficeProfile) -> int:
        form = None
        if form_file:
            form = _publish(db, source, Path(form_file).name, lang, dry_run=args.dry_run)
            if form is None:
                return 1
        try:
            plans = plan_packages(db, profile, None if args.all else [args.township], notice,
                                  form)
        except PackageError as exc:
            return _fail(lang, exc.message)
        print_plans(plans, lang)
        carried = plans[0].contents.form if plans else None
        if carried is not None:
            print(render("form_archive.form_carried", lang, form_id=carried.form_id,
                         version=carried.version))
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
