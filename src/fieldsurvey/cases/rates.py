"""Rates as every screen, table and file shows them, and when a target counts as reached.

One spelling for the officer's dashboard, the county and city tables, the PDFs
and the command line: two decimals, rounded half up (37/457 is 8.10%, as the
published tables print it). Integers throughout, so no binary fraction tips a
boundary. Excel cells hold the exact ratio with a ``0.00%`` format, which Excel,
WPS and LibreOffice round the same way, so the file shows the same text.

"Target reached" is judged on the exact ratio, never on the rounded text (84.996%
shows as 85.00% but has not reached 85%), and only once the census has covered
:data:`CENSUS_SHARE_FOR_TARGET` of the register: after one visit out of 29, one
union is no 100% coverage worth celebrating.
"""

from __future__ import annotations

from fractions import Fraction

#: The campaign's coverage target 建会率 (Xianning: about 85%).
COVERAGE_TARGET = Fraction(85, 100)
#: The share of the register that must have been visited before a target is judged.
CENSUS_SHARE_FOR_TARGET = Fraction(9, 10)
#: What a rate with nothing to divide by shows.
NO_VALUE = "—"
#: The Excel number format that shows an exact ratio as :func:`rate_text` does.
EXCEL_RATE_FORMAT = "0.00%"


def rate_hundredths(part: int, whole: int) -> int | None:
    """``part / whole`` in hundredths of a percent, rounded half up; ``None`` for 0 whole."""
    if whole <= 0:
        return None
    # round(x) with x = part * 10000 / whole, half up: floor((2 * part * 10000 + whole)
    # / (2 * whole)), exact in integers.
    return (2 * part * 10000 + whole) // (2 * whole)


def rate_text(part: int, whole: int) -> str:
    """``8.10%``; :data:`NO_VALUE` when ``whole`` is 0."""
    hundredths = rate_hundredths(part, whole)
    if hundredths is None:
        return NO_VALUE
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


def rate_value(part: int, whole: int) -> float | None:
    """The exact ratio as a float for a spreadsheet cell (shown with :data:`EXCEL_RATE_FORMAT`)."""
    return part / whole if whole > 0 else None


def target_text(target: Fraction = COVERAGE_TARGET) -> str:
    """``85%``; a target that is not a whole percentage keeps its decimals (``85.5%``)."""
    percent = target * 100
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    return f"{float(percent):g}%"


def census_share_text() -> str:
    """The census share as text, for the footnotes (``90%``)."""
    return target_text(CENSUS_SHARE_FOR_TARGET)


def unions_to_target(with_union: int, operating: int,
                     target: Fraction = COVERAGE_TARGET) -> int:
    """How many more unions reach ``target`` at this operating count (0 when reached)."""
    needed = -(-target.numerator * operating // target.denominator)  # ceil, exact
    return max(0, needed - with_union)


def census_complete_enough(visited: int, registered: int) -> bool:
    """Whether enough of the register has been visited to judge the target."""
    return registered > 0 and Fraction(visited, registered) >= CENSUS_SHARE_FOR_TARGET


def target_reached(with_union: int, operating: int, visited: int, registered: int,
                   target: Fraction = COVERAGE_TARGET) -> bool | None:
    """``True``/``False`` once the census allows a judgement, else ``None`` (too early)."""
    if operating <= 0 or not census_complete_enough(visited, registered):
        return None
    return Fraction(with_union, operating) >= target
