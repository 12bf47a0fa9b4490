"""Parsing: what is refused and why, and what a parsed expression refers to."""

from __future__ import annotations

import pytest

from fieldsurvey.forms.expr import (
    SUPPORTED_FUNCTIONS,
    Expression,
    ExpressionEvalError,
    ExpressionSyntaxError,
    MappingContext,
    evaluate,
    parse,
)
from fieldsurvey.forms.expr.functions import FUNCTIONS
from fieldsurvey.forms.expr.nodes import Call
from fieldsurvey.messages import catalogue, placeholders


@pytest.mark.parametrize(
    ("source", "code", "position"),
    [
        pytest.param("/data/x", "expr.unsupported_path", 0, id="absolute-path"),
        pytest.param("../x", "expr.unsupported_path", 0, id="parent-path"),
        pytest.param("${x}[1]", "expr.unsupported_path", 4, id="predicate"),
        pytest.param("instance('c')/root/item", "expr.unsupported_path", 13, id="instance"),
        pytest.param("${a} | ${b}", "expr.unsupported_path", 5, id="union"),
        pytest.param("@id", "expr.unsupported_path", 0, id="attribute"),
        pytest.param("(1 + 2", "expr.unexpected_end", 6, id="unclosed-paren"),
        pytest.param("1 +", "expr.unexpected_end", 3, id="missing-operand"),
        pytest.param("1 + 2)", "expr.syntax", 5, id="extra-paren"),
        pytest.param("'abc", "expr.unterminated_string", 0, id="unterminated-string"),
        pytest.param("concat('a, ${x})", "expr.unterminated_string", 7, id="unterminated-arg"),
        pytest.param("1 ＝ 2", "expr.fullwidth", 2, id="fullwidth-equals"),
        pytest.param("if（${x}, 1, 2)", "expr.fullwidth", 2, id="fullwidth-paren"),
        pytest.param("${x} # 2", "expr.syntax", 5, id="bad-token"),
        pytest.param("1 2", "expr.syntax", 2, id="two-operands"),
        pytest.param("${}", "expr.syntax", 0, id="empty-reference"),
        pytest.param("${a b}", "expr.syntax", 0, id="space-in-reference"),
        pytest.param("f(1,)", "expr.syntax", 4, id="trailing-comma"),
        pytest.param("${a} order", "expr.syntax", 5, id="keyword-prefix-is-not-keyword"),
        pytest.param("${a} div2", "expr.syntax", 5, id="div-needs-separation"),
        pytest.param("", "expr.empty", 0, id="empty"),
        pytest.param("   ", "expr.empty", 0, id="blank"),
    ],
)
def test_syntax_errors(source: str, code: str, position: int) -> None:
    with pytest.raises(ExpressionSyntaxError) as info:
        parse(source)
    assert info.value.message.code == code
    assert info.value.position == position


@pytest.mark.parametrize(
    ("source", "function", "expected", "got"),
    [
        ("if(1, 2)", "if", "3", 2),
        ("concat()", "concat", "≥1", 0),
        ("round(1, 2, 3)", "round", "1–2", 3),
        ("today(1)", "today", "0", 1),
        ("not(1, 2)", "not", "1", 2),
        ("1 + selected(${x})", "selected", "2", 1),
    ],
)
def test_arity_is_checked_at_parse(source: str, function: str, expected: str, got: int) -> None:
    with pytest.raises(ExpressionSyntaxError) as info:
        parse(source)
    assert info.value.message.code == "expr.arity"
    assert dict(info.value.message.params) == {
        "function": function,
        "expected": expected,
        "got": got,
    }
    assert info.value.position == source.index(function)


def test_every_error_code_is_worded_in_both_languages() -> None:
    codes = {"expr.too_complex", "expr.unknown_function", "expr.bad_regex", "expr.bad_date"}
    for source in ["/x", "(1", "'a", "1 ＝ 2", "1 2", "", "if(1)"]:
        with pytest.raises(ExpressionSyntaxError) as info:
            parse(source)
        codes.add(info.value.message.code)
        for lang in ("zh", "en"):
            text = info.value.message.render(lang)
            assert "{" not in text.replace("${name}", ""), text
    for code in codes:
        zh, en = catalogue("zh")[code], catalogue("en")[code]
        assert placeholders(zh) == placeholders(en), code


def test_unknown_functions_parse_and_are_listed() -> None:
    expr = parse("pulldata('a', 'b', ${x}) + jr:choice-name(${y}, '${y}') + int(1)")
    assert expr.unknown_functions == {"pulldata", "jr:choice-name"}
    assert expr.functions == {"pulldata", "jr:choice-name", "int"}
    assert expr.field_refs == {"x", "y"}  # '${y}' inside quotes is text


def test_unknown_function_fails_at_evaluation() -> None:
    with pytest.raises(ExpressionEvalError) as info:
        evaluate(parse("1 + pulldata('a')"), MappingContext({}))
    assert info.value.message.code == "expr.unknown_function"
    assert info.value.message.params == {"function": "pulldata"}


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("regex('a', '(')", "expr.bad_regex"),
        ("date('not a date')", "expr.bad_date"),
        ("date(1 div 0)", "expr.bad_date"),
        ("date(99999999)", "expr.bad_date"),
    ],
)
def test_evaluation_errors(source: str, code: str) -> None:
    with pytest.raises(ExpressionEvalError) as info:
        evaluate(parse(source), MappingContext({}))
    assert info.value.message.code == code


def test_arity_is_checked_at_evaluation_for_hand_built_trees() -> None:
    expr = Expression(
        source="round()",
        field_refs=frozenset(),
        functions=frozenset({"round"}),
        unknown_functions=frozenset(),
        choice_refs=frozenset(),
        uses_current=False,
        tree=Call("round", ()),
    )
    with pytest.raises(ExpressionEvalError) as info:
        evaluate(expr, MappingContext({}))
    assert info.value.message.code == "expr.arity"


@pytest.mark.parametrize(
    ("source", "fields", "choices", "current"),
    [
        ("${a} + ${b} * ${a}", {"a", "b"}, set(), False),
        ("county = ${province}", {"province"}, {"county"}, False),
        ("name != '' and level = 'county'", set(), {"name", "level"}, False),
        (". <= ${staff_total}", {"staff_total"}, set(), True),
        ("string-length(.) = 18", set(), set(), True),
        (".5 + 1", set(), set(), False),
        ("regex(., '^1[3-9][0-9]{9}$')", set(), set(), True),
        ("${first.name} = ${last-name}", {"first.name", "last-name"}, set(), False),
        ("${省份} = 省份", {"省份"}, {"省份"}, False),
    ],
)
def test_references(source: str, fields: set[str], choices: set[str], current: bool) -> None:
    expr = parse(source)
    assert expr.field_refs == fields
    assert expr.choice_refs == choices
    assert all(type(name) is str for name in expr.field_refs | expr.choice_refs)
    assert expr.uses_current is current
    assert expr.source == source


def test_keywords_are_operators_only_where_an_operator_fits() -> None:
    # `x and (y)` must not be read as a call to a function named "and".
    expr = parse("x and (y)")
    assert expr.functions == frozenset()
    assert expr.choice_refs == {"x", "y"}
    ctx = MappingContext({}, choice={"x": "1", "y": ""})
    assert evaluate(expr, ctx) is False
    # As in XPath, an operator name where an operand belongs is a name.
    assert parse("div div mod").choice_refs == {"div", "mod"}


def test_whitespace_and_layout_are_free() -> None:
    ctx = MappingContext({"a": 2})
    assert evaluate(parse("\n  ${a}\t*\r\n3 "), ctx) == 6.0
    assert evaluate(parse("count-selected ( 'a b' )"), ctx) == 2.0


def test_parse_is_cached() -> None:
    assert parse("${a} + 1") is parse("${a} + 1")


def test_supported_functions_are_exactly_the_documented_ones() -> None:
    assert frozenset({"if"} | FUNCTIONS.keys()) == SUPPORTED_FUNCTIONS
    documented = {
        "selected", "count-selected", "string-length", "regex", "concat", "if", "coalesce",
        "int", "number", "round", "today", "now", "date", "decimal-date-time", "count", "sum",
        "not", "true", "false", "uscc-valid", "uscc-type-matches", "phone-valid",
        "division-code-valid",
    }  # fmt: skip
    assert documented == SUPPORTED_FUNCTIONS


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    assert parse("(" * 5000 + "1" + ")" * 5000).source.startswith("((")  # kept flat
    with pytest.raises(ExpressionSyntaxError) as info:
        parse("-(" * 5000 + "1" + ")" * 5000)
    assert info.value.message.code == "expr.too_complex"
