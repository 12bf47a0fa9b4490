"""Screenshots of the office's Import, Conflicts and Statistics pages at 1366x768.

Run under a virtual display with a CJK font installed::

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/shots_office_pages.py [OUT]

A throw-away data folder holds a county office (咸安区总工会) and eight townships, each a
real officer's store filled by the demo generator (100 to 300 organizations) with its
own signing key (``tests/county/office_helpers.py``). Their signed bundles, a copied
laptop's bundle that changed a visit (a conflict), a tampered file and one from an
unknown signer are imported through the Import page, as a person would. Writes
``office_import_{lang}.png``, ``office_conflicts_{lang}.png`` and ``office_stats_{lang}.png``.
"""

from __future__ import annotations

import sys
import tempfile
import zipfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer, SignalInstance
from shots_common import fill_screen, shoot, start_app
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "county"))
from office_helpers import COUNTY, Township, make_office

from fieldsurvey.county.db import open_office
from fieldsurvey.forms.loader import load_form
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.paths import DataPaths
from fieldsurvey.resources import forms_dir
from fieldsurvey.ui.office.conflicts_page import ConflictsPage
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.import_page import ImportPage
from fieldsurvey.ui.office.stats_page import StatsPage
from fieldsurvey.ui.office.table_models import wait_for_jobs
from fieldsurvey.ui.office.window import OfficeWindow
from fieldsurvey.ui.qt_language import use_language

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
STAFF = "李敏"
# (code, name, organizations): the townships of 咸安区 in the demo.
TOWNSHIPS = (
    ("421202001", "温泉街道", 260),
    ("421202002", "浮山街道", 180),
    ("421202003", "永安街道", 220),
    ("421202100", "向阳湖镇", 120),
    ("421202101", "官埠桥镇", 140),
    ("421202102", "横沟桥镇", 210),
    ("421202103", "贺胜桥镇", 160),
    ("421202104", "双溪桥镇", 100),
)
OFFICERS = ("王芳", "刘洋", "陈静", "张伟", "赵敏", "孙丽", "周强", "吴霞")


def wait(signal: SignalInstance, busy: bool = True, seconds: int = 300) -> None:
    """Run the event loop until ``signal`` (never longer than ``seconds``)."""
    if not busy:
        return
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(seconds * 1000, loop.quit)
    loop.exec()


def tampered(bundle: Path) -> Path:
    """The bundle with one number changed after it was signed."""
    target = bundle.with_name(bundle.stem + "-改.xlsx")
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"<v>1</v>", b"<v>2</v>", 1)
            out.writestr(info.filename, data)
    return target


def make_bundles(folder: Path, form: FormDefinition) -> tuple[list[Township], list[Path]]:
    """Eight townships' bundles, a copied laptop's, a tampered one and a stranger's."""
    towns = [Township(folder / code, code, name, form, officer=OFFICERS[i]).populate(n, 100 + i)
             for i, (code, name, n) in enumerate(TOWNSHIPS)]
    files = [town.export() for town in towns]
    twin = towns[0].copy_to(folder / "twin")
    with twin.db.transaction() as s:  # the copy edits two visits without a new revision
        s.execute(text(
            "UPDATE visit SET answers_json = replace(answers_json, '\"visit_kind\":\"census\"', "
            "'\"visit_kind\":\"follow_up\"'), updated_at = '2026-11-17 08:00:00.000000' "
            "WHERE id IN (SELECT id FROM visit WHERE status = 'final' AND deleted_at IS NULL "
            "AND answers_json LIKE '%\"visit_kind\":\"census\"%' ORDER BY id LIMIT 2)"))
    files.append(twin.export("421202001-笔记本2.xlsx", sequence=10))
    files.append(tampered(towns[1].export()))
    stranger = Township(folder / "stranger", "421202105", "马桥镇", form,
                        officer="钱进").populate(20, 99)
    files.append(stranger.export())
    return towns, files


def window_on(ctx: OfficeContext, page: str) -> OfficeWindow:
    window = OfficeWindow(ctx)
    fill_screen(window)
    window.show_page(page)
    return window


def shoot_pages(ctx: OfficeContext, out: Path, files: list[Path] | None) -> list[Path]:
    lang = ctx.lang
    shots = []
    window = window_on(ctx, "import")
    page = window.pages["import"]
    assert isinstance(page, ImportPage)
    if files:  # imported once, in the first language; the other shows it from history
        page.import_files(files)
        wait(page.import_ended, page.is_running())
    page.report_view.selectRow(len(page.lines) - 2)  # the tampered file: its reason below
    shots.append(shoot(window, out / f"office_import_{lang}.png"))

    conflicts = window.show_page("conflicts")
    assert isinstance(conflicts, ConflictsPage)
    visit = next(c for c in conflicts.conflicts if c.kind == "visit_content")
    conflicts.select_conflict(visit.id)
    conflicts.only_differences.setChecked(False)
    conflicts.table.scrollToTop()
    shots.append(shoot(window, out / f"office_conflicts_{lang}.png"))

    stats = window.show_page("stats")
    assert isinstance(stats, StatsPage)
    wait(stats.table_ready, stats.table is None or stats.is_busy())
    wait_for_jobs()
    first = stats.table.areas[0].code if stats.table else None
    stats.select_cell(first, None, "unions")
    wait(stats.explained, stats.is_busy())
    shots.append(shoot(window, out / f"office_stats_{lang}.png"))
    for name in window.pages:
        stop = getattr(window.pages[name], "shutdown", None)
        if callable(stop):
            stop()
    window.close()
    return shots


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    app = start_app(argv)
    form = load_form(forms_dir() / "so_union_visit.xlsx")
    with tempfile.TemporaryDirectory() as data:
        root = Path(data)
        towns, files = make_bundles(root / "townships", form)
        paths = DataPaths(root / "office").ensure()
        db = make_office(open_office(paths.root / "office.sqlite3"), COUNTY,
                         trusted=tuple(t.signer for t in towns))
        try:
            pending: list[Path] | None = files
            for lang in ("zh", "en"):
                use_language(app, lang)  # Qt's own words too, as in the app
                ctx = OfficeContext(lang=lang, paths=paths, db=db, form=form, profile=COUNTY,
                                    staff_name=STAFF)
                shoot_pages(ctx, out, pending)
                pending = None
        finally:
            wait_for_jobs()
            db.close()
            for town in towns:
                town.db.close()
    app.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
