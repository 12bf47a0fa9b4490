"""Regenerate docs/screenshots/: every main screen at 1366x768, in Chinese and English.

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

from PySide6.QtWidgets import QApplication, QWidget
from shots_common import SIZE, center, shoot, shoot_over
from shots_dashboard import shoot_dashboard
from shots_import import shoot_import
from shots_visit import shoot_visit

from fieldsurvey.cases.demo import populate_demo
from fieldsurvey.forms.loader import load_form
from fieldsurvey.identity.keys import MIN_SCRYPT_N, create_identity
from fieldsurvey.paths import DataPaths
from fieldsurvey.resources import forms_dir
from fieldsurvey.store import open_store
from fieldsurvey.store.profile import OfficerProfile, save_profile
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.main_window import MainWindow
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
    window.resize(*SIZE)
    window.move(0, 0)
    window.show()
    window.cases.wait_loaded()
    shoot(window, out / f"case_list_{lang}.png")
    window.cases.search.setText("xh")
    shoot(window, out / f"case_search_{lang}.png")
    window.cases.search.clear()
    # An organization with a few visits shows its timeline.
    busiest = max(window.cases.model.rows, key=lambda row: (row.visits, row.status == "union"))
    window.open_organization(busiest.id)
    shoot(window, out / f"organization_{lang}.png")

    window.close()
    # First run: setup alone on the desktop, in a data folder without a key (so it also
    # asks for the passphrase).
    desktop = QWidget()
    desktop.resize(*SIZE)
    desktop.show()
    setup = SetupDialog(ctx.db, DataPaths(Path(tempfile.mkdtemp())), lang, desktop)
    setup.show()
    center(setup, desktop)
    shoot_over(desktop, setup, out / f"setup_{lang}.png")
    setup.close()
    desktop.close()


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    app = QApplication(argv[:1])
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
                ctx = AppContext(lang=lang, paths=paths, db=db, form=form, profile=PROFILE,
                                 today=lambda: TODAY)
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
