"""The county answers back, end to end with real keys and files; refusals change nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from office_helpers import COUNTY, NOW, KeyHolder, Township, make_office
from receive_helpers import COUNTY_KEY, merge, package, set_up_officer, store_digest
from review_helpers import revise

from fieldsurvey.county import review
from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.package import build_packages, plan_packages
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.packages.read import PackageRefused
from fieldsurvey.packages.receive import preview_package, receive_package
from fieldsurvey.store.county import add_reply, returned_cases, revoke_county, visit_thread


@pytest.fixture
def wenquan(tmp_path: Path, shipped_form: FormDefinition) -> Township:
    town = Township(tmp_path / "wenquan", "421202001", "温泉街道", shipped_form).populate(15, 6)
    set_up_officer(town.db, town.code, town.name)
    return town


@pytest.fixture
def returned(office: OfficeDatabase, wenquan: Township, shipped_form: FormDefinition
             ) -> tuple[str, str]:
    """The county merged the township, returned two visits and approved the rest."""
    make_office(office, trusted=(wenquan.signer,))
    merge(office, shipped_form, wenquan.export())
    with office.transaction() as s:
        first, second, *rest = [i.visit_id for i in review.review_list(s)]
        review.return_visit(s, first, "职工人数与上月相差太大", by="张审核",
                            questions={"staff_total": "请核实职工人数"})
        review.return_visit(s, second, "是否与另一家重复？", by="张审核")
        review.approve(s, rest, by="张审核")
    return first, second


def test_return_receive_fix_reply_export_merge(office: OfficeDatabase, wenquan: Township,
                                               returned: tuple[str, str],
                                               shipped_form: FormDefinition,
                                               tmp_path: Path) -> None:
    """The issue's acceptance flow: states and threads on both sides at the end."""
    fixed, answered = returned
    sent = package(office, wenquan, tmp_path / "out", "请于月底前改完")
    shown = preview_package(wenquan.db, sent)
    assert (shown.returned, shown.added, shown.updated) == (2, 0, 0)
    assert shown.package.contents.notice == "请于月底前改完"
    receive_package(wenquan.db, sent)
    with wenquan.db.transaction() as s:
        cases = {c.visit_id: c for c in returned_cases(s)}
        assert {v for v, c in cases.items() if c.to_fix} == {fixed, answered}
        assert cases[fixed].questions == {"staff_total": "请核实职工人数"}
    revise(wenquan, fixed, shipped_form, "已核实：职工人数按社保名单更正")
    with wenquan.db.transaction() as s:
        add_reply(s, fixed, "已按社保名单更正人数", officer="王芳")
        add_reply(s, answered, "经核实不是同一家：两家地址和法人都不同", officer="王芳")
        assert not any(c.to_fix for c in returned_cases(s))
    merge(office, shipped_form, wenquan.export())
    with office.transaction() as s:
        assert review.state_of(s, fixed) == "fixed_pending"
        assert review.state_of(s, answered) == "returned"
        assert [e.action for e in review.thread(s, fixed)] == [
            "revised", "returned", "revised", "replied"]
        county_answered = review.thread(s, answered)
        assert [e.action for e in county_answered] == ["revised", "returned", "replied"]
        assert county_answered[-1].comment == "经核实不是同一家：两家地址和法人都不同"
    with wenquan.db.transaction() as s:
        mine = visit_thread(s, answered)
    assert [(e["action"], e["comment"]) for e in mine] == [
        ("revised", ""), ("returned", "是否与另一家重复？"),
        ("replied", "经核实不是同一家：两家地址和法人都不同")]
    # The next package brings the county's thread back down, replies included, once.
    receive_package(wenquan.db, package(office, wenquan, tmp_path / "out"))
    with wenquan.db.transaction() as s:
        assert [e["action"] for e in visit_thread(s, fixed)] == [
            "revised", "returned", "revised", "replied"]
        assert {c.visit_id: c.state for c in returned_cases(s)} == {
            fixed: "fixed_pending", answered: "returned"}


def test_the_register_is_added_to_never_blanked(office: OfficeDatabase, wenquan: Township,
                                                returned: tuple[str, str],
                                                shipped_form: FormDefinition,
                                                tmp_path: Path) -> None:
    """A second laptop of the township gets the register the county holds."""
    other = Township(tmp_path / "other", "421202001", "温泉街道", shipped_form)
    set_up_officer(other.db, other.code, other.name)
    summary = receive_package(other.db, package(office, wenquan, tmp_path / "out"))
    assert summary.added == 15 and summary.conflicts == []
    again = preview_package(other.db, package(office, wenquan, tmp_path / "out"))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 15)


def _refused(path: Path, db_file: Path, receiving: Township, code: str) -> None:
    before = store_digest(db_file)
    with pytest.raises(PackageRefused) as refused:
        receive_package(receiving.db, path)
    assert refused.value.message.code == code
    assert store_digest(db_file) == before


def test_refusals_leave_the_store_unchanged(office: OfficeDatabase, wenquan: Township,
                                            returned: tuple[str, str],
                                            shipped_form: FormDefinition,
                                            tmp_path: Path) -> None:
    store = wenquan.folder / "fieldsurvey.sqlite3"
    first = package(office, wenquan, tmp_path / "out")
    second = package(office, wenquan, tmp_path / "out")
    bad = first.with_name("tampered.xlsx")
    with zipfile.ZipFile(first) as src, zipfile.ZipFile(bad, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data.replace("职工人数".encode(), "职工总数".encode(), 1)
            out.writestr(info.filename, data)
    _refused(bad, store, wenquan, "bundle.verdict.tampered")
    # Someone with the county's name but a key the officer never checked by phone.
    stranger = KeyHolder("county", "李主席", "421202", "咸安区总工会")
    (tmp_path / "forged").mkdir()
    [forged] = build_packages(office, plan_packages(office, COUNTY, [wenquan.code]), stranger,
                              tmp_path / "forged", now=NOW)
    _refused(forged.path, store, wenquan, "bundle.verdict.unknown_signer")
    neighbour = Township(tmp_path / "fushan", "421202002", "浮山街道", shipped_form)
    set_up_officer(neighbour.db, neighbour.code, neighbour.name)
    _refused(first, neighbour.folder / "fieldsurvey.sqlite3", neighbour,
             "receive.other_township")
    receive_package(wenquan.db, second)
    _refused(second, store, wenquan, "receive.replay")
    _refused(first, store, wenquan, "receive.older")
    third = package(office, wenquan, tmp_path / "out")
    with wenquan.db.transaction() as s:
        revoke_county(s, COUNTY_KEY.public.key_id, NOW)
    _refused(third, store, wenquan, "bundle.verdict.revoked")


def test_where_the_officer_is_newer_the_county_value_is_taken_only_when_chosen(
        office: OfficeDatabase, wenquan: Township, returned: tuple[str, str],
        tmp_path: Path) -> None:
    from sqlalchemy import select, update

    from fieldsurvey.county.models import MergedOrganization
    from fieldsurvey.store.models import Organization
    from fieldsurvey.store.organizations import update_organization

    with wenquan.db.transaction() as s:
        first, second = s.scalars(select(Organization).order_by(Organization.name)).all()[:2]
        ids = first.id, second.id
    # The county corrected two phone numbers; the officer changed both again since.
    with office.transaction() as s:
        for org_id, phone in zip(ids, ("0715-8000001", "0715-8000002"), strict=True):
            s.execute(update(MergedOrganization).where(MergedOrganization.id == org_id)
                      .values(phone=phone))
    with wenquan.db.transaction() as s:
        for org_id, phone in zip(ids, ("13900000001", "13900000002"), strict=True):
            update_organization(s, s.get_one(Organization, org_id), phone=phone)
    sent = package(office, wenquan, tmp_path / "out")
    preview = preview_package(wenquan.db, sent)
    assert {(c.organization_id, c.field, c.mine, c.county) for c in preview.conflicts} == {
        (ids[0], "phone", "13900000001", "0715-8000001"),
        (ids[1], "phone", "13900000002", "0715-8000002")}
    receive_package(wenquan.db, sent, take={(ids[0], "phone")})
    with wenquan.db.transaction() as s:
        phones = [s.get_one(Organization, i).phone for i in ids]
    assert phones == ["0715-8000001", "13900000002"]  # chosen, and kept
