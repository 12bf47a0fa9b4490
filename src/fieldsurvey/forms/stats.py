"""The handful of answers the statistics need, pulled out by the ``fs_stat`` column.

The store keeps them in indexed columns beside the full answers, so the county's
table is a plain SQL aggregate and never parses JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fieldsurvey.forms.model import FormDefinition


@dataclass(frozen=True)
class VisitFacts:
    visit_date: dt.date | None = None
    visit_result: str | None = None
    operating_status: str | None = None
    reg_type: str | None = None
    staff_total: int | None = None
    staff_women: int | None = None
    union_status: str | None = None
    union_setup_date: dt.date | None = None
    union_members: int | None = None
    union_members_women: int | None = None
    # Committees in place, space-separated choice names (sorted).
    committees: str | None = None
    dues_paid: str | None = None
    next_visit_date: dt.date | None = None


_DATES = {"visit_date", "union_setup_date", "next_visit_date"}
_INTS = {"staff_total", "staff_women", "union_members", "union_members_women"}


class FactError(ValueError):
    """An answer the statistics need does not have its question's type."""


def extract_facts(form: FormDefinition, answers: Mapping[str, Any]) -> VisitFacts:
    """Facts from finalized-style answers (non-relevant answers already pruned);
    :class:`FactError` names the question whose answer does not fit."""
    values: dict[str, Any] = {}
    for key, name in form.stat_fields().items():
        raw = answers.get(name)
        if raw in (None, "", []):
            continue
        try:
            if key in _DATES:
                values[key] = dt.date.fromisoformat(str(raw)[:10])
            elif key in _INTS:
                values[key] = int(raw)
            elif isinstance(raw, list):
                values[key] = " ".join(sorted(raw))
            else:
                values[key] = str(raw)
        except (ValueError, TypeError) as exc:
            kind = "a date" if key in _DATES else "a whole number" if key in _INTS else "text"
            raise FactError(f"{name}: {raw!r} is not {kind}") from exc
    return VisitFacts(**values)
