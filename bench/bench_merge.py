"""A county office merging its townships' signed bundles, against the naive pandas way.

Run: ``.venv/bin/python bench/bench_merge.py`` (200 bundles of about 500 visits each;
``--small`` for 20 bundles). The naive peer needs pandas: ``pip install pandas``
(or ``pip install -e .[bench]``).

The bundles are real: each township is an officer's store filled by
``populate_demo`` (one organization per visit, about), signed with its own Ed25519
key by ``export_bundle``. Codes run 421202001, 421202002... under county 421202.
Generating them takes a while, so they are cached (``--cache DIR``, by default
under the system temp directory, one folder per size and ``VERSION``) and reused;
``--jobs`` processes (2) generate them.

Each step then runs in a fresh subprocess, so its peak memory is its own (VmHWM
on Linux, ``ru_maxrss`` elsewhere; includes the interpreter and its imports). Ours
also starts a worker process that reads and verifies the next bundles while one is
merged: its peak (``RUSAGE_CHILDREN``) is added, as if both peaked at once:

- ours: a fresh SQLite office database, the townships' keys trusted, then
  ``merge_bundles`` on every file (each verified, then imported all or nothing);
- naive: ``pandas.read_excel`` of the visits and register sheets of every file,
  ``pd.concat``, ``drop_duplicates()`` and ``to_excel`` of both into one workbook
  (no signature check, no revisions: what a spreadsheet-minded script does).

Wall times are of the work alone (imports excluded). Targets: ours at least 8x
faster than the naive peer, at most 400 MB peak.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

VERSION = "1"  # bump when the generated bundles must change
COUNTY_CODE = "421202"
TODAY = dt.date(2026, 11, 20)
MADE = dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC)  # when the bundles were signed
MERGED = MADE + dt.timedelta(hours=2)  # the office's clock when it merges
ORGS_PER_VISIT = 1.0  # populate_demo exports about one visit per organization
TARGET_SPEEDUP = 8.0
TARGET_PEAK_MB = 400.0


# -- generating the bundles (cached) -------------------------------------------------------


def cache_folder(root: Path, bundles: int, visits: int) -> Path:
    from fieldsurvey import __version__

    return root / f"merge-v{VERSION}-fs{__version__}-{bundles}x{visits}"


def township_code(index: int) -> str:
    return f"{COUNTY_CODE}{index + 1:03d}"


def make_township(folder: Path, index: int, visits: int) -> dict[str, Any]:
    """One township's signed bundle ``folder/<code>.xlsx`` and its public key ``<code>.json``."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from fieldsurvey.bundles import export_bundle
    from fieldsurvey.cases.demo import populate_demo
    from fieldsurvey.forms.loader import load_form
    from fieldsurvey.identity.records import PublicIdentity
    from fieldsurvey.resources import forms_dir
    from fieldsurvey.store.migrate import open_database

    code = township_code(index)
    name = f"咸安区第{index + 1}街道"
    officer = "王芳"
    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    class Signer:  # what export_bundle needs of an unlocked identity
        public = PublicIdentity.for_key(raw, role="officer", name=officer, unit_code=code,
                                        unit_name=name)

        def sign(self, data: bytes) -> bytes:
            return key.sign(data)

    form = load_form(forms_dir() / "so_union_visit.xlsx")
    with tempfile.TemporaryDirectory(prefix="fs-township-") as tmp:
        db = open_database(Path(tmp) / "fieldsurvey.sqlite3")
        try:
            populate_demo(db, form, code, max(round(visits * ORGS_PER_VISIT), 1), index + 1,
                          TODAY, officer=officer)
            summary = export_bundle(db, form, Signer(), folder / f"{code}.xlsx",
                                    period_start=dt.date(2026, 11, 1),
                                    period_end=dt.date(2026, 11, 30), sequence=1, now=MADE)
        finally:
            db.close()
    info = {"code": code, "name": name, "officer": officer,
            "public_key": base64.b64encode(raw).decode("ascii"),
            "visits": summary.visits, "tombstones": summary.tombstones,
            "organizations": summary.organizations}
    # Written last: a township whose .json exists is complete.
    (folder / f"{code}.json").write_text(json.dumps(info, ensure_ascii=False), "utf-8")
    return info


def ensure_bundles(folder: Path, bundles: int, visits: int, jobs: int) -> list[dict[str, Any]]:
    """The cached townships, generating the missing ones."""
    folder.mkdir(parents=True, exist_ok=True)
    missing = [i for i in range(bundles)
               if not (folder / f"{township_code(i)}.json").exists()]
    if missing:
        print(f"generating {len(missing)} bundles of ~{visits} visits in {folder} "
              f"({jobs} processes)...", flush=True)
        start = time.perf_counter()
        if jobs > 1 and len(missing) > 1:
            with ProcessPoolExecutor(jobs) as pool:
                for done, _ in enumerate(pool.map(make_township, [folder] * len(missing),
                                                  missing, [visits] * len(missing)), 1):
                    if done % 20 == 0:
                        print(f"  {done}/{len(missing)}", flush=True)
        else:
            for i in missing:
                make_township(folder, i, visits)
        print(f"generated in {time.perf_counter() - start:.1f} s", flush=True)
    return [json.loads((folder / f"{township_code(i)}.json").read_text("utf-8"))
            for i in range(bundles)]


# -- the measured steps (each in its own subprocess) ----------------------------------------


def peak_rss_mb() -> float | None:
    """This process's peak resident memory so far, in MB (None where it cannot be read)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes vs KiB


def children_peak_mb() -> float | None:
    """The largest peak resident memory of this process's finished children, in MB."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def step_ours(folder: Path, townships: list[dict[str, Any]]) -> dict[str, Any]:
    from sqlalchemy import func, select

    from fieldsurvey.county.db import open_office
    from fieldsurvey.county.merge import merge_bundles
    from fieldsurvey.county.models import MergedOrganization, MergedVisit
    from fieldsurvey.county.office import OfficeProfile, save_office_profile
    from fieldsurvey.county.trust import add_identity
    from fieldsurvey.forms.loader import load_form
    from fieldsurvey.identity.records import PublicIdentity
    from fieldsurvey.resources import forms_dir

    files = [folder / f"{t['code']}.xlsx" for t in townships]
    profile = OfficeProfile("county", COUNTY_CODE, "咸安区总工会")
    with tempfile.TemporaryDirectory(prefix="fs-office-") as tmp:
        start = time.perf_counter()
        form = load_form(forms_dir() / "so_union_visit.xlsx")
        db = open_office(Path(tmp) / "office.sqlite3")
        with db.transaction() as session:
            save_office_profile(session, profile)
            for t in townships:
                public = PublicIdentity.for_key(
                    base64.b64decode(t["public_key"]), role="officer", name=t["officer"],
                    unit_code=t["code"], unit_name=t["name"])
                add_identity(session, public, by="bench", now=MADE)
        setup = time.perf_counter() - start
        report = merge_bundles(db, files, form=form, profile=profile, by="bench", now=MERGED)
        wall = time.perf_counter() - start
        with db.transaction() as session:
            visits = session.scalar(select(func.count()).select_from(MergedVisit))
            deleted = session.scalar(select(func.count()).select_from(MergedVisit)
                                     .where(MergedVisit.deleted_at.is_not(None)))
            orgs = session.scalar(select(func.count()).select_from(MergedOrganization))
        db.close()
    totals = report.totals
    main, worker = peak_rss_mb(), children_peak_mb()
    return {"wall": wall, "setup": setup, "main_mb": main, "worker_mb": worker,
            "peak_mb": None if main is None else main + (worker or 0), "visits": visits,
            "deleted": deleted, "organizations": orgs, "rejected": totals["rejected"],
            "reasons": sorted({f.reason.code for f in report.files if f.reason})}


def step_naive(folder: Path, townships: list[dict[str, Any]], engine: str) -> dict[str, Any]:
    import pandas as pd

    from fieldsurvey.bundles.common import SHEET_REGISTER, SHEET_VISITS

    files = [folder / f"{t['code']}.xlsx" for t in townships]
    with tempfile.TemporaryDirectory(prefix="fs-naive-") as tmp:
        start = time.perf_counter()
        visits, register = [], []
        for path in files:
            # Row 1 holds the Chinese labels, row 2 the machine names: header=1.
            sheets = pd.read_excel(path, sheet_name=[SHEET_VISITS, SHEET_REGISTER], header=1,
                                   engine=engine)
            visits.append(sheets[SHEET_VISITS])
            register.append(sheets[SHEET_REGISTER])
        all_visits = pd.concat(visits, ignore_index=True).drop_duplicates()
        all_register = pd.concat(register, ignore_index=True).drop_duplicates()
        with pd.ExcelWriter(Path(tmp) / "merged.xlsx") as writer:
            all_visits.to_excel(writer, sheet_name=SHEET_VISITS, index=False)
            all_register.to_excel(writer, sheet_name=SHEET_REGISTER, index=False)
        wall = time.perf_counter() - start
    return {"wall": wall, "peak_mb": peak_rss_mb(), "visits": len(all_visits),
            "organizations": len(all_register)}


def run_child(step: str, folder: Path, bundles: int, engine: str) -> dict[str, Any]:
    """Run ``step`` in a fresh interpreter; its JSON result."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", step, "--child-dir",
           str(folder), "--bundles", str(bundles), "--naive-engine", engine]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"step {step} failed (exit {out.returncode})")
    return json.loads(out.stdout.strip().splitlines()[-1])


def child_main(step: str, folder: Path, bundles: int, engine: str) -> None:
    townships = [json.loads((folder / f"{township_code(i)}.json").read_text("utf-8"))
                 for i in range(bundles)]
    result = (step_ours(folder, townships) if step == "ours"
              else step_naive(folder, townships, engine))
    print(json.dumps(result))


# -- the report ---------------------------------------------------------------------------


def have_pandas() -> bool:
    try:
        import pandas  # noqa: F401
    except ImportError:
        return False
    return True


def mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="20 bundles (a quick check)")
    parser.add_argument("--bundles", type=int, help="how many township bundles (200)")
    parser.add_argument("--visits", type=int, default=500, help="visits per bundle (500)")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "fieldsurvey-bench-merge",
                        help="where generated bundles are kept and reused")
    parser.add_argument("--jobs", type=int, default=2, help="processes generating bundles (2)")
    parser.add_argument("--naive-engine", default="openpyxl", choices=["openpyxl", "calamine"],
                        help="pandas' xlsx reader for the naive peer (openpyxl, its default)")
    parser.add_argument("--skip-naive", action="store_true", help="measure ours only")
    parser.add_argument("--child", choices=["ours", "naive"], help=argparse.SUPPRESS)
    parser.add_argument("--child-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    bundles = args.bundles or (20 if args.small else 200)
    if args.child:
        child_main(args.child, args.child_dir, bundles, args.naive_engine)
        return
    naive = not args.skip_naive
    if naive and not have_pandas():
        raise SystemExit("the naive peer needs pandas: pip install pandas "
                         "(or pip install -e .[bench]); or pass --skip-naive")

    folder = cache_folder(args.cache, bundles, args.visits)
    townships = ensure_bundles(folder, bundles, args.visits, args.jobs)
    per_visits = [t["visits"] + t["tombstones"] for t in townships]
    per_orgs = [t["organizations"] for t in townships]
    size = sum((folder / f"{t['code']}.xlsx").stat().st_size for t in townships) / 2**20
    print(f"{bundles} bundles in {folder} ({size:.1f} MiB): visits per bundle "
          f"{min(per_visits)}-{max(per_visits)} (mean {sum(per_visits) / bundles:.0f}, "
          f"{sum(t['tombstones'] for t in townships)} tombstones in all), organizations "
          f"{min(per_orgs)}-{max(per_orgs)} (mean {sum(per_orgs) / bundles:.0f})", flush=True)

    ours = run_child("ours", folder, bundles, args.naive_engine)
    assert ours["visits"] == sum(per_visits), (ours["visits"], sum(per_visits))
    assert ours["organizations"] == sum(per_orgs), (ours["organizations"], sum(per_orgs))
    theirs = run_child("naive", folder, bundles, args.naive_engine) if naive else None

    print()
    print(f"{'step':<50}{'wall s':>9}{'peak RSS MB':>13}{'visits':>9}{'orgs':>9}")
    print(f"{'ours: open + trust + merge_bundles (SQLite)':<50}{ours['wall']:>9.2f}"
          f"{mb(ours['peak_mb']):>13}{ours['visits']:>9}{ours['organizations']:>9}")
    if theirs:
        print(f"{f'naive: pandas ({args.naive_engine}) read/concat/dedupe/write':<50}"
              f"{theirs['wall']:>9.2f}{mb(theirs['peak_mb']):>13}{theirs['visits']:>9}"
              f"{theirs['organizations']:>9}")
    print()
    merge = ours["wall"] - ours["setup"]
    print(f"ours: setup (open db, trust {bundles} keys) {ours['setup']:.2f} s, merge "
          f"{merge:.2f} s = {merge / bundles * 1000:.0f} ms a bundle; {ours['deleted']} "
          f"deleted visits; rejected files {ours['rejected']}"
          + (f" {ours['reasons']}" if ours["reasons"] else ""))
    print(f"ours: peak RSS = merging process {mb(ours['main_mb'])} MB + worker process "
          f"{mb(ours['worker_mb'])} MB")
    verdicts = [f"rejected = 0: {'yes' if ours['rejected'] == 0 else 'NO'}"]
    if ours["peak_mb"] is not None:
        ok = ours["peak_mb"] <= TARGET_PEAK_MB
        verdicts.append(f"peak <= {TARGET_PEAK_MB:.0f} MB: {'yes' if ok else 'NO'}")
    if theirs:
        ratio = theirs["wall"] / ours["wall"]
        print(f"speed-up (naive / ours): {ratio:.1f}x")
        verdicts.append(f"speed-up >= {TARGET_SPEEDUP:.0f}x: "
                        f"{'yes' if ratio >= TARGET_SPEEDUP else 'NO'}")
    print("targets: " + "; ".join(verdicts))


if __name__ == "__main__":
    main()
