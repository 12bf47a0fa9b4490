"""Reading one cell back into one answer (the writer is :mod:`fieldsurvey.cellwriter`).

Reading converts by the *question type*, never by the look of the value:
calamine returns every number as a float and date cells as ``date``/``datetime``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fieldsurvey.cellwriter import TEXT_TYPES


class CellTypeError(ValueError):
    """A cell's content does not fit its column's question type."""


def read_answer(qtype: str, value: Any) -> Any:
    """The stored answer for a non-empty cell read by calamine."""
    if qtype in TEXT_TYPES:
        if isinstance(value, str):
            return value
    elif qtype == "integer":
        if isinstance(value, int | float) and not isinstance(value, bool) and \
                float(value).is_integer():
            return int(value)
    elif qtype == "decimal":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif qtype == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date | str):
            return value if isinstance(value, str) else value.isoformat()
    elif qtype == "datetime":
        if isinstance(value, dt.datetime | str):
            return value if isinstance(value, str) else value.isoformat()
        if isinstance(value, dt.date):  # calamine gives a date for midnight
            return dt.datetime.combine(value, dt.time()).isoformat()
    elif qtype == "time" and isinstance(value, dt.time):
        return value.isoformat()
    raise CellTypeError(f"{type(value).__name__} in a {qtype} column")
