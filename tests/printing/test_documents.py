"""The statistics table, the enrollment page and the font search."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pdf_helpers import fonts, page_texts, run, squeeze

from fieldsurvey.cases.dashboard import load_dashboard
from fieldsurvey.cases.demo import populate_demo
from fieldsurvey.cases.rates import rate_text
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.identity.enrollment import fingerprint_lines
from fieldsurvey.identity.records import PublicIdentity
from fieldsurvey.printing import fonts as font_search
from fieldsurvey.printing.enrollment_page import write_enrollment_page
from fieldsurvey.printing.stats_table import write_township_table
from fieldsurvey.store import Database

TODAY = dt.date(2026, 11, 21)
TOWNSHIP = "421202001"


def test_rates_have_two_decimals_rounded_half_up() -> None:
    assert rate_text(8496, 10000) == "84.96%"
    assert rate_text(1, 3) == "33.33%"
    assert rate_text(2, 3) == "66.67%"
    assert rate_text(2, 2) == "100.00%"
    assert rate_text(0, 0) == "—"


def test_the_statistics_table_is_landscape_and_shows_the_dashboards_figures(
        db: Database, shipped_form: FormDefinition, tmp_path: Path) -> None:
    populate_demo(db, shipped_form, TOWNSHIP, 120, seed=5, today=TODAY)
    with db.transaction() as session:
        figures = load_dashboard(session, shipped_form, TOWNSHIP, TODAY)
    out = tmp_path / "stats.pdf"
    assert write_township_table(db, shipped_form, out, township_code=TOWNSHIP, township="温泉街道",
                                today=TODAY) == 1
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", run("pdfinfo", out))
    assert size and float(size.group(1)) > float(size.group(2))  # landscape
    text = page_texts(out, layout=True)[0]
    total = next(line for line in text.splitlines() if line.strip().startswith("合计"))
    unvisited = figures.by_status["unvisited"]
    assert total.split()[1:] == [str(figures.total), str(figures.total - unvisited),
                                 *(str(v) for v in figures.by_status.values())]
    flat = squeeze(text)
    assert "社会组织建会工作进展情况统计表" in flat and "温泉街道" in flat
    assert f"建会率{rate_text(figures.with_union, figures.operating)}" in flat
    assert f"入会率{rate_text(figures.members, figures.staff)}" in flat
    assert all(r["emb"] == "yes" for r in fonts(out))


def test_the_enrollment_page_sets_the_fingerprint_in_groups_of_four(tmp_path: Path) -> None:
    public = PublicIdentity.for_key(bytes(range(32)), role="officer", name="王芳",
                                    unit_code=TOWNSHIP, unit_name="咸安区温泉街道工会",
                                    phone="13800138000")
    out = tmp_path / "card.pdf"
    assert write_enrollment_page(public, out) == 1
    text = page_texts(out)[0]
    for line in fingerprint_lines(public.fingerprint):
        assert line in text
        assert all(len(group) == 4 for group in line.split())
    assert "王芳" in text and "13800138000" in text and "身份登记卡" in squeeze(text)


def test_the_font_override_names_a_file_and_a_collection_index() -> None:
    assert font_search.parse_candidate("/f/simsun.ttc#1") == font_search.Candidate(
        Path("/f/simsun.ttc"), 1)
    assert font_search.parse_candidate("/f/a#b.ttf") == font_search.Candidate(Path("/f/a#b.ttf"))


def test_windows_looks_for_simsun_and_yahei_first() -> None:
    names = [c.path.name for c in font_search.system_candidates("win32")]
    assert names[:2] == ["simsun.ttc", "msyh.ttc"]
    linux = [c.path.name for c in font_search.system_candidates("linux")]
    assert linux[0].startswith("wqy-") and "DroidSansFallbackFull.ttf" in linux


def test_an_override_is_the_only_candidate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDSURVEY_PDF_FONT", "/nowhere/x.ttf")
    assert font_search.candidates() == [font_search.Candidate(Path("/nowhere/x.ttf"))]


def test_a_cff_opentype_font_is_refused_and_the_song_fallback_used(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Noto CJK (CFF outlines) cannot be embedded by reportlab; a fake file neither."""
    fake = tmp_path / "NotoSansCJK-Regular.ttc"
    fake.write_bytes(b"OTTO" + bytes(200))
    monkeypatch.setenv("FIELDSURVEY_PDF_FONT", str(fake))
    chosen = font_search.pdf_font()
    assert chosen.kind == "cid" and chosen.name == "STSong-Light" and not chosen.embedded


def test_the_first_usable_truetype_font_is_chosen_on_this_machine() -> None:
    """Needs a CJK TrueType font installed (scripts/bootstrap.sh installs one)."""
    chosen = font_search.pdf_font()
    assert chosen.kind == "truetype", "no CJK TrueType font found: run scripts/bootstrap.sh"
    assert chosen.path is not None and chosen.path.suffix.lower() in (".ttf", ".ttc")
