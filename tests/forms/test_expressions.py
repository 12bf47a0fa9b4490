"""The expression engine against a table of XLSForm expressions and their values."""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from typing import Any

import pytest

from fieldsurvey import clock
from fieldsurvey.forms.expr import (
    MappingContext,
    NodeSet,
    Value,
    evaluate,
    parse,
    to_boolean,
    to_number,
    to_string,
)

NOW = datetime.datetime(2026, 11, 21, 10, 30)
TODAY_DAYS = 20778  # 2026-11-21 counted from 1970-01-01
NAN = math.nan
INF = math.inf

VALUES: Mapping[str, Value] = {
    "age": 34,
    "staff_total": 12,
    "name": "李明",
    "empty": None,
    "text_num": "42",
    "garbage": "abc",
    "zero": 0,
    "yes": True,
    "reasons": "cost other",
    "union_status": "joint",
    "has_union": "no",
    "province": "33",
    "d_past": "2026-01-05",
    "d_future": "2027-03-01",
    "d_obj": datetime.date(2026, 11, 20),
    "dt": "2026-11-21T08:00:00",
    "roster": NodeSet(("", "", "")),
    "members": NodeSet((3, 4.5, "2")),
    "no_members": NodeSet(()),
    "ages": NodeSet((17, 45, 2)),
    "with_blank": NodeSet((3, None)),
    "names": NodeSet(("a", "b", "c")),
}


def case(
    id: str,
    source: str,
    expected: object,
    current: Value = None,
    choice: Mapping[str, Value] | None = None,
) -> Any:
    return pytest.param(source, expected, current, choice, id=id)


CASES = [
    # literals
    case("integer", "1", 1.0),
    case("decimal", "2.5", 2.5),
    case("leading-dot-number", ".5", 0.5),
    case("single-quoted", "'abc'", "abc"),
    case("double-quoted-with-apostrophe", '"it\'s"', "it's"),
    case("field-ref-raw-value", "${name}", "李明"),
    # arithmetic and precedence
    case("add", "1 + 2", 3.0),
    case("subtract-left-assoc", "10 - 4 - 3", 3.0),
    case("multiply", "2 * 3.5", 7.0),
    case("div", "7 div 2", 3.5),
    case("div-left-assoc", "8 div 4 div 2", 1.0),
    case("mod", "7 mod 3", 1.0),
    case("mod-sign-of-dividend", "-7 mod 3", -1.0),
    case("mod-negative-divisor", "7 mod -3", 1.0),
    case("mod-fraction", "5.5 mod 2", 1.5),
    case("unary-minus-field", "-${age}", -34.0),
    case("double-negation", "- -3", 3.0),
    case("mul-before-add", "1 + 2 * 3", 7.0),
    case("parentheses", "(1 + 2) * 3", 9.0),
    case("unary-binds-tighter-than-mul", "-2 * -3", 6.0),
    case("div-before-sub", "10 - 6 div 3", 8.0),
    case("mod-before-add", "1 + 7 mod 4", 4.0),
    case("div-by-zero", "1 div 0", INF),
    case("negative-div-by-zero", "-1 div 0", -INF),
    case("zero-div-zero", "0 div 0", NAN),
    case("mod-by-zero", "5 mod 0", NAN),
    case("empty-in-arithmetic", "${empty} + 1", NAN),
    case("numeric-string-arithmetic", "${text_num} * 2", 84.0),
    case("boolean-arithmetic", "true() + true()", 2.0),
    case("name-with-dash-needs-spaces", "${age} - 4", 30.0),
    # comparisons
    case("eq-number", "${age} = 34", True),
    case("ne-number", "${age} != 34", False),
    case("eq-string-vs-number-is-numeric", "${text_num} = 42", True),
    case("eq-decimal-string-vs-number", "'42.0' = 42", True),
    case("eq-two-strings-is-textual", "'42.0' = '42'", False),
    case("eq-float-tolerance", "0.1 + 0.2 = 0.3", True),
    case("empty-equals-empty-string", "${empty} = ''", True),
    case("empty-is-not-zero", "${empty} = 0", False),
    case("empty-ne-zero", "${empty} != 0", True),
    case("bool-vs-string-compares-booleans", "${yes} = 'false'", True),
    case("lt", "1 < 2", True),
    case("le-equal", "2 <= 2", True),
    case("gt", "3 > 2", True),
    case("ge-false", "2 >= 3", False),
    case("relational-strings-are-numbers", "'10' > '9'", True),
    case("relational-nan-false", "'abc' < 1", False),
    case("relational-nan-both-false", "'abc' >= 'abc'", False),
    case("relational-before-equality", "1 < 2 = true()", True),
    case("and-before-or", "1 = 1 and 2 = 3 or 4 = 4", True),
    case("or-is-loosest", "1 = 2 or 1 = 1 and 2 = 3", False),
    case("and-with-parenthesised-operand", "${age} > 3 and (${zero} = 0)", True),
    case("string-is-truthy", "${garbage} and 1", True),
    case("empty-and-zero-falsy", "${empty} or ${zero}", False),
    # functions
    case("selected-yes", "selected(${reasons}, 'other')", True),
    case("selected-no-partial-match", "selected(${reasons}, 'oth')", False),
    case("selected-empty-answer", "selected(${empty}, 'other')", False),
    case("count-selected", "count-selected(${reasons})", 2.0),
    case("count-selected-empty", "count-selected(${empty})", 0.0),
    case("string-length-chinese", "string-length(${name})", 2.0),
    case("string-length-empty", "string-length(${empty})", 0.0),
    case("string-length-number", "string-length(12.50)", 4.0),
    case("regex-search-not-anchored", "regex('abc123', '[0-9]+')", True),
    case("regex-empty-value", "regex(${empty}, '^$')", True),
    case("concat-mixed", "concat('a', 1, ${empty}, true(), 2.5)", "a1true2.5"),
    case("concat-single", "concat(${age})", "34"),
    case("concat-nodeset-all-members", "concat(${names}, '!')", "abc!"),
    case("if-true", "if(${age} >= 18, 'adult', 'minor')", "adult"),
    case("if-false", "if(${age} < 18, 'minor', 'adult')", "adult"),
    case("if-untaken-branch-not-evaluated", "if(false(), regex('x', '('), 'ok')", "ok"),
    case("coalesce-empty-first", "coalesce(${empty}, 'fallback')", "fallback"),
    case("coalesce-keeps-first", "coalesce(${name}, 'x')", "李明"),
    case("int-truncates", "int(3.7)", 3.0),
    case("int-truncates-toward-zero", "int(-3.7)", -3.0),
    case("int-of-text-is-nan", "int('x')", NAN),
    case("number-of-string", "number('12.5')", 12.5),
    case("number-no-exponent", "number('1e3')", NAN),
    case("number-of-boolean", "number(true())", 1.0),
    case("number-of-empty", "number(${empty})", NAN),
    case("round-half-up", "round(2.5)", 3.0),
    case("round-half-away-from-zero", "round(-2.5)", -3.0),
    case("round-digits", "round(2.675, 2)", 2.68),
    case("round-negative-digits", "round(1234.5, -2)", 1200.0),
    case("round-nan", "round('x')", NAN),
    case("not", "not(true())", False),
    case("not-empty", "not(${empty})", True),
    case("true-and-false", "true() and false()", False),
    case("false-or-true", "false() or true()", True),
    # dates
    case("today", "today()", datetime.date(2026, 11, 21)),
    case("now", "now()", NOW),
    case("date-from-string", "date('2026-01-01')", datetime.date(2026, 1, 1)),
    case("date-plus-one-is-a-day-number", "date('2026-01-01') + 1", 20455.0),
    case("date-of-day-number", "date(date('2026-01-01') + 1)", datetime.date(2026, 1, 2)),
    case("date-of-zero", "date(0)", datetime.date(1970, 1, 1)),
    case("date-of-fraction", "date(1.5)", datetime.datetime(1970, 1, 2, 12)),
    case("date-of-empty", "date(${empty})", ""),
    case("date-difference", "today() - date('2026-11-01')", 20.0),
    case("decimal-date-time-string", "decimal-date-time('1970-01-02T12:00:00')", 1.5),
    case("decimal-date-time-now", "decimal-date-time(now())", TODAY_DAYS + 10.5 / 24),
    case("decimal-date-time-date", "decimal-date-time(today())", float(TODAY_DAYS)),
    case("past-iso-le-today", "${d_past} <= today()", True),
    case("future-iso-gt-today", "${d_future} > today()", True),
    case("future-iso-le-today", "${d_future} <= today()", False),
    case("date-object-lt-today", "${d_obj} < today()", True),
    case("two-iso-strings-order-as-dates", "${d_past} < ${d_future}", True),
    case("datetime-today-after-midnight", "${dt} < today()", False),
    case("datetime-within-today", "${dt} >= today() and ${dt} < today() + 1", True),
    case("date-eq-iso-string", "today() = '2026-11-21'", True),
    case("date-eq-day-number", "today() = 20778", True),
    case("iso-strings-eq-textually", "${d_past} = '2026-01-05'", True),
    case("empty-date-not-le-today", "${empty} <= today()", False),
    case("iso-string-plus-days", "date(${d_past} + 1)", datetime.date(2026, 1, 6)),
    case("iso-string-eq-day-number", "${d_past} = 20458", True),
    # repeats, whose fields are node-sets
    case("count-repeat", "count(${roster})", 3.0),
    case("count-empty-nodeset", "count(${no_members})", 0.0),
    case("count-scalar-is-one-node", "count(${age})", 1.0),
    case("sum-nodeset", "sum(${members})", 9.5),
    case("sum-empty-nodeset", "sum(${no_members})", 0.0),
    case("sum-with-blank-member", "sum(${with_blank})", NAN),
    case("nodeset-gt-existential", "${ages} > 40", True),
    case("nodeset-gt-none", "${ages} > 50", False),
    case("nodeset-eq-some-member", "${ages} = 2", True),
    case("nodeset-ne-some-member", "${ages} != 17", True),
    case("scalar-lt-nodeset", "3 < ${ages}", True),
    case("empty-nodeset-eq-nothing", "${no_members} = ''", False),
    case("empty-nodeset-vs-boolean", "${no_members} = false()", True),
    case("nodeset-arithmetic-uses-first", "${ages} + 1", 18.0),
    # relevance-style
    case("relevant-or", "${union_status} = 'own' or ${union_status} = 'joint'", True),
    case("relevant-selected", "selected(${reasons}, 'other')", True),
    case("relevant-not", "not(${has_union} = 'yes')", True),
    case("relevant-and", "selected(${reasons}, 'cost') and string-length(${name}) > 0", True),
    case("relevant-unanswered", "${empty} = 'yes'", False),
    # choice filters
    case("choice-filter-match", "county = ${province}", True, choice={"county": "33"}),
    case("choice-filter-no-match", "county = ${province}", False, choice={"county": "42"}),
    case(
        "choice-filter-two-columns",
        "county = ${province} and level != 'town'",
        True,
        choice={"county": "33", "level": "county"},
    ),
    case("choice-filter-missing-column", "county = ${province}", False, choice={}),
    # constraints on the current answer
    case("constraint-le-field", ". <= ${staff_total}", True, current=10),
    case("constraint-le-field-fails", ". <= ${staff_total}", False, current=13),
    case("constraint-phone-regex", "regex(., '^1[3-9][0-9]{9}$')", True, current="13812345678"),
    case("constraint-phone-too-short", "regex(., '^1[3-9][0-9]{9}$')", False, current="1381234567"),
    case("constraint-length-18", "string-length(.) = 18", True, current="91330100799655058B"),
    case("constraint-range-string-answer", ". >= 0 and . <= 100", True, current="50"),
    case("constraint-optional", "regex(., '^[0-9]{6}$') or . = ''", True, current=""),
    case("constraint-current-date", ". <= today()", True, current=datetime.date(2026, 1, 1)),
]


def assert_same(actual: Value, expected: object) -> None:
    """Equal and of the same kind: True must not pass for 1.0, nor NaN for anything."""
    if isinstance(expected, float):
        assert isinstance(actual, float), f"{actual!r} is not a number"
        if math.isnan(expected):
            assert math.isnan(actual)
        else:
            assert actual == pytest.approx(expected, rel=1e-12, abs=1e-9)
    else:
        assert type(actual) is type(expected), f"{actual!r} is not a {type(expected).__name__}"
        assert actual == expected


@pytest.mark.parametrize(("source", "expected", "current", "choice"), CASES)
def test_expression(
    source: str, expected: object, current: Value, choice: Mapping[str, Value] | None
) -> None:
    ctx = MappingContext(VALUES, current=current, choice=choice, now=NOW)
    assert_same(evaluate(parse(source), ctx), expected)


def test_table_is_big_enough() -> None:
    assert len(CASES) >= 70


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3.0, "3"),
        (2.5, "2.5"),
        (-0.0, "0"),
        (NAN, "NaN"),
        (INF, "Infinity"),
        (-INF, "-Infinity"),
        (1e21, "1000000000000000000000"),
        (1e-7, "0.0000001"),
        (12, "12"),
        (True, "true"),
        (False, "false"),
        (None, ""),
        (datetime.date(2026, 11, 21), "2026-11-21"),
        (NOW, "2026-11-21T10:30:00"),
        (NodeSet(()), ""),
        (NodeSet((1.0, 2.0)), "1"),
    ],
)
def test_to_string(value: Value, expected: str) -> None:
    assert to_string(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", NAN),
        (None, NAN),
        (" 12 ", 12.0),
        ("-.5", -0.5),
        ("1e3", NAN),
        ("inf", NAN),
        ("1_000", NAN),
        ("１２", NAN),
        (True, 1.0),
        (False, 0.0),
        (7, 7.0),
        (datetime.date(1970, 1, 11), 10.0),
        (datetime.datetime(1970, 1, 2, 6), 1.25),
        (NodeSet(()), NAN),
        (NodeSet(("4", "x")), 4.0),
    ],
)
def test_to_number(value: Value, expected: float) -> None:
    assert_same(to_number(value), expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, False),
        (NAN, False),
        (-1, True),
        ("", False),
        ("0", True),
        ("false", True),
        (None, False),
        (NodeSet(()), False),
        (NodeSet(("",)), True),
        (datetime.date(1970, 1, 1), True),
    ],
)
def test_to_boolean(value: Value, expected: bool) -> None:
    assert to_boolean(value) is expected


def test_aware_datetime_strings_compare_in_local_time() -> None:
    moment = "2026-11-21T02:30:00+00:00"
    local = datetime.datetime.fromisoformat(moment).astimezone().replace(tzinfo=None)
    ctx = MappingContext({"t": moment}, now=NOW)
    assert evaluate(parse("date(${t})"), ctx) == local


def test_mapping_context_defaults_to_the_clock() -> None:
    with clock.pinned("2031-07-15T23:59:00", frozen=True):
        assert evaluate(parse("today()"), MappingContext({})) == datetime.date(2031, 7, 15)
