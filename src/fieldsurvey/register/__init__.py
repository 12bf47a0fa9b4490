"""Importing the civil-affairs register of organizations from messy Excel lists.

The steps, each a plain function the UI and scripts call in turn:

1. :func:`read_register` - one sheet as rows of clean text (merged cells filled);
2. :func:`find_header` - the header row and a proposed field -> column mapping;
3. :func:`plan_import` - per row: new, update, unchanged or skipped, and why;
4. :func:`apply_plan` - the good rows, in one transaction.

:mod:`fieldsurvey.register.editing` checks and saves one organization by hand.
"""

from fieldsurvey.register.apply import ImportResult, apply_plan
from fieldsurvey.register.errors import RegisterError
from fieldsurvey.register.headers import HeaderGuess, detect_header, find_header, propose_mapping
from fieldsurvey.register.plan import (
    FIELD_LABELS,
    Action,
    ImportPlan,
    PlanCounts,
    PlanEntry,
    Problem,
    column_letter,
    plan_import,
)
from fieldsurvey.register.workbook import RegisterSheet, read_register

__all__ = [
    "FIELD_LABELS",
    "Action",
    "HeaderGuess",
    "ImportPlan",
    "ImportResult",
    "PlanCounts",
    "PlanEntry",
    "Problem",
    "RegisterError",
    "RegisterSheet",
    "apply_plan",
    "column_letter",
    "detect_header",
    "find_header",
    "plan_import",
    "propose_mapping",
    "read_register",
]
