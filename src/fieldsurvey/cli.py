"""``fieldsurvey``: with no subcommand it opens the desktop app; subcommands script the rest.

This is the composition root. It parses the arguments, chooses the language and
the data folder, and hands over. Only the GUI path imports Qt, so every
subcommand runs on a machine without a display or without PySide6.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from fieldsurvey import __version__
from fieldsurvey.i18n import choose_language
from fieldsurvey.messages import LANGUAGES, render

if TYPE_CHECKING:
    from fieldsurvey.paths import DataPaths


class _OneLineParser(argparse.ArgumentParser):
    """argparse, but a mistake ends in one line (in the user's language) naming it,
    not a usage block: scripts and people read the last line."""

    lang = "zh"

    def error(self, message: str) -> NoReturn:
        self.exit(2, render("cli_errors.usage", self.lang, prog=self.prog,
                            detail=_argparse_words(message, self.lang)) + "\n")


# argparse words its mistakes in English: the usual ones are put into the user's
# language (the argument names and values stay as typed); any other stays English.
_ARGPARSE = (
    (re.compile(r"the following arguments are required: (?P<names>.+)"), "required"),
    (re.compile(r"unrecognized arguments: (?P<names>.+)"), "unrecognized"),
    (re.compile(r"argument (?P<name>\S+): expected one argument"), "expected_one"),
    (re.compile(r"argument (?P<name>\S+): invalid choice: (?P<value>.+?) "
                r"\(choose from (?P<choices>.+)\)"), "invalid_choice"),
    (re.compile(r"argument (?P<name>\S+): invalid \S+ value: (?P<value>.+)"), "invalid_value"),
)


def _argparse_words(message: str, lang: str) -> str:
    for pattern, code in _ARGPARSE:
        if (match := pattern.fullmatch(message)) is not None:
            return render(f"cli_errors.argparse.{code}", lang, **match.groupdict())
    return message


def _with_db(parser: argparse.ArgumentParser, t: Callable[[str], str]) -> argparse.ArgumentParser:
    """``--db`` on every parser, before or after the action alike: SUPPRESS keeps a
    nested parser from resetting what an outer one was given."""
    parser.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                        help=t("cli_office.help_db"))
    return parser


def _parser(lang: str) -> argparse.ArgumentParser:
    def t(code: str) -> str:
        return render(code, lang)

    parser_class: type[_OneLineParser] = type("Parser", (_OneLineParser,), {"lang": lang})
    parser = parser_class(prog="fieldsurvey", description=t("cli.description"))
    parser.add_argument("--version", action="version", version=f"fieldsurvey {__version__}")
    parser.add_argument("--lang", choices=LANGUAGES, help=t("cli.help_lang"))
    parser.add_argument("--data-dir", metavar="DIR", help=t("cli.help_data_dir"))
    _with_db(parser, t)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _officer_parsers(commands, t)
    _office_parsers(commands, t)
    check_install = _with_db(commands.add_parser("selfcheck", help=t("selfcheck.help")), t)
    check_install.add_argument("--keep", action="store_true", help=t("selfcheck.help_keep"))
    return parser


def _officer_parsers(commands: Any, t: Callable[[str], str]) -> None:
    """The officer's subcommands (and form check)."""

    def sub(parent: Any, name: str, help_code: str) -> argparse.ArgumentParser:
        return _with_db(parent.add_parser(name, help=t(help_code)), t)

    form = sub(commands, "form", "cli.help_form")
    form_commands = form.add_subparsers(dest="form_command", metavar="ACTION", required=True)
    check = sub(form_commands, "check", "cli.help_form_check")
    check.add_argument("files", nargs="*", metavar="FILE", help=t("cli.help_form_files"))
    check.add_argument("--against", metavar="OLD", default=None,
                       help=t("formver.help_against"))

    ident = sub(commands, "identity", "cli.help_identity")
    ident_commands = ident.add_subparsers(dest="identity_command", metavar="ACTION", required=True)
    create = sub(ident_commands, "create", "cli.help_identity_create")
    create.add_argument("--role", choices=("officer", "county", "city"), default="officer")
    create.add_argument("--name", required=True, help=t("cli.help_name"))
    create.add_argument("--unit-code", required=True, help=t("cli.help_unit_code"))
    create.add_argument("--unit-name", required=True, help=t("cli.help_unit_name"))
    create.add_argument("--phone")
    sub(ident_commands, "show", "cli.help_identity_show")
    card = sub(ident_commands, "card", "cli.help_identity_card")
    card.add_argument("out", metavar="FILE")

    export = sub(commands, "export", "cli.help_export")
    export.add_argument("--month", metavar="YYYY-MM", help=t("cli.help_month"))
    export.add_argument("--out", metavar="FILE", help=t("cli.help_out"))

    trust_county = sub(commands, "county-trust", "cli_receive.help_county_trust")
    trust_county.add_argument("card", metavar="CARD")
    trust_county.add_argument("--fingerprint", metavar="DIGITS",
                              help=t("cli_receive.help_fingerprint"))
    trust_county.add_argument("--revoke-from", metavar="TIME",
                              help=t("cli_receive.help_revoke_from"))
    receive = sub(commands, "receive", "cli_receive.help_receive")
    receive.add_argument("file", metavar="FILE")
    receive.add_argument("--dry-run", action="store_true", help=t("cli_receive.help_dry_run"))
    reply = sub(commands, "reply", "cli_receive.help_reply")
    reply.add_argument("visit", metavar="VISIT")
    reply.add_argument("text", metavar="TEXT")

    register = sub(commands, "register", "register_county.help_register")
    register_commands = register.add_subparsers(dest="register_command", metavar="ACTION",
                                                required=True)
    register_import = sub(register_commands, "import", "register_county.help_import")
    register_import.add_argument("file", metavar="FILE")
    register_import.add_argument("--sheet", metavar="NAME", help=t("register_county.help_sheet"))
    register_import.add_argument("--dry-run", action="store_true",
                                 help=t("register_county.help_dry_run"))

    verify = sub(commands, "verify", "cli.help_verify")
    verify.add_argument("files", nargs="+", metavar="FILE")
    verify.add_argument("--trust", action="append", default=[], metavar="FILE",
                        help=t("cli.help_trust"))
    verify.add_argument("--json", action="store_true", help=t("cli.help_json"))


def _office_parsers(commands: Any, t: Callable[[str], str]) -> None:
    """The county (city) office's subcommands; each takes ``--db``."""

    def office_parser(name: str, help_code: str, parent: Any = commands) -> argparse.ArgumentParser:
        return _with_db(parent.add_parser(name, help=t(help_code)), t)

    office = office_parser("office", "cli_office.help_office")
    office_commands = office.add_subparsers(dest="office_command", metavar="ACTION", required=True)
    init = office_parser("init", "cli_office.help_init", office_commands)
    init.add_argument("--role", choices=("county", "city"), required=True)
    init.add_argument("--unit-code", required=True, help=t("cli.help_unit_code"))
    init.add_argument("--unit-name", required=True, help=t("cli.help_unit_name"))

    trust = office_parser("trust", "cli_office.help_trust")
    trust_commands = trust.add_subparsers(dest="trust_command", metavar="ACTION", required=True)
    trust_list = office_parser("list", "cli_office.help_trust_list", trust_commands)
    trust_list.add_argument("--json", action="store_true", help=t("cli.help_json"))
    add = office_parser("add", "cli_office.help_trust_add", trust_commands)
    add.add_argument("cards", nargs="+", metavar="CARD")
    revoke = office_parser("revoke", "cli_office.help_trust_revoke", trust_commands)
    revoke.add_argument("key", metavar="KEY")
    revoke.add_argument("--from", dest="revoked_from", required=True, metavar="TIME",
                        help=t("cli_office.help_revoke_from"))
    revoke.add_argument("--reason", required=True)
    for action in ("export", "import"):
        office_parser(action, f"cli_office.help_trust_{action}", trust_commands).add_argument(
            "file", metavar="FILE")

    merge = office_parser("merge", "cli_office.help_merge")
    merge.add_argument("files", nargs="+", metavar="FILE")
    merge.add_argument("--json", action="store_true", help=t("cli.help_json"))
    merge.add_argument("--report", metavar="FILE.xlsx", help=t("cli_office.help_report"))

    conflicts = office_parser("conflicts", "cli_office.help_conflicts")
    conflict_commands = conflicts.add_subparsers(dest="conflict_command", metavar="ACTION")
    conflict_list = office_parser("list", "cli_office.help_conflicts", conflict_commands)
    for sub in (conflicts, conflict_list):
        sub.add_argument("--all", action="store_true", help=t("cli_office.help_all"))
        sub.add_argument("--json", action="store_true", help=t("cli.help_json"))
    show = office_parser("show", "cli_office.help_conflict_show", conflict_commands)
    show.add_argument("id", type=int)
    resolve = office_parser("resolve", "cli_office.help_resolve", conflict_commands)
    resolve.add_argument("id", type=int)
    resolve.add_argument("choice", help=t("cli_office.help_choice"))
    resolve.add_argument("--note")

    stats = office_parser("stats", "cli_office.help_stats")
    stats.add_argument("--month", required=True, metavar="YYYY-MM", help=t("cli.help_month"))
    stats.add_argument("--xlsx", metavar="FILE")
    stats.add_argument("--pdf", metavar="FILE")
    stats.add_argument("--json", action="store_true", help=t("cli.help_json"))
    stats.add_argument("--approved-only", action="store_true",
                       help=t("cli_review.help_approved_only"))

    _review_parsers(office_parser, t)

    rollup = office_parser("rollup", "cli_office.help_rollup")
    rollup.add_argument("--month", metavar="YYYY-MM", help=t("cli.help_month"))
    rollup.add_argument("--out", metavar="FILE", help=t("cli.help_out"))


def _review_parsers(office_parser: Callable[..., argparse.ArgumentParser],
                    t: Callable[[str], str]) -> None:
    """``review`` (list, show, approve, return) and ``package`` at the office."""
    rev = office_parser("review", "cli_review.help_review")
    actions = rev.add_subparsers(dest="review_command", metavar="ACTION")
    listing = office_parser("list", "cli_review.help_list", actions)
    for sub in (rev, listing):
        sub.add_argument("--township", metavar="CODE")
        sub.add_argument("--state", choices=("pending", "approved", "returned", "fixed_pending"))
        sub.add_argument("--form", metavar="FORM_ID")
        sub.add_argument("--month", metavar="YYYY-MM", help=t("cli.help_month"))
        sub.add_argument("--json", action="store_true", help=t("cli.help_json"))
    show = office_parser("show", "cli_review.help_show", actions)
    show.add_argument("visit", metavar="VISIT")
    show.add_argument("--json", action="store_true", help=t("cli.help_json"))
    approve = office_parser("approve", "cli_review.help_approve", actions)
    approve.add_argument("visits", nargs="*", metavar="VISIT")
    approve.add_argument("--all-pending", action="store_true",
                         help=t("cli_review.help_all_pending"))
    approve.add_argument("--township", metavar="CODE")
    back = office_parser("return", "cli_review.help_return", actions)
    back.add_argument("visit", metavar="VISIT")
    back.add_argument("--comment", required=True)
    back.add_argument("--question", action="append", default=[], metavar="NAME=TEXT",
                      help=t("cli_review.help_question"))

    package = office_parser("package", "cli_review.help_package")
    which = package.add_mutually_exclusive_group(required=True)
    which.add_argument("--township", metavar="CODE")
    which.add_argument("--all", action="store_true")
    package.add_argument("--out", metavar="DIR", help=t("cli_review.help_out_dir"))
    package.add_argument("--notice", metavar="TEXT", help=t("cli_review.help_notice"))
    package.add_argument("--dry-run", action="store_true", help=t("cli_review.help_dry_run"))
    package.add_argument("--form", metavar="FILE", help=t("form_archive.help_form"))


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
    if args.command is None:
        from fieldsurvey.ui.app import run

        return run(lang=lang, data_dir=args.data_dir, lang_fixed=args.lang is not None,
                   db=getattr(args, "db", None))
    from fieldsurvey.commands.errors import one_line

    try:
        return _command(args, lang)
    except KeyboardInterrupt:
        print(render("cli.cancelled", lang), file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last resort: one line, never a traceback
        print(one_line(exc, lang), file=sys.stderr)
        return 70


#: Subcommands that use no database: ``--db`` given to one of them is a mistake.
NO_DATABASE = ("form", "identity", "verify", "selfcheck")


def _command(args: argparse.Namespace, lang: str) -> int:
    if args.command in NO_DATABASE and getattr(args, "db", None) is not None:
        print(render("cli_errors.db_not_used", lang, command=args.command), file=sys.stderr)
        return 2
    if args.command == "form":
        from fieldsurvey.commands.form import form_check  # load only what is used

        return form_check(args.files, lang, against=args.against)
    if args.command == "selfcheck":
        from fieldsurvey.commands.selfcheck import selfcheck
        from fieldsurvey.ui.probe import qt_probe  # Qt itself loads only in the last step

        return selfcheck(lang, args.data_dir, keep=args.keep, qt_probe=qt_probe)
    from fieldsurvey.commands.errors import DataFolderError, open_data_folder

    try:
        paths = open_data_folder(args.data_dir)
    except DataFolderError as exc:
        print(exc.message.render(lang), file=sys.stderr)
        return 2
    if args.command in ("identity", "export", "verify"):
        return _keyed_command(args, paths, lang)
    if args.command in ("county-trust", "receive", "reply"):
        return _receiving_command(args, paths, lang)
    if args.command == "register":
        from fieldsurvey.commands.register import register_command

        return register_command(paths, lang, getattr(args, "db", None), args.file, args.sheet,
                                args.dry_run)
    return _office_command(args, paths, lang)


def _keyed_command(args: argparse.Namespace, paths: DataPaths, lang: str) -> int:
    from fieldsurvey.commands import bundle, identity

    if args.command == "export":
        return bundle.export(paths, lang, month=args.month, out=args.out,
                             store=getattr(args, "db", None))
    if args.command == "verify":
        return bundle.verify(paths, lang, args.files, trust_files=args.trust, as_json=args.json)
    if args.identity_command == "create":
        return identity.identity_create(paths, lang, role=args.role, name=args.name,
                                        unit_code=args.unit_code, unit_name=args.unit_name,
                                        phone=args.phone)
    if args.identity_command == "show":
        return identity.identity_show(paths, lang)
    return identity.identity_card(paths, lang, args.out)


def _receiving_command(args: argparse.Namespace, paths: DataPaths, lang: str) -> int:
    from fieldsurvey.commands import receive

    store = getattr(args, "db", None)
    if args.command == "county-trust":
        return receive.county_trust_command(paths, lang, store, args.card, args.fingerprint,
                                            args.revoke_from)
    if args.command == "receive":
        return receive.receive_command(paths, lang, store, args.file, args.dry_run)
    return receive.reply_command(paths, lang, store, args.visit, args.text)


OFFICE_COMMANDS = ("office", "trust", "merge", "conflicts", "stats", "rollup", "review",
                   "package")


def _office_command(args: argparse.Namespace, paths: DataPaths, lang: str) -> int:
    from fieldsurvey.commands import office

    db = getattr(args, "db", None)
    if args.command == "office":
        return office.office_init(paths, lang, role=args.role, unit_code=args.unit_code,
                                  unit_name=args.unit_name, db_url=db)
    if args.command == "trust":
        return office.trust_command(paths, lang, db, args.trust_command, args)
    if args.command == "merge":
        return office.merge_command(paths, lang, db, args.files, as_json=args.json,
                                    report_path=args.report)
    if args.command == "conflicts":
        return office.conflicts_command(paths, lang, db, args.conflict_command or "list", args)
    if args.command == "review":
        from fieldsurvey.commands.review import review_command

        return review_command(paths, lang, db, args)
    if args.command == "package":
        from fieldsurvey.commands.package import package_command

        return package_command(paths, lang, db, args)
    if args.command == "stats":
        return office.stats_command(paths, lang, db, month=args.month, xlsx=args.xlsx,
                                    pdf=args.pdf, as_json=args.json,
                                    approved_only=args.approved_only)
    return office.rollup_command(paths, lang, db, month=args.month, out=args.out)


if __name__ == "__main__":
    raise SystemExit(main())
