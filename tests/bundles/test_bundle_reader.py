"""Reading a bundle back gives exactly the records that were exported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from bundle_helpers import SHEET_PARTS, rewrite

from fieldsurvey.bundles import BundleError, ExportSummary, read_bundle
from fieldsurvey.bundles.records import iter_organizations, iter_visits
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.store import Database

MakeBundle = Callable[..., ExportSummary]


def test_read_gives_back_the_exported_records(populated: Database, make_bundle: MakeBundle,
                                              shipped_form: FormDefinition) -> None:
    summary = make_bundle(populated)
    with populated.sessions() as session:
        exported = [r for r in iter_visits(session, shipped_form.form_id) if r is not None]
        organizations = list(iter_organizations(session))
    contents = read_bundle(summary.path)
    assert contents.visits == [r for r in exported if not r.is_tombstone]
    assert contents.tombstones == [r for r in exported if r.is_tombstone]
    assert contents.organizations == organizations
    assert contents.manifest == summary.manifest
    notes = contents.visits[0].answers["notes"]
    assert notes == "第一行\r\n第二行 🎉 =1+1 ＝SUM(A1) 0012 _x0041_"
    leaders = contents.visits[0].answers["leaders"]
    assert leaders[1]["leader_name"] == '=HYPERLINK("http://x")'
    assert contents.organizations[1].phone == ""  # a deliberate blank, not None
    assert contents.organizations[1].field is None


def test_reading_a_changed_bundle_is_refused(populated: Database, make_bundle: MakeBundle,
                                             tmp_path: Path) -> None:
    bundle = make_bundle(populated).path
    changed = rewrite(bundle, tmp_path / "changed.xlsx", change={
        SHEET_PARTS["走访记录"]: lambda xml: xml.replace(b"<v>25</v>", b"<v>26</v>", 1)})
    with pytest.raises(BundleError) as caught:
        read_bundle(changed)
    assert caught.value.message.code == "bundle.unreadable"


def test_reading_a_missing_file_is_a_bundle_error(tmp_path: Path) -> None:
    with pytest.raises(BundleError):
        read_bundle(tmp_path / "nothing.xlsx")
