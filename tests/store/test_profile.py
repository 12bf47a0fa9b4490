"""The officer's profile: checked field by field, kept with the data."""

from __future__ import annotations

import dataclasses

import pytest

from fieldsurvey.store import Database
from fieldsurvey.store.profile import OfficerProfile, check_profile, load_profile, save_profile

GOOD = OfficerProfile(name=" 王芳 ", phone="138 0013 8000", township_code="３３０１０６００１",
                      township_name="西湖街道", county_code="330106", county_name="西湖区")


def test_a_profile_round_trips_tidied(db: Database) -> None:
    with db.transaction() as session:
        assert load_profile(session) is None
        save_profile(session, GOOD)
    with db.transaction() as session:
        loaded = load_profile(session)
    assert loaded == OfficerProfile(name="王芳", phone="13800138000",
                                    township_code="330106001", township_name="西湖街道",
                                    county_code="330106", county_name="西湖区", language="zh")


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"name": "  "}, "name", "profile.required"),
    ({"phone": "1380013"}, "phone", "phone.mobile_length"),
    ({"township_code": "330106"}, "township_code", "division.not_township"),
    ({"county_code": "330100"}, "county_code", "division.not_county"),
    ({"township_code": "330108001"}, "township_code", "profile.township_outside_county"),
    ({"language": "fr"}, "language", "profile.bad_language"),
])
def test_each_problem_names_its_field(changes: dict[str, str], field: str, code: str) -> None:
    problems = check_profile(dataclasses.replace(GOOD, **changes))
    assert set(problems) == {field}
    assert problems[field].code == code


def test_a_profile_with_problems_is_not_saved(db: Database) -> None:
    with pytest.raises(ValueError, match="phone"), db.transaction() as session:
        save_profile(session, dataclasses.replace(GOOD, phone="abc"))
    with db.transaction() as session:
        assert load_profile(session) is None
