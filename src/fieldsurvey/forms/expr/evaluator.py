"""Walks an :class:`Expression` tree against an :class:`EvalContext`."""

from __future__ import annotations

from typing import assert_never

from fieldsurvey.forms.expr.context import EvalContext
from fieldsurvey.forms.expr.errors import ExpressionEvalError
from fieldsurvey.forms.expr.functions import FUNCTIONS
from fieldsurvey.forms.expr.nodes import (
    ARITHMETIC,
    Binary,
    Call,
    ChoiceRef,
    Current,
    FieldRef,
    Literal,
    Negate,
    Node,
)
from fieldsurvey.forms.expr.operators import arithmetic, compare
from fieldsurvey.forms.expr.parser import Expression
from fieldsurvey.forms.expr.signatures import SUPPORTED_FUNCTIONS, arity_problem
from fieldsurvey.forms.expr.values import Value, date_number, to_boolean
from fieldsurvey.messages import Message


def evaluate(expr: Expression, ctx: EvalContext) -> Value:
    """The value of ``expr``; raises :class:`ExpressionEvalError` if it has none."""
    try:
        return _eval(expr.tree, ctx)
    except RecursionError:
        raise ExpressionEvalError(Message("expr.too_complex")) from None


def _eval(node: Node, ctx: EvalContext) -> Value:
    match node:
        case Literal(value):
            return value
        case FieldRef(name):
            return ctx.lookup(name)
        case ChoiceRef(name):
            return ctx.choice_column(name)
        case Current():
            return ctx.current()
        case Negate(operand):
            return -date_number(_eval(operand, ctx))
        case Binary("or", left, right):
            return to_boolean(_eval(left, ctx)) or to_boolean(_eval(right, ctx))
        case Binary("and", left, right):
            return to_boolean(_eval(left, ctx)) and to_boolean(_eval(right, ctx))
        case Binary(op, left, right) if op in ARITHMETIC:
            return arithmetic(op, _eval(left, ctx), _eval(right, ctx))
        case Binary(op, left, right):
            return compare(op, _eval(left, ctx), _eval(right, ctx))
        case Call():
            return _call(node, ctx)
        case _:
            assert_never(node)


def _call(node: Call, ctx: EvalContext) -> Value:
    if node.name not in SUPPORTED_FUNCTIONS:
        # The form loader reports these up front; a form that slipped through
        # fails here, at the one question that uses the function.
        message = Message("expr.unknown_function", {"function": node.name})
        raise ExpressionEvalError(message, position=node.position)
    # Parse already checked arity; trees built by hand have not been.
    problem = arity_problem(node.name, len(node.args))
    if problem is not None:
        raise ExpressionEvalError(Message("expr.arity", problem), position=node.position)
    if node.name == "if":
        condition, then, otherwise = node.args
        return _eval(then if to_boolean(_eval(condition, ctx)) else otherwise, ctx)
    args = [_eval(arg, ctx) for arg in node.args]
    return FUNCTIONS[node.name](args, ctx)
