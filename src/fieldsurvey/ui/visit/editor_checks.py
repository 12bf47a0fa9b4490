"""What a visit's screen shows about its answers: marks, messages, badges, problems.

Everything here is re-derived from one :func:`~fieldsurvey.forms.validation.check`
of the whole form after each edit; the widgets were built once and are only
shown, hidden or relabelled.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from fieldsurvey.forms.state import Ref
from fieldsurvey.forms.validation import Issue, check
from fieldsurvey.store.visits import ref_key
from fieldsurvey.ui.visit.finalize_dialog import ProblemItem

if TYPE_CHECKING:
    from fieldsurvey.ui.visit.editor import VisitEditor

REQUIRED_CODE = "form.required"


def refresh(editor: VisitEditor) -> None:
    """Re-derive relevance, required marks, choices and messages from the state."""
    state, lang = editor.state, editor.ctx.lang
    by_key: dict[str, list[Issue]] = {}
    for issue in check(state):
        by_key.setdefault(ref_key(issue.ref), []).append(issue)
    focus_key = editor.focus.focus_key()
    errors = [0] * len(editor.pages)
    missing = [0] * len(editor.pages)

    def visible(key: str, issue_code: str | None) -> bool:
        if editor.show_all or key in editor.touched:
            return True
        return issue_code != REQUIRED_CODE and key != focus_key

    def messages_for(key: str, page: int) -> list[tuple[str, str]]:
        shown: list[tuple[str, str]] = []
        entry = editor.entry_errors.get(key)
        if entry is not None:
            # What was typed is not a value yet; the stored (older) answer's
            # issues would only confuse.
            errors[page] += 1
            return [("error", editor.ctx.word(entry))] if visible(key, None) else []
        for issue in by_key.get(key, []):
            if issue.message.code == REQUIRED_CODE:
                missing[page] += 1
            elif issue.severity == "error":
                errors[page] += 1
            if visible(key, issue.message.code):
                shown.append((issue.severity, issue.text(lang, editor.form.default_language)))
        return shown

    for name, row in editor.rows.items():
        ref = Ref(name)
        relevant = state.relevant(ref)
        if row.isHidden() == relevant:
            row.setVisible(relevant)
        row.set_read_only(editor.read_only or state.read_only(ref))
        row.set_prefilled(name in editor.pending and not editor.read_only)
        if not relevant:
            continue
        question = row.question
        if question.choice_filter is not None:
            row.widget.set_choices(state.choices(ref))
        if question.calculation is not None:
            row.widget.set_value(state.value(ref))
        row.set_required(state.required(ref))
        row.set_messages(messages_for(name, editor.page_of[name]))
    for name, shown in (*editor.notes.items(), *editor.blocks.items()):
        relevant = state.relevant(Ref(name))
        if shown.isHidden() == relevant:
            shown.setVisible(relevant)
    for name, table in editor.tables.items():
        relevant = state.relevant(Ref(name))
        if table.isHidden() == relevant:
            table.setVisible(relevant)
        columns = {q.name for q in table.model.columns}
        cells = {key: messages_for(key, editor.page_of[name])
                 for key in {*by_key, *editor.entry_errors} if _key_name(key) in columns}
        table.refresh({k: v for k, v in cells.items() if v}, editor.pending, editor.read_only)
    _refresh_sections(editor, errors, missing)


def _refresh_sections(editor: VisitEditor, errors: list[int], missing: list[int]) -> None:
    navigator = editor.navigator
    for index, page in enumerate(editor.pages):
        relevant = editor.state.relevant(Ref(page.group.name)) \
            if page.group.name in editor.form.nodes else True
        navigator.setRowHidden(index, not relevant)
        navigator.set_badges(index, errors[index] if relevant else 0,
                             missing[index] if relevant else 0)
    current = navigator.currentRow()
    if navigator.isRowHidden(current):
        shown = [i for i in range(len(editor.pages)) if not navigator.isRowHidden(i)]
        later = [i for i in shown if i > current] or shown
        if later:
            navigator.setCurrentRow(later[0])
    editor.summary.setText(editor.ctx.tr("ui.visit.summary", errors=sum(errors),
                                         missing=sum(missing))
                           if not editor.read_only else "")


def problems(editor: VisitEditor) -> tuple[list[ProblemItem], list[ProblemItem]]:
    """Errors and warnings as the finalize dialog lists them, in form order."""
    state, lang = editor.state, editor.ctx.lang
    found_errors: list[ProblemItem] = []
    found_warnings: list[ProblemItem] = []
    issues = check(state)
    refs_in_order = [ref_key(r) for r in state.refs()]
    for key in refs_in_order:
        entry = editor.entry_errors.get(key)
        ref = ref_of(key)
        if entry is not None and state.relevant(ref):
            found_errors.append(ProblemItem(key, ref, _where(editor, ref),
                                            editor.ctx.word(entry)))
    for issue in issues:
        key = ref_key(issue.ref)
        item = ProblemItem(key, issue.ref, _where(editor, issue.ref),
                           issue.text(lang, editor.form.default_language),
                           editor.previous_reasons.get(key, ""))
        (found_errors if issue.severity == "error" else found_warnings).append(item)
    found_errors.sort(key=lambda i: refs_in_order.index(i.key)
                      if i.key in refs_in_order else len(refs_in_order))
    return found_errors, found_warnings


def _where(editor: VisitEditor, ref: Ref) -> str:
    form, lang = editor.form, editor.ctx.lang
    page = editor.page_of.get(ref.name)
    parts = [editor.pages[page].title] if page is not None else []
    question = form.question(ref.name)
    if question.repeats and ref.indices:
        parts.append(editor.ctx.tr("ui.visit.row_label",
                                   group=form.label(question.repeats[-1], lang),
                                   number=ref.indices[-1] + 1))
    parts.append(form.label(ref.name, lang))
    return " › ".join(parts)


def shift_keys(keys: Iterable[str], columns: set[str], removed: int) -> dict[str, str]:
    """old key -> new key once row ``removed`` of a roster is gone (its own keys drop out)."""
    out = {}
    for key in keys:
        name, _, index = key.partition("@")
        if name not in columns or not index:
            out[key] = key
            continue
        first, *rest = index.split(".")
        number = int(first)
        if number != removed:
            shifted = number - 1 if number > removed else number
            out[key] = name + "@" + ".".join([str(shifted), *rest])
    return out


def ref_of(key: str) -> Ref:
    name, _, index = key.partition("@")
    return Ref(name, tuple(int(i) for i in index.split(".")) if index else ())


def _key_name(key: str) -> str:
    return key.split("@", 1)[0]
