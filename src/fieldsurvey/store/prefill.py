"""Starting a visit: what carries over from the register and from the last visit.

A question's ``fs_prefill`` column says where its first value comes from:
``register.<attr>`` reads the organization's row in the register, ``previous``
the organization's previous visit. Prefilled values are only a starting point:
the keys that were filled are remembered ("pending") until the officer
confirms or changes each one, so the editor can mark them as carried over.

The pending keys live in the ``app_setting`` table beside the visit, not in the
answers: the answers are exactly what the officer recorded, and a bundle never
carries screen state.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from fieldsurvey.forms.answers import AnswerError, Answers, coerce, is_blank
from fieldsurvey.forms.model import FormDefinition, Group, Question
from fieldsurvey.forms.state import FormState, Ref
from fieldsurvey.messages import Message
from fieldsurvey.store.models import Organization, Visit
from fieldsurvey.store.settings import get_setting, set_setting
from fieldsurvey.store.visits import VisitError, answers_of, create_visit, ref_key

REGISTER_PREFIX = "register."
PREVIOUS = "previous"
# Not a message code: the key under which a visit's unconfirmed prefills are kept.
_PENDING_PREFIX = "prefill_pending:"


def previous_visit(session: Session, organization_id: str,
                   exclude: str | None = None) -> Visit | None:
    """The organization's latest visit that is not deleted (``exclude`` left out).

    A finalized visit is preferred to a draft (a draft may be half-typed);
    among those, the latest by visit date, then by last change.
    """
    query = (
        select(Visit)
        .where(Visit.organization_id == organization_id, Visit.deleted_at.is_(None))
        .order_by(case((Visit.status == "final", 0), else_=1),
                  Visit.visit_date.desc().nulls_last(), Visit.updated_at.desc())
        .limit(1)
    )
    if exclude is not None:
        query = query.where(Visit.id != exclude)
    return session.scalars(query).first()


def prefill_answers(form: FormDefinition, organization: Organization,
                    previous_answers: Answers | None) -> tuple[Answers, set[str]]:
    """The answers a new visit starts with, and their :func:`ref_key` keys.

    Only values the current form can store are taken: a previous visit made
    with an older form version may hold a code that is no longer a choice, and
    a register may spell a registration type by its label rather than its code.
    Answers of the previous visit that were not relevant there are not carried.
    """
    previous = _relevant_previous(form, previous_answers) if previous_answers else {}
    return _fill(form, form.root, organization, previous, ())


def _fill(form: FormDefinition, group: Group, organization: Organization,
          previous: Answers, indices: tuple[int, ...]) -> tuple[Answers, set[str]]:
    answers: Answers = {}
    keys: set[str] = set()
    for node in group.children:
        if isinstance(node, Group) and node.is_repeat:
            instances = previous.get(node.name)
            if not isinstance(instances, list) or not _carries_over(node):
                continue
            rows: list[Answers] = []
            for instance in instances:
                if not isinstance(instance, dict):
                    continue
                row, row_keys = _fill(form, node, organization, instance,
                                      (*indices, len(rows)))
                if row:  # a row with nothing that carries over is not a row
                    rows.append(row)
                    keys |= row_keys
            if rows:
                answers[node.name] = rows
        elif isinstance(node, Group):
            inner, inner_keys = _fill(form, node, organization, previous, indices)
            answers.update(inner)
            keys |= inner_keys
        elif node.prefill and node.takes_input:
            value = _source_value(node, organization, previous)
            stored = _storable(form, node, value)
            if stored is not None:
                answers[node.name] = stored
                keys.add(ref_key(Ref(node.name, indices)))
    return answers, keys


def _carries_over(repeat: Group) -> bool:
    """A roster carries over when its own questions are marked ``previous``."""
    return any(isinstance(node, Question) and node.prefill == PREVIOUS
               for node in repeat.walk())


def _source_value(question: Question, organization: Organization, previous: Answers) -> Any:
    assert question.prefill is not None
    if question.prefill == PREVIOUS:
        return previous.get(question.name)
    if question.prefill.startswith(REGISTER_PREFIX):
        attr = question.prefill.removeprefix(REGISTER_PREFIX)
        # Only mapped columns: a form must not reach into arbitrary attributes.
        if attr in Organization.__table__.columns:
            return getattr(organization, attr)
    return None


def _storable(form: FormDefinition, question: Question, value: Any) -> Any:
    """``value`` as the question stores it, or None when it cannot be stored."""
    if is_blank(value):
        return None
    if isinstance(value, str):
        value = value.strip()
    if question.is_select:
        return _as_choices(form, question, value)
    try:
        stored = coerce(question, value)
    except AnswerError:
        return None
    return None if is_blank(stored) else stored


def _as_choices(form: FormDefinition, question: Question, value: Any) -> Any:
    """Choice names for a select; labels (any language) are mapped to their names."""
    options = form.choices.get(question.list_name or "", ())
    by_label = {label.strip(): c.name for c in options for label in c.labels.values()}
    names = {c.name for c in options}
    if question.type == "select_multiple":
        items = value.split() if isinstance(value, str) else value
    else:  # one choice, whose label may well contain spaces
        items = [value]
    picked = []
    for item in items if isinstance(items, list) else [items]:
        text = str(item).strip()
        name = text if text in names else by_label.get(text)
        if name is None:
            return None  # one unknown code: carry nothing rather than a wrong part
        picked.append(name)
    if not picked:
        return None
    return picked[0] if question.type == "select_one" else list(dict.fromkeys(picked))


def _relevant_previous(form: FormDefinition, answers: Answers) -> Answers:
    """The previous answers the current form can read, without non-relevant ones."""
    cleaned = _clean(form, form.root, answers)
    # Relevance is evaluated on the cleaned answers: a stale value of an older
    # form version must not be able to make the evaluation fail.
    return FormState(form, cleaned).submission()


def _clean(form: FormDefinition, group: Group, answers: Answers) -> Answers:
    out: Answers = {}
    for node in group.children:
        if isinstance(node, Group) and node.is_repeat:
            instances = answers.get(node.name)
            if isinstance(instances, list):
                out[node.name] = [_clean(form, node, i) for i in instances if isinstance(i, dict)]
        elif isinstance(node, Group):
            out.update(_clean(form, node, answers))
        elif node.takes_input and node.name in answers:
            stored = _storable(form, node, answers[node.name])
            if stored is not None:
                out[node.name] = stored
    return out


def start_visit(session: Session, form: FormDefinition, organization_id: str, officer: str,
                today: dt.date) -> Visit:
    """A new draft for an organization: prefilled, dated ``today``, its prefills pending."""
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise VisitError(Message("visit.no_organization", {"id": organization_id}))
    previous = previous_visit(session, organization_id)
    prefilled, keys = prefill_answers(form, organization,
                                      answers_of(previous) if previous else None)
    noon = dt.datetime.combine(today, dt.time(12))
    # A fresh state applies the form's defaults; ``today()`` in them is ``today``.
    state = FormState(form, now=lambda: noon)
    _merge(state, form.root, prefilled, ())
    date_question = form.stat_fields().get("visit_date")
    if date_question is None and "visit_date" in form.nodes:
        date_question = "visit_date"
    if date_question is not None:
        state.set(Ref(date_question), today)
    visit = create_visit(session, organization_id=organization_id, form=form,
                         officer=officer, answers=state.answers)
    set_pending_prefill(session, visit.id, keys)
    return visit


def _merge(state: FormState, group: Group, answers: Answers, indices: tuple[int, ...]) -> None:
    """Put prefilled answers into a state, adding repeat instances (with their defaults)."""
    for node in group.children:
        if isinstance(node, Group) and node.is_repeat:
            for instance in answers.get(node.name, []):
                index = state.add_instance(node.name, indices)
                _merge(state, node, instance, (*indices, index))
        elif isinstance(node, Group):
            _merge(state, node, answers, indices)
        elif node.name in answers:
            state.set(Ref(node.name, indices), copy.deepcopy(answers[node.name]))


def pending_prefill(session: Session, visit_id: str) -> set[str]:
    """The prefilled keys of a visit the officer has not yet confirmed or changed."""
    raw = get_setting(session, _PENDING_PREFIX + visit_id)
    if not raw:
        return set()
    loaded = json.loads(raw)
    return {str(key) for key in loaded} if isinstance(loaded, list) else set()


def set_pending_prefill(session: Session, visit_id: str, keys: Iterable[str]) -> None:
    """Remember which prefilled keys still wait for the officer (sorted, for stable bytes)."""
    pending = sorted(set(keys))
    name = _PENDING_PREFIX + visit_id
    if not pending and get_setting(session, name) is None:
        return  # nothing was ever pending: no row for every visit
    set_setting(session, name, json.dumps(pending))
