"""Export: one signed xlsx with the agreed sheets, codes, types and no formulas."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from bundle_helpers import SHEET_PARTS, FakeSigner, cells_of, part
from python_calamine import CalamineWorkbook

from fieldsurvey.atomic import TEMP_SUFFIX
from fieldsurvey.bundles import ExportSummary
from fieldsurvey.bundles.common import MANIFEST_PART, SIGNATURE_PART, canonical_bytes
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.identity.keys import verify_signature
from fieldsurvey.messages import Message
from fieldsurvey.progress import Cancelled
from fieldsurvey.store import Database

MakeBundle = Callable[..., ExportSummary]
# Text a spreadsheet could take for a formula (or DDE) if it were not a text cell.
RISKY = re.compile(r"^[=+\-@\t\r\n＝]")


def test_sheets_in_order_with_two_header_rows(populated: Database,
                                              make_bundle: MakeBundle) -> None:
    path = make_bundle(populated).path
    book = openpyxl.load_workbook(path)  # the full (not read-only) loader opens it too
    assert book.sheetnames == ["封面", "走访记录", "工会领导班子成员", "名录", "代码表"]
    visits = book["走访记录"]
    header = [c.value for c in visits[1]]
    keys = [c.value for c in visits[2]]
    assert keys[:11] == ["visit_id", "organization_id", "revision", "status", "form_id",
                         "form_version", "officer", "created_at", "updated_at", "deleted_at",
                         "deleted_reason"]
    assert header[keys.index("union_status")] == "工会组建情况"
    assert header[keys.index("union_status#code")] == "工会组建情况（代码）"
    assert keys[-2:] == ["#blank", "#extra"]
    assert visits.freeze_panes == "A3"
    first_code = keys.index("visit_kind#code") + 1
    hidden = visits.column_dimensions[openpyxl.utils.get_column_letter(first_code)]
    assert hidden.hidden and hidden.outlineLevel == 1
    assert [c.value for c in book["工会领导班子成员"][2]][:2] == ["visit_id", "instance"]


def test_choices_show_labels_and_keep_codes(populated: Database,
                                            make_bundle: MakeBundle) -> None:
    rows = CalamineWorkbook.from_path(str(make_bundle(populated).path)) \
        .get_sheet_by_name("走访记录").to_python()
    keys = rows[1]
    live = rows[2]
    assert live[keys.index("union_status")] == "单独建会"
    assert live[keys.index("union_status#code")] == "own"
    assert live[keys.index("committees")] == "工会委员会；经费审查委员会"
    assert live[keys.index("committees#code")] == "union_committee audit_committee"


def test_dates_are_dates_and_numbers_are_numbers(populated: Database,
                                                 make_bundle: MakeBundle) -> None:
    book = openpyxl.load_workbook(make_bundle(populated).path)
    sheet = book["走访记录"]
    keys = [c.value for c in sheet[2]]
    row = sheet[3]
    visit_date = row[keys.index("visit_date")]
    assert visit_date.is_date and visit_date.value == dt.datetime(2026, 11, 2)
    assert visit_date.number_format == "yyyy-mm-dd"
    staff = row[keys.index("staff_total")]
    assert staff.data_type == "n" and staff.value == 25


def test_no_cell_is_ever_a_formula(populated: Database, make_bundle: MakeBundle) -> None:
    path = make_bundle(populated).path
    risky = 0
    for name in SHEET_PARTS.values():
        xml = part(path, name)
        assert b"<f>" not in xml and b"<f " not in xml
        for cell in cells_of(xml):
            text = re.search(rb"<t\b[^>]*>(.*?)</t>", cell, re.S)
            if text and RISKY.match(text.group(1).decode()):
                risky += 1
                assert b't="inlineStr"' in cell, cell
    assert risky >= 3  # "=HYPERLINK(..)" leader, "=cmd|..." organization, the notes text
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        workbook = zf.read("xl/workbook.xml")
    assert not [n for n in names if "vba" in n.lower() or "externalLink" in n]
    assert b"<definedName " not in workbook


def test_manifest_lists_every_part_and_is_signed(populated: Database, make_bundle: MakeBundle,
                                                 signer: FakeSigner) -> None:
    summary = make_bundle(populated, sequence=7)
    raw = part(summary.path, MANIFEST_PART)
    manifest = json.loads(raw)
    assert raw == canonical_bytes(manifest)
    assert verify_signature(signer.public.public_key, part(summary.path, SIGNATURE_PART), raw)
    with zipfile.ZipFile(summary.path) as zf:
        others = {n: hashlib.sha256(zf.read(n)).hexdigest() for n in zf.namelist()
                  if n not in (MANIFEST_PART, SIGNATURE_PART)}
        types = zf.read("[Content_Types].xml")
    assert manifest["parts"] == others
    assert b'Extension="json"' in types and b'Extension="sig"' in types
    assert manifest["format"] == "fieldsurvey-bundle/1"
    assert manifest["sequence"] == 7
    assert manifest["producer"] == {"role": "township", "name": "王芳",
                                    "key_id": signer.key_id, "unit_code": "421202001",
                                    "unit_name": "咸安区温泉街道"}
    assert manifest["counts"] == {"visits": 2, "tombstones": 1, "organizations": 2,
                                  "repeats": {"leaders": 4}}
    assert manifest["period"] == {"start": "2026-11-01", "end": "2026-11-30"}
    assert manifest["created_at"].endswith("Z")
    assert len(manifest["sheets"]["走访记录"]["rows"]) == 2 + 3  # headers, 2 visits, 1 tombstone


def test_drafts_travel_as_their_last_finalized_revision_and_tombstones_empty(
        populated: Database, make_bundle: MakeBundle) -> None:
    summary = make_bundle(populated)
    assert summary.skipped_drafts == 1  # the draft that was never finalized
    rows = CalamineWorkbook.from_path(str(summary.path)).get_sheet_by_name("走访记录").to_python()
    keys = rows[1]
    statuses = [(r[keys.index("status")], r[keys.index("revision")], r[keys.index("deleted_reason")])
                for r in rows[2:]]
    assert statuses == [("final", 1.0, ""), ("final", 1.0, ""), ("final", 1.0, "重复录入")]
    tombstone = rows[4]
    assert tombstone[keys.index("deleted_at")] != ""
    assert all(v == "" for v in tombstone[11:])


def test_cover_says_who_when_and_how_to_verify(populated: Database,
                                               make_bundle: MakeBundle) -> None:
    summary = make_bundle(populated, name="温泉街道-2026-11.xlsx")
    cover = CalamineWorkbook.from_path(str(summary.path)).get_sheet_by_name("封面").to_python()
    text = "\n".join(str(c) for row in cover for c in row)
    for expected in ("走访人", "王芳", "咸安区温泉街道（421202001）", "2026-11-01 – 2026-11-30",
                     "fieldsurvey verify 温泉街道-2026-11.xlsx", "工会领导班子成员", "Officer",
                     "To verify: run fieldsurvey verify 温泉街道-2026-11.xlsx"):
        assert expected in text


class Recorder:
    def __init__(self, cancel_after: int | None = None) -> None:
        self.reports: list[tuple[int, int | None, Message | None]] = []
        self.cancel_after = cancel_after

    def report(self, done: int, total: int | None = None, stage: Message | None = None) -> None:
        self.reports.append((done, total, stage))

    def cancelled(self) -> bool:
        return self.cancel_after is not None and len(self.reports) > self.cancel_after


def test_progress_per_visit_and_cancelling_leaves_no_file(
        populated: Database, make_bundle: MakeBundle, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "scratch"  # where openpyxl streams write-only sheets
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    progress = Recorder()
    make_bundle(populated, progress=progress)
    visit_reports = [r for r in progress.reports if r[2] == Message("bundle.stage.visits")]
    assert [r[:2] for r in visit_reports] == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    before = set(tmp_path.iterdir())
    with pytest.raises(Cancelled):
        make_bundle(populated, name="cancelled.xlsx", progress=Recorder(cancel_after=2))
    assert set(tmp_path.iterdir()) == before
    assert list(scratch.iterdir()) == []


def test_the_file_appears_whole_or_not_at_all(populated: Database, make_bundle: MakeBundle,
                                              tmp_path: Path, signer: FakeSigner) -> None:
    target = tmp_path / "bundle.xlsx"
    target.write_bytes(b"previous bundle")

    class Broken(FakeSigner):
        def sign(self, data: bytes) -> bytes:
            raise RuntimeError("token unplugged")

    with pytest.raises(RuntimeError):
        make_bundle(populated, signer=Broken(key=signer.key, key_id=signer.key_id))
    assert target.read_bytes() == b"previous bundle"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(TEMP_SUFFIX)] == []


def test_unexportable_text_is_refused_not_cut(db: Database, make_bundle: MakeBundle,
                                              shipped_form: FormDefinition) -> None:
    from fieldsurvey.bundles import BundleError
    from fieldsurvey.store.organizations import add_organization
    with db.transaction() as s:
        add_organization(s, name="bad\x01name", township_code="421202001")
    with pytest.raises(BundleError) as caught:
        make_bundle(db)
    assert caught.value.message.code == "bundle.cannot_store"


RISKY_TEXTS = ["=1+1", "+86", "-5", "@SUM(A1)", "\tx", "\rx", "\nx", "＝SUM(A1)", "#N/A",
               "#DIV/0!", "=", '=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0"]


def test_risky_text_is_text_cells_in_the_raw_xml(populated: Database, make_bundle: MakeBundle,
                                                 shipped_form: FormDefinition) -> None:
    from fieldsurvey.store.models import Visit
    from fieldsurvey.store.visits import canonical_json

    text_fields = [q.name for q in shipped_form.questions() if q.type == "text" and not q.repeats]
    answers = dict(zip(text_fields, RISKY_TEXTS, strict=False))
    answers["leaders"] = [{"leader_name": t} for t in RISKY_TEXTS]
    with populated.transaction() as s:
        org = s.query(Visit).first().organization_id
        s.add(Visit(id="risky", organization_id=org, form_id=shipped_form.form_id,
                    form_version=shipped_form.version, status="final", officer="=王芳",
                    answers_json=canonical_json(answers)))
    path = make_bundle(populated).path
    found: list[str] = []
    for name in (SHEET_PARTS["走访记录"], SHEET_PARTS["工会领导班子成员"]):
        xml = part(path, name)
        assert b"<f>" not in xml and b"<f " not in xml and b't="e"' not in xml
        for cell in cells_of(xml):
            text = re.search(rb"<t\b[^>]*>(.*?)</t>", cell, re.S)
            if text is None:
                continue
            value = text.group(1).decode().replace("&amp;", "&").replace("&quot;", '"')
            value = value.replace("_x000D_", "\r")
            if value in RISKY_TEXTS or value == "=王芳":
                assert b't="inlineStr"' in cell, cell
                found.append(value)
    assert set(found) >= set(RISKY_TEXTS) | {"=王芳"}
