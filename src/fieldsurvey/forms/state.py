"""A form being filled: answers, repeats, relevance, calculations, choice filters.

Semantics follow ODK: a question inside a non-relevant group is not relevant; a
non-relevant question reads as empty to every other expression (so relevance
chains collapse); ``${x}`` for a question in a repeat means the value in the same
instance when asked from inside that repeat, and the set of all instances' values
when asked from outside (for ``count()`` and ``sum()``).

Derived facts are memoised per "generation" and the memo is dropped on every
change, which keeps the engine simple and, for forms of a few hundred questions,
far below a millisecond per keystroke.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fieldsurvey.forms.answers import Answers, coerce, is_blank
from fieldsurvey.forms.expr import (
    Expression,
    ExpressionEvalError,
    NodeSet,
    Value,
    evaluate,
    to_boolean,
    to_string,
)
from fieldsurvey.forms.expr.context import local_now
from fieldsurvey.forms.model import Choice, FormDefinition, Group, Question
from fieldsurvey.messages import Message


@dataclass(frozen=True)
class Ref:
    """A question (or repeat) and, inside repeats, its instance index per level."""

    name: str
    indices: tuple[int, ...] = ()


class _Context:
    """The evaluation context of one expression, seen from one node instance."""

    def __init__(self, state: FormState, repeats: tuple[str, ...], indices: tuple[int, ...],
                 current: Value = None, choice: Choice | None = None) -> None:
        self.state, self.repeats, self.indices = state, repeats, indices
        self._current, self._choice = current, choice

    def lookup(self, name: str) -> Value:
        return self.state._lookup(name, self.repeats, self.indices)

    def current(self) -> Value:
        return self._current

    def choice_column(self, column: str) -> Value:
        if self._choice is None:
            return None
        if column == "name":
            return self._choice.name
        return self._choice.columns.get(column)

    def now(self) -> dt.datetime:
        return self.state.now()


class FormState:
    """The answers of one visit and everything derived from them."""

    def __init__(self, form: FormDefinition, answers: Answers | None = None, *,
                 now: Callable[[], dt.datetime] = local_now) -> None:
        self.form = form
        self.now = now
        self.answers: Answers = copy.deepcopy(answers) if answers is not None else {}
        self._memo: dict[tuple[str, str, tuple[int, ...]], Any] = {}
        self._evaluating: set[tuple[str, str, tuple[int, ...]]] = set()
        self.eval_errors: dict[Ref, Message] = {}
        if answers is None:
            self._apply_defaults(self.form.root, self.answers, ())
        self._sync_repeat_counts()

    # -- reading and writing answers ------------------------------------------
    def _container(self, repeats: tuple[str, ...], indices: tuple[int, ...],
                   create: bool = False) -> dict[str, Any] | None:
        """The dict holding the answers of one repeat instance (or the top level)."""
        box: dict[str, Any] = self.answers
        for repeat, index in zip(repeats, indices, strict=True):
            instances = box.get(repeat)
            if not isinstance(instances, list) or index >= len(instances):
                if not create:
                    return None
                raise IndexError(f"{repeat}[{index}]")
            box = instances[index]
        return box

    def raw(self, ref: Ref) -> Any:
        """The stored answer (JSON form), or None."""
        box = self._container(self.form.question(ref.name).repeats, ref.indices)
        return None if box is None else box.get(ref.name)

    def set(self, ref: Ref, value: Any) -> Any:
        """Store an answer after checking it; returns the stored form.

        Raises :class:`~fieldsurvey.forms.answers.AnswerError` for a value that
        cannot be stored exactly, leaving the answers unchanged.
        """
        question = self.form.question(ref.name)
        stored = coerce(question, value)
        box = self._container(question.repeats, ref.indices, create=True)
        assert box is not None
        if stored is None:
            box.pop(ref.name, None)
        else:
            box[ref.name] = stored
        self._changed()
        return stored

    def _changed(self) -> None:
        self._memo.clear()
        self.eval_errors.clear()
        self._sync_repeat_counts()

    # -- repeats ----------------------------------------------------------------
    def instance_count(self, repeat: str, parent_indices: tuple[int, ...] = ()) -> int:
        group = self.form.node(repeat)
        assert isinstance(group, Group) and group.is_repeat
        box = self._container(group.repeats, parent_indices)
        instances = box.get(repeat) if box is not None else None
        return len(instances) if isinstance(instances, list) else 0

    def add_instance(self, repeat: str, parent_indices: tuple[int, ...] = ()) -> int:
        """Append an instance (with its defaults); returns its index."""
        group = self.form.node(repeat)
        assert isinstance(group, Group) and group.is_repeat
        box = self._container(group.repeats, parent_indices, create=True)
        assert box is not None
        instances = box.setdefault(repeat, [])
        instance: dict[str, Any] = {}
        self._apply_defaults(group, instance, (*parent_indices, len(instances)))
        instances.append(instance)
        self._changed()
        return len(instances) - 1

    def remove_instance(self, repeat: str, indices: tuple[int, ...]) -> None:
        group = self.form.node(repeat)
        assert isinstance(group, Group)
        box = self._container(group.repeats, indices[:-1], create=True)
        assert box is not None
        del box[repeat][indices[-1]]
        self._changed()

    def _sync_repeat_counts(self) -> None:
        """Repeats with a ``repeat_count`` get exactly that many instances."""
        for group in self.form.repeats():
            if group.repeat_count is None:
                continue
            for parent in self._instances(group.repeats, ()):
                wanted = self._count(group.repeat_count, group.repeats, Ref(group.name, parent))
                box = self._container(group.repeats, parent)
                if box is None:
                    continue
                instances = box.setdefault(group.name, [])
                while len(instances) < wanted:
                    instance: dict[str, Any] = {}
                    self._apply_defaults(group, instance, (*parent, len(instances)))
                    instances.append(instance)
                del instances[max(wanted, 0):]

    def _count(self, expr: Expression, repeats: tuple[str, ...], ref: Ref) -> int:
        result = self._eval(expr, repeats, ref.indices, ref)
        try:
            return max(0, int(float(to_string(result) or 0)))
        except ValueError:
            return 0

    def _instances(self, repeats: tuple[str, ...], fixed: tuple[int, ...]) -> list[tuple[int, ...]]:
        """Every index tuple for a repeat chain, extending the fixed outer indices."""
        found = [fixed]
        for depth in range(len(fixed), len(repeats)):
            found = [
                (*prefix, i)
                for prefix in found
                for i in range(self.instance_count(repeats[depth], prefix))
            ]
        return found

    def _apply_defaults(self, group: Group, box: dict[str, Any], indices: tuple[int, ...]) -> None:
        for node in group.children:
            if isinstance(node, Group):
                if not node.is_repeat:
                    self._apply_defaults(node, box, indices)
            elif node.default is not None:
                box[node.name] = coerce(node, node.default)
            elif node.default_expr is not None:
                ref = Ref(node.name, indices)
                value = self._eval(node.default_expr, node.repeats, indices, ref)
                if value not in (None, ""):
                    box[node.name] = coerce(node, to_string(value))

    # -- evaluation -------------------------------------------------------------
    def _eval(self, expr: Expression, repeats: tuple[str, ...], indices: tuple[int, ...],
              ref: Ref, current: Value = None, choice: Choice | None = None) -> Value:
        try:
            return evaluate(expr, _Context(self, repeats, indices, current, choice))
        except ExpressionEvalError as exc:
            self.eval_errors[ref] = exc.message
            return None

    def _memoised(self, kind: str, ref: Ref, compute: Callable[[], Any]) -> Any:
        key = (kind, ref.name, ref.indices)
        if key in self._memo:
            return self._memo[key]
        if key in self._evaluating:  # a cycle: the form refers to itself
            self.eval_errors[ref] = Message("form.cycle", {"field": ref.name})
            return None
        self._evaluating.add(key)
        try:
            result = self._memo[key] = compute()
        finally:
            self._evaluating.discard(key)
        return result

    def _lookup(self, name: str, repeats: tuple[str, ...], indices: tuple[int, ...]) -> Value:
        node = self.form.node(name)
        chain = _chain(node)
        shared = 0
        while shared < min(len(chain), len(repeats)) and chain[shared] == repeats[shared]:
            shared += 1
        fixed = indices[:shared]
        if shared == len(chain) and not (isinstance(node, Group) and node.is_repeat):
            return self.value(Ref(name, fixed)) if isinstance(node, Question) else None
        targets = self._instances(chain, fixed)
        if isinstance(node, Group):  # a repeat: one entry per relevant instance
            return NodeSet(True for i in targets if self.relevant(Ref(name, i)))
        members: list[Any] = []
        for i in targets:
            value = self.value(Ref(name, i))
            # A calculation may itself yield a node-set; XPath flattens them.
            members.extend(value if isinstance(value, NodeSet) else [value])
        return NodeSet(m for m in members if m is not None)

    def value(self, ref: Ref) -> Value:
        """The typed value an expression sees (None when blank or not relevant)."""
        result: Value = self._memoised("value", ref, lambda: self._compute_value(ref))
        return result

    def _compute_value(self, ref: Ref) -> Value:
        question = self.form.question(ref.name)
        if not self.relevant(ref):
            return None
        if question.calculation is not None:
            return self._eval(question.calculation, question.repeats, ref.indices, ref)
        raw = self.raw(ref)
        if is_blank(raw):
            return None
        if question.type == "select_multiple":
            return " ".join(raw)
        if question.type == "date":
            return dt.date.fromisoformat(raw)
        if question.type == "datetime":
            return dt.datetime.fromisoformat(raw)
        return raw  # type: ignore[no-any-return]

    def relevant(self, ref: Ref) -> bool:
        """Relevant itself and every enclosing group relevant."""
        return bool(self._memoised("relevant", ref, lambda: self._compute_relevant(ref)))

    def _compute_relevant(self, ref: Ref) -> bool:
        node = self.form.node(ref.name)
        parent = self.form.parents.get(ref.name)
        if parent is not None:
            depth = len(_chain(self.form.node(parent)))
            if not self.relevant(Ref(parent, ref.indices[:depth])):
                return False
        if node.relevant is None:
            return True
        own = ref.indices[: len(node.repeats)]
        return to_boolean(self._eval(node.relevant, node.repeats, own, ref))

    def condition(self, expr: Expression | None, ref: Ref, default: bool = False,
                  current: Value = None) -> bool:
        """A boolean column (required, read_only, constraint...) for one instance."""
        if expr is None:
            return default
        question = self.form.question(ref.name)
        context = _Context(self, question.repeats, ref.indices, current)
        try:
            return to_boolean(evaluate(expr, context))
        except ExpressionEvalError as exc:
            # Reported once as an evaluation error, not also as a failed constraint.
            self.eval_errors[ref] = exc.message
            return default

    def required(self, ref: Ref) -> bool:
        return self.condition(self.form.question(ref.name).required, ref)

    def read_only(self, ref: Ref) -> bool:
        question = self.form.question(ref.name)
        return question.calculation is not None or self.condition(question.read_only, ref)

    def choices(self, ref: Ref) -> list[Choice]:
        """The choices offered for a select, after its choice_filter."""
        question = self.form.question(ref.name)
        options = self.form.choices.get(question.list_name or "", ())
        if question.choice_filter is None:
            return list(options)
        return [
            choice for choice in options
            if to_boolean(self._eval(question.choice_filter, question.repeats, ref.indices, ref,
                                     choice=choice))
        ]

    # -- walking the form -----------------------------------------------------
    def refs(self, group: Group | None = None, indices: tuple[int, ...] = ()) -> Iterator[Ref]:
        """Every question instance in form order (repeats expanded)."""
        for node in (group or self.form.root).children:
            if isinstance(node, Question):
                yield Ref(node.name, indices)
            elif node.is_repeat:
                for i in range(self.instance_count(node.name, indices)):
                    yield from self.refs(node, (*indices, i))
            else:
                yield from self.refs(node, indices)

    def submission(self) -> Answers:
        """The answers as they are finalized: relevant only, calculations filled in."""
        return self._submission(self.form.root, ())

    def _submission(self, group: Group, indices: tuple[int, ...]) -> Answers:
        out: Answers = {}
        for node in group.children:
            if isinstance(node, Group):
                if not node.is_repeat:
                    out.update(self._submission(node, indices))
                    continue
                instances = [
                    self._submission(node, (*indices, i))
                    for i in range(self.instance_count(node.name, indices))
                    if self.relevant(Ref(node.name, (*indices, i)))
                ]
                if instances:
                    out[node.name] = instances
                continue
            ref = Ref(node.name, indices)
            if not self.relevant(ref) or node.type == "note":
                continue
            if node.calculation is not None:
                computed = self.value(ref)
                if computed not in (None, ""):
                    out[node.name] = _stored_calculation(node, computed)
                continue
            raw = self.raw(ref)
            if raw is not None:
                out[node.name] = copy.deepcopy(raw)
        return out


def _chain(node: Question | Group) -> tuple[str, ...]:
    """The repeats that index a node's instances (a repeat indexes itself too)."""
    if isinstance(node, Group) and node.is_repeat:
        return (*node.repeats, node.name)
    return node.repeats


def _stored_calculation(question: Question, value: Value) -> Any:
    """A calculated value as it is stored; calculate fields keep XPath's string form."""
    if question.type == "calculate" or isinstance(value, NodeSet):
        return to_string(value)
    try:
        return coerce(question, to_string(value))
    except ValueError:
        return to_string(value)

