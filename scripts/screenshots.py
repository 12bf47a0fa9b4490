"""Regenerate docs/screenshots/: every main screen at 1366x768, in Chinese and English.

At 125 % (``QT_SCALE_FACTOR=1.25``) the same screens are written with ``_125`` in
their names; windows take the screen's available area, dialogs are fitted as in the
app (:mod:`fieldsurvey.ui.fit`). Both sets, with the office screens::

    for scale in 1 1.25; do for s in screenshots shots_office shots_office_pages; do
      QT_SCALE_FACTOR=$scale xvfb-run -a -s "-screen 0 1366x768x24" \
        .venv/bin/python scripts/$s.py; done; done

Run under a virtual display with a CJK font installed (``make test`` installs
xvfb and fonts-noto-cjk)::

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshots.py [OUT]

One throw-away data folder holds a demo township (``fieldsurvey.cases.demo``)
and a signing key; each screen's script takes it from there. The printed
documents are rendered by ``scripts/shots_print.py`` (no display needed).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QWidget
from shots_common import center, fill_screen, shoot, shoot_over, start_app
from shots_dashboard import shoot_dashboard
from shots_import import shoot_import
from shots_visit import shoot_visit
from sqlalchemy import select

from fieldsurvey.cases.demo import populate_demo
from fieldsurvey.forms.loader import load_form
from fieldsurvey.identity.keys import MIN_SCRYPT_N, create_identity
from fieldsurvey.paths import DataPaths
from fieldsurvey.resources import forms_dir
from fieldsurvey.store import open_store
from fieldsurvey.store.models import Visit
from fieldsurvey.store.profile import OfficerProfile, save_profile
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.guide import show_guide
from fieldsurvey.ui.main_window import MainWindow
from fieldsurvey.ui.print_preview import print_visit
from fieldsurvey.ui.qt_language import use_language
from fieldsurvey.ui.setup_dialog import SetupDialog

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
TODAY = dt.date(2026, 11, 21)
PASSPHRASE = "wenquan-2026"  # noqa: S105  # a throw-away key in a temporary folder
PROFILE = OfficerProfile(name="王芳", phone="13800138000", township_code="421202001",
                         township_name="温泉街道", county_code="421202", county_name="咸安区")


def shoot_main_screens(ctx: AppContext, out: Path) -> None:
    """The case list, an organization page, and first-run setup."""
    lang = ctx.lang
    window = MainWindow(ctx)
    fill_screen(window)
    window.cases.wait_loaded()
    shoot(window, out / f"case_list_{lang}.png")
    window.cases.search.setText("xh")
    shoot(window, out / f"case_search_{lang}.png")
    window.cases.search.clear()
    # An organization with a few visits shows its timeline.
    busiest = max(window.cases.model.rows, key=lambda row: (row.visits, row.status == "union"))
    window.open_organization(busiest.id)
    shoot(window, out / f"organization_{lang}.png")
    # Its latest finalized visit's record sheet in the print preview, fitted to the screen.
    with ctx.db.transaction() as session:
        final = session.scalars(select(Visit.id).where(
            Visit.organization_id == busiest.id, Visit.status == "final")).first()
    preview = print_visit(ctx, final, window) if final else None
    if preview is not None:
        shoot_over(window, preview, out / f"print_preview_{lang}.png")
        preview.close()

    # F1: the built-in guide beside the window.
    guide = show_guide(window, lang)
    shoot_over(window, guide, out / f"guide_{lang}.png")
    guide.close()

    window.close()
    # First run: setup alone on the desktop, in a data folder without a key (so it also
    # asks for the passphrase).
    desktop = QWidget()
    fill_screen(desktop)
    setup = SetupDialog(ctx.db, DataPaths(Path(tempfile.mkdtemp())), lang, desktop)
    setup.show()
    center(setup, desktop)
    shoot_over(desktop, setup, out / f"setup_{lang}.png")
    setup.close()
    desktop.close()


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    app = start_app(argv)
    with tempfile.TemporaryDirectory() as data:
        paths = DataPaths(Path(data)).ensure()
        db = open_store(paths)
        try:
            form = load_form(forms_dir() / "so_union_visit.xlsx")
            populate_demo(db, form, PROFILE.township_code, 400, seed=2026, today=TODAY)
            with db.transaction() as session:
                save_profile(session, PROFILE)
            create_identity(paths.keys, PASSPHRASE, role="officer", name=PROFILE.name,
                            unit_code=PROFILE.township_code, unit_name=PROFILE.township_name,
                            scrypt_n=MIN_SCRYPT_N)
            for lang in ("zh", "en"):
                use_language(app, lang)  # Qt's own words too, as in the app
                ctx = AppContext(lang=lang, paths=paths, db=db, form=form, profile=PROFILE)
                shoot_main_screens(ctx, out)
                shoot_visit(ctx, out)
                shoot_import(ctx, out)
                shoot_dashboard(ctx, out, passphrase=PASSPHRASE)
        finally:
            db.close()
    app.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
