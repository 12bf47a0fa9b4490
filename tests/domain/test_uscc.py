"""USCC checks (GB 32100-2015), against an independent reference implementation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldsurvey.domain.findings import Finding, errors, warnings
from fieldsurvey.domain.registration import REGISTRATION_TYPES, USCC_PREFIXES
from fieldsurvey.domain.uscc import (
    normalize_uscc,
    org_code_check_char,
    uscc_check_char,
    uscc_type_matches,
    uscc_valid,
    validate_uscc,
)

# --- a deliberately plain reference implementation, written from the standard ---
GB32100 = "0123456789ABCDEFGHJKLMNPQRTUWXY"
GB32100_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
GB11714 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
GB11714_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def ref_check(first17: str) -> str:
    total = 0
    for i in range(17):
        total += GB32100.index(first17[i]) * GB32100_WEIGHTS[i]
    c = 31 - total % 31
    if c == 31:
        c = 0
    return GB32100[c]


def ref_org_check(first8: str) -> str:
    total = 0
    for i in range(8):
        total += GB11714.index(first8[i]) * GB11714_WEIGHTS[i]
    c = 11 - total % 11
    if c == 10:
        return "X"
    if c == 11:
        return "0"
    return str(c)


def make(prefix8: str, body8: str) -> str:
    """A well-formed code: authority+kind+division, body, org check, check."""
    first17 = prefix8 + body8 + ref_org_check(body8)
    return first17 + ref_check(first17)


REAL_CODES = ["91330100799655058B", "914403001922038216"]

# Codes built with the reference implementation, written out so a reader can
# compare them; test_constructed_literals proves they are what make() gives.
CONSTRUCTED = {
    "social_group": "514212005081234588",
    "private_non_enterprise": "52421221MJ1234561L",
    "foundation": "534200003344556629",
    "community": "59421221123456788D",
    "law_firm": "31421200315400009W",
    "union": "81421221MC0000012A",
    "accounting_firm": "91421200MA4ABCDE3G",
}


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


# --- the two real codes ---------------------------------------------------------
@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass_without_any_finding(code: str) -> None:
    assert validate_uscc(code) == []
    assert ref_check(code[:17]) == code[17]
    assert ref_org_check(code[8:16]) == code[16]


@pytest.mark.parametrize("code", REAL_CODES)
@pytest.mark.parametrize("reg_type", ["accounting_firm", "intermediary", "other", None, ""])
def test_real_enterprise_codes_fit_types_without_fixed_prefix(code: str, reg_type: str) -> None:
    assert validate_uscc(code, reg_type) == []


def test_public_institution_code_with_letters_passes() -> None:
    # A real 事业单位 code with letters in the body (values A=10..Z=35 in GB 11714).
    assert validate_uscc("12440600MB2C07549J") == []


def test_constructed_literals() -> None:
    assert make("51421200", "50812345") == CONSTRUCTED["social_group"]
    assert make("52421221", "MJ123456") == CONSTRUCTED["private_non_enterprise"]
    assert make("53420000", "33445566") == CONSTRUCTED["foundation"]
    assert make("59421221", "12345678") == CONSTRUCTED["community"]
    assert make("31421200", "31540000") == CONSTRUCTED["law_firm"]
    assert make("81421221", "MC000001") == CONSTRUCTED["union"]
    assert make("91421200", "MA4ABCDE") == CONSTRUCTED["accounting_firm"]


# --- check characters --------------------------------------------------------------
@given(st.text(alphabet=GB32100, min_size=17, max_size=17))
def test_check_char_matches_reference(first17: str) -> None:
    assert uscc_check_char(first17) == ref_check(first17)


@given(st.text(alphabet=GB11714, min_size=8, max_size=8))
def test_org_check_char_matches_reference(first8: str) -> None:
    assert org_code_check_char(first8) == ref_org_check(first8)


@pytest.mark.parametrize(
    ("body", "check"),
    [("79965505", "8"), ("19220382", "1"), ("10000004", "0"), ("10000018", "X"),
     ("MB2C0754", "9"), ("MA1BUFLT", "4")],
)  # fmt: skip
def test_org_check_char_examples(body: str, check: str) -> None:
    assert org_code_check_char(body) == check


def test_check_char_zero_case() -> None:
    # A sum divisible by 31 gives check 0 ("31 -> 0").
    assert uscc_check_char("0" * 17) == "0"


@pytest.mark.parametrize("bad", ["", "0" * 16, "0" * 18, "I" + "0" * 16, "a" * 17])
def test_check_char_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValueError, match="17"):
        uscc_check_char(bad)


@pytest.mark.parametrize("bad", ["", "1234567", "123456789", "1234567-", "1234567a"])
def test_org_check_char_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValueError, match="8"):
        org_code_check_char(bad)


@given(
    st.sampled_from([*REAL_CODES, *CONSTRUCTED.values()]),
    st.integers(min_value=0, max_value=16),
    st.sampled_from(GB32100),
)
def test_every_single_substitution_is_an_error(code: str, pos: int, ch: str) -> None:
    typo = code[:pos] + ch + code[pos + 1 :]
    if typo == code:
        return
    assert codes(errors(validate_uscc(typo))) == ["uscc.bad_check"]


# --- registration types ----------------------------------------------------------
@pytest.mark.parametrize(("reg_type", "code"), CONSTRUCTED.items())
def test_constructed_code_fits_its_type(reg_type: str, code: str) -> None:
    assert validate_uscc(code, reg_type) == []
    assert uscc_type_matches(code, reg_type)


@pytest.mark.parametrize(
    ("reg_type", "code", "mismatch"),
    [
        ("social_group", CONSTRUCTED["private_non_enterprise"], True),
        ("social_group", CONSTRUCTED["foundation"], True),
        ("social_group", REAL_CODES[0], True),
        ("private_non_enterprise", CONSTRUCTED["social_group"], True),
        ("foundation", CONSTRUCTED["social_group"], True),
        ("community", CONSTRUCTED["social_group"], False),
        ("community", CONSTRUCTED["private_non_enterprise"], False),
        ("community", CONSTRUCTED["foundation"], False),
        ("community", CONSTRUCTED["law_firm"], True),
        ("community", REAL_CODES[1], True),
        ("law_firm", CONSTRUCTED["social_group"], True),
        ("law_firm", REAL_CODES[0], True),
        ("union", CONSTRUCTED["social_group"], True),
        ("union", REAL_CODES[0], True),
        ("accounting_firm", CONSTRUCTED["law_firm"], False),  # lenient: 3 passes
        ("accounting_firm", CONSTRUCTED["social_group"], True),
        ("accounting_firm", CONSTRUCTED["union"], True),
        ("intermediary", CONSTRUCTED["union"], False),
        ("intermediary", CONSTRUCTED["social_group"], False),
        ("other", CONSTRUCTED["law_firm"], False),
        ("no_such_type", CONSTRUCTED["law_firm"], False),
    ],
)
def test_type_cross_check(reg_type: str, code: str, mismatch: bool) -> None:
    findings = validate_uscc(code, reg_type)
    assert errors(findings) == []
    assert codes(warnings(findings)) == (["uscc.type_mismatch"] if mismatch else [])
    assert uscc_type_matches(code, reg_type) is not mismatch


def test_type_mismatch_params() -> None:
    [finding] = validate_uscc(CONSTRUCTED["foundation"], "social_group")
    assert finding.severity == "warning"
    assert dict(finding.message.params) == {
        "prefix": "53", "expected": "51", "registration_type": "social_group",
    }  # fmt: skip
    [finding] = validate_uscc(REAL_CODES[0], "community")
    assert finding.message.params["expected"] == "51/52/53/59"


def test_mapping_table_covers_every_form_type() -> None:
    assert set(REGISTRATION_TYPES) == {
        "social_group", "private_non_enterprise", "foundation", "intermediary",
        "community", "law_firm", "accounting_firm", "other",
    }  # fmt: skip
    assert USCC_PREFIXES["union"] == ("81",)


# --- errors and warnings -------------------------------------------------------------
def test_empty_is_not_a_finding() -> None:
    assert validate_uscc("") == []
    assert validate_uscc("   ") == []
    assert validate_uscc("\u3000") == []
    assert uscc_valid("")
    assert uscc_type_matches("", "social_group")


@pytest.mark.parametrize("code", [REAL_CODES[0][:17], REAL_CODES[0] + "1", "9133", "9" * 30])
def test_wrong_length(code: str) -> None:
    [finding] = validate_uscc(code)
    assert finding.severity == "error"
    assert finding.code == "uscc.wrong_length"
    assert finding.message.params["length"] == len(code)
    assert not uscc_valid(code)


@pytest.mark.parametrize("bad", ["I", "O", "Z", "S", "V", "-", "*", "汉"])
def test_illegal_characters(bad: str) -> None:
    code = REAL_CODES[0][:10] + bad + REAL_CODES[0][11:]
    [finding] = validate_uscc(code)
    assert finding.severity == "error"
    assert finding.code == "uscc.illegal_chars"
    assert finding.message.params["chars"] == bad
    assert finding.message.params["positions"] == "11"


def test_illegal_characters_and_wrong_length_both_reported() -> None:
    findings = validate_uscc("91O3")
    assert codes(findings) == ["uscc.wrong_length", "uscc.illegal_chars"]
    assert all(f.severity == "error" for f in findings)


def test_illegal_characters_listed_once_with_every_position() -> None:
    [finding] = validate_uscc("9I330100799655O5IB")
    assert finding.message.params == {"chars": "I、O", "positions": "2, 15, 17"}


def test_bad_check_reports_expected_character() -> None:
    code = REAL_CODES[0][:17] + "C"
    findings = validate_uscc(code, "social_group")
    # only the error: a mistyped code gets no further warnings
    assert len(findings) == 1
    [finding] = findings
    assert finding.severity == "error"
    assert finding.code == "uscc.bad_check"
    assert finding.message.params == {"expected": "B", "actual": "C"}


def test_bad_org_check_is_a_warning() -> None:
    # position 17 wrong (should be 8), character 18 recomputed so that it is right
    first17 = REAL_CODES[0][:16] + "7"
    code = first17 + ref_check(first17)
    [finding] = validate_uscc(code)
    assert finding.severity == "warning"
    assert finding.code == "uscc.bad_org_check"
    assert finding.message.params == {"expected": "8", "actual": "7"}
    assert uscc_valid(code)


def test_bad_division_is_a_warning() -> None:
    code = make("51A2B200", "50812345")
    [finding] = validate_uscc(code)
    assert finding.severity == "warning"
    assert finding.code == "uscc.bad_division"
    assert finding.message.params == {"division": "A2B200"}
    assert uscc_valid(code)


def test_national_registration_division_is_fine() -> None:
    # organizations registered with the Ministry of Civil Affairs use 100000
    assert validate_uscc(make("51100000", "50000001"), "social_group") == []


def test_warnings_accumulate() -> None:
    first17 = "53A2B200" + "50812345" + "1"  # org check of 50812345 is 8
    code = first17 + ref_check(first17)
    assert codes(validate_uscc(code, "union")) == [
        "uscc.bad_org_check", "uscc.bad_division", "uscc.type_mismatch",
    ]  # fmt: skip


# --- normalization -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("91330100799655058B", "91330100799655058B"),
        ("91330100799655058b", "91330100799655058B"),
        (" 9133 0100 7996 5505 8B ", "91330100799655058B"),
        ("９１３３０１００７９９６５５０５８Ｂ", "91330100799655058B"),
        ("９１３３０１００\u3000７９９６５５０５８ｂ", "91330100799655058B"),
        ("9133\t0100\n79965505 8B", "91330100799655058B"),
        ("91330100799655058o", "91330100799655058O"),  # not silently "fixed"
    ],
)
def test_normalize(typed: str, stored: str) -> None:
    assert normalize_uscc(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "９１３３０１００７９９６５５０５８Ｂ",
        "91330100799655058b",
        "９１４４ ０３００ １９２２ ０３８２ １６",
    ],
)
def test_full_width_and_lower_case_input_validates(typed: str) -> None:
    assert validate_uscc(typed) == []


def test_full_width_bad_check_still_an_error() -> None:
    assert codes(validate_uscc("９１３３０１００７９９６５５０５８Ｃ")) == ["uscc.bad_check"]
