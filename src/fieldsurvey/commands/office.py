"""The county (city) office's commands: office init, trust, merge, conflicts, rollup.

Each one opens the office database of the data folder (``office.json``) or the
one ``--db`` names, a SQLite file or a ``postgresql://`` URL.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError

from fieldsurvey import clock
from fieldsurvey.bundles import BundleError
from fieldsurvey.commands.bundle import SHIPPED_FORM, month_bounds
from fieldsurvey.commands.errors import is_file_argument
from fieldsurvey.commands.identity import unlock_identity
from fieldsurvey.county import conflicts as conflict_store
from fieldsurvey.county import trust
from fieldsurvey.county.db import OfficeDatabase, open_office
from fieldsurvey.county.form_archive import conflict_lined_up
from fieldsurvey.county.merge import OUTCOMES, BatchReport, merge_bundles
from fieldsurvey.county.office import (
    OfficeProfile,
    check_office_profile,
    default_office_file,
    load_office_profile,
    office_target,
    save_office_profile,
    set_office_target,
    staff_name,
)
from fieldsurvey.county.report import BatchLine, batch_lines, totals, write_batch_report
from fieldsurvey.county.rollup import export_office_bundle
from fieldsurvey.forms.loader import load_form
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.identity.keys import IdentityError
from fieldsurvey.messages import Message, render
from fieldsurvey.outputs import output_problem
from fieldsurvey.paths import DataPaths
from fieldsurvey.progress import Cancelled
from fieldsurvey.resources import forms_dir
from fieldsurvey.store.db import StoreError


def _fail(lang: str, message: Any, code: int = 1) -> int:
    print(message.render(lang) if hasattr(message, "render") else str(message), file=sys.stderr)
    return code


def with_office(paths: DataPaths, lang: str, db_url: str | None,
                work: Callable[[OfficeDatabase, OfficeProfile], int]) -> int:
    """Run ``work`` on the office database; a missing office or profile is explained."""
    target = office_target(paths, db_url)
    if target is None:
        return _fail(lang, render("cli_office.no_office", lang), 2)
    try:  # never creates one: a mistyped --db leaves no empty database behind
        db = open_office(target, backups=paths.backups, create=False)
    except StoreError as exc:
        return _fail(lang, exc.message)
    try:
        with db.transaction() as session:
            profile = load_office_profile(session)
        if profile is None:
            return _fail(lang, render("cli_office.no_office", lang), 2)
        return work(db, profile)
    except (StoreError, IdentityError, BundleError, conflict_store.ConflictError) as exc:
        return _fail(lang, exc.message)
    except OperationalError as exc:  # e.g. another program held the write lock too long
        return _fail(lang, Message("cli_errors.database", {
            "url": db.url, "detail": str(exc.orig or exc).splitlines()[0]}))
    finally:
        db.close()


def office_init(paths: DataPaths, lang: str, *, role: str, unit_code: str, unit_name: str,
                db_url: str | None) -> int:
    profile = OfficeProfile(role, unit_code, unit_name, lang)  # type: ignore[arg-type]
    problems = check_office_profile(profile)
    if problems:
        for field_name, problem in problems.items():
            print(f"{field_name}: {problem.render(lang)}", file=sys.stderr)
        return 2
    target = db_url or str(default_office_file(paths))
    try:
        db = open_office(target, backups=paths.backups)
    except StoreError as exc:
        return _fail(lang, exc.message)
    try:
        with db.transaction() as session:
            saved = save_office_profile(session, profile)
    finally:
        db.close()
    set_office_target(paths, target)
    print(render("cli_office.initialised", lang, unit=f"{saved.unit_name}（{saved.unit_code}）",
                 db=db.url))
    return 0


# -- trust ---------------------------------------------------------------------------------

def _key_json(row: Any) -> dict[str, Any]:
    return {"key_id": row.key_id, "fingerprint": row.fingerprint, "role": row.role,
            "name": row.name, "unit_code": row.unit_code, "unit_name": row.unit_name,
            "revoked_from": row.revoked_from.isoformat() if row.revoked_from else None}


def trust_command(paths: DataPaths, lang: str, db_url: str | None, action: str,
                  args: Any) -> int:
    by = staff_name(paths)
    moment = None
    if action == "revoke":  # read before the database is opened
        try:
            moment = dt.datetime.fromisoformat(args.revoked_from)
        except ValueError:
            return _fail(lang, Message("cli_errors.bad_moment", {"value": args.revoked_from}), 2)
        if moment.tzinfo is None:  # a date or time without zone is Beijing time
            moment = moment.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
    if action in ("import", "add"):
        for name in [args.file] if action == "import" else args.cards:
            if (problem := is_file_argument(Path(name))) is not None:
                return _fail(lang, problem, 2)
    if action == "export" and (problem := output_problem(Path(args.file))) is not None:
        return _fail(lang, problem, 2)

    def work(db: OfficeDatabase, _profile: OfficeProfile) -> int:
        with db.transaction() as session:
            if action == "add":
                for card in args.cards:
                    row, new = trust.add_card(session, Path(card), by=by)
                    print(render("cli_office.key_added" if new else "cli_office.key_known", lang,
                                 name=row.name, unit=row.unit_name, fingerprint=row.fingerprint))
                print(render("cli_office.check_fingerprint", lang))
            elif action == "revoke":
                assert moment is not None
                row = trust.revoke(session, args.key, revoked_from=moment, by=by,
                                   reason=args.reason)
                print(render("cli_office.key_revoked", lang, name=row.name,
                             fingerprint=row.fingerprint, moment=moment.isoformat()))
            elif action == "import":
                found = trust.read_trust_file(Path(args.file))
                added, revoked = trust.import_trust(session, found, by=by)
                print(render("cli_office.trust_imported", lang, signer=found.signer_name,
                             unit=found.signer_unit, fingerprint=found.signer_fingerprint,
                             added=added, revoked=revoked))
            elif action == "export":
                signer = unlock_identity(paths, lang)
                count = trust.export_trust_file(session, Path(args.file), signer)
                print(render("cli_office.trust_exported", lang, count=count, path=args.file))
            else:
                rows = trust.trusted_keys(session)
                if args.json:
                    print(json.dumps([_key_json(r) for r in rows], ensure_ascii=False, indent=2))
                for r in [] if args.json else rows:
                    state = render("cli_office.revoked_from", lang,
                                   moment=r.revoked_from.isoformat()) if r.revoked_from else ""
                    print(f"{r.unit_code}  {r.unit_name}  {r.name}  {r.fingerprint}  {state}")
        return 0

    return with_office(paths, lang, db_url, work)


# -- merge ---------------------------------------------------------------------------------

class _PrintProgress:
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def report(self, done: int, total: int | None = None, stage: Any = None) -> None:
        if stage is not None and total:
            print(f"[{done + 1 if done < total else done}/{total}] {stage.render(self.lang)}",
                  file=sys.stderr)

    def cancelled(self) -> bool:
        return False


def merge_command(paths: DataPaths, lang: str, db_url: str | None, files: Sequence[str], *,
                  as_json: bool, report_path: str | None) -> int:
    """Exit 0 when every file was merged or was in already, 1 when one was refused."""
    # Before anything is merged: a typo or an unwritable report stops the whole batch.
    problems = [is_file_argument(Path(f)) for f in files]
    if report_path:
        problems.append(output_problem(Path(report_path)))
    if (problem := next((p for p in problems if p is not None), None)) is not None:
        return _fail(lang, problem, 2)
    form = load_form(forms_dir() / SHIPPED_FORM)
    by = staff_name(paths)

    def work(db: OfficeDatabase, profile: OfficeProfile) -> int:
        try:
            report = merge_bundles(db, [Path(f) for f in files], form=form, profile=profile,
                                   by=by, progress=None if as_json else _PrintProgress(lang))
        except Cancelled:
            return _fail(lang, render("cli.cancelled", lang))
        with db.transaction() as session:
            lines = batch_lines(session, report.batch_id)
        if as_json:
            print(json.dumps(merge_json(report, lines, lang), ensure_ascii=False, indent=2))
        else:
            print_merge(report, lines, lang)
        status = 1 if any(line.outcome == "rejected" for line in lines) else 0
        if report_path:
            try:
                write_batch_report(lines, Path(report_path), lang)
            except OSError as exc:  # checked above; the disk may still fill up meanwhile
                return _fail(lang, render("cli.write_failed", lang, path=report_path,
                                          detail=exc.strerror or exc))
        return status

    return with_office(paths, lang, db_url, work)


def _counts(counter: Counter[str]) -> dict[str, int]:
    return {k: counter[k] for k in OUTCOMES}


def merge_json(report: BatchReport, lines: Sequence[BatchLine], lang: str) -> dict[str, Any]:
    """Organizations and visits counted apart, per file and in total."""
    organizations: Counter[str] = sum((f.organizations for f in report.files), Counter())
    visits: Counter[str] = sum((f.visits for f in report.files), Counter())
    return {"batch": report.batch_id,
            "totals": {**totals(lines), "organizations": _counts(organizations),
                       "visits": _counts(visits)},
            "files": [{
                "file": line.file_name, "outcome": line.outcome,
                "reason": line.reason_in(lang) or None, "details": line.details,
                "bundle_id": line.bundle_id, "unit_code": line.unit_code,
                "producer": line.producer_name, "sequence": line.sequence,
                "organizations": _counts(file.organizations), "visits": _counts(file.visits),
                **{k: getattr(line, k) for k in OUTCOMES}}
                for line, file in zip(lines, report.files, strict=True)]}


def print_merge(report: BatchReport, lines: Sequence[BatchLine], lang: str) -> None:
    def words(counter: Counter[str]) -> str:
        return render("cli_office.counts", lang, **_counts(counter))

    for line, file in zip(lines, report.files, strict=True):
        if line.outcome == "imported":
            print(render("cli_office.merged_apart", lang, file=line.file_name,
                         unit=line.unit_name, organizations=words(file.organizations),
                         visits=words(file.visits)))
        elif line.outcome == "already":
            print(render("cli_office.already", lang, file=line.file_name,
                         reason=line.reason_in(lang)))
        else:
            print(render("cli_office.rejected", lang, file=line.file_name,
                         reason=line.reason_in(lang)))
            for detail in line.details[:20]:
                print("  - " + detail)
    sums = totals(lines)
    print(render("cli_office.totals_apart", lang, files=len(lines),
                 imported=len(lines) - sums["rejected"] - sums["already"],
                 already=sums["already"], rejected=sums["rejected"],
                 organizations=words(sum((f.organizations for f in report.files), Counter())),
                 visits=words(sum((f.visits for f in report.files), Counter()))))


# -- conflicts -----------------------------------------------------------------------------

def conflicts_command(paths: DataPaths, lang: str, db_url: str | None, action: str,
                      args: Any) -> int:
    form = load_form(forms_dir() / SHIPPED_FORM)
    by = staff_name(paths)

    def work(db: OfficeDatabase, _profile: OfficeProfile) -> int:
        with db.transaction() as session:
            if action == "resolve":
                conflict_store.resolve_conflict(session, args.id, args.choice, by=by,
                                                note=args.note or "")
                print(render("cli_office.resolved", lang, id=args.id, choice=args.choice, by=by))
                return 0
            if action == "show":
                view, newer = conflict_lined_up(session,
                                                conflict_store.get_conflict(session, args.id))
                _show_conflict(view, newer or form, lang)
                return 0
            views = conflict_store.list_conflicts(session, None if args.all else "open")
        if args.json:
            print(json.dumps([{"id": v.id, "kind": v.kind, "subject": v.subject,
                               "status": v.status, "title": v.title.render(lang),
                               "choices": [x.key for x in v.versions],
                               "resolution": v.resolution, "resolved_by": v.resolved_by}
                              for v in views], ensure_ascii=False, indent=2))
        for v in [] if args.json else views:
            print(f"#{v.id}  [{v.status}]  {v.title.render(lang)}")
        return 0

    return with_office(paths, lang, db_url, work)


def _show_conflict(view: conflict_store.ConflictView, form: FormDefinition, lang: str) -> None:
    print(f"#{view.id}  {view.title.render(lang)}")
    if view.resolution:
        print(render("cli_office.resolution", lang, choice=view.resolution,
                     by=view.resolved_by, at=view.resolved_at))
    print(render("cli_office.choices", lang, choices=", ".join(v.key for v in view.versions)))
    for row in conflict_store.comparison_rows(view, form, lang):
        mark = "≠ " if row.differs else "  "
        print(mark + row.label + ": " + " | ".join(row.values))


# -- roll-up -------------------------------------------------------------------------------

def rollup_command(paths: DataPaths, lang: str, db_url: str | None, *, month: str | None,
                   out: str | None) -> int:
    try:
        start, end = month_bounds(month, clock.today())
    except ValueError:
        return _fail(lang, render("cli.bad_month", lang, month=month), 2)
    form = load_form(forms_dir() / SHIPPED_FORM)

    def work(db: OfficeDatabase, profile: OfficeProfile) -> int:
        target = Path(out) if out else paths.exports / (
            f"{profile.unit_name}-{profile.unit_code}-{start:%Y-%m}.xlsx")
        if (problem := output_problem(target)) is not None:  # before a number is spent
            return _fail(lang, problem, 2)
        signer = unlock_identity(paths, lang)
        try:
            summary = export_office_bundle(db, form, signer, target, period_start=start,
                                           period_end=end)
        except OSError as exc:
            return _fail(lang, render("cli.write_failed", lang, path=str(target),
                                      detail=exc.strerror or exc))
        print(render("cli.exported", lang, path=str(summary.path), visits=summary.visits,
                     tombstones=summary.tombstones, organizations=summary.organizations,
                     sequence=summary.manifest["sequence"]))
        return 0

    return with_office(paths, lang, db_url, work)


def stats_command(paths: DataPaths, lang: str, db_url: str | None, *, month: str,
                  xlsx: str | None, pdf: str | None, as_json: bool,
                  approved_only: bool = False) -> int:
    from fieldsurvey.commands.stats import stats_command as run_stats

    target = office_target(paths, db_url)
    if target is None:
        return _fail(lang, render("cli_office.no_office", lang), 2)
    for output in (xlsx, pdf):  # before the table is computed
        if output and (problem := output_problem(Path(output))) is not None:
            return _fail(lang, problem, 2)
    return run_stats(target, lang, month, xlsx, pdf, as_json, approved_only)
