"""The unified social credit code (统一社会信用代码, USCC), GB 32100-2015.

Layout of the 18 characters (positions 1-based)::

    1      registering authority (5 civil affairs, 3 justice, 8 unions, 9 market regulation)
    2      kind under that authority (for 5: 1 社会团体, 2 民办非企业单位, 3 基金会, 9 other)
    3-8    division code of the registering authority (6 digits, GB/T 2260)
    9-17   organization code (GB 11714); position 17 is its own check character
    18     check character over positions 1-17

What is an error and what a warning:

- empty: no finding (whether the code is required is the form's business);
- wrong length, characters outside the alphabet, wrong character 18: errors.
  A single mistyped character among 1-17 always changes character 18 (the
  weights are non-zero modulo the prime 31), so this catches typing slips;
- position 17 not the GB 11714 check of positions 9-16: *warning* (see
  :func:`_org_code_findings` for why);
- positions 3-8 not six digits: warning;
- characters 1-2 disagree with the registration type: warning the officer
  may override (table in :mod:`fieldsurvey.domain.registration`).

Warnings are only looked for once the code has no error: a code with a wrong
check character is mistyped, and more findings about it would only be noise.
"""

from __future__ import annotations

import re

from fieldsurvey.domain.findings import Finding, error, has_errors, to_halfwidth, warning
from fieldsurvey.domain.registration import expected_prefixes

#: GB 32100 code alphabet; a character's value is its index. I, O, Z, S, V are
#: left out to avoid confusion with 1, 0, 2, 5, U.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUES = {ch: i for i, ch in enumerate(ALPHABET)}

#: GB 11714-1997 organization code alphabet: digits and all 26 letters, A = 10 ... Z = 35
#: (unlike GB 32100, letters are numbered without gaps).
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUES = {ch: i for i, ch in enumerate(_ORG_ALPHABET)}

_SPACE = re.compile(r"\s+")


def normalize_uscc(text: str) -> str:
    """The code as it should be stored: no spaces, half-width, upper case.

    Full-width letters and digits (from a Chinese input method) become ASCII;
    spaces anywhere, including the ideographic space, are removed. Nothing
    else is changed: a stray ``I`` or ``O`` is left for the check to report,
    not silently turned into ``1`` or ``0``.
    """
    return _SPACE.sub("", to_halfwidth(text)).upper()


def uscc_check_char(first17: str) -> str:
    """Character 18 for the given first 17 characters (GB 32100-2015).

    Raises :class:`ValueError` unless ``first17`` is 17 characters of the alphabet.
    """
    if len(first17) != LENGTH - 1 or any(ch not in _VALUES for ch in first17):
        raise ValueError(f"need 17 characters of {ALPHABET!r}, got {first17!r}")
    total = sum(_VALUES[ch] * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """Check character of an organization code body (GB 11714-1997).

    ``11 - (sum of value x weight mod 11)``, where 10 is written ``X`` and 11 ``0``.
    Raises :class:`ValueError` unless ``first8`` is 8 digits or capital letters.
    """
    if len(first8) != 8 or any(ch not in _ORG_VALUES for ch in first8):
        raise ValueError(f"need 8 digits or capital letters, got {first8!r}")
    total = sum(_ORG_VALUES[ch] * w for ch, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return "X"
    if check == 11:
        return "0"
    return str(check)


def validate_uscc(code: str, registration_type: str | None = None) -> list[Finding]:
    """Findings for a USCC as typed; ``[]`` when it is fine or empty.

    ``code`` is normalized first (:func:`normalize_uscc`), so full-width or
    lower-case typing is not itself a problem; store the normalized form.
    ``registration_type`` is a ``reg_type`` choice code of the form (or
    ``union`` for a trade union's own code); ``None`` skips the cross-check.
    """
    value = normalize_uscc(code)
    if not value:
        return []
    findings: list[Finding] = []
    if len(value) != LENGTH:
        findings.append(error("uscc.wrong_length", length=len(value), expected=LENGTH))
    illegal = [ch for ch in dict.fromkeys(value) if ch not in _VALUES]
    if illegal:
        findings.append(
            error(
                "uscc.illegal_chars",
                chars="、".join(illegal),
                positions=", ".join(str(i + 1) for i, ch in enumerate(value) if ch in illegal),
            )
        )
    if findings:
        return findings
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        return [error("uscc.bad_check", expected=expected, actual=value[17])]
    findings += _org_code_findings(value)
    division = value[2:8]
    if not division.isdigit():
        findings.append(warning("uscc.bad_division", division=division))
    findings += _type_findings(value, registration_type)
    return findings


def _org_code_findings(value: str) -> list[Finding]:
    """Warn when position 17 is not the GB 11714 check of positions 9-16.

    This is a *warning*, not an error. GB 32100 makes character 18 the check
    of the whole code, and that one already catches every single-character
    slip in positions 1-17: a code whose character 18 is right but whose
    position 17 is not was almost certainly *issued* that way, not mistyped.
    Positions 9-17 are the "subject identifier" taken over from the old
    organization code; most codes satisfy GB 11714 (both reference codes do:
    79965505-8 and 19220382-1), but codes were issued in bulk by many
    registration systems during the 2015-2017 switch-over, and issued codes
    are known to deviate from the check rules (some Xiamen codes issued
    before 2016 even fail character 18, e.g. 91350203M0001QKT19). The officer
    copies the code from a certificate and cannot fix it, so blocking the
    answer would block the visit record: we flag it for a second look instead.
    """
    expected = org_code_check_char(value[8:16])
    if value[16] != expected:
        return [warning("uscc.bad_org_check", expected=expected, actual=value[16])]
    return []


def _type_findings(value: str, registration_type: str | None) -> list[Finding]:
    prefixes = expected_prefixes(registration_type)
    if prefixes is None or value.startswith(prefixes):
        return []
    return [
        warning(
            "uscc.type_mismatch",
            prefix=value[:2],
            expected="/".join(prefixes),
            registration_type=registration_type,
        )
    ]


def uscc_valid(code: str) -> bool:
    """``True`` unless the code has an error (the form's ``uscc-valid(x)``).

    An empty value is valid: whether an answer is needed is ``required``'s job.
    """
    return not has_errors(validate_uscc(code))


def uscc_type_matches(code: str, registration_type: str | None) -> bool:
    """``False`` only when a well-formed code disagrees with the registration type.

    The form's ``uscc-type-matches(x, reg_type)``. An empty or malformed code,
    or a type without a fixed prefix, is not a mismatch: the error (if any)
    is ``uscc-valid``'s to report.
    """
    return not any(f.code == "uscc.type_mismatch" for f in validate_uscc(code, registration_type))
