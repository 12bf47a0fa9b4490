"""Where an expression gets its values from: the form engine, or a plain mapping."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Protocol

from fieldsurvey import clock
from fieldsurvey.forms.expr.values import Value


class EvalContext(Protocol):
    def lookup(self, name: str) -> Value:
        """The value of ``${name}`` as seen from where the expression is evaluated."""
        ...

    def current(self) -> Value:
        """The value of ``.`` (the question a constraint belongs to)."""
        ...

    def choice_column(self, column: str) -> Value:
        """A bare name inside a choice_filter: that column of the choice row."""
        ...

    def now(self) -> datetime.datetime:
        """Naive local time; ``today()`` is its date."""
        ...


def local_now() -> datetime.datetime:
    """The clock's local wall time, naive, as XPath's ``now()`` sees it."""
    return clock.local_now().replace(tzinfo=None)


class MappingContext:
    """A dict-backed :class:`EvalContext` for tests and scripts; missing names are None."""

    def __init__(
        self,
        values: Mapping[str, Value],
        current: Value = None,
        choice: Mapping[str, Value] | None = None,
        now: datetime.datetime | None = None,
    ) -> None:
        self._values = values
        self._current = current
        self._choice: Mapping[str, Value] = choice or {}
        self._now = now

    def lookup(self, name: str) -> Value:
        return self._values.get(name)

    def current(self) -> Value:
        return self._current

    def choice_column(self, column: str) -> Value:
        return self._choice.get(column)

    def now(self) -> datetime.datetime:
        return self._now if self._now is not None else local_now()
