"""fieldsurvey's own form functions, backed by :mod:`fieldsurvey.domain`.

They delegate to the domain module's form-facing predicates, which own the
rules (which findings block an answer, which finding is a type mismatch). The
imports are local so that parsing, and forms that never call these, do not
load the domain tables.

Every function is true for an empty answer: whether an answer is needed at all
is the ``required`` column's business, not the constraint's.
"""

from __future__ import annotations

from collections.abc import Sequence

from fieldsurvey.forms.expr.context import EvalContext
from fieldsurvey.forms.expr.values import Value, to_string


def uscc_valid(args: Sequence[Value], ctx: EvalContext) -> Value:
    from fieldsurvey.domain import uscc

    code = to_string(args[0])
    return not code.strip() or uscc.uscc_valid(code)


def uscc_type_matches(args: Sequence[Value], ctx: EvalContext) -> Value:
    from fieldsurvey.domain import uscc

    code = to_string(args[0])
    registration_type = to_string(args[1]).strip() or None
    return not code.strip() or uscc.uscc_type_matches(code, registration_type)


def phone_valid(args: Sequence[Value], ctx: EvalContext) -> Value:
    from fieldsurvey.domain import phone

    text = to_string(args[0])
    return not text.strip() or phone.phone_valid(text)


def division_code_valid(args: Sequence[Value], ctx: EvalContext) -> Value:
    from fieldsurvey.domain import division

    code = to_string(args[0])
    return not code.strip() or division.division_code_valid(code)
