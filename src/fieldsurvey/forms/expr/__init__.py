"""The XLSForm (ODK XPath 1.0 subset) expression engine: parse once, evaluate often.

Expressions refer to answers as ``${name}``, to the question being checked as
``.`` and, inside a choice_filter, to columns of the choice row by bare name.
Where the values come from is the :class:`EvalContext`'s business::

    expr = parse("${age} >= 18 and selected(${reasons}, 'other')")
    evaluate(expr, MappingContext({"age": 30, "reasons": "cost other"}))  # True
"""

from fieldsurvey.forms.expr.context import EvalContext, MappingContext
from fieldsurvey.forms.expr.errors import (
    ExpressionError,
    ExpressionEvalError,
    ExpressionSyntaxError,
)
from fieldsurvey.forms.expr.evaluator import evaluate
from fieldsurvey.forms.expr.parser import Expression, parse
from fieldsurvey.forms.expr.signatures import SUPPORTED_FUNCTIONS
from fieldsurvey.forms.expr.values import NodeSet, Value, to_boolean, to_number, to_string

__all__ = [
    "SUPPORTED_FUNCTIONS",
    "EvalContext",
    "Expression",
    "ExpressionError",
    "ExpressionEvalError",
    "ExpressionSyntaxError",
    "MappingContext",
    "NodeSet",
    "Value",
    "evaluate",
    "parse",
    "to_boolean",
    "to_number",
    "to_string",
]
