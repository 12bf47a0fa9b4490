"""Conflicts found, decided and recorded; the county's own bundle merged by the city."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from office_helpers import CITY, COUNTY, NOW, KeyHolder, Township, make_office
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from sqlalchemy import select, text

from fieldsurvey.bundles import verify_bundle
from fieldsurvey.county.conflicts import (
    DISTINCT,
    ConflictError,
    comparison_rows,
    get_conflict,
    list_conflicts,
    reopen_conflict,
    resolve_conflict,
)
from fieldsurvey.county.db import OfficeDatabase, open_office
from fieldsurvey.county.digest import content_digest
from fieldsurvey.county.merge import merge_bundles
from fieldsurvey.county.models import Conflict, MergedOrganization, MergedVisit
from fieldsurvey.county.report import batch_lines, recent_batches, write_batch_report
from fieldsurvey.county.rollup import export_office_bundle
from fieldsurvey.county.trust import (
    add_identity,
    export_trust_file,
    import_trust,
    read_trust_file,
    revoke,
    trust_mapping,
)
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.identity.records import IdentityError

LATER = NOW + dt.timedelta(hours=2)


def _merge(db: OfficeDatabase, form: FormDefinition, *files: Path) -> list[str | None]:
    report = merge_bundles(db, list(files), form=form, profile=COUNTY, by="李主席", now=NOW)
    return [f.reason.code if f.reason else None for f in report.files]


def _add_org(town: Township, name: str, uscc: str | None) -> None:
    with town.db.transaction() as s:
        s.execute(text(
            "INSERT INTO organization (id, name, uscc, township_code, search_key, created_at, "
            "updated_at) VALUES (:id, :name, :uscc, :t, '', '2026-10-01 00:00:00.000000', "
            "'2026-10-01 00:00:00.000000')"),
            {"id": f"{town.code}-{name}", "name": name, "uscc": uscc, "t": town.code})


def test_one_visit_two_contents_is_a_conflict_resolved_with_who_and_when(
        office: OfficeDatabase, shipped_form: FormDefinition, tmp_path: Path) -> None:
    town = Township(tmp_path / "a", "421202001", "温泉街道", shipped_form).populate(12, 3)
    twin = town.copy_to(tmp_path / "twin")
    with twin.db.transaction() as s:
        visit_id = s.execute(text(
            "SELECT id FROM visit WHERE status = 'final' AND deleted_at IS NULL "
            "AND answers_json LIKE '%\"staff_total\":%' ORDER BY id LIMIT 1")).scalar_one()
        s.execute(text("UPDATE visit SET answers_json = json_set(answers_json, '$.staff_total', "
                       "999), staff_total = 999 WHERE id = :id"), {"id": visit_id})
    make_office(office, trusted=(town.signer,))
    assert _merge(office, shipped_form, town.export(), twin.export("twin.xlsx", sequence=5)) \
        == [None, None]
    with office.transaction() as s:
        [view] = list_conflicts(s)
        assert view.kind == "visit_content" and view.subject.startswith(visit_id)
        assert len(view.versions) == 2
        rows = {r.label: r for r in comparison_rows(view, shipped_form, "zh")}
        staff = rows[shipped_form.label("staff_total", "zh")]
        assert staff.differs and "999" in staff.values
        assert not rows[shipped_form.label("visit_date", "zh")].differs
        original = next(v.key for v in view.versions if v.payload["staff_total"] != 999)
        resolve_conflict(s, view.id, original, by="李主席", note="电话核实：原值正确", now=LATER)
    with office.transaction() as s:
        done = get_conflict(s, view.id)
        assert (done.status, done.resolution, done.resolved_by, done.resolved_at, done.note) == (
            "resolved", original, "李主席", LATER, "电话核实：原值正确")
        visit = s.get(MergedVisit, visit_id)
        assert visit is not None and visit.pinned and visit.staff_total != 999
        assert list_conflicts(s) == []
    # The other version arriving again does not undo the decision.
    twin.db.close()
    assert _merge(office, shipped_form, twin.export("twin2.xlsx", sequence=6)) == [None]
    with office.transaction() as s:
        assert s.get(MergedVisit, visit_id).staff_total != 999  # type: ignore[union-attr]
        assert list_conflicts(s) == []
        with pytest.raises(ConflictError):
            resolve_conflict(s, view.id, "no-such-version", by="李主席")


def test_a_code_in_two_townships_and_names_alike_are_conflicts(
        office: OfficeDatabase, shipped_form: FormDefinition, tmp_path: Path) -> None:
    a = Township(tmp_path / "a", "421202001", "温泉街道", shipped_form)
    b = Township(tmp_path / "b", "421202002", "浮山街道", shipped_form)
    _add_org(a, "咸宁市茶叶协会", "51421202MJH123456X")
    _add_org(b, "咸宁茶叶协会", "51421202MJH123456X")
    _add_org(a, "温泉 书画协会", None)
    _add_org(a, "温泉书画协会（筹）", None)
    make_office(office, trusted=(a.signer, b.signer))
    assert _merge(office, shipped_form, a.export(), b.export()) == [None, None]
    with office.transaction() as s:
        views = {v.kind: v for v in list_conflicts(s)}
        assert set(views) == {"uscc_townships", "name_duplicate"}
        code = views["uscc_townships"]
        assert code.subject == "51421202MJH123456X"
        assert {v.township_code for v in code.versions} == {"421202001", "421202002"}
        names = views["name_duplicate"]
        assert names.township_code == "421202001" and len(names.versions) == 2
        resolve_conflict(s, code.id, "421202001-咸宁市茶叶协会", by="李主席", now=LATER)
        resolve_conflict(s, names.id, DISTINCT, by="李主席", note="两个不同的协会", now=LATER)
    with office.transaction() as s:
        marked = dict(s.execute(select(MergedOrganization.id, MergedOrganization.duplicate_of)
                                .where(MergedOrganization.duplicate_of.is_not(None))).all())
        assert marked == {"421202002-咸宁茶叶协会": "421202001-咸宁市茶叶协会"}
        assert list_conflicts(s) == []
        reopen_conflict(s, code.id)
    with office.transaction() as s:
        assert s.scalars(select(MergedOrganization.duplicate_of).where(
            MergedOrganization.duplicate_of.is_not(None))).all() == []
        assert [v.kind for v in list_conflicts(s)] == ["uscc_townships"]


def test_the_batch_report_is_kept_and_saved_as_excel(
        office: OfficeDatabase, shipped_form: FormDefinition, tmp_path: Path) -> None:
    town = Township(tmp_path / "a", "421202001", "温泉街道", shipped_form).populate(8, 5)
    stranger = Township(tmp_path / "s", "421202009", "陌生街道", shipped_form).populate(2, 6)
    make_office(office, trusted=(town.signer,))
    report = merge_bundles(office, [town.export(), stranger.export()], form=shipped_form,
                           profile=COUNTY, by="李主席", now=NOW)
    with office.transaction() as s:
        lines = batch_lines(s, report.batch_id)
        [summary] = recent_batches(s)
    assert [line.outcome for line in lines] == ["imported", "rejected"]
    assert lines[0].new == report.files[0].counts["new"] > 0
    assert lines[1].reason_in("zh").startswith("签名人不在信任名单中")
    assert lines[1].reason_in("en") != lines[1].reason_in("zh")
    assert (summary.files, summary.imported, summary.rejected, summary.imported_by) == (
        2, 1, 1, "李主席")
    out = tmp_path / "report.xlsx"
    write_batch_report(lines, out, "zh")
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "数据包导入报告"
    assert rows[2][0] == town.folder.joinpath("421202001-001.xlsx").name
    assert rows[2][4] == "已导入" and rows[3][4] == "拒收"
    assert rows[2][5] == lines[0].new
    assert rows[-1][0] == "合计"
    assert load_workbook(out).active.freeze_panes == "A3"  # type: ignore[union-attr]


def test_the_trust_list_travels_signed_and_keeps_revocations(
        office: OfficeDatabase, shipped_form: FormDefinition, tmp_path: Path) -> None:
    officer = KeyHolder("officer", "王芳", "421202001", "温泉街道")
    county = KeyHolder("county", "李主席", "421202", "咸安区总工会")
    make_office(office, trusted=(officer,))
    revoked_from = dt.datetime(2026, 11, 10, tzinfo=dt.UTC)
    with office.transaction() as s:
        revoke(s, officer.public.key_id[:8], revoked_from=revoked_from, by="李主席",
               reason="电脑丢失")
        path = tmp_path / "list.fstrust.json"
        assert export_trust_file(s, path, county) == 1
    found = read_trust_file(path)
    assert found.signer_fingerprint == county.public.fingerprint
    other = make_office(open_office(tmp_path / "other.sqlite3"))
    with other.transaction() as s:
        assert import_trust(s, found, by="张三") == (1, 1)
        [key] = trust_mapping(s).values()
        assert key.key_id == officer.public.key_id and key.revoked_from == revoked_from
    other.close()
    tampered = tmp_path / "tampered.fstrust.json"
    tampered.write_text(path.read_text(encoding="utf-8").replace("电脑丢失", "没有丢"),
                        encoding="utf-8")
    with pytest.raises(IdentityError) as caught:
        read_trust_file(tampered)
    assert caught.value.message.code == "office.bad_trust_file"


def test_the_city_merges_the_county_bundle_with_the_same_code(
        office: OfficeDatabase, shipped_form: FormDefinition, tmp_path: Path) -> None:
    a = Township(tmp_path / "a", "421202001", "温泉街道", shipped_form).populate(15, 7)
    b = Township(tmp_path / "b", "421202002", "浮山街道", shipped_form).populate(10, 8)
    _add_org(a, "咸宁市茶叶协会", "51421202MJH123456X")
    _add_org(b, "咸宁茶叶协会", "51421202MJH123456X")
    make_office(office, trusted=(a.signer, b.signer))
    _merge(office, shipped_form, a.export(), b.export())
    with office.transaction() as s:
        [code] = [v for v in list_conflicts(s) if v.kind == "uscc_townships"]
        resolve_conflict(s, code.id, "421202001-咸宁市茶叶协会", by="李主席")
        kept_orgs = s.scalars(select(MergedOrganization.id).where(
            MergedOrganization.duplicate_of.is_(None))).all()
        visits = s.scalars(select(MergedVisit.id)).all()
    county_key = KeyHolder("county", "李主席", "421202", "咸安区总工会")
    bundle = tmp_path / "county.xlsx"
    summary = export_office_bundle(office, shipped_form, county_key, bundle,
                                   period_start=dt.date(2026, 11, 1),
                                   period_end=dt.date(2026, 11, 30), now=NOW)
    assert summary.manifest["producer"]["unit_code"] == "421202"
    assert summary.organizations == len(kept_orgs)
    assert summary.visits + summary.tombstones == len(visits)
    assert summary.manifest["sequence"] == 1
    city = make_office(open_office(tmp_path / "city.sqlite3"), CITY, (county_key,))
    try:
        report = merge_bundles(city, [bundle], form=shipped_form, profile=CITY, by="市总",
                               now=NOW)
        assert report.files[0].imported, report.files[0].reason
        with city.transaction() as s:
            assert sorted(s.scalars(select(MergedOrganization.id)).all()) == sorted(kept_orgs)
            assert len(s.scalars(select(MergedVisit.id)).all()) == len(visits)
            assert s.scalars(select(Conflict)).all() == []
        # A township's own bundle is not the city's to merge.
        city_trust = {k.key_id: k for k in [a.signer.public]}
        assert verify_bundle(bundle, city_trust).kind == "unknown_signer"
    finally:
        city.close()
    assert json.loads(json.dumps(summary.manifest["counts"]))["visits"] == summary.visits


def test_a_township_bundle_is_not_merged_by_the_city(
        shipped_form: FormDefinition, tmp_path: Path) -> None:
    a = Township(tmp_path / "a", "421202001", "温泉街道", shipped_form).populate(3, 7)
    city = make_office(open_office(tmp_path / "city.sqlite3"), CITY, (a.signer,))
    try:
        before = content_digest(city, provenance=True)
        report = merge_bundles(city, [a.export()], form=shipped_form, profile=CITY, by="市总",
                               now=NOW)
        assert report.files[0].reason is not None
        assert report.files[0].reason.code == "office.reject.wrong_role"
        assert content_digest(city, provenance=True) == before
    finally:
        city.close()


def test_an_identity_is_trusted_once(office: OfficeDatabase) -> None:
    officer = KeyHolder("officer", "王芳", "421202001", "温泉街道")
    with office.transaction() as s:
        assert add_identity(s, officer.public, by="李主席")[1] is True
        assert add_identity(s, officer.public, by="李主席")[1] is False
