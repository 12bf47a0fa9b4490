"""A finalized visit prints as it was (issue 17): with its own form version's labels,
also after the form moved on and renamed the question."""

from __future__ import annotations

from pathlib import Path

from pdf_helpers import page_texts, squeeze

from fieldsurvey.forms.loader import load_form_markdown
from fieldsurvey.printing.visit_record import write_visit_record
from fieldsurvey.store import Database
from fieldsurvey.store.form_versions import remember_source
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.visits import create_visit, finalize
from version_forms import V1, V2, v3


def test_a_visit_finalized_on_v1_prints_with_v1_after_v3_arrived(
        db: Database, tmp_path: Path) -> None:
    v1 = load_form_markdown(V1.replace("| Chair |", "| ChairOnVersionOne |"))
    answers = {"visit_date": "2026-11-02", "chair_nm": "ZhangSan", "old_remark": "RemarkOne"}
    with db.transaction() as s:
        remember_source(s, V1.replace("| Chair |", "| ChairOnVersionOne |").encode(), "vt.md")
        for text in (V2, v3()):
            remember_source(s, text.encode(), "vt.md")
        org = add_organization(s, name="茶叶协会", township_code="421202001")
        visit = create_visit(s, organization_id=org.id, form=v1, officer="王芳",
                             answers=answers)
        finalize(s, visit.id, v1, answers)
    out = tmp_path / "record.pdf"
    write_visit_record(db, load_form_markdown(v3()), visit.id, out, lang="en")
    text = squeeze(" ".join(page_texts(out)))
    assert "ChairOnVersionOne" in text and "ZhangSan" in text
    assert "RemarkOne" in text  # a question v3 removed, printed as it was answered
