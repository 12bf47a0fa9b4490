"""Administrative division codes (行政区划代码, GB/T 2260 and the township extension).

- province 省级: 6 digits ``XX0000``;
- city 地级: 6 digits ``XXXX00`` whose first four do not end in ``00``;
- county 县级: 6 digits whose last two are not ``00`` (this includes the
  county-level units directly under a province, e.g. 仙桃 429004, 济源 419001);
- township 乡级 (乡镇/街道/苏木): 9 digits, a county code plus 3 digits that are
  not ``000``. The exception: the three prefecture-level cities that have no
  counties (东莞 441900, 中山 442000, 儋州 460400) number their towns directly
  under the city code, e.g. 东莞市东城街道 441900003.

The first two digits must be a province-level unit (11-15, 21-23, 31-37,
41-46, 50-54, 61-65, 71 Taiwan, 81 Hong Kong, 82 Macao).
"""

from __future__ import annotations

import re
from typing import Literal

from fieldsurvey.domain.findings import Finding, error, to_halfwidth

Level = Literal["province", "city", "county", "township"]
LEVELS: tuple[Level, ...] = ("province", "city", "county", "township")

PROVINCE_PREFIXES: frozenset[str] = frozenset(
    f"{n:02d}"
    for lo, hi in ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65))
    for n in range(lo, hi + 1)
) | frozenset({"71", "81", "82"})

#: Prefecture-level cities without counties, whose townships sit directly under them.
CITIES_WITHOUT_COUNTIES: frozenset[str] = frozenset({"441900", "442000", "460400"})

_SPACE = re.compile(r"\s+")


def normalize_division_code(text: str) -> str:
    """Half-width digits, no spaces."""
    return _SPACE.sub("", to_halfwidth(text))


def _level_of_six(code: str) -> Level:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def _structure(code: str) -> tuple[Level | None, list[Finding]]:
    """The level a well-formed code has, or the errors that make it malformed."""
    if not code.isdigit() or len(code) not in (6, 9):
        return None, [error("division.bad_format", code=code)]
    if code[:2] not in PROVINCE_PREFIXES:
        return None, [error("division.bad_province", code=code, prefix=code[:2])]
    if len(code) == 6:
        return _level_of_six(code), []
    county, town = code[:6], code[6:]
    if _level_of_six(county) != "county" and county not in CITIES_WITHOUT_COUNTIES:
        return None, [error("division.bad_township_parent", code=code, parent=county)]
    if town == "000":
        return None, [error("division.bad_township", code=code)]
    return "township", []


def validate_division_code(code: str, level: Level | None = None) -> list[Finding]:
    """Findings for a division code; ``[]`` when it is fine or empty.

    With ``level``, the code must also be of that level (a city code where a
    county is wanted is an error).
    """
    value = normalize_division_code(code)
    if not value:
        return []
    actual, findings = _structure(value)
    if findings:
        return findings
    if level is not None and actual != level:
        # one message per wanted level, so each language can name the level
        return [error(f"division.not_{level}", code=value, actual=actual)]
    return []


def division_level(code: str) -> Level | None:
    """``province``, ``city``, ``county`` or ``township``; ``None`` if not a valid code."""
    value = normalize_division_code(code)
    return _structure(value)[0] if value else None


def division_code_valid(code: str) -> bool:
    """``True`` unless the code has an error (the form's ``division-code-valid(x)``)."""
    return not validate_division_code(code)
