"""What the file gate costs an honest register, and what a hostile file costs at most.

Run: ``.venv/bin/python bench/bench_filegate.py`` (``--rows 50000``, ``--runs 3``).

1. The 50,000-row register of ``bench_register_import.py``, imported (read, header,
   plan, apply into a fresh database) with the gate and, in the same run, with the
   gate bypassed (the bytes handed straight to calamine, as before issue 14).
   Runs alternate; the best of each is compared. The read alone is timed the same way.
2. Every hostile file of ``tests/filegate`` (each class, plus larger variants of the
   bombs), read by ``read_register`` in a fresh child process: wall time and peak
   RSS (VmHWM of the child). A child reading a two-row honest register gives the
   interpreter's own floor. Budget: refused or read in 2 s and 200 MB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_register_import import TOWNSHIP, write_register

from fieldsurvey.register import apply_plan, find_header, plan_import, read_register
from fieldsurvey.register import workbook as register_workbook
from fieldsurvey.store.migrate import open_database

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "filegate"))
import hostile_files  # noqa: E402
import hostile_legacy  # noqa: E402

# Peak RSS is the child's VmHWM (Linux): ru_maxrss would include the parent's memory,
# which a forked child inherits until it execs.
_CHILD = """
import sys, time
from pathlib import Path
from fieldsurvey.register import RegisterError, read_register
start = time.perf_counter()
try:
    sheet = read_register(Path(sys.argv[1]))
    outcome = f"read {len(sheet.rows)} rows"
except RegisterError as exc:
    outcome = "refused: " + exc.message.render("en")[:90]
elapsed = time.perf_counter() - start
hwm = next(int(line.split()[1]) for line in open("/proc/self/status")
           if line.startswith("VmHWM:"))
print(elapsed, hwm / 1024, outcome, sep="\\t")
"""


def _without_gate(path: Path, _limits: object) -> bytes:
    return path.read_bytes()


def _import(path: Path, folder: Path, gated: bool) -> tuple[float, float]:
    """(read seconds, whole import seconds) into a fresh database."""
    original = register_workbook.read_workbook
    if not gated:
        register_workbook.read_workbook = _without_gate  # type: ignore[assignment]
    db = open_database(folder / f"{time.perf_counter_ns()}.sqlite3", backups=folder / "b")
    try:
        start = time.perf_counter()
        sheet = read_register(path)
        read = time.perf_counter() - start
        guess = find_header(sheet)
        with db.sessions() as session:
            plan = plan_import(sheet, guess.row, guess.mapping, session, TOWNSHIP)
        apply_plan(db, plan)
        return read, time.perf_counter() - start
    finally:
        db.close()
        register_workbook.read_workbook = original  # type: ignore[assignment]


def register_figures(rows: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "register.xlsx"
        write_register(path, rows, 1)
        print(f"{rows:,}-row register, {path.stat().st_size / 2**20:.1f} MiB")
        best: dict[bool, tuple[float, float]] = {}
        for _ in range(runs):
            for gated in (False, True):
                read, whole = _import(path, folder, gated)
                old = best.get(gated, (read, whole))
                best[gated] = (min(old[0], read), min(old[1], whole))
        start = time.perf_counter()
        register_workbook.read_workbook(path, register_workbook.REGISTER)
        gate_only = time.perf_counter() - start
        (r0, w0), (r1, w1) = best[False], best[True]
        print(f"  gate alone                {gate_only:6.2f} s")
        print(f"  read     without / with   {r0:6.2f} s / {r1:6.2f} s   ratio {r1 / r0:.3f}")
        print(f"  import   without / with   {w0:6.2f} s / {w1:6.2f} s   ratio {w1 / w0:.3f}")
        print(f"  peak RSS of one gated read: {_child(path)[1]:.0f} MB (child process)")


def _child(path: Path) -> tuple[float, float, str]:
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True,
                          text=True, timeout=120, check=False)
    if done.returncode != 0:
        return float("nan"), float("nan"), f"CRASHED rc={done.returncode}: {done.stderr[-200:]}"
    elapsed, rss, outcome = done.stdout.strip().split("\t", 2)
    return float(elapsed), float(rss), outcome


def hostile_figures() -> dict[str, tuple[str, float, float]]:
    classes = hostile_files.all_classes()
    big: dict[str, Callable[[], bytes]] = {
        "ratio_bomb 1 GiB": lambda: hostile_files.ratio_bomb(2**30),
        "lying_sizes 1 GiB": lambda: hostile_files.lying_sizes(2**30),
    }
    worst: dict[str, tuple[str, float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        floor = Path(tmp) / "floor.xlsx"
        floor.write_bytes(hostile_files.xlsx())
        t, rss, _ = _child(floor)
        print(f"\nfloor: a two-row register in a fresh interpreter: {t:.3f} s, {rss:.0f} MB")
        print(f"{'class':<22} {'file':<22} {'time':>7} {'peak RSS':>9}  outcome")
        files = [(cls, name, build) for cls, items in classes.items()
                 for name, (build, _) in items.items()]
        files += [("bomb", name, build) for name, build in big.items()]
        files.append(("ODS repeats", "ods_honest_trailer",
                      lambda: hostile_legacy.ods(hostile_legacy.ODS_HEADER
                                                 + hostile_legacy.ODS_TRAILER)))
        for cls, name, build in files:
            path = Path(tmp) / f"{name.replace(' ', '_')}.xlsx"
            path.write_bytes(build())
            t, rss, outcome = _child(path)
            path.unlink()
            print(f"{cls:<22} {name:<22} {t:6.3f}s {rss:7.0f}MB  {outcome[:70]}")
            if cls not in worst or t > worst[cls][1] or rss > worst[cls][2]:
                worst[cls] = (name, max(t, worst.get(cls, ("", 0.0, 0.0))[1]),
                              max(rss, worst.get(cls, ("", 0.0, 0.0))[2]))
    print("\nworst per class (time, peak RSS; the floor included):")
    for cls, (name, t, rss) in worst.items():
        print(f"  {cls:<22} {t:6.3f} s {rss:6.0f} MB   ({name})")
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the worst figures here")
    args = parser.parse_args()
    register_figures(args.rows, args.runs)
    worst = hostile_figures()
    if args.json:
        args.json.write_text(json.dumps(worst, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
