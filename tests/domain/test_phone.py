"""Phone numbers: mobiles, landlines with area code, 400/800 service numbers."""

from __future__ import annotations

import pytest

from fieldsurvey.domain.phone import normalize_phone, parse_phone, phone_valid, validate_phone

VALID = [
    # typed, canonical
    ("13800138000", "13800138000"),
    ("19912345678", "19912345678"),
    ("138 0013 8000", "13800138000"),
    ("138-0013-8000", "13800138000"),
    ("+86 138 0013 8000", "13800138000"),
    ("+8613800138000", "13800138000"),
    ("(+86)13800138000", "13800138000"),
    ("0086 13800138000", "13800138000"),
    ("86 13800138000", "13800138000"),
    ("8613800138000", "13800138000"),
    ("0715-8123456", "0715-8123456"),
    ("07158123456", "0715-8123456"),
    ("0715 8123456", "0715-8123456"),
    ("(0715)8123456", "0715-8123456"),
    ("(027)87654321", "027-87654321"),
    ("027-87654321", "027-87654321"),
    ("02787654321", "027-87654321"),
    ("010-62345678", "010-62345678"),
    ("0755-8765-4321", "0755-87654321"),
    ("027-87654321-123", "027-87654321-123"),
    ("0715-8123456转8001", "0715-8123456-8001"),
    ("0715-8123456分机12", "0715-8123456-12"),
    ("027 8765 4321 ext 12", "027-87654321-12"),
    ("027-87654321#5", "027-87654321-5"),
    ("+86 27 87654321", "027-87654321"),
    ("0086-715-8123456", "0715-8123456"),
    ("+86 027 87654321", "027-87654321"),
    ("4001234567", "400-123-4567"),
    ("400-123-4567", "400-123-4567"),
    ("400 1234 567", "400-123-4567"),
    ("800-810-8888", "800-810-8888"),
    ("400-123-4567转2", "400-123-4567-2"),
    # full-width digits and separators from a Chinese input method
    ("１３８００１３８０００", "13800138000"),
    ("０７１５－８１２３４５６", "0715-8123456"),
    ("（０２７）８７６５４３２１", "027-87654321"),
    ("＋８６\u3000１３８\u3000００１３\u3000８０００", "13800138000"),
    ("027—87654321", "027-87654321"),
    ("027–87654321", "027-87654321"),
]


@pytest.mark.parametrize(("typed", "canonical"), VALID)
def test_valid_numbers(typed: str, canonical: str) -> None:
    assert validate_phone(typed) == []
    assert phone_valid(typed)
    assert normalize_phone(typed) == canonical


@pytest.mark.parametrize(("typed", "canonical"), VALID)
def test_normalized_form_is_stable(typed: str, canonical: str) -> None:
    assert normalize_phone(canonical) == canonical
    assert validate_phone(canonical) == []


@pytest.mark.parametrize(
    ("typed", "kind", "area", "extension"),
    [
        ("13800138000", "mobile", "", ""),
        ("0715-8123456", "landline", "0715", ""),
        ("027-87654321-123", "landline", "027", "123"),
        ("400-123-4567", "service", "", ""),
    ],
)
def test_parse(typed: str, kind: str, area: str, extension: str) -> None:
    phone = parse_phone(typed)
    assert phone is not None
    assert (phone.kind, phone.area, phone.extension) == (kind, area, extension)


def test_empty_is_not_a_finding() -> None:
    assert validate_phone("") == []
    assert validate_phone("  \u3000") == []
    assert phone_valid("")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("8123456", "phone.missing_area_code"),
        ("87654321", "phone.missing_area_code"),
        ("1380013800", "phone.mobile_length"),
        ("138001380001", "phone.mobile_length"),
        ("12315", "phone.mobile_length"),
        ("12800138000", "phone.invalid"),  # no mobile prefix 12
        ("23800138000", "phone.invalid"),
        ("010-12345678", "phone.invalid"),  # local numbers do not start with 1
        ("0715-0123456", "phone.invalid"),
        ("0715-812345", "phone.invalid"),  # local number too short
        ("0715-812345678", "phone.invalid"),  # too long
        ("027-87654321-1234567", "phone.invalid"),  # extension too long
        ("13800138000-12", "phone.mobile_length"),  # mobiles have no extension
        ("5001234567", "phone.invalid"),
        ("abc", "phone.invalid"),
        ("138OO138OOO", "phone.invalid"),
        ("无", "phone.invalid"),
        ("+1 202 555 0100", "phone.invalid"),
    ],
)
def test_invalid_numbers(typed: str, code: str) -> None:
    [finding] = validate_phone(typed)
    assert finding.severity == "error"
    assert finding.code == code
    assert finding.message.params["text"] == typed.strip()
    assert not phone_valid(typed)


def test_mobile_length_params() -> None:
    [finding] = validate_phone("1380013800")
    assert finding.message.params == {"text": "1380013800", "length": 10}


def test_unrecognized_text_is_only_tidied() -> None:
    assert normalize_phone(" ０７１５－８１２ ") == "0715-812"
