"""``fieldsurvey``: with no subcommand it opens the desktop app; subcommands script the rest.

This is the composition root. It parses the arguments, chooses the language and
the data folder, and hands over. Only the GUI path imports Qt, so every
subcommand runs on a machine without a display or without PySide6.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

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
    # The app's own --db (subcommands have theirs, which argparse would let shadow this one).
    parser.add_argument("--db", dest="app_db", metavar="URL", help=t("cli_office.help_db"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    form = commands.add_parser("form", help=t("cli.help_form"))
    form_commands = form.add_subparsers(dest="form_command", metavar="ACTION", required=True)
    check = form_commands.add_parser("check", help=t("cli.help_form_check"))
    check.add_argument("files", nargs="*", metavar="FILE", help=t("cli.help_form_files"))

    ident = commands.add_parser("identity", help=t("cli.help_identity"))
    ident_commands = ident.add_subparsers(dest="identity_command", metavar="ACTION", required=True)
    create = ident_commands.add_parser("create", help=t("cli.help_identity_create"))
    create.add_argument("--role", choices=("officer", "county", "city"), default="officer")
    create.add_argument("--name", required=True, help=t("cli.help_name"))
    create.add_argument("--unit-code", required=True, help=t("cli.help_unit_code"))
    create.add_argument("--unit-name", required=True, help=t("cli.help_unit_name"))
    create.add_argument("--phone")
    ident_commands.add_parser("show", help=t("cli.help_identity_show"))
    card = ident_commands.add_parser("card", help=t("cli.help_identity_card"))
    card.add_argument("out", metavar="FILE")

    export = commands.add_parser("export", help=t("cli.help_export"))
    export.add_argument("--month", metavar="YYYY-MM", help=t("cli.help_month"))
    export.add_argument("--out", metavar="FILE", help=t("cli.help_out"))

    verify = commands.add_parser("verify", help=t("cli.help_verify"))
    verify.add_argument("files", nargs="+", metavar="FILE")
    verify.add_argument("--trust", action="append", default=[], metavar="FILE",
                        help=t("cli.help_trust"))
    verify.add_argument("--json", action="store_true", help=t("cli.help_json"))
    _office_parsers(commands, t)
    check_install = commands.add_parser("selfcheck", help=t("selfcheck.help"))
    check_install.add_argument("--keep", action="store_true", help=t("selfcheck.help_keep"))
    return parser


def _office_parsers(commands: Any, t: Callable[[str], str]) -> None:
    """The county (city) office's subcommands; each takes ``--db``."""

    def office_parser(name: str, help_code: str) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = commands.add_parser(name, help=t(help_code))
        sub.add_argument("--db", metavar="URL", help=t("cli_office.help_db"))
        return sub

    office = commands.add_parser("office", help=t("cli_office.help_office"))
    office_commands = office.add_subparsers(dest="office_command", metavar="ACTION", required=True)
    init = office_commands.add_parser("init", help=t("cli_office.help_init"))
    init.add_argument("--role", choices=("county", "city"), required=True)
    init.add_argument("--unit-code", required=True, help=t("cli.help_unit_code"))
    init.add_argument("--unit-name", required=True, help=t("cli.help_unit_name"))
    init.add_argument("--db", metavar="URL", help=t("cli_office.help_db"))

    trust = office_parser("trust", "cli_office.help_trust")
    trust_commands = trust.add_subparsers(dest="trust_command", metavar="ACTION", required=True)
    trust_list = trust_commands.add_parser("list", help=t("cli_office.help_trust_list"))
    trust_list.add_argument("--json", action="store_true", help=t("cli.help_json"))
    add = trust_commands.add_parser("add", help=t("cli_office.help_trust_add"))
    add.add_argument("cards", nargs="+", metavar="CARD")
    revoke = trust_commands.add_parser("revoke", help=t("cli_office.help_trust_revoke"))
    revoke.add_argument("key", metavar="KEY")
    revoke.add_argument("--from", dest="revoked_from", required=True, metavar="TIME",
                        help=t("cli_office.help_revoke_from"))
    revoke.add_argument("--reason", required=True)
    for action in ("export", "import"):
        sub = trust_commands.add_parser(action, help=t(f"cli_office.help_trust_{action}"))
        sub.add_argument("file", metavar="FILE")

    merge = office_parser("merge", "cli_office.help_merge")
    merge.add_argument("files", nargs="+", metavar="FILE")
    merge.add_argument("--json", action="store_true", help=t("cli.help_json"))
    merge.add_argument("--report", metavar="FILE.xlsx", help=t("cli_office.help_report"))

    conflicts = office_parser("conflicts", "cli_office.help_conflicts")
    conflict_commands = conflicts.add_subparsers(dest="conflict_command", metavar="ACTION")
    conflict_list = conflict_commands.add_parser("list", help=t("cli_office.help_conflicts"))
    for sub in (conflicts, conflict_list):
        sub.add_argument("--all", action="store_true", help=t("cli_office.help_all"))
        sub.add_argument("--json", action="store_true", help=t("cli.help_json"))
    show = conflict_commands.add_parser("show", help=t("cli_office.help_conflict_show"))
    show.add_argument("id", type=int)
    resolve = conflict_commands.add_parser("resolve", help=t("cli_office.help_resolve"))
    resolve.add_argument("id", type=int)
    resolve.add_argument("choice", help=t("cli_office.help_choice"))
    resolve.add_argument("--note")

    stats = office_parser("stats", "cli_office.help_stats")
    stats.add_argument("--month", required=True, metavar="YYYY-MM", help=t("cli.help_month"))
    stats.add_argument("--xlsx", metavar="FILE")
    stats.add_argument("--pdf", metavar="FILE")
    stats.add_argument("--json", action="store_true", help=t("cli.help_json"))

    rollup = office_parser("rollup", "cli_office.help_rollup")
    rollup.add_argument("--month", metavar="YYYY-MM", help=t("cli.help_month"))
    rollup.add_argument("--out", metavar="FILE", help=t("cli.help_out"))


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
        from fieldsurvey.commands.form import form_check  # load only what is used

        return form_check(args.files, lang)
    if args.command == "selfcheck":
        from fieldsurvey.commands.selfcheck import selfcheck
        from fieldsurvey.ui.probe import qt_probe  # Qt itself loads only in the last step

        return selfcheck(lang, args.data_dir, keep=args.keep, qt_probe=qt_probe)
    if args.command in ("identity", "export", "verify"):
        return _keyed_command(args, lang)
    if args.command in OFFICE_COMMANDS:
        return _office_command(args, lang)
    from fieldsurvey.ui.app import run

    return run(lang=lang, data_dir=args.data_dir, lang_fixed=args.lang is not None,
               db=args.app_db)


def _keyed_command(args: argparse.Namespace, lang: str) -> int:
    from fieldsurvey.commands import bundle, identity
    from fieldsurvey.paths import data_paths

    paths = data_paths(args.data_dir)
    if args.command == "export":
        return bundle.export(paths, lang, month=args.month, out=args.out)
    if args.command == "verify":
        return bundle.verify(paths, lang, args.files, trust_files=args.trust, as_json=args.json)
    if args.identity_command == "create":
        return identity.identity_create(paths, lang, role=args.role, name=args.name,
                                        unit_code=args.unit_code, unit_name=args.unit_name,
                                        phone=args.phone)
    if args.identity_command == "show":
        return identity.identity_show(paths, lang)
    return identity.identity_card(paths, lang, args.out)


OFFICE_COMMANDS = ("office", "trust", "merge", "conflicts", "stats", "rollup")


def _office_command(args: argparse.Namespace, lang: str) -> int:
    from fieldsurvey.commands import office
    from fieldsurvey.paths import data_paths

    paths = data_paths(args.data_dir)
    if args.command == "office":
        return office.office_init(paths, lang, role=args.role, unit_code=args.unit_code,
                                  unit_name=args.unit_name, db_url=args.db)
    if args.command == "trust":
        return office.trust_command(paths, lang, args.db, args.trust_command, args)
    if args.command == "merge":
        return office.merge_command(paths, lang, args.db, args.files, as_json=args.json,
                                    report_path=args.report)
    if args.command == "conflicts":
        return office.conflicts_command(paths, lang, args.db, args.conflict_command or "list",
                                        args)
    if args.command == "stats":
        return office.stats_command(paths, lang, args.db, month=args.month, xlsx=args.xlsx,
                                    pdf=args.pdf, as_json=args.json)
    return office.rollup_command(paths, lang, args.db, month=args.month, out=args.out)


if __name__ == "__main__":
    raise SystemExit(main())
