"""What changed between two versions of a form, and whether the change may lose data.

Nothing is guessed: a question keeps its identity across versions by its name,
or by the earlier name its row declares in ``fs_previous_name``; a choice by its
name, or by the earlier choice names its row declares in ``fs_previous_value``
(two choices naming one earlier choice is a split, one naming several a merge).
An earlier question that no row claims is removed, and unless a row says
``fs_removed`` for it the change is refused, because visits may hold answers to
it. The statistics compare visits of every version, so a change to what an
``fs_stat`` question means is refused outright.

Every change names the file side, sheet, row and column an author has to look at.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fieldsurvey.forms.loader import PREVIOUS_VALUE
from fieldsurvey.forms.model import Choice, FormDefinition, Group, Node, Question
from fieldsurvey.messages import Message

# Old type -> new types that hold every old value exactly (forms.mapping converts).
_WIDENS: Mapping[str, frozenset[str]] = {
    "integer": frozenset({"decimal", "text"}),
    "decimal": frozenset({"text"}),
    "date": frozenset({"text", "datetime"}),
    "datetime": frozenset({"text"}),
    "time": frozenset({"text"}),
    "select_one": frozenset({"select_multiple", "text"}),
    "calculate": frozenset({"text", "hidden"}),
    "hidden": frozenset({"text", "calculate"}),
}
# Types that hold no answer: removing or retyping them loses nothing.
_NO_VALUE = frozenset({"note"})


def version_key(version: str) -> tuple[int, int | str]:
    """Versions order as numbers when they are numbers (``2026120501``), else as text."""
    return (0, int(version)) if version.isdigit() else (1, version)


def can_hold(old_type: str, new_type: str) -> bool:
    return old_type == new_type or old_type in _NO_VALUE or new_type in _WIDENS.get(old_type, ())


@dataclass(frozen=True)
class Change:
    """One difference; ``refused`` when it would lose data or change a statistic."""

    kind: str  # the message code's last part, e.g. "renamed"
    side: str  # "new" or "old": which file the row is in
    sheet: str
    row: int | None
    column: str | None
    params: Mapping[str, Any] = field(default_factory=dict)
    refused: bool = False

    @property
    def message(self) -> Message:
        return Message("formver." + self.kind, self.params)

    def where(self, new_name: str, old_name: str) -> Message:
        return Message("formver.where", {
            "file": new_name if self.side == "new" else old_name, "sheet": self.sheet,
            "row": self.row or "-", "column": self.column or "-"})

    def render(self, lang: str, new_name: str, old_name: str) -> str:
        return f"{self.where(new_name, old_name).render(lang)} {self.message.render(lang)}"


@dataclass(frozen=True)
class Identity:
    """Which node of the new version each node of the old one became."""

    new_of_old: Mapping[str, str]
    old_of_new: Mapping[str, str]


def identify(old: FormDefinition, new: FormDefinition) -> Identity:
    """Old name -> new name, from names and ``fs_previous_name`` only."""
    old_of_new: dict[str, str] = {}
    claimed: set[str] = set()
    for name in new.nodes:
        previous = new.previous_names.get(name, name)
        if previous not in old.nodes and name in old.nodes:
            previous = name  # a declaration left from an earlier step: already applied
        if previous in old.nodes and previous not in claimed:
            old_of_new[name] = previous
            claimed.add(previous)
    return Identity({v: k for k, v in old_of_new.items()}, old_of_new)


class _Diff:
    def __init__(self, old: FormDefinition, new: FormDefinition) -> None:
        self.old, self.new = old, new
        self.ident = identify(old, new)
        self.changes: list[Change] = []

    def add(self, kind: str, side: str, sheet: str, row: int | None, column: str | None,
            refused: bool = False, **params: Any) -> None:
        self.changes.append(Change(kind, side, sheet, row, column, params, refused))

    def new_row(self, name: str) -> int | None:
        return self.new.rows.get(name)

    def run(self) -> list[Change]:
        old, new = self.old, self.new
        if old.form_id != new.form_id:
            self.add("other_form", "new", "settings", 2, "form_id", True,
                     old=old.form_id, new=new.form_id)
            return self.changes
        if version_key(new.version) <= version_key(old.version):
            self.add("version_not_later", "new", "settings", 2, "version", True,
                     old=old.version, new=new.version)
        self._declarations()
        for name in new.nodes:
            if name in self.ident.old_of_new:
                self._kept(name, self.ident.old_of_new[name])
            elif name not in new.previous_names:
                self.add("added", "new", "survey", self.new_row(name), "name", name=name)
        for name, node in old.nodes.items():
            if name not in self.ident.new_of_old:
                self._removed(name, node)
        self._choice_lists()
        self._stats()
        return self.changes

    def _declarations(self) -> None:
        seen: dict[str, str] = {}
        for name, previous in self.new.previous_names.items():
            if previous not in self.old.nodes and name in self.old.nodes:
                continue  # left from an earlier step (see identify)
            if previous not in self.old.nodes:
                self.add("unknown_previous_name", "new", "survey", self.new_row(name),
                         "fs_previous_name", True, name=name, previous=previous)
            elif previous in seen:
                self.add("previous_name_twice", "new", "survey", self.new_row(name),
                         "fs_previous_name", True, name=name, previous=previous,
                         other=seen[previous])
            else:
                seen[previous] = name
            if previous in self.new.nodes and previous != name:
                self.add("previous_name_in_use", "new", "survey", self.new_row(name),
                         "fs_previous_name", True, name=name, previous=previous)

    def _kept(self, name: str, before: str) -> None:
        old_node, node = self.old.nodes[before], self.new.nodes[name]
        row = self.new_row(name)
        if before != name:
            self.add("renamed", "new", "survey", row, "fs_previous_name",
                     old=before, new=name)
        old_parent = self.old.parents.get(before)
        new_parent = self.new.parents.get(name)
        # Compared in the new version's names: a group renamed with it is no move.
        if (self.ident.new_of_old.get(old_parent, "#" + old_parent) if old_parent
                else None) != new_parent:
            self.add("moved", "new", "survey", row, "name", name=name,
                     old=old_parent or "-", new=new_parent or "-")
        if _repeats(self.old, before, self.ident.new_of_old) != _repeats(self.new, name, {}):
            # An answer inside a repeat is a list of instances; outside it is one value.
            self.add("moved_across_repeat", "new", "survey", row, "name", True, name=name)
        if isinstance(old_node, Group) or isinstance(node, Group):
            if not (isinstance(old_node, Group) and isinstance(node, Group)) or \
                    old_node.is_repeat != node.is_repeat:
                self.add("retyped", "new", "survey", row, "type", True, name=name,
                         old=_kind(old_node), new=_kind(node))
            return
        if old_node.type != node.type:
            self.add("retyped", "new", "survey", row, "type",
                     not can_hold(old_node.type, node.type), name=name,
                     old=old_node.type, new=node.type)
        old_c = old_node.constraint.source if old_node.constraint else ""
        new_c = node.constraint.source if node.constraint else ""
        if old_c != new_c:
            self.add("constraint_changed", "new", "survey", row, "constraint", name=name,
                     old=old_c or "-", new=new_c or "-")
        old_r = old_node.required.source if old_node.required else ""
        new_r = node.required.source if node.required else ""
        if old_r != new_r:
            self.add("required_changed", "new", "survey", row, "required", name=name,
                     old=old_r or "-", new=new_r or "-")

    def _removed(self, name: str, node: Node) -> None:
        if name in self.new.removed:
            self.add("removed_declared", "new", "survey", self.new.removed[name], "fs_removed",
                     name=name)
        elif isinstance(node, Question) and node.type in _NO_VALUE:
            self.add("removed", "old", "survey", self.old.rows.get(name), "name", name=name)
        elif isinstance(node, Group) and not node.is_repeat:
            # A plain group holds no answers itself; its questions are judged one by one.
            self.add("removed", "old", "survey", self.old.rows.get(name), "name", name=name)
        else:
            self.add("removed_undeclared", "old", "survey", self.old.rows.get(name), "name",
                     True, name=name)

    def _choice_lists(self) -> None:
        pairs: dict[tuple[str, str], set[str]] = {}
        for q in self.new.questions():
            before = self.ident.old_of_new.get(q.name)
            old_q = self.old.nodes.get(before) if before else None
            if q.list_name and isinstance(old_q, Question) and old_q.list_name:
                pairs.setdefault((old_q.list_name, q.list_name), set()).add(q.name)
        stat_lists = {q.list_name for form in (self.old, self.new) for q in form.questions()
                      if q.stat and q.list_name}
        for (old_list, new_list), users in sorted(pairs.items()):
            self._choices(old_list, new_list, sorted(users),
                          old_list in stat_lists or new_list in stat_lists)

    def _choices(self, old_list: str, new_list: str, users: list[str], stat: bool) -> None:
        old_choices = {c.name for c in self.old.choices.get(old_list, ())}
        claims = choice_claims(self.new.choices.get(new_list, ()), old_choices)
        by_old: dict[str, list[str]] = {}
        for new_name, olds in claims.items():
            row = self.new.choice_rows.get((new_list, new_name))
            for value in olds:
                if value not in old_choices:
                    self.add("unknown_previous_value", "new", "choices", row, PREVIOUS_VALUE,
                             True, list=new_list, name=new_name, value=value)
                else:
                    by_old.setdefault(value, []).append(new_name)
            if not olds:
                self.add("choice_added", "new", "choices", row, "name", list=new_list,
                         name=new_name)
        questions = ", ".join(users)
        for value in sorted(old_choices):
            targets = by_old.get(value, [])
            old_row = self.old.choice_rows.get((old_list, value))
            if not targets:
                declared = self.new.removed_choices.get((new_list, value))
                if declared is not None:
                    self.add("choice_removed_declared", "new", "choices", declared,
                             "fs_removed", list=new_list, name=value, questions=questions)
                    if stat:
                        self.add("stat_choices", "new", "choices", declared, "fs_removed",
                                 True, list=new_list, name=value)
                else:
                    self.add("choice_removed", "old", "choices", old_row, "name", True,
                             list=old_list, name=value, questions=questions)
                continue
            if targets == [value]:
                continue
            row = self.new.choice_rows.get((new_list, targets[0]))
            kind = "choice_split" if len(targets) > 1 else "choice_mapped"
            self.add(kind, "new", "choices", row, PREVIOUS_VALUE, list=new_list,
                     name=value, targets=", ".join(targets), questions=questions)
            if stat:
                self.add("stat_choices", "new", "choices", row, PREVIOUS_VALUE, True,
                         list=new_list, name=value)

    def _stats(self) -> None:
        new_stats = self.new.stat_fields()
        for key, before in self.old.stat_fields().items():
            now = new_stats.get(key)
            if now is None:
                self.add("stat_dropped", "old", "survey", self.old.rows.get(before), "fs_stat",
                         True, key=key, name=before)
            elif self.ident.old_of_new.get(now) != before:
                self.add("stat_moved", "new", "survey", self.new_row(now), "fs_stat", True,
                         key=key, old=before, new=now)
            else:
                old_q, q = self.old.question(before), self.new.question(now)
                if old_q.type != q.type:
                    self.add("stat_retyped", "new", "survey", self.new_row(now), "type", True,
                             key=key, name=now)


def choice_claims(choices: Iterable[Choice], old_names: set[str]) -> dict[str, tuple[str, ...]]:
    """New choice -> the earlier choices it takes over: those its ``fs_previous_value``
    names, else itself when the earlier list had it."""
    out: dict[str, tuple[str, ...]] = {}
    for choice in choices:
        declared = str(choice.columns.get(PREVIOUS_VALUE, "")).split()
        if choice.name in old_names and not set(declared) & old_names:
            declared = []  # left from an earlier step: the choice is already this one
        out[choice.name] = tuple(declared) if declared else \
            ((choice.name,) if choice.name in old_names else ())
    return out


def _kind(node: Node) -> str:
    if isinstance(node, Group):
        return "repeat" if node.is_repeat else "group"
    return node.type


def _repeats(form: FormDefinition, name: str, rename: Mapping[str, str]) -> tuple[str, ...]:
    """The enclosing repeats, spelled with the new version's names."""
    return tuple(rename.get(g.name, g.name) for g in reversed(list(form.ancestors(name)))
                 if g.is_repeat)


def compare(old: FormDefinition, new: FormDefinition) -> list[Change]:
    """Every difference from ``old`` to ``new``, refused ones included."""
    return _Diff(old, new).run()


def refused(changes: Iterable[Change]) -> list[Change]:
    return [c for c in changes if c.refused]
