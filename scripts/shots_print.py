"""PNG renderings of the printed documents, for docs/screenshots/.

    python scripts/shots_print.py [--lang zh|en] [--out docs/screenshots]

Builds a demo township in a temporary data folder, prints a visit record (a visit
to an organization with its own union, so the roster shows), the blank paper form,
the township's statistics table and an enrollment page, and renders the first page
of each with ``pdftoppm -r 80 -png -singlefile`` (poppler-utils) into
``print_visit_record.png``, ``print_blank_form.png``, ``print_stats_table.png`` and
``print_enrollment.png`` (``_en`` before ``.png`` for English). No Qt needed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
TOWNSHIP = "421202001"
TODAY = dt.date(2026, 11, 21)


def render_png(pdf: Path, png: Path) -> Path:
    """The first page of ``pdf`` at 80 dpi as ``png``."""
    png.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", str(pdf),
                    str(png.with_suffix(""))], check=True)
    print("wrote", png)
    return png


def _record_with_roster(db: object) -> str:
    """The latest finalized visit whose answers have the longest union roster."""
    from fieldsurvey.store.db import Database
    from fieldsurvey.store.models import Visit

    assert isinstance(db, Database)
    with db.transaction() as session:
        rows = session.execute(select(Visit.id, Visit.answers_json).where(
            Visit.status == "final", Visit.deleted_at.is_(None)).order_by(Visit.visit_date.desc()))
        best = max(rows, key=lambda r: len(json.loads(r[1]).get("leaders", [])))
        return str(best[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # Before fieldsurvey is imported anywhere: the demo never touches real data.
        os.environ["FIELDSURVEY_DATA_DIR"] = str(work / "data")
        from fieldsurvey.cases.demo import populate_demo
        from fieldsurvey.forms.loader import load_form
        from fieldsurvey.identity.records import PublicIdentity
        from fieldsurvey.paths import data_paths
        from fieldsurvey.printing.blank_form import write_blank_form
        from fieldsurvey.printing.enrollment_page import write_enrollment_page
        from fieldsurvey.printing.stats_table import write_township_table
        from fieldsurvey.printing.visit_record import write_visit_record
        from fieldsurvey.resources import forms_dir
        from fieldsurvey.store import open_store
        from fieldsurvey.store.profile import OfficerProfile, save_profile

        form = load_form(forms_dir() / "so_union_visit.xlsx")
        db = open_store(data_paths())
        try:
            populate_demo(db, form, TOWNSHIP, 400, seed=11, today=TODAY)
            with db.transaction() as session:  # the record names the township from it
                save_profile(session, OfficerProfile(
                    name="王芳", phone="13800138000", township_code=TOWNSHIP,
                    township_name="温泉街道", county_code="421202", county_name="咸安区",
                    language=args.lang))
            suffix = "" if args.lang == "zh" else "_en"
            record = work / "record.pdf"
            write_visit_record(db, form, _record_with_roster(db), record, lang=args.lang)
            blank = work / "blank.pdf"
            write_blank_form(form, blank, lang=args.lang)
            stats = work / "stats.pdf"
            township = "温泉街道" if args.lang == "zh" else "Wenquan Street"
            write_township_table(db, form, stats, township_code=TOWNSHIP,
                                 township=f"{township}（{TOWNSHIP}）", today=TODAY,
                                 lang=args.lang)
            card = work / "card.pdf"
            public = PublicIdentity.for_key(
                bytes(range(32)), role="officer", name="王芳", unit_code=TOWNSHIP,
                unit_name="咸安区温泉街道工会", phone="13800138000")
            write_enrollment_page(public, card, lang=args.lang)
        finally:
            db.close()
        for pdf, name in ((record, "print_visit_record"), (blank, "print_blank_form"),
                          (stats, "print_stats_table"), (card, "print_enrollment")):
            render_png(pdf, args.out / f"{name}{suffix}.png")


if __name__ == "__main__":
    main()
