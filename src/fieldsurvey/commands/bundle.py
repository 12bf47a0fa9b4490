"""``fieldsurvey export`` and ``fieldsurvey verify``."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fieldsurvey import clock
from fieldsurvey.bundles import BundleError, Verdict, trust_list, verify_bundle
from fieldsurvey.bundles.monthly import default_month, export_month, month_span
from fieldsurvey.bundles.trust import TrustedKey
from fieldsurvey.commands.errors import is_file_argument
from fieldsurvey.commands.identity import unlock_identity
from fieldsurvey.county.trust import TRUST_SUFFIX, read_trust_file
from fieldsurvey.forms.loader import load_form
from fieldsurvey.identity.enrollment import read_enrollment_card
from fieldsurvey.identity.keys import IdentityError, identity_exists, load_public
from fieldsurvey.messages import render
from fieldsurvey.outputs import folder_problem, output_problem
from fieldsurvey.paths import DataPaths
from fieldsurvey.progress import Cancelled
from fieldsurvey.resources import forms_dir
from fieldsurvey.store import StoreError, open_database, open_store

SHIPPED_FORM = "so_union_visit.xlsx"


_MONTH = re.compile(r"(\d{4})-(\d{2})")


def month_bounds(month: str | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """``2026-11`` -> (2026-11-01, 2026-11-30); without one, the month an export made today
    reports by default (the same rule as the Export screen). ``ValueError`` unless
    ``month`` is a real month written in full: "26-11" is not the year 26."""
    if month is None:
        return default_month(today)
    match = _MONTH.fullmatch(month.strip())
    if match is None or not 2000 <= int(match[1]) <= 2099:
        raise ValueError(month)
    return month_span(int(match[1]), int(match[2]))  # ValueError for month 13


def export(paths: DataPaths, lang: str, *, month: str | None, out: str | None,
           store: str | None = None) -> int:
    try:
        start, end = month_bounds(month, clock.today())
    except ValueError:
        print(render("cli.bad_month", lang, month=month), file=sys.stderr)
        return 2
    # Before the passphrase is asked for or a sequence number spent.
    problem = output_problem(Path(out)) if out else folder_problem(paths.exports)
    if problem is not None:
        print(problem.render(lang), file=sys.stderr)
        return 2
    try:
        db = open_database(Path(store), backups=paths.backups) if store else open_store(paths)
    except StoreError as exc:
        print(exc.message.render(lang), file=sys.stderr)
        return 1
    try:
        signer = unlock_identity(paths, lang)
    except IdentityError as exc:
        db.close()
        print(exc.message.render(lang), file=sys.stderr)
        return 1
    try:
        form = load_form(forms_dir() / SHIPPED_FORM)
        summary = export_month(db, form, signer, paths.exports, start, end,
                               out_path=Path(out) if out else None)
    except (BundleError, Cancelled) as exc:
        message = getattr(exc, "message", None)
        print(message.render(lang) if message else render("cli.cancelled", lang), file=sys.stderr)
        return 1
    except OSError as exc:
        print(render("cli.write_failed", lang, path=out or str(paths.exports),
                     detail=exc.strerror or exc), file=sys.stderr)
        return 1
    finally:
        db.close()
    print(render("cli.exported", lang, path=str(summary.path), visits=summary.visits,
                 tombstones=summary.tombstones, organizations=summary.organizations,
                 sequence=summary.manifest["sequence"]))
    return 0


def load_trust(paths: DataPaths, trust_files: Sequence[str]) -> dict[str, TrustedKey]:
    """Enrollment cards or an office's trust files (``.fstrust.json``, with revocations)
    named with ``--trust``; without any, this machine's own key."""
    if trust_files:
        trusted: dict[str, TrustedKey] = {}
        for name in trust_files:
            if name.endswith(TRUST_SUFFIX):
                listed = read_trust_file(Path(name)).keys
                trusted.update(trust_list([k for k, _, _ in listed],
                                          {k.key_id: when for k, when, _ in listed if when}))
            else:
                trusted.update(trust_list([read_enrollment_card(Path(name))]))
        return trusted
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
    for name in [*files, *trust_files]:  # a typo is not a "corrupt" bundle
        if (problem := is_file_argument(Path(name))) is not None:
            print(problem.render(lang), file=sys.stderr)
            return 2
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
