"""Properties of the expression engine over generated input."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldsurvey.forms.expr import (
    ExpressionEvalError,
    ExpressionSyntaxError,
    MappingContext,
    NodeSet,
    evaluate,
    parse,
    to_number,
    to_string,
)

# Characters that make up expressions, so generated text often gets deep into
# the grammar instead of failing on its first character.
EXPRESSION_ALPHABET = "0123456789.()+-*=<>!,'\"${}[]/ abcdemnorstvdiu_:（＝"
FRAGMENTS = [
    " and ", " or ", " div ", " mod ", "${a}", "${n}", "${s}", ".", "(", ")", ",", "'x'",
    "1", "2.5", "-", "+", "*", "=", "!=", "<", ">=", "today()", "date(", "round(",
    "concat(", "if(", "selected(", "sum(", "count(", "regex(", "int(", "not(", "foo(",
]  # fmt: skip

CTX = MappingContext(
    {"a": 3, "n": NodeSet((1, "2", None)), "s": "a b", "d": "2026-01-05"},
    current="x",
    choice={"county": "33"},
    now=datetime.datetime(2026, 11, 21, 10, 30),
)


def parse_and_evaluate(source: str) -> None:
    """Either a value, or one of the engine's own errors; never anything else."""
    try:
        expr = parse(source)
    except ExpressionSyntaxError as exc:
        assert exc.message.code.startswith("expr.")
        assert exc.position is None or 0 <= exc.position <= len(source)
        return
    try:
        evaluate(expr, CTX)
    except ExpressionEvalError as exc:
        assert exc.message.code.startswith("expr.")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_of_any_text_only_raises_syntax_errors(source: str) -> None:
    parse_and_evaluate(source)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=EXPRESSION_ALPHABET, max_size=40))
def test_parse_of_expression_like_text_only_raises_syntax_errors(source: str) -> None:
    parse_and_evaluate(source)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=15).map("".join))
def test_parse_of_token_soup_only_raises_engine_errors(source: str) -> None:
    parse_and_evaluate(source)


# Arithmetic trees rendered with as few parentheses as precedence allows, so
# that agreement with Python also checks the grammar's precedence and grouping.


@dataclass(frozen=True)
class Lit:
    value: int


@dataclass(frozen=True)
class Neg:
    operand: Tree


@dataclass(frozen=True)
class Bin:
    op: str
    left: Tree
    right: Tree


Tree = Lit | Neg | Bin

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "div": 2, "mod": 2}
_UNARY, _ATOM = 3, 4

trees: st.SearchStrategy[Tree] = st.recursive(
    st.integers(0, 20).map(Lit),
    lambda kids: st.one_of(
        st.builds(Neg, kids),
        st.builds(Bin, st.sampled_from(sorted(_PRECEDENCE)), kids, kids),
    ),
    max_leaves=12,
)


def render(tree: Tree) -> tuple[str, int]:
    """Source text and the precedence of its outermost operator."""
    match tree:
        case Lit(value):
            return str(value), _ATOM
        case Neg(operand):
            text, precedence = render(operand)
            return "-" + (text if precedence >= _UNARY else f"({text})"), _UNARY
        case Bin(op, left, right):
            precedence = _PRECEDENCE[op]
            left_text, left_precedence = render(left)
            right_text, right_precedence = render(right)
            if left_precedence < precedence:
                left_text = f"({left_text})"
            # Operators group to the left, so an equal-precedence right side needs parentheses.
            if right_precedence <= precedence:
                right_text = f"({right_text})"
            return f"{left_text} {op} {right_text}", precedence
    raise AssertionError(tree)


def python_value(tree: Tree) -> float:
    match tree:
        case Lit(value):
            return float(value)
        case Neg(operand):
            return -python_value(operand)
        case Bin(op, left, right):
            x, y = python_value(left), python_value(right)
            if op == "+":
                return x + y
            if op == "-":
                return x - y
            if op == "*":
                return x * y
            if op == "div":
                if y != 0:
                    return x / y
                # XPath: dividing by zero gives ±Infinity, and 0 div 0 is NaN.
                if x == 0 or math.isnan(x):
                    return math.nan
                return math.copysign(math.inf, x) * math.copysign(1.0, y)
            if y == 0 or math.isinf(x) or math.isnan(x) or math.isnan(y):
                return math.nan  # where Python's fmod would raise
            return math.fmod(x, y)
    raise AssertionError(tree)


@settings(max_examples=500, deadline=None)
@given(trees)
def test_arithmetic_agrees_with_python(tree: Tree) -> None:
    source, _ = render(tree)
    actual = evaluate(parse(source), CTX)
    expected = python_value(tree)
    assert isinstance(actual, float)
    if math.isnan(expected):
        assert math.isnan(actual), source
    else:
        assert actual == expected, source


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_number_text_round_trips(number: float) -> None:
    text = to_string(number)
    assert "e" not in text.lower()
    assert to_number(text) == number


@given(st.integers(-(10**15), 10**15))
def test_integral_numbers_print_without_fraction(number: int) -> None:
    assert to_string(float(number)) == str(number)
