"""Screenshots of visit entry at 1366x768, in Chinese and English.

Writes ``visit_entry_{lang}.png`` (the organization section, prefilled from the
register), ``visit_union_{lang}.png`` (the union section with a roster row) and
``visit_finalize_{lang}.png`` (the finalize dialog with an error and a warning).
``scripts/screenshots.py`` calls :func:`shoot_visit`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from shots_common import center, fill_screen, settle, shoot, shoot_over

from fieldsurvey import clock
from fieldsurvey.domain.uscc import uscc_check_char
from fieldsurvey.forms.state import Ref
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.prefill import start_visit
from fieldsurvey.store.profile import OfficerProfile
from fieldsurvey.store.visits import answers_of, finalize, save_draft
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.visit.editor import VisitEditor

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
        with clock.pinned("2026-05-12T17:00:00"):  # finalized on the day, as officers do
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


def shoot_visit(ctx: AppContext, out_dir: Path) -> list[Path]:
    """Open the editor on a prefilled visit and save the three screenshots for ``ctx.lang``."""
    lang = ctx.lang
    written = []
    visit_id = _prepared_visit(ctx)
    editor = VisitEditor(ctx, visit_id)
    fill_screen(editor)
    editor.activateWindow()
    settle(editor)

    editor.go_to(Ref("org_name"))
    written.append(shoot(editor, out_dir / f"visit_entry_{lang}.png"))

    # Long labels (其中：兼职和退休返聘人员) wrap without a lone character.
    editor.go_to(Ref("staff_parttime"))
    written.append(shoot(editor, out_dir / f"visit_staff_{lang}.png"))

    editor.go_to(Ref("leader_name", (0,)))
    written.append(shoot(editor, out_dir / f"visit_union_{lang}.png"))

    # An error (more women than staff) and a warning (a foundation whose code says 51).
    for name, value in (("staff_women", "50"), ("reg_type", "foundation")):
        editor.rows[name].widget.set_value(value)
        editor.rows[name].widget.changed.emit()  # as if typed
    editor.request_finalize()
    dialog = editor.finalize_dialog
    assert dialog is not None
    center(dialog, editor)
    written.append(shoot_over(editor, dialog, out_dir / f"visit_finalize_{lang}.png"))
    dialog.reject()
    editor.close()
    editor.deleteLater()
    return written
