"""Screenshots of the office side (county and city federations), in Chinese and English.

Run under a virtual display with a CJK font installed::

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/shots_office.py [OUT]

It writes, for ``lang`` in zh and en, into ``docs/screenshots/`` (or ``OUT``):

- ``office_mode_{lang}.png``: first run, what this PC is for;
- ``office_setup_{lang}.png``: the office's setup, with a county code that is wrong;
- ``office_trust_{lang}.png``: the office window on its trust list page;
- ``office_card_{lang}.png``: a new enrollment card, its fingerprint to check by phone.

A throw-away data folder holds a county office with a few townships' keys.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtWidgets import QWidget
from shots_common import center, fill_screen, shoot, shoot_over, start_app

from fieldsurvey.county.db import open_office
from fieldsurvey.county.office import (
    OfficeProfile,
    default_office_file,
    save_office_profile,
    set_office_target,
)
from fieldsurvey.county.trust import add_identity, revoke, trusted_keys
from fieldsurvey.forms.loader import load_form
from fieldsurvey.identity.keys import MIN_SCRYPT_N, create_identity
from fieldsurvey.identity.records import PublicIdentity
from fieldsurvey.paths import DataPaths
from fieldsurvey.resources import forms_dir
from fieldsurvey.ui import fit
from fieldsurvey.ui.mode_dialog import ModeDialog
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.setup import OfficeSetupDialog
from fieldsurvey.ui.office.trust_page import CardCheckDialog
from fieldsurvey.ui.office.window import OfficeWindow
from fieldsurvey.ui.qt_language import use_language

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
TODAY = dt.date(2026, 11, 21)
COUNTY = OfficeProfile("county", "421202", "咸安区总工会")
PASSPHRASE = "xianan-2026"  # noqa: S105  # a throw-away key in a temporary folder
OFFICERS = (("王芳", "421202001", "温泉街道", "13800138000"),
            ("刘洋", "421202002", "浮山街道", "13900139001"),
            ("陈静", "421202003", "永安街道", "13700137002"),
            ("赵磊", "421202100", "汀泗桥镇", "13600136003"),
            ("孙丽", "421202101", "向阳湖镇", "13500135004"),
            ("周强", "421202102", "官埠桥镇", "13300133005"))


def officer(name: str, code: str, unit: str, phone: str) -> PublicIdentity:
    raw = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    return PublicIdentity.for_key(raw, role="officer", name=name, unit_code=code,
                                  unit_name=unit, phone=phone)


def desktop() -> QWidget:
    """An empty desktop for the first-run dialogs, which have no window behind them."""
    widget = QWidget()
    fill_screen(widget)
    return widget


def shoot_first_run(lang: str, out: Path) -> None:
    behind = desktop()
    mode = ModeDialog(lang, behind)
    mode.buttons["county"].setChecked(True)
    mode.show()
    mode.adjustSize()
    center(mode, behind)
    shoot_over(behind, mode, out / f"office_mode_{lang}.png")
    mode.close()

    setup = OfficeSetupDialog(DataPaths(Path(tempfile.mkdtemp())).ensure(), lang,
                              role="county", parent=behind)
    for field, text in (("unit_code", "421200"), ("unit_name", "咸安区总工会"),
                        ("staff_name", "李敏"), ("staff_phone", "0715-8123456"),
                        ("passphrase", PASSPHRASE), ("passphrase_again", PASSPHRASE)):
        setup.edits[field].setText(text)
    setup.finish()  # the city's code where the county's is wanted: shown under the field
    setup.show()
    fit.cap(setup, setup.sizeHint())  # the error line made it taller: as shown anew
    center(setup, behind)
    shoot_over(behind, setup, out / f"office_setup_{lang}.png")
    setup.close()
    behind.close()


def shoot_trust(ctx: OfficeContext, card: PublicIdentity, out: Path) -> None:
    window = OfficeWindow(ctx)
    fill_screen(window)
    page = window.show_page("trust")
    page.select_key(page.rows[1].key_id)  # type: ignore[attr-defined]
    shoot(window, out / f"office_trust_{ctx.lang}.png")
    dialog = CardCheckDialog(ctx, card, f"{card.name}-{card.unit_code}.fsid.json", window)
    dialog.show()
    dialog.adjustSize()
    center(dialog, window)
    shoot_over(window, dialog, out / f"office_card_{ctx.lang}.png")
    dialog.close()
    window.close()


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    app = start_app(argv)
    form = load_form(forms_dir() / "so_union_visit.xlsx")
    with tempfile.TemporaryDirectory() as data:
        paths = DataPaths(Path(data)).ensure()
        target = default_office_file(paths)
        db = open_office(target, backups=paths.backups)
        try:
            added = dt.datetime(2026, 9, 3, 9, 20, tzinfo=dt.UTC)
            with db.transaction() as session:
                save_office_profile(session, COUNTY)
                for n, row in enumerate(OFFICERS):
                    add_identity(session, officer(*row), by="李敏",
                                 now=added + dt.timedelta(days=3 * n, minutes=17 * n))
            with db.transaction() as session:
                lost = next(r for r in trusted_keys(session) if r.name == "赵磊")
                revoke(session, lost.key_id,
                       revoked_from=dt.datetime(2026, 11, 12, 8, 0).astimezone(),
                       by="李敏", reason="笔记本电脑丢失")
            set_office_target(paths, str(target))
            create_identity(paths.keys, PASSPHRASE, role="county", name="李敏",
                            unit_code=COUNTY.unit_code, unit_name=COUNTY.unit_name,
                            phone="0715-8123456", scrypt_n=MIN_SCRYPT_N)
            card = officer("吴敏", "421202103", "横沟桥镇", "13800138123")
            for lang in ("zh", "en"):
                use_language(app, lang)  # Qt's own words too, as in the app
                ctx = OfficeContext(lang=lang, paths=paths, db=db, form=form, profile=COUNTY,
                                    staff_name="李敏")
                shoot_first_run(lang, out)
                shoot_trust(ctx, card, out)
        finally:
            db.close()
    app.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
