"""What the loader reports about a form it refuses: every problem, with its place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fieldsurvey.messages import Message


@dataclass(frozen=True)
class FormProblem:
    """One thing in the form that fieldsurvey cannot honour, and where it is."""

    sheet: str
    row: int | None
    column: str | None
    message: Message

    def render(self, lang: str) -> str:
        where = Message("form.where", {
            "sheet": self.sheet, "row": self.row or "-", "column": self.column or "-",
        }).render(lang)
        return f"{where} {self.message.render(lang)}"


class FormLoadError(Exception):
    """The form was refused; ``problems`` lists every reason."""

    def __init__(self, source: str, problems: Sequence[FormProblem]) -> None:
        super().__init__(f"{source}: {len(problems)} problem(s)")
        self.source = source
        self.problems = list(problems)


class ProblemList:
    """Collects every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[FormProblem] = []

    def add(self, sheet: str, row: int | None, column: str | None, code: str,
            **params: Any) -> None:
        self.problems.append(FormProblem(sheet, row, column, Message(code, params)))
