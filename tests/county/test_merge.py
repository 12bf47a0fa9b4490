"""Merging real signed bundles: what is refused, what is kept, in any order."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from office_helpers import COUNTY, NOW, KeyHolder, Township, make_office, tampered
from sqlalchemy import select, text

from fieldsurvey.county import intake
from fieldsurvey.county.db import OfficeDatabase, open_office
from fieldsurvey.county.digest import content_digest
from fieldsurvey.county.merge import merge_bundles
from fieldsurvey.county.models import BatchFile, MergedOrganization, MergedVisit
from fieldsurvey.county.trust import revoke
from fieldsurvey.forms.model import FormDefinition


@pytest.fixture
def wenquan(tmp_path: Path, shipped_form: FormDefinition) -> Township:
    return Township(tmp_path / "wenquan", "421202001", "温泉街道", shipped_form).populate(30, 1)


def merge(db: OfficeDatabase, form: FormDefinition, *files: Path,
          now: dt.datetime = NOW) -> list[tuple[bool, str | None, dict[str, int]]]:
    report = merge_bundles(db, list(files), form=form, profile=COUNTY, by="李主席", now=now)
    return [(f.imported, f.reason.code if f.reason else None, dict(f.counts))
            for f in report.files]


def counts(db: OfficeDatabase) -> tuple[int, int]:
    with db.transaction() as s:
        orgs = len(s.scalars(select(MergedOrganization.id)).all())
        visits = len(s.scalars(select(MergedVisit.id)).all())
    return orgs, visits


def test_a_bundle_is_merged_whole_with_provenance(office: OfficeDatabase, wenquan: Township,
                                                  shipped_form: FormDefinition) -> None:
    make_office(office, trusted=(wenquan.signer,))
    bundle = wenquan.export()
    [(ok, reason, found)] = merge(office, shipped_form, bundle)
    assert ok and reason is None
    with wenquan.db.transaction() as s:
        orgs = s.execute(text("SELECT count(*) FROM organization")).scalar_one()
        live = s.execute(text("SELECT count(*) FROM visit WHERE deleted_at IS NULL AND "
                              "(status = 'final' OR revision > 1)")).scalar_one()
        dead = s.execute(text("SELECT count(*) FROM visit WHERE deleted_at IS NOT NULL"))
        tombstones = dead.scalar_one()
    assert found == {"new": orgs + live + tombstones}
    assert counts(office) == (orgs, live + tombstones)
    with office.transaction() as s:
        visit = s.scalars(select(MergedVisit).where(MergedVisit.deleted_at.is_(None))).first()
        assert visit is not None
        assert visit.township_code == "421202001"
        assert visit.source_key == wenquan.signer.public.key_id
        assert visit.imported_at == NOW
        assert json.loads(visit.answers_json)["visit_date"] == visit.visit_date.isoformat()


def test_the_same_bundle_twice_is_already_in_and_changes_nothing(
        office: OfficeDatabase, wenquan: Township, shipped_form: FormDefinition) -> None:
    make_office(office, trusted=(wenquan.signer,))
    bundle = wenquan.export()
    merge(office, shipped_form, bundle)
    before = content_digest(office, provenance=True)
    assert merge(office, shipped_form, bundle) == [(False, "office.already", {})]
    renamed = bundle.with_name("copy-of-bundle.xlsx")
    renamed.write_bytes(bundle.read_bytes())
    assert merge(office, shipped_form, renamed)[0][:2] == (False, "office.already")
    assert content_digest(office, provenance=True) == before
    with office.transaction() as s:
        lines = s.scalars(select(BatchFile).order_by(BatchFile.id)).all()
    assert [line.outcome for line in lines] == ["imported", "already", "already"]
    assert "已经导入过" in json.loads(lines[1].reason_json or "{}")["zh"]


def test_tampered_unknown_revoked_reused_and_future_bundles_change_nothing(
        office: OfficeDatabase, wenquan: Township, shipped_form: FormDefinition,
        tmp_path: Path) -> None:
    make_office(office, trusted=(wenquan.signer,))
    merge(office, shipped_form, wenquan.export())
    before = content_digest(office, provenance=True)
    stranger = Township(tmp_path / "stranger", "421202003", "向阳街道", shipped_form).populate(5, 9)
    # Same key, a number already used, different content: a forgery or a replay.
    reused = wenquan.export("reused.xlsx", sequence=1)
    future = wenquan.export("future.xlsx", now=NOW + dt.timedelta(days=3))
    verdicts = merge(office, shipped_form, tampered(wenquan.export()), stranger.export(),
                     reused, future)
    assert [(ok, code) for ok, code, _ in verdicts] == [
        (False, "bundle.verdict.tampered"), (False, "bundle.verdict.unknown_signer"),
        (False, "office.reject.sequence_reused"), (False, "office.reject.future")]
    with office.transaction() as s:
        revoke(s, wenquan.signer.public.key_id, revoked_from=NOW - dt.timedelta(hours=1),
               by="李主席", reason="电脑丢失")
    before = content_digest(office, provenance=True)
    assert merge(office, shipped_form, wenquan.export())[0][:2] == (
        False, "bundle.verdict.revoked")
    assert content_digest(office, provenance=True) == before


def test_an_office_merges_only_its_own_level_and_area(
        office: OfficeDatabase, shipped_form: FormDefinition, tmp_path: Path) -> None:
    elsewhere = Township(tmp_path / "x", "420102001", "别的区街道", shipped_form).populate(3, 4)
    county_key = KeyHolder("county", "张三", "421202", "咸安区总工会")
    make_office(office, trusted=(elsewhere.signer, county_key))
    wrong_role = Township(tmp_path / "y", "421202001", "温泉街道", shipped_form).populate(3, 5)
    wrong_role.signer = county_key
    wrong_role.signer.unit_code = "421202001"  # a county key exporting a township's data
    verdicts = merge(office, shipped_form, elsewhere.export())
    assert verdicts[0][:2] == (False, "office.reject.outside_office")
    assert counts(office) == (0, 0)


def _laptops(tmp_path: Path, form: FormDefinition) -> tuple[dict[str, Path], tuple[KeyHolder, ...]]:
    """Bundles of two townships over time, and of a copied laptop that diverged."""
    a = Township(tmp_path / "a", "421202001", "温泉街道", form).populate(24, 11)
    b = Township(tmp_path / "b", "421202002", "浮山街道", form).populate(18, 12)
    files = {"a1": a.export(), "b1": b.export()}
    with a.db.transaction() as s:  # later: one visit deleted, one revised
        first, second = s.execute(text(
            "SELECT id FROM visit WHERE status = 'final' AND deleted_at IS NULL "
            "ORDER BY id LIMIT 2")).scalars().all()
        s.execute(text("UPDATE visit SET deleted_at = :t, deleted_reason = '重复' "
                       "WHERE id = :id"), {"t": "2026-11-15 08:00:00.000000", "id": first})
        s.execute(text("UPDATE visit SET revision = revision + 1, updated_at = :t "
                       "WHERE id = :id"), {"t": "2026-11-16 08:00:00.000000", "id": second})
    files["a2"] = a.export()
    twin = a.copy_to(tmp_path / "a-twin")
    with twin.db.transaction() as s:  # the copy edits a visit without a new revision
        s.execute(text(
            "UPDATE visit SET answers_json = replace(answers_json, '\"visit_kind\":\"census\"', "
            "'\"visit_kind\":\"verify\"'), updated_at = '2026-11-17 08:00:00.000000' "
            "WHERE id = (SELECT id FROM visit WHERE status = 'final' AND deleted_at IS NULL "
            "AND answers_json LIKE '%\"visit_kind\":\"census\"%' ORDER BY id LIMIT 1)"))
    files["twin"] = twin.export("twin.xlsx", sequence=10)
    files["b2"] = b.export()
    return files, (a.signer, b.signer)


@pytest.fixture(scope="module")
def laptops(tmp_path_factory: pytest.TempPathFactory,
            shipped_form: FormDefinition) -> tuple[dict[str, Path], tuple[KeyHolder, ...]]:
    return _laptops(tmp_path_factory.mktemp("laptops"), shipped_form)


def _merged_digest(folder: Path, form: FormDefinition, signers: tuple[KeyHolder, ...],
                   files: list[Path], target: str | None = None) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    db = make_office(open_office(target or folder / "office.sqlite3"), trusted=signers)
    try:
        report = merge_bundles(db, files, form=form, profile=COUNTY, by="李主席", now=NOW)
        assert all(f.imported for f in report.files), [f.reason for f in report.files]
        return content_digest(db)
    finally:
        db.close()


def test_newer_data_wins_whatever_the_order(
        laptops: tuple[dict[str, Path], tuple[KeyHolder, ...]], shipped_form: FormDefinition,
        tmp_path: Path) -> None:
    files, signers = laptops
    forward = [files["a1"], files["a2"]]
    db = make_office(open_office(tmp_path / "o.sqlite3"), trusted=signers)
    backward = merge_bundles(db, forward[::-1], form=shipped_form, profile=COUNTY, by="李",
                             now=NOW)
    newer, older = backward.files
    assert newer.counts["new"] > 0
    # The older bundle brings nothing new: its deleted visit stays deleted, its revision 1
    # does not replace revision 2.
    assert older.imported and older.counts["new"] == 0 and older.counts["updated"] == 0
    assert older.counts["superseded"] == 2
    with db.transaction() as s:
        tombstones = s.scalars(select(MergedVisit).where(
            MergedVisit.deleted_at.is_not(None), MergedVisit.deleted_reason == "重复")).all()
        assert len(tombstones) == 1
    db.close()
    assert _merged_digest(tmp_path / "f", shipped_form, signers, forward) == \
        _merged_digest(tmp_path / "b", shipped_form, signers, forward[::-1])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(["a1", "b1", "a2", "twin", "b2"]))
def test_any_order_gives_the_same_database(
        laptops: tuple[dict[str, Path], tuple[KeyHolder, ...]], shipped_form: FormDefinition,
        tmp_path_factory: pytest.TempPathFactory, order: list[str]) -> None:
    files, signers = laptops
    reference = _merged_digest(tmp_path_factory.mktemp("ref"), shipped_form, signers,
                               [files[k] for k in ["a1", "b1", "a2", "twin", "b2"]])
    shuffled = _merged_digest(tmp_path_factory.mktemp("perm"), shipped_form, signers,
                              [files[k] for k in order])
    assert shuffled == reference


def test_bundles_taken_in_by_a_worker_process_merge_to_the_same_database(
        laptops: tuple[dict[str, Path], tuple[KeyHolder, ...]], shipped_form: FormDefinition,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files, signers = laptops
    order = [files[k] for k in ["a1", "twin", "b1", "a2", "b2"]]
    here = _merged_digest(tmp_path / "here", shipped_form, signers, order)
    monkeypatch.setattr(intake, "WORKER_FROM", 2)  # five files: a worker process now
    assert _merged_digest(tmp_path / "worker", shipped_form, signers, order) == here


def test_postgresql_merges_to_the_same_content_as_sqlite(
        laptops: tuple[dict[str, Path], tuple[KeyHolder, ...]], shipped_form: FormDefinition,
        tmp_path: Path, pg_db_url: str) -> None:
    files, signers = laptops
    order = [files[k] for k in ["a1", "twin", "b1", "a2", "b2"]]
    on_sqlite = _merged_digest(tmp_path / "s", shipped_form, signers, order)
    assert _merged_digest(tmp_path / "p", shipped_form, signers, order, pg_db_url) == on_sqlite
    # Replays and rejections behave the same on the server.
    db = open_office(pg_db_url)
    try:
        before = content_digest(db, provenance=True)
        assert [code for _, code, _ in merge(db, shipped_form, *order[:2])] == [
            "office.already", "office.already"]
        assert content_digest(db, provenance=True) == before
        with db.transaction() as s:
            assert s.scalar(select(BatchFile.outcome).where(
                BatchFile.outcome == "already").limit(1)) == "already"
    finally:
        db.close()
