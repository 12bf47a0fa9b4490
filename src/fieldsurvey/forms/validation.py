"""Checking a filled form: errors block finalizing, warnings need a reason.

An error is a required question left blank, a failed ``constraint``, a value that
does not fit its type or its choices, or an expression that could not be
evaluated. A warning is a failed ``fs_warning`` (for example a USCC whose type
characters disagree with the registration type): the officer may override it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from fieldsurvey.forms.answers import AnswerError, coerce, is_blank
from fieldsurvey.forms.model import Labels, pick_label
from fieldsurvey.forms.state import FormState, Ref
from fieldsurvey.messages import Message

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    """One finding on one question instance."""

    ref: Ref
    severity: Severity
    message: Message
    # The form author's own wording (constraint_message and friends), if any.
    form_text: Labels | None = None

    def text(self, lang: str, default_lang: str = "zh") -> str:
        if self.form_text:
            return pick_label(self.form_text, lang, default_lang)
        return self.message.render(lang)


def check_ref(state: FormState, ref: Ref) -> list[Issue]:
    """The issues of one question instance (empty when it is not relevant)."""
    question = state.form.question(ref.name)
    if not state.relevant(ref) or not question.takes_input:
        return _eval_errors(state, [ref])
    raw = state.raw(ref) if question.calculation is None else state.value(ref)
    issues: list[Issue] = []
    if is_blank(raw):
        if state.required(ref):
            issues.append(Issue(ref, "error", Message("form.required", {"field": ref.name}),
                                question.required_message or None))
        return issues + _eval_errors(state, [ref])
    if question.calculation is None:
        try:
            coerce(question, raw)
        except AnswerError as exc:
            issues.append(Issue(ref, "error", exc.message))
            return issues
    if question.is_select:
        offered = {choice.name for choice in state.choices(ref)}
        picked = raw if isinstance(raw, list) else [raw]
        issues.extend(
            Issue(ref, "error", Message("form.not_a_choice", {"field": ref.name, "value": name}))
            for name in picked if name not in offered
        )
    current = state.value(ref)
    if question.constraint is not None and not state.condition(
        question.constraint, ref, default=True, current=current
    ):
        issues.append(Issue(ref, "error", Message("form.constraint", {"field": ref.name}),
                            question.constraint_message or None))
    if question.warning is not None and not state.condition(
        question.warning, ref, default=True, current=current
    ):
        issues.append(Issue(ref, "warning", Message("form.warning", {"field": ref.name}),
                            question.warning_message or None))
    return issues + _eval_errors(state, [ref])


def _eval_errors(state: FormState, refs: Iterable[Ref]) -> list[Issue]:
    return [
        Issue(ref, "error", Message("form.eval_failed", {"field": ref.name, "detail": message}))
        for ref in refs
        if (message := state.eval_errors.get(ref)) is not None
    ]


def check(state: FormState) -> list[Issue]:
    """Every issue in the form, in form order."""
    issues: list[Issue] = []
    for ref in state.refs():
        issues.extend(check_ref(state, ref))
    return issues


def errors(issues: Iterable[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity == "error"]


def warnings(issues: Iterable[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity == "warning"]
