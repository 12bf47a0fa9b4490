"""``fieldsurvey form check``: is a form within what fieldsurvey supports, and,
with ``--against OLD``, may it follow the old version without losing an answer?"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from fieldsurvey.forms.loader import FormLoadError, load_form
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.forms.versions import compare, refused
from fieldsurvey.messages import render
from fieldsurvey.resources import forms_dir


def _load(path: Path, lang: str) -> FormDefinition | None:
    """The form (through the file gate, as ``load_form`` always reads), or None after
    printing why not."""
    if not path.is_file():
        print(render("cli.no_such_file", lang, path=str(path)), file=sys.stderr)
        return None
    try:
        return load_form(path)
    except FormLoadError as exc:
        print(render("cli.form_refused", lang, file=str(path), count=len(exc.problems)))
        for problem in exc.problems:
            print("  - " + problem.render(lang))
        return None


def form_check(files: Sequence[str], lang: str, against: str | None = None) -> int:
    """Print a report per form; exit 1 if any form is refused."""
    paths = [Path(f) for f in files] or sorted(forms_dir().glob("*.xlsx"))
    old = None
    if against is not None:
        old = _load(Path(against), lang)
        if old is None:
            return 1
    failed = 0
    for path in paths:
        form = _load(path, lang)
        if form is None:
            failed += 1
            continue
        print(render("cli.form_ok", lang, file=str(path), form_id=form.form_id,
                     version=form.version, questions=sum(1 for _ in form.questions())))
        if old is not None and not _report_changes(old, form, Path(against or ""), path, lang):
            failed += 1
    return 1 if failed else 0


def _report_changes(old: FormDefinition, new: FormDefinition, old_path: Path,
                    new_path: Path, lang: str) -> bool:
    changes = compare(old, new)
    bad = refused(changes)
    code = "formver.checked_refused" if bad else "formver.checked_ok"
    print(render(code, lang, file=str(new_path), old=old.version, new=new.version,
                 count=len(bad) if bad else len(changes)))
    mark = render("formver.refused_mark", lang)
    for change in changes:
        line = change.render(lang, new_path.name, old_path.name)
        print(("  ! " if change.refused else "  - ") + line + (mark if change.refused else ""))
    return not bad
