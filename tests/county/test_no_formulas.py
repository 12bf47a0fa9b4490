"""No workbook the app writes holds a formula, and every text reads back as written.

Every risky start (``= + - @``, tab, CR, LF, ``＝``, error-like text) goes through
every text that reaches a cell: the officer's and the township's names, organization
names, answers and notes, the bundle's file name, the county's own names; through
every writer: the officer's bundle, the batch report, the statistics table and the
county's roll-up. Each workbook's raw XML is inspected, then read back with calamine
and with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from office_helpers import COUNTY, NOW, KeyHolder, Township, make_office
from openpyxl.utils.escape import unescape
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from fieldsurvey.county.db import open_office
from fieldsurvey.county.merge import merge_bundles
from fieldsurvey.county.report import batch_lines, write_batch_report
from fieldsurvey.county.rollup import export_office_bundle
from fieldsurvey.county.stats import monthly_table
from fieldsurvey.county.stats_xlsx import write_table_xlsx
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.store.models import Organization, Visit
from fieldsurvey.store.visits import canonical_json

RISKY = ["=1+1", "+86", "-5", "@SUM(A1)", "\tx", "\rx", "\nx", "＝SUM(A1)", "#N/A",
         "#DIV/0!", "=", '=HYPERLINK("http://x","汀泗桥镇")', "=cmd|' /C calc'!A0", "-@x"]
TOWNSHIP_NAME = '=HYPERLINK("http://evil.example","汀泗桥镇")'
OFFICER = "=王芳"
FILE_NAME = "=1+1.xlsx"


def _sheets(path: Path) -> list[bytes]:
    with zipfile.ZipFile(path) as z:
        return [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")]


def _texts(path: Path) -> tuple[set[str], set[str]]:
    """Every text cell of every sheet, as calamine and as openpyxl read it."""
    book = CalamineWorkbook.from_path(str(path))
    by_calamine = {v for name in book.sheet_names
                   for row in book.get_sheet_by_name(name).to_python() for v in row
                   if isinstance(v, str)}
    other = openpyxl.load_workbook(path)
    # openpyxl leaves the ST_Xstring escapes (_xHHHH_, ECMA-376 Part 1, 22.9.2.19) that
    # Excel and calamine decode; its own unescape does what they do.
    by_openpyxl = {unescape(v) for ws in other.worksheets
                   for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)}
    return by_calamine, by_openpyxl


def assert_no_formula_and_reads_back(path: Path, expected: set[str],
                                     within: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """No formula or error cell; each ``expected`` text is a cell's whole value and each
    ``within`` text is part of one (a cover line such as "name (code)")."""
    for xml in _sheets(path):
        assert b"<f>" not in xml and b"<f " not in xml and b"<f/>" not in xml, path.name
        assert b't="e"' not in xml and b't="str"' not in xml, path.name
    for reader, found in zip(("calamine", "openpyxl"), _texts(path), strict=True):
        missing = expected - found
        assert not missing, (path.name, reader, missing)
        for text in within:
            assert any(text in cell for cell in found), (path.name, reader, text)


@pytest.fixture
def township(tmp_path: Path, shipped_form: FormDefinition) -> Township:
    """A township, officer and organizations named riskily, with risky answers."""
    town = Township(tmp_path / "town", "421202001", TOWNSHIP_NAME, shipped_form,
                    officer=OFFICER).populate(len(RISKY), 3)
    text_fields = [q.name for q in shipped_form.questions()
                   if q.type == "text" and not q.repeats]
    with town.db.transaction() as s:
        orgs = s.scalars(select(Organization).order_by(Organization.id)).all()
        for org, risky in zip(orgs, RISKY, strict=False):
            org.name = risky
        for n, risky in enumerate(RISKY):
            answers = dict.fromkeys(text_fields, risky)
            answers["leaders"] = [{"leader_name": risky}]
            s.add(Visit(id=f"risky-{n}", organization_id=orgs[n].id,
                        form_id=shipped_form.form_id, form_version=shipped_form.version,
                        status="final", officer=OFFICER, answers_json=canonical_json(answers),
                        created_at=NOW, updated_at=NOW))
    return town


def test_no_writer_makes_a_formula_of_any_risky_text(
        township: Township, tmp_path: Path, shipped_form: FormDefinition) -> None:
    expected = set(RISKY) | {OFFICER}
    bundle = township.export(FILE_NAME)
    assert_no_formula_and_reads_back(bundle, expected, {TOWNSHIP_NAME})

    office = open_office(tmp_path / "office.sqlite3")
    try:
        make_office(office, trusted=(township.signer,))
        junk = tmp_path / "@junk.xlsx"
        junk.write_bytes(b"=1+1")
        batch = merge_bundles(office, [bundle, junk], form=shipped_form, profile=COUNTY,
                              by="=李主席", now=NOW)
        assert [f.imported for f in batch.files] == [True, False]
        with office.transaction() as session:
            lines = batch_lines(session, batch.batch_id)
        for lang in ("zh", "en"):
            report = tmp_path / f"report-{lang}.xlsx"
            write_batch_report(lines, report, lang)
            assert_no_formula_and_reads_back(report, {
                FILE_NAME, "@junk.xlsx", OFFICER, f"{TOWNSHIP_NAME}（421202001）"})

            table = tmp_path / f"stats-{lang}.xlsx"
            write_table_xlsx(monthly_table(office, 2026, 11, COUNTY), table, lang,
                             filled_on=dt.date(2026, 12, 1))
            assert_no_formula_and_reads_back(table, {TOWNSHIP_NAME})

        county = KeyHolder("county", "=李主席", "421202", "=咸安区总工会")
        rollup = tmp_path / "=SUM(A1).xlsx"
        export_office_bundle(office, shipped_form, county, rollup,
                             period_start=dt.date(2026, 11, 1),
                             period_end=dt.date(2026, 11, 30), now=NOW)
        assert_no_formula_and_reads_back(rollup, expected, {"=李主席", "=咸安区总工会"})
    finally:
        office.close()
