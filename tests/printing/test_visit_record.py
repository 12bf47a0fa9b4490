"""The visit record sheet, checked on the real PDF with poppler's tools."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import zxingcpp
from pdf_helpers import (
    LONG_QUESTION,
    QUESTIONS,
    ROSTER_ROWS,
    fonts,
    long_answer,
    long_form_answers,
    page_count,
    page_texts,
    squeeze,
    word_boxes,
)
from PIL import Image
from reportlab.lib.pagesizes import A4
from sqlalchemy import select

from fieldsurvey.atomic import TEMP_SUFFIX
from fieldsurvey.cases.demo import populate_demo
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.messages import Message
from fieldsurvey.printing.errors import PrintError
from fieldsurvey.printing.layout import MARGIN
from fieldsurvey.printing.verification import parse_qr_payload, record_code
from fieldsurvey.printing.visit_record import (
    write_visit_record,
    write_visit_records,
)
from fieldsurvey.progress import Cancelled
from fieldsurvey.store import Database
from fieldsurvey.store.models import Organization, Visit, VisitRevision
from fieldsurvey.store.visits import delete, reopen

VISIT_DAY = dt.date(2026, 11, 2)


@pytest.fixture
def long_visit(long_form: FormDefinition, add_final_visit: Callable[..., str]) -> str:
    return add_final_visit(long_form, long_form_answers(VISIT_DAY))


@pytest.fixture
def long_pdf(db: Database, long_form: FormDefinition, long_visit: str, tmp_path: Path) -> Path:
    out = tmp_path / "record.pdf"
    write_visit_record(db, long_form, long_visit, out)
    return out


def test_the_record_shows_the_organization_and_the_chinese_answers(long_pdf: Path) -> None:
    text = squeeze("".join(page_texts(long_pdf)))
    for expected in ("社会组织建会情况走访记录单", "温泉茶叶协会", "51421202MJH123456X",
                     "社会团体", "咸安区温泉路1号", "2026-11-02", "王芳", "完成", "李娟（秘书长）",
                     "问题01的标签", "答案01", "被走访单位负责人（签字）", "走访人（签字）"):
        assert expected in text, expected


def test_the_chinese_font_is_embedded_as_a_truetype_subset(long_pdf: Path) -> None:
    rows = fonts(long_pdf)
    assert rows, "no fonts listed"
    assert all(r["emb"] == "yes" and r["type"] == "TrueType" for r in rows), rows
    assert all("+" in r["name"] for r in rows), "a subset font's name has a tag"


def test_sixty_answers_and_ten_roster_rows_paginate_completely_and_in_order(
        long_pdf: Path, long_form: FormDefinition) -> None:
    pages = page_texts(long_pdf)
    assert len(pages) == page_count(long_pdf) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"第 {number} 页，共 {len(pages)} 页" in page
    whole = squeeze("".join(pages))
    # Every answer once, in form order; the long one whole although it wraps.
    positions = []
    for i in range(1, QUESTIONS + 1):
        label = f"问题{i:02d}的标签"
        assert whole.count(label) == 1, label
        positions.append(whole.index(label))
        answer = long_answer() if i == LONG_QUESTION else "是" if i % 7 == 0 else f"答案{i:02d}"
        assert squeeze(answer) in whole[positions[-1]:], answer
    assert positions == sorted(positions)
    roster = [whole.index(f"成员{i:02d}") for i in range(1, ROSTER_ROWS + 1)]
    assert roster == sorted(roster) and roster[0] > positions[-1]
    assert whole.index("第一行说明") < whole.index("第二行说明") < whole.index("走访人（签字）")


def test_nothing_is_drawn_outside_the_margins(long_pdf: Path) -> None:
    width, height = A4
    boxes = word_boxes(long_pdf)
    assert boxes
    edge = MARGIN - 1
    outside = [b for b in boxes
               if b[1] < edge or b[3] > width - edge or b[2] < edge - 12 or b[4] > height - edge]
    assert not outside, outside[:5]


def test_the_roster_header_repeats_when_the_table_splits(
        db: Database, long_form: FormDefinition, add_final_visit: Callable[..., str],
        tmp_path: Path) -> None:
    answers = long_form_answers(VISIT_DAY)
    answers["roster"] = answers["roster"] * 6  # 60 rows: more than a page
    for i, row in enumerate(answers["roster"], start=1):
        answers["roster"][i - 1] = {**row, "leader_name": f"成员{i:02d}"}
    out = tmp_path / "roster.pdf"
    write_visit_record(db, long_form, add_final_visit(long_form, answers), out)
    pages = [p for p in page_texts(out) if "成员" in p]
    assert len(pages) >= 2
    assert all("联系电话" in p and "序号" in p for p in pages)
    whole = squeeze("".join(pages))
    assert all(f"成员{i:02d}" in whole for i in range(1, 61))


def test_irrelevant_and_unanswered_questions_are_left_out(long_pdf: Path) -> None:
    text = squeeze("".join(page_texts(long_pdf)))
    assert "拒访原因" not in text and "未答问题" not in text


def test_labels_and_choices_are_in_english_when_asked(
        db: Database, long_form: FormDefinition, long_visit: str, tmp_path: Path) -> None:
    out = tmp_path / "en.pdf"
    write_visit_record(db, long_form, long_visit, out, lang="en")
    text = "".join(page_texts(out))
    for expected in ("Visit record", "Question 01 label", "Completed", "Social group", "Yes",
                     "Female", "Page 1 of", "Person in charge of the organization"):
        assert expected in text, expected
    assert "问题01的标签" not in text and "第 1 页" not in text


def test_the_qr_code_decodes_to_the_records_code(
        db: Database, long_form: FormDefinition, long_visit: str, long_pdf: Path,
        tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(long_pdf), str(tmp_path / "page")], check=True)
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert [b.format for b in found] == [zxingcpp.BarcodeFormat.QRCode]
    with db.transaction() as session:
        frozen = session.get(VisitRevision, (long_visit, 1))
        assert frozen is not None
        expected = record_code(long_visit, 1, json.loads(frozen.answers_json))
    assert found[0].text == expected.qr_payload
    assert parse_qr_payload(found[0].text) == expected
    assert expected.short in "".join(page_texts(long_pdf))


def test_the_printed_revision_is_the_last_finalized_one(
        db: Database, long_form: FormDefinition, long_visit: str, tmp_path: Path) -> None:
    with db.transaction() as session:
        reopen(session, long_visit)
    out = tmp_path / "reopened.pdf"
    write_visit_record(db, long_form, long_visit, out)
    text = "".join(page_texts(out))
    assert "第 1 版" in text and long_visit in text


def test_a_deleted_or_missing_visit_is_refused_and_no_file_is_left(
        db: Database, long_form: FormDefinition, long_visit: str, tmp_path: Path) -> None:
    out = tmp_path / "none.pdf"
    with pytest.raises(PrintError) as missing:
        write_visit_record(db, long_form, "no-such-visit", out)
    assert missing.value.message == Message("print.not_found", {"id": "no-such-visit"})
    with db.transaction() as session:
        delete(session, long_visit, "重复录入")
    with pytest.raises(PrintError) as deleted:
        write_visit_record(db, long_form, long_visit, out)
    assert deleted.value.message.code == "print.deleted"
    assert list(tmp_path.glob("*.pdf")) == []


class CancelAfter:
    """Progress that asks to stop after ``n`` reports."""

    def __init__(self, n: int) -> None:
        self.n, self.reports = n, 0

    def report(self, done: int, total: int | None = None, stage: Message | None = None) -> None:
        self.reports += 1

    def cancelled(self) -> bool:
        return self.reports >= self.n


@pytest.fixture
def demo(db: Database, shipped_form: FormDefinition) -> Database:
    populate_demo(db, shipped_form, "421202001", 60, seed=3, today=dt.date(2026, 11, 21))
    return db


def _finalized_between(db: Database, start: dt.date, end: dt.date) -> list[tuple[str, str]]:
    with db.transaction() as session:
        rows = session.execute(
            select(Visit.id, Organization.name).join(Organization)
            .where(Visit.deleted_at.is_(None), Visit.visit_date >= start, Visit.visit_date <= end,
                   Visit.id.in_(select(VisitRevision.visit_id)))
            .order_by(Visit.visit_date, Organization.name, Visit.id))
        return [(r[0], r[1]) for r in rows]


def test_a_date_range_prints_every_finalized_visit_in_it_numbered_per_record(
        demo: Database, shipped_form: FormDefinition, tmp_path: Path) -> None:
    start, end = dt.date(2026, 10, 1), dt.date(2026, 11, 21)
    expected = _finalized_between(demo, start, end)
    assert len(expected) >= 5
    out = tmp_path / "batch.pdf"
    result = write_visit_records(demo, shipped_form, out, date_range=(start, end))
    assert result.records == len(expected)
    pages = page_texts(out)
    assert result.pages == len(pages)
    firsts = [p for p in pages if "第 1 页，共" in p]
    assert len(firsts) == len(expected)
    # Each record starts on its own page, in date order, with its own id in the footer.
    for page, (visit_id, name) in zip(firsts, expected, strict=True):
        assert visit_id in page and name in squeeze(page)


def test_cancel_leaves_no_file(demo: Database, shipped_form: FormDefinition, tmp_path: Path) -> None:
    out = tmp_path / "cancelled.pdf"
    with pytest.raises(Cancelled):
        write_visit_records(demo, shipped_form, out,
                            date_range=(dt.date(2000, 1, 1), dt.date(2030, 1, 1)),
                            progress=CancelAfter(3))
    assert not out.exists()
    assert not list(tmp_path.glob(f"*{TEMP_SUFFIX}"))


def test_an_empty_range_is_refused(demo: Database, shipped_form: FormDefinition,
                                   tmp_path: Path) -> None:
    with pytest.raises(PrintError) as raised:
        write_visit_records(demo, shipped_form, tmp_path / "x.pdf",
                            date_range=(dt.date(1990, 1, 1), dt.date(1990, 1, 2)))
    assert raised.value.message.code == "print.nothing"


def test_without_a_truetype_font_the_built_in_song_font_is_used(
        db: Database, long_form: FormDefinition, long_visit: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("FIELDSURVEY_PDF_FONT", str(tmp_path / "missing.ttf"))
    out = tmp_path / "cid.pdf"
    with caplog.at_level("INFO", logger="fieldsurvey.printing.fonts"):
        result = write_visit_record(db, long_form, long_visit, out)
    assert result.font == "STSong-Light"
    rows = fonts(out)
    # A CID font from the viewer's own set: named, not embedded, still extractable text.
    assert [(r["name"], r["type"], r["emb"]) for r in rows] == [
        ("STSong-Light", "CID Type 0", "no")]
    assert "温泉茶叶协会" in squeeze("".join(page_texts(out)))
    assert any(r.levelname == "WARNING" and "STSong-Light" in r.getMessage()
               for r in caplog.records)


def test_the_verification_code_is_stable_and_short() -> None:
    code = record_code("0b9f6c1e-1111-4222-8333-944455556666", 2, {"a": 1, "b": ["x"]})
    again = record_code("0b9f6c1e-1111-4222-8333-944455556666", 2, {"b": ["x"], "a": 1})
    assert code == again
    assert len(code.short) == 19 and code.short.count("-") == 3
    assert set(code.short.replace("-", "")) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert record_code(code.visit_id, 3, {"a": 1, "b": ["x"]}).short != code.short


def test_an_english_record_has_no_chinese_heading_and_no_heading_twice(
        demo: Database, shipped_form: FormDefinition, tmp_path: Path) -> None:
    with demo.sessions() as session:
        visit_id = session.scalars(select(Visit.id).where(Visit.status == "final")).first()
    assert visit_id is not None
    out = tmp_path / "en.pdf"
    write_visit_record(demo, shipped_form, visit_id, out, lang="en")
    first = page_texts(out)[0]
    title, subtitle = [line.strip() for line in first.splitlines() if line.strip()][:2]
    assert title.startswith("Visit record") and subtitle.startswith("Form version")
    assert not any("\u4e00" <= char <= "\u9fff" for char in title + subtitle)
    assert first.count("The visit\n") == 1
