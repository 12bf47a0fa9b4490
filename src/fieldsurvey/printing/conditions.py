"""Relevance conditions in words, for the paper form ("若第3题选“拒访”，跳至第5题").

Three wordings, tried in order (every word from the message catalogue; the result is
already in the officer's language, since choice labels are too):

1. **A skip on one single-choice question.** When a condition reads nothing but one
   ``select_one`` question, it is evaluated for each of that question's choices;
   the choices that make it false are the ones to skip on: "若第N题选“A”或“B”，
   跳至第X题". This is how paper questionnaires say it, and it is exact, whatever
   the expression looks like (``=``, ``!=``, ``or`` chains, ``not``).
   ``selected(${q}, 'c')`` on a multiple-choice question is worded the same way
   ("若第N题未勾选“c”").
2. **The condition in words**, when it is built from comparisons of questions with
   constants joined by ``and``/``or``: "仅当第N题选“A”，且第M题已填写时填写，
   否则跳至第X题". Same-question equalities joined by ``or`` read as one choice
   list.
3. **The expression itself**, with every ``${name}`` replaced by its question
   number, when neither applies: nothing is hidden from the officer, only less
   elegantly put.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fieldsurvey.forms.expr import ExpressionError, MappingContext, evaluate, to_boolean
from fieldsurvey.forms.expr.nodes import Binary, Call, FieldRef, Literal, Node
from fieldsurvey.forms.expr.parser import Expression
from fieldsurvey.forms.model import FormDefinition, Question, pick_label
from fieldsurvey.messages import render

_OPERATORS = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
_REF = re.compile(r"\$\{([A-Za-z_][\w.-]*)\}")


@dataclass(frozen=True)
class Wording:
    """How a form refers to its questions on paper."""

    form: FormDefinition
    numbers: Mapping[str, str]  # question name -> printed number ("12" or "24.1")
    lang: str

    def choice(self, question: Question, name: str) -> str:
        for choice in self.form.choices.get(question.list_name or "", ()):
            if choice.name == name:
                return pick_label(choice.labels, self.lang, self.form.default_language) or name
        return name

    def words(self, code: str, **params: str) -> str:
        return render(code, self.lang, **params)

    def question_ref(self, name: str) -> str:
        if name in self.numbers:
            return self.words("print.cond.question", number=self.numbers[name])
        return self.words("print.cond.named", label=self.form.label(name, self.lang))


def _choices_message(w: Wording, question: Question, names: Sequence[str]) -> str:
    """“A”, “A”或“B”, “A”、“B”或“C”."""
    quoted = [w.words("print.cond.quoted", text=w.choice(question, n)) for n in names]
    if len(quoted) == 1:
        return quoted[0]
    return w.words("print.cond.alternatives",
                   first=w.words("print.cond.separator").join(quoted[:-1]), last=quoted[-1])


def skip_condition(expr: Expression, w: Wording) -> str | None:
    """Wording 1: *when to skip* (the negation of ``expr``), or None if it does not apply."""
    if len(expr.field_refs) != 1 or expr.uses_current or expr.choice_refs:
        return None
    (name,) = expr.field_refs
    node = w.form.nodes.get(name)
    if not isinstance(node, Question) or node.repeats or name not in w.numbers:
        return None
    if node.type == "select_multiple":
        tree = expr.tree
        if (isinstance(tree, Call) and tree.name == "selected" and len(tree.args) == 2
                and isinstance(tree.args[1], Literal)):
            return w.words("print.cond.not_ticked", question=w.question_ref(name),
                           choices=_choices_message(w, node, [str(tree.args[1].value)]))
        return None
    if node.type != "select_one":
        return None
    choices = [c.name for c in w.form.choices.get(node.list_name or "", ())]
    try:
        skipped = [c for c in choices
                   if not to_boolean(evaluate(expr, MappingContext({name: c})))]
    except ExpressionError:
        return None
    if not skipped or len(skipped) == len(choices):
        return None
    return w.words("print.cond.chosen", question=w.question_ref(name),
                   choices=_choices_message(w, node, skipped))


def condition_words(node: Node, w: Wording) -> str | None:
    """Wording 2: *when it applies*, or None when the tree is not simple enough."""
    if isinstance(node, Binary) and node.op in ("and", "or"):
        if node.op == "or":
            merged = _same_question_choices(node, w)
            if merged is not None:
                return merged
        left, right = condition_words(node.left, w), condition_words(node.right, w)
        if left is None or right is None:
            return None
        return w.words(f"print.cond.{node.op}", left=left, right=right)
    if isinstance(node, Binary) and isinstance(node.left, FieldRef) \
            and isinstance(node.right, Literal):
        return _comparison(node.op, node.left.name, node.right.value, w)
    if isinstance(node, Call) and node.name == "selected" and len(node.args) == 2 \
            and isinstance(node.args[0], FieldRef) and isinstance(node.args[1], Literal):
        question = w.form.nodes.get(node.args[0].name)
        if isinstance(question, Question):
            return w.words("print.cond.ticked", question=w.question_ref(question.name),
                           choices=_choices_message(w, question, [str(node.args[1].value)]))
    return None


def _or_terms(node: Node) -> list[Node]:
    if isinstance(node, Binary) and node.op == "or":
        return _or_terms(node.left) + _or_terms(node.right)
    return [node]


def _same_question_choices(node: Binary, w: Wording) -> str | None:
    """``${q} = 'a' or ${q} = 'b'`` as “第N题选“A”或“B””."""
    terms = _or_terms(node)
    names: list[str] = []
    field: str | None = None
    for term in terms:
        if not (isinstance(term, Binary) and term.op == "=" and isinstance(term.left, FieldRef)
                and isinstance(term.right, Literal)):
            return None
        if field not in (None, term.left.name):
            return None
        field = term.left.name
        names.append(str(term.right.value))
    question = w.form.nodes.get(field or "")
    if not isinstance(question, Question) or not question.is_select:
        return None
    return w.words("print.cond.chosen", question=w.question_ref(question.name),
                   choices=_choices_message(w, question, names))


def _comparison(op: str, name: str, value: float | str, w: Wording) -> str | None:
    question = w.form.nodes.get(name)
    if not isinstance(question, Question):
        return None
    ref = w.question_ref(name)
    if value == "" and op in ("=", "!="):
        return w.words("print.cond.blank" if op == "=" else "print.cond.answered", question=ref)
    if question.is_select and op in ("=", "!="):
        return w.words("print.cond.chosen" if op == "=" else "print.cond.not_chosen",
                       question=ref, choices=_choices_message(w, question, [str(value)]))
    shown = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if op in ("=", "!="):
        return w.words("print.cond.equals" if op == "=" else "print.cond.differs",
                       question=ref, value=shown)
    if op in _OPERATORS:
        return w.words(f"print.cond.{_OPERATORS[op]}", question=ref, value=shown)
    return None


def expression_words(expr: Expression, w: Wording) -> str:
    """Wording 3: the expression with its question references numbered."""
    text = _REF.sub(lambda m: w.question_ref(m.group(1)), expr.source)
    return w.words("print.cond.expression", expression=text)


def instruction(expr: Expression, w: Wording, *, target: str | None, block: bool,
                run: tuple[str, str] | None = None) -> str:
    """What to print at a conditional question (``block=False``) or section.

    ``target`` is the number of the first question after it, or None at the end;
    ``run`` the first and last number when consecutive questions share the condition
    and it is printed once, at the first.
    """
    goto = (w.words("print.blank.goto", number=target) if target is not None
            else w.words("print.blank.goto_end"))
    skip = skip_condition(expr, w)
    if skip is not None:
        return w.words("print.blank.skip_if", condition=skip, goto=goto)
    words = condition_words(expr.tree, w) or expression_words(expr, w)
    if run is not None:
        return w.words("print.blank.run_only_if", first=run[0], last=run[1], condition=words,
                       goto=goto)
    code = "print.blank.section_only_if" if block else "print.blank.only_if"
    return w.words(code, condition=words, goto=goto)
