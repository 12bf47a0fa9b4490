"""``fieldsurvey export`` and ``fieldsurvey verify``."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fieldsurvey.bundles import BundleError, Verdict, export_bundle, trust_list, verify_bundle
from fieldsurvey.bundles.trust import TrustedKey
from fieldsurvey.commands.identity import unlock_identity
from fieldsurvey.forms.loader import load_form
from fieldsurvey.identity.enrollment import read_enrollment_card
from fieldsurvey.identity.keys import IdentityError, identity_exists, load_public
from fieldsurvey.messages import render
from fieldsurvey.paths import DataPaths
from fieldsurvey.progress import Cancelled
from fieldsurvey.resources import forms_dir
from fieldsurvey.store import StoreError, open_store
from fieldsurvey.store.settings import next_bundle_sequence, set_setting

SHIPPED_FORM = "so_union_visit.xlsx"


def month_bounds(month: str | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """``2026-11`` -> (2026-11-01, 2026-11-30); the current month when omitted."""
    if month:
        year, mon = (int(part) for part in month.split("-"))
    else:
        year, mon = today.year, today.month
    return dt.date(year, mon, 1), dt.date(year, mon, calendar.monthrange(year, mon)[1])


def export(paths: DataPaths, lang: str, *, month: str | None, out: str | None) -> int:
    try:
        start, end = month_bounds(month, dt.datetime.now().astimezone().date())
    except ValueError:
        print(render("cli.bad_month", lang, month=month), file=sys.stderr)
        return 2
    try:
        signer = unlock_identity(paths, lang)
        db = open_store(paths)
    except (IdentityError, StoreError) as exc:
        print(exc.message.render(lang), file=sys.stderr)
        return 1
    try:
        form = load_form(forms_dir() / SHIPPED_FORM)
        with db.transaction() as session:  # the number is used up even if export fails
            sequence = next_bundle_sequence(session)
        unit = signer.public.unit_code
        target = Path(out) if out else paths.exports / f"{unit}-{start:%Y%m}-{sequence:04d}.xlsx"
        summary = export_bundle(db, form, signer, target, period_start=start, period_end=end,
                                sequence=sequence)
        with db.transaction() as session:
            set_setting(session, "last_export_at", dt.datetime.now(dt.UTC).isoformat())
    except (BundleError, Cancelled) as exc:
        message = getattr(exc, "message", None)
        print(message.render(lang) if message else render("cli.cancelled", lang), file=sys.stderr)
        return 1
    finally:
        db.close()
    print(render("cli.exported", lang, path=str(summary.path), visits=summary.visits,
                 tombstones=summary.tombstones, organizations=summary.organizations,
                 sequence=sequence))
    return 0


def load_trust(paths: DataPaths, trust_files: Sequence[str]) -> dict[str, TrustedKey]:
    """Enrollment cards named with ``--trust``; without any, this machine's own key."""
    if trust_files:
        return trust_list(read_enrollment_card(Path(f)) for f in trust_files)
    if identity_exists(paths.keys):
        return trust_list([load_public(paths.keys)])
    return {}


def _verdict_json(path: str, verdict: Verdict, lang: str) -> dict[str, Any]:
    manifest = verdict.manifest or {}
    return {"file": path, "verdict": verdict.kind, "valid": verdict.ok,
            "message": verdict.message.render(lang), "details": verdict.details,
            "bundle_id": manifest.get("bundle_id"), "producer": manifest.get("producer"),
            "sequence": manifest.get("sequence"), "counts": manifest.get("counts")}


def verify(paths: DataPaths, lang: str, files: Sequence[str], *, trust_files: Sequence[str],
           as_json: bool) -> int:
    """A verdict per file; exit 0 only if every file is valid."""
    try:
        trust = load_trust(paths, trust_files)
    except IdentityError as exc:
        print(exc.message.render(lang), file=sys.stderr)
        return 2
    results = [(f, verify_bundle(Path(f), trust)) for f in files]
    if as_json:
        print(json.dumps([_verdict_json(f, v, lang) for f, v in results], ensure_ascii=False,
                         indent=2))
    else:
        for f, verdict in results:
            print(render("cli.verdict", lang, file=f, kind=verdict.kind,
                         message=verdict.message.render(lang)))
            for detail in verdict.details:
                print("  - " + detail)
    return 0 if all(v.ok for _, v in results) else 1
