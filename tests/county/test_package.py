"""The county package: what it holds, signed by the office key, read back exactly."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from office_helpers import COUNTY, NOW, KeyHolder, Township, make_office

from fieldsurvey.bundles.trust import trust_list
from fieldsurvey.bundles.verify import verify_bundle
from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.merge import merge_bundles
from fieldsurvey.county.package import build_packages, plan_packages
from fieldsurvey.county.review import approve, return_visit, review_list
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.packages.manifest import PACKAGE_KIND
from fieldsurvey.packages.read import PackageRefused, read_package

COUNTY_KEY = KeyHolder("county", "李主席", "421202", "咸安区总工会")


def tampered(package: Path, name: str = "tampered.xlsx") -> Path:
    """A copy of ``package`` with one text changed after signing."""
    target = package.with_name(name)
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(target, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data.replace("重复的组织".encode(), "没问题的".encode(), 1)
            out.writestr(info.filename, data)
    return target


@pytest.fixture
def towns(tmp_path: Path, shipped_form: FormDefinition) -> list[Township]:
    return [Township(tmp_path / "a", "421202001", "温泉街道", shipped_form).populate(12, 4),
            Township(tmp_path / "b", "421202002", "浮山街道", shipped_form).populate(8, 5)]


@pytest.fixture
def reviewed(office: OfficeDatabase, towns: list[Township],
             shipped_form: FormDefinition) -> list[str]:
    """Both townships merged; two of the first township's visits returned, the rest
    approved. The returned visits' ids."""
    make_office(office, trusted=tuple(t.signer for t in towns))
    merge_bundles(office, [t.export() for t in towns], form=shipped_form, profile=COUNTY,
                  by="李主席")
    with office.transaction() as s:
        ids = [i.visit_id for i in review_list(s, township="421202001")]
        return_visit(s, ids[0], "=HYPERLINK(\"x\") 不是公式", by="张审核",
                     questions={"staff_total": "人数请核实"})
        return_visit(s, ids[1], "重复的组织？", by="张审核")
        approve(s, [i.visit_id for i in review_list(s, state="pending")], by="张审核")
    return ids[:2]


def test_the_dry_run_shows_what_each_package_holds(office: OfficeDatabase,
                                                   reviewed: list[str]) -> None:
    plans = plan_packages(office, COUNTY, None, "月底前改完")
    assert [(p.contents.township_code, p.sequence, p.counts["returned"]) for p in plans] == [
        ("421202001", 1, 2), ("421202002", 1, 0)]
    assert plans[0].counts["organizations"] == 12 and plans[0].counts["notice"] == 1


def test_a_package_is_signed_and_reads_back_exactly(office: OfficeDatabase, reviewed: list[str],
                                                    tmp_path: Path) -> None:
    [plan] = plan_packages(office, COUNTY, ["421202001"], "月底前改完")
    [built] = build_packages(office, [plan], COUNTY_KEY, tmp_path, now=NOW)
    assert built.sequence == 1 and built.path.name.startswith("421202001-温泉街道-下发包-001")
    package = read_package(built.path, trust_list([COUNTY_KEY.public]))
    assert package.contents == plan.contents
    assert package.sequence == 1 and package.signer_name == "李主席"
    returned = {r.visit_id: r for r in package.contents.returns}
    assert set(returned) == set(reviewed)
    assert returned[reviewed[0]].open_return is not None
    assert returned[reviewed[0]].open_return.questions == {"staff_total": "人数请核实"}
    # Readable in Excel, and no cell a formula: every cell of ours is a string.
    with zipfile.ZipFile(built.path) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/")]
        assert all(b"<f>" not in zf.read(n) for n in sheets)
    [again] = build_packages(office, plan_packages(office, COUNTY, ["421202001"]), COUNTY_KEY,
                             tmp_path, now=NOW)
    assert again.sequence == 2  # the township's numbers only increase


def test_a_package_is_not_a_bundle_nor_a_bundle_a_package(
        office: OfficeDatabase, reviewed: list[str], towns: list[Township],
        tmp_path: Path) -> None:
    [built] = build_packages(office, plan_packages(office, COUNTY, ["421202002"]), COUNTY_KEY,
                             tmp_path, now=NOW)
    trust = trust_list([COUNTY_KEY.public, towns[0].signer.public])
    assert verify_bundle(built.path, trust).message.code == "bundle.is_a_package"
    bundle = towns[0].export()
    assert verify_bundle(bundle, trust, PACKAGE_KIND).message.code == "package.not_a_package"
    with pytest.raises(PackageRefused) as other:
        read_package(bundle, trust)
    assert other.value.message.code == "package.not_a_package"


def test_a_tampered_or_unknown_package_is_refused(office: OfficeDatabase, reviewed: list[str],
                                                  tmp_path: Path) -> None:
    [built] = build_packages(office, plan_packages(office, COUNTY, ["421202001"]), COUNTY_KEY,
                             tmp_path, now=NOW)
    with pytest.raises(PackageRefused) as changed:
        read_package(tampered(built.path), trust_list([COUNTY_KEY.public]))
    assert changed.value.message.code == "bundle.verdict.tampered"
    stranger = KeyHolder("county", "李主席", "421202", "咸安区总工会")
    with pytest.raises(PackageRefused) as unknown:
        read_package(built.path, trust_list([stranger.public]))
    assert unknown.value.message.code == "bundle.verdict.unknown_signer"
