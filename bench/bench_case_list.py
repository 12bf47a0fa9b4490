"""How fast the case list is with a 50,000-organization register.

Run: ``.venv/bin/python bench/bench_case_list.py [--orgs 50000] [--keep DIR]``
(offscreen by default; set ``QT_QPA_PLATFORM=xcb`` under a display to watch).

The register is the demo township (``fieldsurvey.cases.demo``: every case
status, about one finalized visit per organization). Figures:

- first paint: from building the page to the table's first paint with rows
  (the first screenful is read first; the rest follows on a worker thread);
- full list: until every organization is loaded and shown;
- per keystroke: typing ``cyxh`` one letter at a time, then deleting back,
  each time until the table has repainted (filter + model reset + paint);
- status filter and header-click sort on the full list.

Targets from issue 3: first paint < 300 ms, < 50 ms per keystroke.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication

from fieldsurvey.cases.demo import populate_demo
from fieldsurvey.forms.loader import load_form
from fieldsurvey.paths import DataPaths
from fieldsurvey.resources import forms_dir
from fieldsurvey.store import open_store
from fieldsurvey.store.profile import OfficerProfile, save_profile
from fieldsurvey.ui.case_list import CaseListPage
from fieldsurvey.ui.context import AppContext

TODAY = dt.date(2026, 11, 21)
TOWNSHIP = "330106001"


class PaintWatch(QObject):
    """Counts paint events of a widget (the table's viewport)."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=50_000)
    parser.add_argument("--keep", type=Path, help="reuse or keep the database in this folder")
    args = parser.parse_args()
    app = QApplication([])
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-cases-"))
    paths = DataPaths(folder).ensure()
    fresh = not paths.database.exists()
    db = open_store(paths)
    form = load_form(forms_dir() / "so_union_visit.xlsx")
    profile = OfficerProfile(name="王芳", phone="13800138000", township_code=TOWNSHIP,
                             township_name="温泉街道", county_code="330106",
                             county_name="西湖区")
    if fresh:
        start = time.perf_counter()
        populate_demo(db, form, TOWNSHIP, args.orgs, seed=7, today=TODAY)
        with db.transaction() as session:
            save_profile(session, profile)
        print(f"built a {args.orgs:,}-organization register in "
              f"{time.perf_counter() - start:.1f} s ({folder})")
    ctx = AppContext(lang="zh", paths=paths, db=db, form=form, profile=profile,
                     today=lambda: TODAY)

    # First paint: build the page, read the first screen, show, until the rows are painted.
    watch = PaintWatch()
    start = time.perf_counter()
    page = CaseListPage(ctx)
    page.table.viewport().installEventFilter(watch)
    page.resize(1366, 700)
    page.show()
    page.reload()
    while watch.paints == 0 or page.model.rowCount() == 0:
        app.processEvents()
    first_paint = (time.perf_counter() - start) * 1000
    page.wait_loaded()
    app.processEvents()
    full = (time.perf_counter() - start) * 1000
    rows = len(page.model.rows)
    print(f"first paint: {first_paint:.0f} ms (target < 300 ms); "
          f"full list of {rows:,}: {full:.0f} ms")

    def keystroke(text: str) -> float:
        # textChanged filters synchronously; repaint() paints now, as the screen would.
        return timed(lambda: (page.search.setText(text), page.table.viewport().repaint()))

    typing: list[float] = []
    deleting: list[float] = []
    for _ in range(5):
        typing.extend(keystroke("cyxh"[:n]) for n in range(1, 5))
        deleting.extend(keystroke("cyxh"[:n]) for n in range(3, -1, -1))
    print(f"per keystroke, typing 'cyxh': median {statistics.median(typing):.1f} ms, "
          f"max {max(typing):.1f} ms (target < 50 ms)")
    print(f"per keystroke, deleting back: median {statistics.median(deleting):.1f} ms, "
          f"max {max(deleting):.1f} ms")
    status = [timed(lambda i=i: (page.status_filter.setCurrentIndex(i),
                                 page.table.viewport().repaint()))
              for i in (2, 0, 4, 0)]
    print(f"status filter on the full list: median {statistics.median(status):.1f} ms")
    sort = [timed(lambda order=order: (page.table.sortByColumn(6, order),
                                       page.table.viewport().repaint()))
            for order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder)]
    print(f"sort by staff (header click): median {statistics.median(sort):.1f} ms")
    page.close()
    db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
