"""Move a visit's answers from one form version to the next through what it declares.

Every answer comes through: it is either mapped onto the new version (renamed,
converted to a wider type, its choice renamed) or kept, unchanged, under its old
name in the ``#kept`` bucket (``{version: {ref_key: value}}``, ``ref_key`` as in
``store.visits``: ``name`` or ``name@0.2`` inside repeats). ``#`` never occurs in a
form's names, so the bucket cannot collide with a question, and a bundle carries
it in the ``#extra`` column like any key the form does not know: kept answers stay
readable and exportable.

A split choice cannot be mapped without a person: the old answer is kept and the
question is left for the officer to answer again, marked as changed.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fieldsurvey.forms.answers import Answers
from fieldsurvey.forms.model import FormDefinition, Group, Question
from fieldsurvey.forms.versions import can_hold, choice_claims, identify, version_key

KEPT = "#kept"


@dataclass
class Moved:
    """The answers on the new version and what a screen should point out."""

    answers: Answers
    version: str
    # New-version names: questions new to the visit, and questions whose name, place,
    # type or choices changed or whose answer had to be kept aside.
    added: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Step:
    old: FormDefinition
    new: FormDefinition
    names: Mapping[str, str]  # old name -> new name
    choices: Mapping[str, Mapping[str, str | None]]  # new question -> old value -> new
    added: frozenset[str]
    moved: frozenset[str]  # new names that were renamed, moved or retyped


def _step(old: FormDefinition, new: FormDefinition) -> _Step:
    ident = identify(old, new)
    choices: dict[str, dict[str, str | None]] = {}
    moved: set[str] = set()
    for name, before in ident.old_of_new.items():
        node, old_node = new.nodes[name], old.nodes[before]
        old_parent = old.parents.get(before)
        if name != before or new.parents.get(name) != (
                ident.new_of_old.get(old_parent, "#" + old_parent) if old_parent else None):
            moved.add(name)
        if isinstance(node, Question) and isinstance(old_node, Question):
            if node.type != old_node.type:
                moved.add(name)
            if node.list_name and old_node.list_name:
                old_names = {c.name for c in old.choices.get(old_node.list_name, ())}
                by_old: dict[str, list[str]] = {}
                for target, olds in choice_claims(new.choices.get(node.list_name, ()),
                                                  old_names).items():
                    for value in olds:
                        by_old.setdefault(value, []).append(target)
                table: dict[str, str | None] = {
                    v: (t[0] if len(t) == 1 else None) for v, t in by_old.items()}
                if any(table.get(v) != v for v in old_names):
                    moved.add(name)
                choices[name] = table
    added = frozenset(n for n in new.nodes if n not in ident.old_of_new)
    return _Step(old, new, ident.new_of_old, choices, added, frozenset(moved))


class _Mover:
    def __init__(self, step: _Step, kept: dict[str, Any]) -> None:
        self.step, self.kept = step, kept
        self.changed: set[str] = set()

    def container(self, values: Mapping[str, Any], indices: tuple[int, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in values.items():
            ref = key + ("@" + ".".join(map(str, indices)) if indices else "")
            new_name = self.step.names.get(key)
            if new_name is None:
                self.kept[ref] = copy.deepcopy(value)  # removed, or already unknown
                continue
            node = self.step.new.nodes[new_name]
            if isinstance(node, Group):
                if isinstance(value, list) and all(isinstance(i, Mapping) for i in value):
                    out[new_name] = [self.container(instance, (*indices, n))
                                     for n, instance in enumerate(value)]
                else:
                    self.kept[ref] = copy.deepcopy(value)
                    self.changed.add(new_name)
                continue
            ok, converted, keep = self.convert(key, node, value)
            if ok:
                out[new_name] = converted
            if keep:
                self.kept[ref] = copy.deepcopy(value)
                self.changed.add(new_name)
        return out

    def convert(self, old_name: str, question: Question,
                value: Any) -> tuple[bool, Any, bool]:
        """(whether a value goes on, that value, whether the old one is kept aside).

        A select_multiple with a split choice keeps the choices that map and
        sets the whole old answer aside, so the officer sees what was there."""
        old_q = self.step.old.nodes[old_name]
        assert isinstance(old_q, Question)
        if value is None or value == "":
            return True, value, False
        keep = False
        table = self.step.choices.get(question.name)
        if table is not None and old_q.is_select:
            items = value if isinstance(value, list) else [value]
            mapped = [table.get(str(v)) for v in items]
            if any(m is None for m in mapped):
                if not isinstance(value, list):
                    return False, None, True
                keep = True
            value = [m for m in mapped if m is not None] if isinstance(value, list) \
                else mapped[0]
        if old_q.type == question.type:
            return True, value, keep
        if not can_hold(old_q.type, question.type):
            return False, None, True
        if question.type == "text":
            return True, " ".join(value) if isinstance(value, list) else str(value), keep
        if question.type == "select_multiple":
            return True, value if isinstance(value, list) else [value], keep
        if question.type == "decimal":
            return True, float(value), keep
        if question.type == "datetime":
            return True, f"{value}T00:00:00" if len(str(value)) == 10 else value, keep
        return True, value, keep


def move_step(answers: Answers, old: FormDefinition, new: FormDefinition) -> Moved:
    """One version forward; ``new`` declares how it differs from ``old``."""
    step = _step(old, new)
    source = {k: v for k, v in answers.items() if k != KEPT}
    bucket: dict[str, dict[str, Any]] = copy.deepcopy(dict(answers.get(KEPT) or {}))
    kept: dict[str, Any] = {}
    mover = _Mover(step, kept)
    out = mover.container(source, ())
    if kept:
        bucket.setdefault(old.version, {}).update(kept)
    if bucket:
        out[KEPT] = bucket
    return Moved(out, new.version, set(step.added), set(step.moved) | mover.changed)


def move_answers(answers: Answers, chain: Sequence[FormDefinition]) -> Moved:
    """Through every version of ``chain`` in turn (``chain[0]`` is the answers' own).

    What is new or changed is reported against the last version: a question
    added in v2 and renamed in v3 is simply new to a visit that was on v1.
    """
    if not chain:
        raise ValueError("a chain needs at least the answers' own version")
    ordered = [f.version for f in chain]
    if ordered != sorted(ordered, key=version_key):
        raise ValueError(f"versions out of order: {ordered}")
    moved = Moved(copy.deepcopy(answers), chain[0].version)
    for old, new in itertools.pairwise(chain):
        step = move_step(moved.answers, old, new)
        rename = identify(old, new).new_of_old
        step.added |= {rename[n] for n in moved.added if n in rename}
        step.changed |= {rename[n] for n in moved.changed if n in rename} - step.added
        moved = step
    return moved


def names_through(chain: Sequence[FormDefinition]) -> dict[str, str]:
    """Name on ``chain[0]`` -> name on the last version, for what survives every step."""
    names = {name: name for name in chain[0].nodes} if chain else {}
    for old, new in itertools.pairwise(chain):
        step = identify(old, new).new_of_old
        names = {first: step[now] for first, now in names.items() if now in step}
    return names


def kept_answers(answers: Answers) -> dict[str, dict[str, Any]]:
    """Answers kept under their old names: ``{version: {ref_key: value}}``."""
    return copy.deepcopy(dict(answers.get(KEPT) or {}))
