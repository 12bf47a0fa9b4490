"""Findings, and that every message the domain checks emit is worded in both languages."""

from __future__ import annotations

import pytest

from fieldsurvey.domain.division import validate_division_code
from fieldsurvey.domain.findings import (
    Finding,
    error,
    errors,
    has_errors,
    to_halfwidth,
    warning,
    warnings,
)
from fieldsurvey.domain.phone import validate_phone
from fieldsurvey.domain.uscc import uscc_check_char, validate_uscc
from fieldsurvey.messages import LANGUAGES, Message, catalogue, placeholders


def test_finding_helpers() -> None:
    e = error("uscc.bad_check", expected="B", actual="C")
    w = warning("uscc.type_mismatch", prefix="91", expected="51")
    assert e == Finding("error", Message("uscc.bad_check", {"expected": "B", "actual": "C"}))
    assert e.is_error and not w.is_error
    assert e.code == "uscc.bad_check"
    assert errors([e, w]) == [e]
    assert warnings([e, w]) == [w]
    assert has_errors([w, e]) and not has_errors([w])


def test_a_param_may_be_called_code() -> None:
    assert error("division.bad_format", code="1").message.params == {"code": "1"}


def test_to_halfwidth() -> None:
    assert to_halfwidth("ＡＢＣ１２３（）－＋\u3000ａ") == "ABC123()-+ a"
    assert to_halfwidth("社会组织") == "社会组织"


def _sample_findings() -> list[Finding]:
    """One sample of every finding the domain checks can produce."""
    first17 = "53A2B200" + "50812345" + "1"  # bad division, bad org check (8)
    return [
        *validate_uscc("9133"),
        *validate_uscc("9I330100799655058B"),
        *validate_uscc("91330100799655058C"),
        *validate_uscc(first17 + uscc_check_char(first17), "union"),
        *validate_phone("abc"),
        *validate_phone("8123456"),
        *validate_phone("1380013800"),
        *validate_division_code("42122"),
        *validate_division_code("991221"),
        *validate_division_code("421200100"),
        *validate_division_code("421221000"),
        *validate_division_code("421221100", "province"),
        *validate_division_code("421221100", "city"),
        *validate_division_code("421221100", "county"),
        *validate_division_code("421221", "township"),
    ]


def test_samples_cover_every_code() -> None:
    found = {f.code for f in _sample_findings()}
    assert found >= {
        "uscc.wrong_length", "uscc.illegal_chars", "uscc.bad_check", "uscc.bad_org_check",
        "uscc.bad_division", "uscc.type_mismatch",
        "phone.invalid", "phone.missing_area_code", "phone.mobile_length",
        "division.bad_format", "division.bad_province", "division.bad_township_parent",
        "division.bad_township", "division.not_province", "division.not_city",
        "division.not_county", "division.not_township",
    }  # fmt: skip


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_finding_is_worded(lang: str) -> None:
    texts = catalogue(lang)
    for finding in _sample_findings():
        template = texts.get(finding.code)
        assert template, f"{finding.code} missing in {lang}.toml"
        assert placeholders(template) <= set(finding.message.params), finding.code
        rendered = finding.message.render(lang)
        assert "{" not in rendered, rendered


def test_domain_sections_have_the_same_keys_in_both_languages() -> None:
    zh, en = catalogue("zh"), catalogue("en")
    for section in ("uscc.", "phone.", "division."):
        assert {k for k in zh if k.startswith(section)} == {k for k in en if k.startswith(section)}
