"""Which functions exist and how many arguments each takes.

Kept apart from the implementations so the parser can check arity without
importing them (and, through them, the domain validators).
"""

from __future__ import annotations

from collections.abc import Mapping

# name -> (fewest arguments, most arguments or None for "any number").
ARITY: Mapping[str, tuple[int, int | None]] = {
    "selected": (2, 2),
    "count-selected": (1, 1),
    "string-length": (1, 1),
    "regex": (2, 2),
    "concat": (1, None),
    "if": (3, 3),
    "coalesce": (2, 2),
    "int": (1, 1),
    "number": (1, 1),
    "round": (1, 2),
    "today": (0, 0),
    "now": (0, 0),
    "date": (1, 1),
    "decimal-date-time": (1, 1),
    "count": (1, 1),
    "sum": (1, 1),
    "not": (1, 1),
    "true": (0, 0),
    "false": (0, 0),
    "uscc-valid": (1, 1),
    "uscc-type-matches": (2, 2),
    "phone-valid": (1, 1),
    "division-code-valid": (1, 1),
}

SUPPORTED_FUNCTIONS: frozenset[str] = frozenset(ARITY)


def arity_problem(name: str, got: int) -> dict[str, object] | None:
    """Message params for a wrong argument count, or None when ``got`` fits.

    ``expected`` is written with symbols ("2", "1–2", "≥1") so that the same
    parameter reads correctly in every language.
    """
    low, high = ARITY[name]
    if low <= got and (high is None or got <= high):
        return None
    if high is None:
        expected = f"≥{low}"
    elif low == high:
        expected = str(low)
    else:
        expected = f"{low}–{high}"
    return {"function": name, "expected": expected, "got": got}
