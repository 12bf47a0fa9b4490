"""Arithmetic and comparison with XPath 1.0 semantics as JavaRosa applies them."""

from __future__ import annotations

import math

from fieldsurvey.forms.expr.values import (
    NodeSet,
    Scalar,
    Value,
    date_number,
    is_date,
    is_number,
    to_boolean,
    to_string,
)

# JavaRosa treats numbers this close as equal, so that 0.1 + 0.2 = 0.3 holds in
# forms the way authors expect; we follow it to give the same answers as Collect.
_EQUALITY_TOLERANCE = 1e-12


def arithmetic(op: str, left: Value, right: Value) -> float:
    # date_number, not to_number: answers to date questions may arrive as ISO
    # strings, and `${d} + 1` must work for them as for a typed date in ODK.
    x, y = date_number(left), date_number(right)
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "div":
        return divide(x, y)
    if op == "mod":
        return modulo(x, y)
    raise ValueError(f"not an arithmetic operator: {op!r}")


def divide(x: float, y: float) -> float:
    """IEEE division: by zero gives ±Infinity (NaN for 0/0), never an exception."""
    if y != 0:
        return x / y
    if x == 0 or math.isnan(x):
        return math.nan
    return math.copysign(math.inf, x) * math.copysign(1.0, y)


def modulo(x: float, y: float) -> float:
    """XPath mod truncates like Java's %: the result has the sign of ``x``."""
    if y == 0 or math.isinf(x) or math.isnan(x) or math.isnan(y):
        return math.nan
    return math.fmod(x, y)


def compare(op: str, left: Value, right: Value) -> bool:
    if isinstance(left, NodeSet) or isinstance(right, NodeSet):
        # XPath 1.0 §3.4: against a boolean the node-set counts as its boolean;
        # otherwise the comparison holds if it holds for some member.
        if isinstance(left, bool) or isinstance(right, bool):
            return _compare_scalars(op, to_boolean(left), to_boolean(right))
        lefts = left if isinstance(left, NodeSet) else (left,)
        rights = right if isinstance(right, NodeSet) else (right,)
        return any(_compare_scalars(op, a, b) for a in lefts for b in rights)
    return _compare_scalars(op, left, right)


def _compare_scalars(op: str, left: Scalar, right: Scalar) -> bool:
    if op == "=":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
    # Ordering is always numeric; ISO date strings order as their day numbers.
    x, y = date_number(left), date_number(right)
    # Every ordering comparison with NaN is false, as Python's float already does.
    if op == "<":
        return x < y
    if op == "<=":
        return x <= y
    if op == ">":
        return x > y
    if op == ">=":
        return x >= y
    raise ValueError(f"not a comparison operator: {op!r}")


def _equal(left: Scalar, right: Scalar) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return to_boolean(left) == to_boolean(right)
    # A number or a date on either side makes it a numeric comparison, with
    # ISO strings read as day numbers; only two strings compare as text.
    if is_number(left) or is_number(right) or is_date(left) or is_date(right):
        return _numbers_equal(date_number(left), date_number(right))
    return to_string(left) == to_string(right)


def _numbers_equal(x: float, y: float) -> bool:
    return x == y or abs(x - y) < _EQUALITY_TOLERANCE
