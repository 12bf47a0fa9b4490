""""valid" means the enrolled owner signed it: a bundle whose manifest names a producer
other than the one its key was enrolled for is refused by verify and by merge, for
officers' bundles and counties' roll-ups alike."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from office_helpers import CITY, COUNTY, NOW, KeyHolder, Township, make_office

from fieldsurvey.bundles import trust_list, verify_bundle
from fieldsurvey.cli import main
from fieldsurvey.county.db import open_office
from fieldsurvey.county.digest import content_digest
from fieldsurvey.county.merge import merge_bundles
from fieldsurvey.county.rollup import export_office_bundle
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.identity.enrollment import write_enrollment_card


def posing_as(signer: KeyHolder, *, role: str | None = None, name: str | None = None,
              unit_code: str | None = None) -> KeyHolder:
    """``signer``'s own key, writing another identity into the manifest."""
    return dataclasses.replace(signer, role=role or signer.role, name=name or signer.name,
                               unit_code=unit_code or signer.unit_code)


@pytest.fixture
def officer_b(tmp_path: Path, shipped_form: FormDefinition) -> Township:
    return Township(tmp_path / "b", "421202002", "浮山街道", shipped_form,
                    officer="陈静").populate(8, 3)


@pytest.mark.parametrize("claim", [{"name": "王芳", "unit_code": "421202001"},
                                   {"name": "王芳"}, {"unit_code": "421202001"},
                                   {"role": "county"}])
def test_verify_names_both_identities_when_the_signer_is_not_the_producer(
        officer_b: Township, claim: dict[str, str]) -> None:
    enrolled = officer_b.signer
    officer_b.signer = posing_as(enrolled, **claim)
    forged = officer_b.export("forged.xlsx")
    verdict = verify_bundle(forged, trust_list([enrolled.public]))
    assert verdict.kind == "not_producer" and not verdict.ok
    words = verdict.message.render("en")
    assert "陈静 (421202002, officer)" in words  # enrolled
    claimed = posing_as(enrolled, **claim)
    assert f"{claimed.name} ({claimed.unit_code}, {claimed.role})" in words
    assert len(verdict.details) == len(claim)


def test_the_honest_bundle_is_still_valid(officer_b: Township) -> None:
    verdict = verify_bundle(officer_b.export(), trust_list([officer_b.signer.public]))
    assert (verdict.kind, verdict.details) == ("valid", [])


def test_the_verify_command_exits_non_zero_with_its_own_verdict(
        officer_b: Township, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    card = tmp_path / "chenjing.fsid.json"
    write_enrollment_card(officer_b.signer.public, card)
    officer_b.signer = posing_as(officer_b.signer, name="王芳", unit_code="421202001")
    forged = officer_b.export("forged.xlsx")
    assert main(["--lang", "en", "verify", str(forged), "--trust", str(card)]) == 1
    out = capsys.readouterr().out
    assert "not_producer" in out and "signer is not the producer" in out
    assert "陈静" in out and "王芳" in out
    assert main(["verify", str(forged), "--trust", str(card), "--json"]) == 1
    [result] = json.loads(capsys.readouterr().out)
    assert (result["verdict"], result["valid"]) == ("not_producer", False)


def test_merge_refuses_an_officer_bundle_signed_by_someone_else(
        officer_b: Township, tmp_path: Path, shipped_form: FormDefinition) -> None:
    office = make_office(open_office(tmp_path / "office.sqlite3"), trusted=(officer_b.signer,))
    try:
        before = content_digest(office, provenance=True)
        officer_b.signer = posing_as(officer_b.signer, name="王芳", unit_code="421202001")
        report = merge_bundles(office, [officer_b.export("forged.xlsx")], form=shipped_form,
                               profile=COUNTY, by="李主席", now=NOW)
        [file] = report.files
        assert file.outcome == "rejected"
        assert file.reason is not None and file.reason.code == "bundle.verdict.not_producer"
        assert content_digest(office, provenance=True) == before
    finally:
        office.close()


def test_merge_refuses_a_rollup_whose_county_is_not_the_enrolled_one(
        officer_b: Township, tmp_path: Path, shipped_form: FormDefinition) -> None:
    county = make_office(open_office(tmp_path / "county.sqlite3"), trusted=(officer_b.signer,))
    merge_bundles(county, [officer_b.export()], form=shipped_form, profile=COUNTY, by="李",
                  now=NOW)
    county_key = KeyHolder("county", "李主席", "421202", "咸安区总工会")
    bundles = {}
    for label, signer in (("honest", county_key),
                          ("forged", posing_as(county_key, name="张主席", unit_code="421221"))):
        bundles[label] = tmp_path / f"{label}.xlsx"
        export_office_bundle(county, shipped_form, signer, bundles[label],
                             period_start=dt.date(2026, 11, 1),
                             period_end=dt.date(2026, 11, 30), now=NOW)
    county.close()
    city = make_office(open_office(tmp_path / "city.sqlite3"), CITY, (county_key,))
    try:
        report = merge_bundles(city, [bundles["forged"], bundles["honest"]],
                               form=shipped_form, profile=CITY, by="市总", now=NOW)
    finally:
        city.close()
    forged, honest = report.files
    assert forged.reason is not None and forged.reason.code == "bundle.verdict.not_producer"
    assert "421221" in forged.reason.render("zh") and "421202" in forged.reason.render("zh")
    assert honest.imported, honest.reason


def test_a_missing_file_or_a_folder_is_not_called_corrupt(tmp_path: Path) -> None:
    missing = verify_bundle(tmp_path / "nope.xlsx", {})
    folder = verify_bundle(tmp_path, {})
    assert (missing.kind, folder.kind) == ("unreadable", "unreadable")
    assert "There is no file" in missing.message.render("en")
    assert "folder" in folder.message.render("en")
