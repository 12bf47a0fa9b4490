"""Answers as an officer reads them: choice labels, not codes.

Shared by the printed visit record and the visit screens (roster table, finalize
dialog, history view, through ``fieldsurvey.ui.visit.display``), so a value reads
the same on screen and on paper. The separators are the visit screens' own words
(``ui.visit.*``) so that both keep saying exactly the same thing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fieldsurvey.forms.answers import Answers, is_blank
from fieldsurvey.forms.model import FormDefinition, Group, Question, pick_label
from fieldsurvey.forms.state import Ref
from fieldsurvey.messages import render
from fieldsurvey.store.visits import ref_key


def choice_label(form: FormDefinition, question: Question, name: str, lang: str) -> str:
    for choice in form.choices.get(question.list_name or "", ()):
        if choice.name == name:
            return pick_label(choice.labels, lang, form.default_language) or name
    return name  # a code the form no longer offers is shown as it is stored


def answer_text(form: FormDefinition, question: Question, value: Any, lang: str) -> str:
    """One stored answer as text ("" when blank)."""
    if is_blank(value):
        return ""
    if question.type == "select_one":
        return choice_label(form, question, str(value), lang)
    if question.type == "select_multiple":
        items = value if isinstance(value, list) else str(value).split()
        separator = render("ui.visit.list_separator", lang)
        return separator.join(choice_label(form, question, str(v), lang) for v in items)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class AnswerLine:
    """One question instance of a visit, for side-by-side comparison."""

    key: str  # ref_key: ``name`` or ``name@0``
    label: str
    text: str


def answer_lines(form: FormDefinition, answers: Answers, lang: str) -> Iterator[AnswerLine]:
    """Every answered question instance in form order; repeats numbered from 1."""
    yield from _lines(form, form.root, answers, lang, (), "")


def _lines(form: FormDefinition, group: Group, answers: Answers, lang: str,
           indices: tuple[int, ...], prefix: str) -> Iterator[AnswerLine]:
    for node in group.children:
        if isinstance(node, Group) and node.is_repeat:
            instances = answers.get(node.name)
            if not isinstance(instances, list):
                continue
            title = form.label(node.name, lang)
            for i, instance in enumerate(instances):
                if isinstance(instance, dict):
                    row_prefix = prefix + render("ui.visit.row_label", lang, group=title,
                                                 number=i + 1) + " › "
                    yield from _lines(form, node, instance, lang, (*indices, i), row_prefix)
        elif isinstance(node, Group):
            yield from _lines(form, node, answers, lang, indices, prefix)
        elif node.name in answers and node.type != "note":
            yield AnswerLine(ref_key(Ref(node.name, indices)), prefix + form.label(node.name, lang),
                             answer_text(form, node, answers[node.name], lang))
