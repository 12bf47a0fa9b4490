"""The XPath/ODK functions; each takes its already-evaluated arguments.

``if`` is not here: the evaluator handles it so that only the chosen branch is
evaluated (an invalid regex in the other branch must not fail the form).
"""

from __future__ import annotations

import datetime
import decimal
import math
import re
from collections.abc import Callable, Mapping, Sequence

from fieldsurvey.forms.expr import domain_functions
from fieldsurvey.forms.expr.context import EvalContext
from fieldsurvey.forms.expr.errors import ExpressionEvalError
from fieldsurvey.forms.expr.values import (
    EPOCH,
    NodeSet,
    Value,
    date_number,
    parse_iso,
    to_boolean,
    to_number,
    to_string,
)
from fieldsurvey.messages import Message

Function = Callable[[Sequence[Value], EvalContext], Value]

# Beyond this many digits a double has nothing left to round (and Decimal would
# need an unbounded precision to quantize).
_MAX_ROUND_DIGITS = 350


def _selected(args: Sequence[Value], ctx: EvalContext) -> Value:
    return to_string(args[1]).strip() in to_string(args[0]).split()


def _count_selected(args: Sequence[Value], ctx: EvalContext) -> Value:
    return float(len(to_string(args[0]).split()))


def _string_length(args: Sequence[Value], ctx: EvalContext) -> Value:
    return float(len(to_string(args[0])))


def _regex(args: Sequence[Value], ctx: EvalContext) -> Value:
    pattern = to_string(args[1])
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        message = Message("expr.bad_regex", {"pattern": pattern, "detail": str(exc)})
        raise ExpressionEvalError(message) from None
    # ODK's regex() is Java's find(), i.e. a search: authors anchor with ^ and $.
    return compiled.search(to_string(args[0])) is not None


def _concat(args: Sequence[Value], ctx: EvalContext) -> Value:
    # A node-set contributes every member, not only its first (as in ODK).
    return "".join(
        "".join(to_string(member) for member in arg) if isinstance(arg, NodeSet) else to_string(arg)
        for arg in args
    )


def _coalesce(args: Sequence[Value], ctx: EvalContext) -> Value:
    return args[0] if to_string(args[0]) != "" else args[1]


def _int(args: Sequence[Value], ctx: EvalContext) -> Value:
    number = to_number(args[0])
    return float(math.trunc(number)) if math.isfinite(number) else number


def _number(args: Sequence[Value], ctx: EvalContext) -> Value:
    return to_number(args[0])


def _round(args: Sequence[Value], ctx: EvalContext) -> Value:
    number = to_number(args[0])
    digits_number = to_number(args[1]) if len(args) > 1 else 0.0
    if not math.isfinite(number) or math.isnan(digits_number):
        return math.nan if math.isnan(digits_number) else number
    digits = max(-_MAX_ROUND_DIGITS, min(_MAX_ROUND_DIGITS, int(digits_number)))
    # Round the shortest decimal text of the double, half away from zero, the
    # way JavaRosa does with BigDecimal: round(2.675, 2) is 2.68, not 2.67.
    context = decimal.Context(prec=2 * _MAX_ROUND_DIGITS + 20)
    exact = decimal.Decimal(repr(number))
    rounded = exact.quantize(decimal.Decimal(1).scaleb(-digits), decimal.ROUND_HALF_UP, context)
    return float(rounded)


def _today(args: Sequence[Value], ctx: EvalContext) -> Value:
    return ctx.now().date()


def _now(args: Sequence[Value], ctx: EvalContext) -> Value:
    return ctx.now()


def _date(args: Sequence[Value], ctx: EvalContext) -> Value:
    value = args[0]
    if isinstance(value, NodeSet):
        value = value[0] if value else None
    if isinstance(value, datetime.date):
        return value
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        moment = parse_iso(value)
        if moment is not None:
            return moment
    days = to_number(value)
    try:
        if days.is_integer():
            return EPOCH + datetime.timedelta(days=days)
        midnight = datetime.datetime.combine(EPOCH, datetime.time())
        return midnight + datetime.timedelta(days=days)
    except (OverflowError, ValueError):
        # NaN, infinities and days outside years 1-9999 all land here.
        raise ExpressionEvalError(Message("expr.bad_date", {"value": to_string(value)})) from None


def _decimal_date_time(args: Sequence[Value], ctx: EvalContext) -> Value:
    return date_number(args[0])


def _count(args: Sequence[Value], ctx: EvalContext) -> Value:
    # A field outside any repeat is a single node, present even when unanswered.
    value = args[0]
    return float(len(value)) if isinstance(value, NodeSet) else 1.0


def _sum(args: Sequence[Value], ctx: EvalContext) -> Value:
    # As in XPath an unanswered member is NaN and makes the sum NaN; forms that
    # want otherwise wrap the member in coalesce(…, 0) in a calculate.
    value = args[0]
    if isinstance(value, NodeSet):
        return sum((to_number(member) for member in value), 0.0)
    return to_number(value)


def _not(args: Sequence[Value], ctx: EvalContext) -> Value:
    return not to_boolean(args[0])


def _true(args: Sequence[Value], ctx: EvalContext) -> Value:
    return True


def _false(args: Sequence[Value], ctx: EvalContext) -> Value:
    return False


FUNCTIONS: Mapping[str, Function] = {
    "selected": _selected,
    "count-selected": _count_selected,
    "string-length": _string_length,
    "regex": _regex,
    "concat": _concat,
    "coalesce": _coalesce,
    "int": _int,
    "number": _number,
    "round": _round,
    "today": _today,
    "now": _now,
    "date": _date,
    "decimal-date-time": _decimal_date_time,
    "count": _count,
    "sum": _sum,
    "not": _not,
    "true": _true,
    "false": _false,
    "uscc-valid": domain_functions.uscc_valid,
    "uscc-type-matches": domain_functions.uscc_type_matches,
    "phone-valid": domain_functions.phone_valid,
    "division-code-valid": domain_functions.division_code_valid,
}
