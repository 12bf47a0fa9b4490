"""Screenshots of visit entry at 1366x768, in Chinese and English.

Writes ``visit_entry_{lang}.png`` (the organization section, prefilled from the
register), ``visit_union_{lang}.png`` (the union section with a roster row) and
``visit_finalize_{lang}.png`` (the finalize dialog with an error and a warning).
Run under a virtual display with a CJK font installed::

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/shots_visit.py [OUT_DIR]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from fieldsurvey.domain.uscc import uscc_check_char
from fieldsurvey.forms.loader import load_form
from fieldsurvey.forms.state import Ref
from fieldsurvey.paths import DataPaths
from fieldsurvey.resources import forms_dir
from fieldsurvey.store import open_store
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.prefill import start_visit
from fieldsurvey.store.profile import OfficerProfile
from fieldsurvey.store.visits import answers_of, finalize, save_draft
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.visit.editor import VisitEditor

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SIZE = (1366, 768)
TITLE_BAR = 28  # the drawn window title above the dialog
TODAY = dt.date(2026, 11, 20)
USCC = "51421200MJH000000" + uscc_check_char("51421200MJH000000")
PROFILE = OfficerProfile(name="王芳", phone="13907151234", township_code="421202001",
                         township_name="温泉街道", county_code="421202", county_name="咸安区")
LAST_VISIT = {
    "visit_date": "2026-05-12", "visit_kind": "census", "visit_result": "completed",
    "respondent_name": "李明", "respondent_post": "秘书长", "org_name": "咸宁市茶叶协会",
    "reg_type": "social_group", "uscc": USCC, "org_field": "economic",
    "address": "咸宁市温泉路1号", "legal_rep": "张华", "operating_status": "operating",
    "staff_total": 40, "staff_women": 18, "staff_fulltime": 30, "staff_parttime": 10,
    "party_org": "yes", "union_status": "own", "union_setup_date": "2024-05-01",
    "union_chair": "陈静", "chair_elected": "yes", "union_members": 36,
    "union_members_women": 16, "committees": ["union_committee", "women_committee"],
    "members_congress": "yes", "workers_congress": "no", "collective_bargaining": "no",
    "workers_home": "yes", "dues_paid": "yes",
    "leaders": [{"leader_name": "陈静", "leader_sex": "female", "leader_post": "chair",
                 "leader_tenure": "part_time", "leader_phone": "0715-8123456"}],
}


def _prepared_visit(ctx: AppContext) -> str:
    """A register entry, its finalized census visit, and today's prefilled follow-up."""
    with ctx.db.transaction() as s:
        org = add_organization(s, name="咸宁市茶叶协会", township_code=PROFILE.township_code,
                               uscc=USCC, reg_type="social_group", address="咸宁市温泉路1号",
                               legal_rep="张华", phone="0715-8234567",
                               supervisor="咸宁市农业农村局")
        first = start_visit(s, ctx.form, org.id, PROFILE.name, dt.date(2026, 5, 12))
        save_draft(s, first.id, ctx.form, LAST_VISIT)
        finalize(s, first.id, ctx.form, LAST_VISIT)
        visit = start_visit(s, ctx.form, org.id, PROFILE.name, TODAY)
        answers = answers_of(visit)
        # The officer is half-way: result picked, respondent and staff keyed in, and a
        # roster row carried over by hand from the last visit.
        answers.update(visit_kind="follow_up", visit_result="completed",
                       respondent_name="李明", respondent_post="秘书长",
                       operating_status="operating", staff_total=42, staff_women=19,
                       staff_fulltime=30, staff_parttime=12, union_members=38,
                       union_members_women=17, members_congress="yes",
                       workers_congress="no", collective_bargaining="no",
                       workers_home="yes", dues_paid="yes", leaders=LAST_VISIT["leaders"])
        save_draft(s, visit.id, ctx.form, answers)
        return visit.id


def _settle(widget: QWidget) -> None:
    for _ in range(5):
        QApplication.processEvents()
    widget.repaint()


def _save(pixmap: QPixmap, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not pixmap.save(str(path)):
        raise OSError(f"could not write {path}")
    print("wrote", path)
    return path


def _composite(editor: VisitEditor, dialog: QWidget) -> QPixmap:
    """The editor with the dialog drawn where it sits, in a plain window frame.

    Drawn by hand so the picture is the same with or without a window manager.
    """
    pixmap = editor.grab()
    painter = QPainter(pixmap)
    painter.fillRect(pixmap.rect(), QColor(0, 0, 0, 60))  # the dialog is modal
    offset = dialog.mapToGlobal(QPoint(0, 0)) - editor.mapToGlobal(QPoint(0, 0))
    title = QRect(offset.x() - 1, offset.y() - TITLE_BAR, dialog.width() + 2, TITLE_BAR)
    painter.fillRect(title, QColor("#dfe3e8"))
    painter.setPen(QColor("#202124"))
    painter.drawText(title.adjusted(10, 0, 0, 0), int(Qt.AlignmentFlag.AlignVCenter),
                     dialog.windowTitle())
    painter.drawPixmap(offset, dialog.grab())
    painter.setPen(QColor("#80868b"))
    painter.drawRect(title.united(QRect(offset, dialog.size())).adjusted(0, 0, 1, 0))
    painter.end()
    return pixmap


def shoot_visit(ctx: AppContext, out_dir: Path) -> list[Path]:
    """Open the editor on a prefilled visit and save the three screenshots for ``ctx.lang``."""
    lang = ctx.lang
    written = []
    visit_id = _prepared_visit(ctx)
    editor = VisitEditor(ctx, visit_id)
    editor.resize(*SIZE)
    editor.move(0, 0)
    editor.show()
    editor.activateWindow()
    _settle(editor)

    editor.go_to(Ref("org_name"))
    _settle(editor)
    written.append(_save(editor.grab(), out_dir / f"visit_entry_{lang}.png"))

    editor.go_to(Ref("leader_name", (0,)))
    _settle(editor)
    written.append(_save(editor.grab(), out_dir / f"visit_union_{lang}.png"))

    # An error (more women than staff) and a warning (a foundation whose code says 51).
    for name, value in (("staff_women", "50"), ("reg_type", "foundation")):
        editor.rows[name].widget.set_value(value)
        editor.rows[name].widget.changed.emit()  # as if typed
    editor.request_finalize()
    dialog = editor.finalize_dialog
    assert dialog is not None
    dialog.move(editor.mapToGlobal(QPoint((SIZE[0] - dialog.width()) // 2,
                                          (SIZE[1] - dialog.height() + TITLE_BAR) // 2)))
    _settle(dialog)
    written.append(_save(_composite(editor, dialog), out_dir / f"visit_finalize_{lang}.png"))
    dialog.reject()
    editor.close()
    editor.deleteLater()
    return written


def main(argv: list[str]) -> int:
    app = QApplication(argv)
    out = Path(argv[1]) if len(argv) > 1 else OUT
    form = load_form(forms_dir() / "so_union_visit.xlsx")
    for lang in ("zh", "en"):
        with tempfile.TemporaryDirectory() as data:
            paths = DataPaths(Path(data)).ensure()
            db = open_store(paths)
            try:
                ctx = AppContext(lang=lang, paths=paths, db=db, form=form,
                                 profile=dataclasses.replace(PROFILE, language=lang),
                                 today=lambda: TODAY)
                shoot_visit(ctx, out)
            finally:
                db.close()
    app.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
