"""The parsed expression tree: small immutable nodes the evaluator walks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias


@dataclass(frozen=True, slots=True)
class Literal:
    value: float | str


@dataclass(frozen=True, slots=True)
class FieldRef:
    """``${name}``."""

    name: str


@dataclass(frozen=True, slots=True)
class ChoiceRef:
    """A bare name: a column of the choice row being filtered."""

    name: str


@dataclass(frozen=True, slots=True)
class Current:
    """``.``: the value of the question a constraint belongs to."""


@dataclass(frozen=True, slots=True)
class Negate:
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    """``op`` is one of ``or and = != < <= > >= + - * div mod``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Node, ...]
    position: int | None = None


Node: TypeAlias = Literal | FieldRef | ChoiceRef | Current | Negate | Binary | Call

COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})
ARITHMETIC = frozenset({"+", "-", "*", "div", "mod"})
