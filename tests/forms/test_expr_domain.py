"""fieldsurvey's own form functions, which call into fieldsurvey.domain."""

from __future__ import annotations

import pytest

from fieldsurvey.forms.expr import MappingContext, Value, evaluate, parse

VALID_USCC = "91330100799655058B"
BAD_CHECK_USCC = "91330100799655058C"


@pytest.mark.parametrize(
    ("source", "values", "expected"),
    [
        pytest.param("uscc-valid(${c})", {"c": VALID_USCC}, True, id="uscc-valid"),
        pytest.param("uscc-valid(${c})", {"c": BAD_CHECK_USCC}, False, id="uscc-bad-check"),
        pytest.param("uscc-valid(${c})", {"c": None}, True, id="uscc-empty"),
        pytest.param("uscc-valid(${c})", {"c": "9133"}, False, id="uscc-too-short"),
        pytest.param(
            "uscc-type-matches(${c}, ${t})",
            {"c": VALID_USCC, "t": "foundation"},
            False,
            id="uscc-91-is-not-a-foundation",
        ),
        pytest.param(
            "uscc-type-matches(${c}, ${t})",
            {"c": VALID_USCC, "t": "accounting_firm"},
            True,
            id="uscc-91-can-be-an-accounting-firm",
        ),
        pytest.param(
            "uscc-type-matches(${c}, ${t})",
            {"c": VALID_USCC, "t": None},
            True,
            id="uscc-no-type-no-mismatch",
        ),
        pytest.param(
            "uscc-type-matches(${c}, ${t})",
            {"c": None, "t": "foundation"},
            True,
            id="uscc-empty-code-no-mismatch",
        ),
        pytest.param("phone-valid(.)", {}, True, id="phone-empty"),
        pytest.param("phone-valid('13812345678')", {}, True, id="phone-mobile"),
        pytest.param("phone-valid('0715-8123456')", {}, True, id="phone-landline"),
        pytest.param("phone-valid('12345')", {}, False, id="phone-short"),
        pytest.param("phone-valid('8123456')", {}, False, id="phone-no-area-code"),
        pytest.param("division-code-valid('421221')", {}, True, id="division-county"),
        pytest.param("division-code-valid('421221100')", {}, True, id="division-township"),
        pytest.param("division-code-valid('999999')", {}, False, id="division-bad-province"),
        pytest.param("division-code-valid('4212211')", {}, False, id="division-bad-length"),
        pytest.param("division-code-valid(${c})", {"c": ""}, True, id="division-empty"),
        pytest.param(
            "not(uscc-valid(${c})) or uscc-type-matches(${c}, ${t})",
            {"c": BAD_CHECK_USCC, "t": "foundation"},
            True,
            id="constraint-combination",
        ),
    ],
)
def test_domain_function(source: str, values: dict[str, Value], expected: bool) -> None:
    assert evaluate(parse(source), MappingContext(values)) is expected
