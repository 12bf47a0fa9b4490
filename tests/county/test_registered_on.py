"""The registration date travels from the officer's register to the county's table,
and bundles made before it travelled still read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from office_helpers import COUNTY, Township, make_office

from fieldsurvey.bundles import layout, read_bundle, sheets
from fieldsurvey.cases.dashboard import month_figures
from fieldsurvey.county.db import open_office
from fieldsurvey.county.merge import merge_bundles
from fieldsurvey.county.stats import monthly_table
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.store.models import Organization
from fieldsurvey.store.organizations import add_organization

T1 = "421202001"


def township_with_dates(folder: Path, form: FormDefinition) -> Township:
    town = Township(folder, T1, "温泉街道", form)
    with town.db.transaction() as s:
        add_organization(s, name="甲协会", township_code=T1)  # date unknown
        late = add_organization(s, name="乙协会", township_code=T1)
        s.get(Organization, late.id).registered_on = "2026-06-15"  # type: ignore[union-attr]
    return town


def test_an_organization_counts_from_its_registration_date(
        tmp_path: Path, shipped_form: FormDefinition) -> None:
    town = township_with_dates(tmp_path / "t1", shipped_form)
    bundle = town.export()
    dates = {o.name: o.registered_on for o in read_bundle(bundle).organizations}
    assert dates == {"甲协会": None, "乙协会": dt.date(2026, 6, 15)}
    office = make_office(open_office(tmp_path / "office.sqlite3"), COUNTY, (town.signer,))
    try:
        report = merge_bundles(office, [bundle], form=shipped_form, profile=COUNTY, by="李")
        assert report.files[0].imported
        # May: only 甲 (from the campaign's start); June on: both.
        for month, registered in ((5, 1), (6, 2), (11, 2)):
            county = monthly_table(office, 2026, month, COUNTY).area_totals[T1]
            with town.db.transaction() as s:
                officer = month_figures(s, shipped_form, T1, 2026, month)
            assert county.registered == officer.registered == registered, month
    finally:
        office.close()


def test_a_bundle_made_before_the_date_travelled_still_reads(
        tmp_path: Path, shipped_form: FormDefinition, monkeypatch: pytest.MonkeyPatch) -> None:
    town = township_with_dates(tmp_path / "t1", shipped_form)
    # The register sheet as the app wrote it until 2026-12: no registration date column.
    monkeypatch.setattr(layout, "REGISTER_FIELDS", layout.LEGACY_REGISTER_FIELDS)
    monkeypatch.setattr(sheets, "REGISTER_FIELDS", layout.LEGACY_REGISTER_FIELDS)
    monkeypatch.setattr(layout, "REGISTER_HEADERS",
                        tuple(h for h in layout.REGISTER_HEADERS if h != "成立登记日期"))
    old = town.export()
    monkeypatch.undo()
    assert "registered_on" not in str(read_bundle(old).manifest)
    assert {o.registered_on for o in read_bundle(old).organizations} == {None}
    office = make_office(open_office(tmp_path / "office.sqlite3"), COUNTY, (town.signer,))
    try:
        report = merge_bundles(office, [old], form=shipped_form, profile=COUNTY, by="李")
        assert report.files[0].imported
        assert monthly_table(office, 2026, 5, COUNTY).area_totals[T1].registered == 2
    finally:
        office.close()
