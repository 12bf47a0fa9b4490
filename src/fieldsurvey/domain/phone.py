"""Mainland China phone numbers as officers write them down.

Accepted (after folding full-width characters and dropping spaces):

- mobiles: 11 digits ``1[3-9]xxxxxxxxx``, optionally prefixed ``+86``,
  ``0086``, ``86`` or ``(+86)``, optionally grouped ``138-0013-8000``;
- landlines with an area code: ``0715-8123456``, ``(027)87654321``,
  ``02787654321``, ``027-87654321-123`` (extension), ``0715-8123456转123``;
  with ``+86`` the area code's leading 0 may be left out (``+86 27 87654321``).
  Area codes are 3 digits for 010 and 020-029 and 4 digits otherwise, so a
  number without separators can still be split. Local numbers have 7 or 8
  digits and do not start with 0 or 1;
- service numbers ``400`` / ``800`` plus 7 digits (``400-123-4567``).

A local number without area code is an error: the record travels to the
county and the city, where the area code is no longer obvious.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from fieldsurvey.domain.findings import Finding, error, has_errors, to_halfwidth

PhoneKind = Literal["mobile", "landline", "service"]

# Dashes of every width an input method may produce (the full-width one is
# already folded by to_halfwidth).
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−", "-"))
_SPACE = re.compile(r"\s+")
_COUNTRY = re.compile(r"^(?:\(\+?86\)|\+\(86\)|\+86|0086)-?")
_EXTENSION = re.compile(r"^(?P<main>.+?)(?:转|分机|ext\.?|x|#|,)(?P<ext>\d{1,6})$", re.IGNORECASE)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SERVICE = re.compile(r"^(?:400|800)\d{7}$")
_LANDLINE = re.compile(r"^(?P<area>010|02\d|0[3-9]\d{2})(?P<local>[2-9]\d{6,7})$")
_LOCAL_ONLY = re.compile(r"^[2-9]\d{6,7}$")
_SEPARATORS = re.compile(r"[-()]+")


@dataclass(frozen=True)
class Phone:
    """A recognized number: its kind and the digits of its parts."""

    kind: PhoneKind
    number: str  # mobile / service: all digits; landline: the local number
    area: str = ""
    extension: str = ""

    def formatted(self) -> str:
        if self.kind == "mobile":
            return self.number
        ext = f"-{self.extension}" if self.extension else ""
        if self.kind == "service":
            return f"{self.number[:3]}-{self.number[3:6]}-{self.number[6:]}{ext}"
        return f"{self.area}-{self.number}{ext}"


def _clean(text: str) -> str:
    """Half-width, single kind of dash, no spaces."""
    return _SPACE.sub("", to_halfwidth(text).translate(_DASHES))


def _classify(digits: str, extension: str, international: bool) -> Phone | None:
    if international:
        if not (_MOBILE.match(digits) or _SERVICE.match(digits) or digits.startswith("0")):
            digits = "0" + digits  # +86 27 87654321: the trunk 0 is dropped abroad
    elif len(digits) == 13 and digits.startswith("86") and _MOBILE.match(digits[2:]):
        digits = digits[2:]  # 8613800138000
    if _MOBILE.match(digits):
        return None if extension else Phone("mobile", digits)
    if _SERVICE.match(digits):
        return Phone("service", digits, extension=extension)
    landline = _LANDLINE.match(digits)
    if landline:
        return Phone("landline", landline["local"], landline["area"], extension)
    return None


def parse_phone(text: str) -> Phone | None:
    """The number ``text`` stands for, or ``None`` when it is not a valid number."""
    value = _clean(text)
    if not value:
        return None
    extension = ""
    ext_match = _EXTENSION.match(value)
    if ext_match:
        value, extension = ext_match["main"], ext_match["ext"]
    country = _COUNTRY.match(value)
    international = country is not None
    if country:
        value = value[country.end() :]
    groups = [g for g in _SEPARATORS.split(value) if g]
    if not groups or not all(g.isdigit() for g in groups):
        return None
    found = _classify("".join(groups), extension, international)
    if found is None and not extension and len(groups) >= 2 and len(groups[-1]) <= 6:
        # 027-87654321-123: the last group is an extension, if the rest is a
        # landline or service number (mobiles have no extensions)
        rest = _classify("".join(groups[:-1]), groups[-1], international)
        if rest is not None:
            found = rest
    return found


def normalize_phone(text: str) -> str:
    """The number in one canonical spelling, or ``text`` tidied when not recognized.

    Mobiles become 11 digits (country prefix dropped), landlines
    ``area-local[-extension]``, service numbers ``400-123-4567``.
    Unrecognized text is returned half-width with its spaces removed, for the
    officer to correct.
    """
    phone = parse_phone(text)
    return phone.formatted() if phone else _clean(text)


def validate_phone(text: str) -> list[Finding]:
    """Findings for a phone number as typed; ``[]`` when it is fine or empty."""
    value = _clean(text)
    if not value or parse_phone(value) is not None:
        return []
    digits = _SEPARATORS.sub("", value)
    if digits.isdigit() and _LOCAL_ONLY.match(digits):
        return [error("phone.missing_area_code", text=text.strip())]
    if digits.isdigit() and digits.startswith("1") and len(digits) != 11:
        return [error("phone.mobile_length", text=text.strip(), length=len(digits))]
    return [error("phone.invalid", text=text.strip())]


def phone_valid(text: str) -> bool:
    """``True`` unless the number has an error (the form's ``phone-valid(x)``)."""
    return not has_errors(validate_phone(text))
