"""``fieldsurvey form check``: is a form within what fieldsurvey supports?"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from fieldsurvey.forms.loader import FormLoadError, load_form
from fieldsurvey.messages import render
from fieldsurvey.resources import forms_dir


def form_check(files: Sequence[str], lang: str) -> int:
    """Print a report per form; exit 1 if any form is refused."""
    paths = [Path(f) for f in files] or sorted(forms_dir().glob("*.xlsx"))
    failed = 0
    for path in paths:
        if not path.is_file():
            print(render("cli.no_such_file", lang, path=str(path)), file=sys.stderr)
            failed += 1
            continue
        try:
            form = load_form(path)
        except FormLoadError as exc:
            failed += 1
            print(render("cli.form_refused", lang, file=str(path), count=len(exc.problems)))
            for problem in exc.problems:
                print("  - " + problem.render(lang))
            continue
        print(render("cli.form_ok", lang, file=str(path), form_id=form.form_id,
                     version=form.version, questions=sum(1 for _ in form.questions())))
    return 1 if failed else 0
