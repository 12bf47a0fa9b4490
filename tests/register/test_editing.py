"""Adding and editing one organization by hand: checks and saving."""

from __future__ import annotations

import pytest
from register_workbooks import CALLIGRAPHY, SCHOOL, TEA, TOWNSHIP, fullwidth

from fieldsurvey.register import RegisterError
from fieldsurvey.register.editing import check_organization, save_organization, tidy_values
from fieldsurvey.store import Database
from fieldsurvey.store.models import Organization
from fieldsurvey.store.organizations import add_organization


def codes(db: Database, values: dict[str, str | None], org_id: str | None = None
          ) -> dict[str, list[tuple[str, str]]]:
    with db.sessions() as session:
        check = check_organization(session, values, TOWNSHIP, org_id)
    return {f: [(x.severity, x.code) for x in found] for f, found in check.findings.items()}


def test_values_are_tidied_like_imported_cells() -> None:
    assert tidy_values({"name": "\u3000ＡＢＣ 协会 ", "uscc": fullwidth(TEA.lower()),
                        "phone": "138 0013 8000", "address": ""}) == {
        "name": "ABC 协会", "uscc": TEA, "reg_type": None, "field": None, "supervisor": None,
        "address": None, "legal_rep": None, "phone": "13800138000", "registered_on": None}


def test_a_name_is_required(db: Database) -> None:
    assert codes(db, {"name": " "}) == {"name": [("error", "register.name_required")]}


def test_a_bad_code_blocks_and_a_type_mismatch_warns(db: Database) -> None:
    assert codes(db, {"name": "甲", "uscc": TEA[:17] + "0"}) == {
        "uscc": [("error", "uscc.bad_check")]}
    assert codes(db, {"name": "甲", "uscc": SCHOOL, "reg_type": "social_group"}) == {
        "uscc": [("warning", "uscc.type_mismatch")]}


def test_a_code_already_in_the_register_blocks_except_for_itself(db: Database) -> None:
    with db.transaction() as session:
        tea = add_organization(session, name="茶叶协会", township_code=TOWNSHIP, uscc=TEA).id
    found = codes(db, {"name": "甲", "uscc": TEA})
    assert found == {"uscc": [("error", "register.uscc_taken")]}
    assert codes(db, {"name": "茶叶协会", "uscc": TEA}, tea) == {}
    with db.sessions() as session:
        check = check_organization(session, {"name": "甲", "uscc": TEA}, TOWNSHIP)
    assert check.findings["uscc"][0].message.render("zh") == (
        "名录中的“茶叶协会”已使用这个统一社会信用代码，同一单位不能重复登记。")


def test_a_name_already_in_the_township_warns(db: Database) -> None:
    with db.transaction() as session:
        add_organization(session, name="茶叶协会", township_code=TOWNSHIP)
    assert codes(db, {"name": "茶叶协会"}) == {"name": [("warning", "register.name_taken")]}


def test_a_bad_phone_blocks_saving_by_hand(db: Database) -> None:
    assert codes(db, {"name": "甲", "phone": "8123456"}) == {
        "phone": [("error", "phone.missing_area_code")]}


def test_saving_adds_then_updates_in_a_transaction(db: Database) -> None:
    org_id = save_organization(db, {"name": "茶叶协会", "uscc": TEA, "reg_type": "social_group",
                                    "phone": "13800138000"}, TOWNSHIP)
    save_organization(db, {"name": "西湖区茶叶协会", "uscc": TEA, "reg_type": "social_group",
                           "address": "文三路1号"}, TOWNSHIP, org_id)
    with db.sessions() as session:
        org = session.get(Organization, org_id)
        assert org is not None
        assert (org.name, org.address, org.phone, org.township_code, org.search_key) == (
            "西湖区茶叶协会", "文三路1号", None, TOWNSHIP, "xhqcyxh xihuquchayexiehui")


def test_saving_refuses_what_the_check_refuses(db: Database) -> None:
    save_organization(db, {"name": "茶叶协会", "uscc": TEA}, TOWNSHIP)
    with pytest.raises(RegisterError) as taken:
        save_organization(db, {"name": "另一个", "uscc": TEA}, TOWNSHIP)
    assert taken.value.message.code == "register.uscc_taken"
    with pytest.raises(RegisterError) as gone:
        save_organization(db, {"name": "甲", "uscc": CALLIGRAPHY}, TOWNSHIP, "no-such-id")
    assert gone.value.message.code == "register.organization_gone"


def test_a_registration_date_is_tidied_to_iso_and_a_wrong_one_refused(db: Database) -> None:
    assert tidy_values({"name": "甲", "registered_on": "2015年3月2日"})["registered_on"] == \
        "2015-03-02"
    found = codes(db, {"name": "甲协会", "registered_on": "去年"})
    assert found["registered_on"] == [("error", "register.bad_date")]
    assert codes(db, {"name": "甲协会", "registered_on": "2031-01-01"})["registered_on"] == [
        ("error", "register.future_date")]
    assert "registered_on" not in codes(db, {"name": "甲协会", "registered_on": "2015/3/2"})
