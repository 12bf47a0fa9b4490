"""``fieldsurvey``: with no subcommand it opens the desktop app; subcommands script the rest.

This is the composition root. It parses the arguments, chooses the language and
the data folder, and hands over. Only the GUI path imports Qt, so every
subcommand runs on a machine without a display or without PySide6.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from fieldsurvey import __version__
from fieldsurvey.i18n import choose_language
from fieldsurvey.messages import LANGUAGES, render


def _parser(lang: str) -> argparse.ArgumentParser:
    def t(code: str) -> str:
        return render(code, lang)

    parser = argparse.ArgumentParser(prog="fieldsurvey", description=t("cli.description"))
    parser.add_argument("--version", action="version", version=f"fieldsurvey {__version__}")
    parser.add_argument("--lang", choices=LANGUAGES, help=t("cli.help_lang"))
    parser.add_argument("--data-dir", metavar="DIR", help=t("cli.help_data_dir"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    form = commands.add_parser("form", help=t("cli.help_form"))
    form_commands = form.add_subparsers(dest="form_command", metavar="ACTION", required=True)
    check = form_commands.add_parser("check", help=t("cli.help_form_check"))
    check.add_argument("files", nargs="*", metavar="FILE", help=t("cli.help_form_files"))
    return parser


def _language_hint(argv: Sequence[str]) -> str | None:
    """``--lang`` read ahead of parsing, so that ``--help`` itself is translated."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGUAGES:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg.split("=", 1)[1] in LANGUAGES:
            return arg.split("=", 1)[1]
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    lang = choose_language(_language_hint(args_list))
    args = _parser(lang).parse_args(args_list)
    if args.command == "form":
        return form_check(args.files, lang)
    from fieldsurvey.ui.app import run

    return run(lang=lang, data_dir=args.data_dir)


def form_check(files: Sequence[str], lang: str) -> int:
    """Print a report per form; exit 1 if any form is refused."""
    from fieldsurvey.forms.loader import FormLoadError, load_form
    from fieldsurvey.resources import forms_dir

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


if __name__ == "__main__":
    raise SystemExit(main())
