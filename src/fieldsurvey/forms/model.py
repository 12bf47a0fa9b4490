"""The typed model of a loaded XLSForm: questions, groups, repeats, choices.

Names are unique across the whole form (the loader enforces it), so a question
is addressed by its name plus, inside repeats, the instance indices.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from fieldsurvey.forms.expr import Expression

# Language code -> text. "default" holds text from a column without ``::lang``.
Labels = Mapping[str, str]

InputType = Literal[
    "text", "integer", "decimal", "date", "datetime", "time",
    "select_one", "select_multiple", "note", "calculate", "acknowledge", "hidden",
]  # fmt: skip
STAT_KEYS = (
    "visit_date", "visit_result", "operating_status", "reg_type", "staff_total",
    "staff_women", "union_status", "union_setup_date", "union_members",
    "union_members_women", "committees", "dues_paid", "next_visit_date",
)  # fmt: skip


def pick_label(labels: Labels, lang: str, fallback: str) -> str:
    """The text in ``lang``, else in the form's default language, else any."""
    for key in (lang, fallback, "default"):
        if labels.get(key):
            return labels[key]
    return next(iter(labels.values()), "")


@dataclass(frozen=True)
class Choice:
    name: str
    labels: Labels
    # Extra columns of the choices sheet, used by choice_filter expressions.
    columns: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    name: str
    type: InputType
    labels: Labels
    hints: Labels = field(default_factory=dict)
    list_name: str | None = None
    required: Expression | None = None
    required_message: Labels = field(default_factory=dict)
    constraint: Expression | None = None
    constraint_message: Labels = field(default_factory=dict)
    relevant: Expression | None = None
    default: str | None = None
    default_expr: Expression | None = None
    calculation: Expression | None = None
    choice_filter: Expression | None = None
    read_only: Expression | None = None
    appearance: frozenset[str] = frozenset()
    warning: Expression | None = None
    warning_message: Labels = field(default_factory=dict)
    prefill: str | None = None
    stat: str | None = None
    # Enclosing repeats, outermost first; () for a question outside any repeat.
    repeats: tuple[str, ...] = ()

    @property
    def is_select(self) -> bool:
        return self.type in ("select_one", "select_multiple")

    @property
    def takes_input(self) -> bool:
        """Whether an officer types or picks a value (not a note or a calculation)."""
        return self.type not in ("note", "calculate", "hidden")


@dataclass(frozen=True)
class Group:
    name: str
    labels: Labels
    children: tuple[Node, ...]
    relevant: Expression | None = None
    appearance: frozenset[str] = frozenset()
    is_repeat: bool = False
    repeat_count: Expression | None = None
    repeats: tuple[str, ...] = ()

    def walk(self) -> Iterator[Node]:
        """Every descendant, depth first, in form order."""
        for child in self.children:
            yield child
            if isinstance(child, Group):
                yield from child.walk()


Node = Question | Group


@dataclass(frozen=True)
class FormDefinition:
    form_id: str
    version: str
    title: Labels
    default_language: str
    languages: tuple[str, ...]
    root: Group
    choices: Mapping[str, tuple[Choice, ...]]
    nodes: Mapping[str, Node]
    parents: Mapping[str, str | None]
    # The campaign's first day (settings column ``fs_campaign_start``): organizations
    # whose registration date is unknown count as registered from then, and no union
    # set up before it is ever "new" (cases.month_end).
    campaign_start: dt.date | None = None
    # What a new version declares about the one before (forms.versions): question
    # name -> its earlier name (``fs_previous_name``), and earlier names removed on
    # purpose (``fs_removed``) -> the survey row that says so.
    previous_names: Mapping[str, str] = field(default_factory=dict, compare=False)
    removed: Mapping[str, int] = field(default_factory=dict, compare=False)
    # (list, choice) -> choices row of an earlier choice dropped on purpose (fs_removed).
    removed_choices: Mapping[tuple[str, str], int] = field(default_factory=dict,
                                                           compare=False)
    # Sheet rows, so a comparison of two versions can name the row to look at.
    rows: Mapping[str, int] = field(default_factory=dict, compare=False)
    choice_rows: Mapping[tuple[str, str], int] = field(default_factory=dict, compare=False)
    # Computed once: every stored visit asks for it (see forms.stats).
    _stat_fields: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_stat_fields",
                           {q.stat: q.name for q in self.questions() if q.stat})

    def node(self, name: str) -> Node:
        return self.nodes[name]

    def question(self, name: str) -> Question:
        node = self.nodes[name]
        if not isinstance(node, Question):
            raise KeyError(name)
        return node

    def questions(self) -> Iterator[Question]:
        for node in self.root.walk():
            if isinstance(node, Question):
                yield node

    def repeats(self) -> Iterator[Group]:
        for node in self.root.walk():
            if isinstance(node, Group) and node.is_repeat:
                yield node

    def ancestors(self, name: str) -> Iterator[Group]:
        """Enclosing groups and repeats, innermost first (the root excluded)."""
        parent = self.parents.get(name)
        while parent is not None:
            node = self.nodes[parent]
            assert isinstance(node, Group)
            yield node
            parent = self.parents.get(parent)

    def stat_fields(self) -> dict[str, str]:
        """Statistic key -> question name, from the ``fs_stat`` column."""
        return dict(self._stat_fields)

    def label(self, name: str, lang: str) -> str:
        node = self.nodes[name]
        return pick_label(node.labels, lang, self.default_language) or name

    def choice_labels(self, list_name: str, lang: str) -> dict[str, str]:
        """Choice name -> label in ``lang`` for one list (empty if there is no such list)."""
        return {c.name: pick_label(c.labels, lang, self.default_language) or c.name
                for c in self.choices.get(list_name, ())}

    def title_in(self, lang: str) -> str:
        return pick_label(self.title, lang, self.default_language) or self.form_id
