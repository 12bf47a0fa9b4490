"""Administrative division codes: 6 digits down to county, 9 for townships."""

from __future__ import annotations

import pytest

from fieldsurvey.domain.division import (
    PROVINCE_PREFIXES,
    division_code_valid,
    division_level,
    validate_division_code,
)


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("420000", "province"),  # 湖北省
        ("110000", "province"),
        ("150000", "province"),  # 内蒙古
        ("820000", "province"),
        ("421200", "city"),  # 咸宁市
        ("220100", "city"),  # 长春市
        ("150600", "city"),  # 鄂尔多斯市
        ("110100", "city"),  # 北京市市辖区
        ("421221", "county"),  # 嘉鱼县
        ("510821", "county"),  # 旺苍县
        ("150625", "county"),  # 杭锦旗
        ("429004", "county"),  # 仙桃市, directly under the province
        ("441900", "city"),  # 东莞市
        ("421221100", "township"),
        ("510821001", "township"),
        ("150625101", "township"),
        ("441900003", "township"),  # 东莞市东城街道: city without counties
        ("442000001", "township"),  # 中山市
        ("460400100", "township"),  # 儋州市
        ("４２１２２１", "county"),  # full-width digits
        (" 421221 ", "county"),
    ],
)
def test_valid_codes_and_levels(code: str, level: str) -> None:
    assert validate_division_code(code) == []
    assert validate_division_code(code, level) == []  # type: ignore[arg-type]
    assert division_level(code) == level
    assert division_code_valid(code)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("42122", "division.bad_format"),
        ("4212210", "division.bad_format"),
        ("4212211001", "division.bad_format"),
        ("421221100000", "division.bad_format"),  # 12-digit statistical code
        ("42122A", "division.bad_format"),
        ("421-221", "division.bad_format"),
        ("100000", "division.bad_province"),
        ("000000", "division.bad_province"),
        ("160000", "division.bad_province"),
        ("241200", "division.bad_province"),
        ("381221", "division.bad_province"),
        ("470000", "division.bad_province"),
        ("551200", "division.bad_province"),
        ("661221", "division.bad_province"),
        ("720000", "division.bad_province"),
        ("900000", "division.bad_province"),
        ("421200100", "division.bad_township_parent"),  # parent is a city
        ("420000100", "division.bad_township_parent"),  # parent is a province
        ("421221000", "division.bad_township"),
    ],
)
def test_invalid_codes(code: str, message: str) -> None:
    [finding] = validate_division_code(code)
    assert finding.severity == "error"
    assert finding.code == message
    assert division_level(code) is None
    assert not division_code_valid(code)


@pytest.mark.parametrize(
    ("code", "wanted"),
    [
        ("421200", "province"),
        ("420000", "city"),
        ("421221", "city"),
        ("421200", "county"),
        ("421221", "township"),
        ("421221100", "county"),
    ],
)
def test_wrong_level(code: str, wanted: str) -> None:
    [finding] = validate_division_code(code, wanted)  # type: ignore[arg-type]
    assert finding.severity == "error"
    assert finding.code == f"division.not_{wanted}"
    assert finding.message.params["code"] == code


def test_province_prefixes() -> None:
    expected = {
        *range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47),
        *range(50, 55), *range(61, 66), 71, 81, 82,
    }  # fmt: skip
    assert {int(p) for p in PROVINCE_PREFIXES} == expected
    assert len(PROVINCE_PREFIXES) == 34


def test_empty() -> None:
    assert validate_division_code("") == []
    assert validate_division_code("", "county") == []
    assert division_level("") is None
