"""The officer's side: ``county-trust CARD``, ``receive FILE``, ``reply VISIT TEXT``."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from fieldsurvey.commands.errors import is_file_argument
from fieldsurvey.identity.enrollment import read_enrollment_card
from fieldsurvey.identity.keys import IdentityError
from fieldsurvey.messages import Message, render
from fieldsurvey.packages.read import PackageRefused
from fieldsurvey.packages.receive import (
    ReceiveSummary,
    preview_package,
    receive_package,
)
from fieldsurvey.paths import DataPaths
from fieldsurvey.store import StoreError, open_database, open_store
from fieldsurvey.store.county import CountyError, add_reply, revoke_county, trust_county
from fieldsurvey.store.db import Database
from fieldsurvey.store.profile import load_profile


def _fail(lang: str, message: Message, code: int = 1) -> int:
    print(message.render(lang), file=sys.stderr)
    return code


def _with_store(paths: DataPaths, lang: str, store: str | None,
                work: Callable[[Database], int]) -> int:
    try:
        db = open_database(Path(store), backups=paths.backups) if store else open_store(paths)
    except StoreError as exc:
        return _fail(lang, exc.message)
    try:
        return work(db)
    except (CountyError, PackageRefused, IdentityError) as exc:
        code = _fail(lang, exc.message)  # the reason first, then what was found
        for detail in getattr(exc, "details", [])[:20]:
            print("  - " + detail, file=sys.stderr)
        return code
    finally:
        db.close()


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _moment(text: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    # A date or time without a zone is Beijing time, as at the office.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))


def county_trust_command(paths: DataPaths, lang: str, store: str | None, card: str,
                         fingerprint: str | None, revoke_from: str | None = None) -> int:
    """Trust the county's card once the fingerprint read over the phone is typed in, or
    (``revoke_from``) refuse what its key signs from that moment on."""
    if (problem := is_file_argument(Path(card))) is not None:
        return _fail(lang, problem, 2)
    try:
        public = read_enrollment_card(Path(card))
    except IdentityError as exc:
        return _fail(lang, exc.message)
    if revoke_from is not None:
        moment = _moment(revoke_from)
        if moment is None:
            return _fail(lang, Message("cli_errors.bad_moment", {"value": revoke_from}), 2)

        def revoke(db: Database) -> int:
            with db.transaction() as session:
                row = revoke_county(session, public.key_id, moment)
            print(render("cli_receive.revoked", lang, name=row.name,
                         fingerprint=row.fingerprint, moment=moment.isoformat()))
            return 0

        return _with_store(paths, lang, store, revoke)
    if fingerprint is None:  # show what to read aloud, and change nothing
        print(render("cli_receive.read_fingerprint", lang, name=public.name,
                     unit=public.unit_name, fingerprint=public.fingerprint))
        return 2
    if _digits(fingerprint) != _digits(public.fingerprint):
        return _fail(lang, Message("cli_receive.fingerprint_differs", {
            "given": fingerprint, "card": public.fingerprint}))

    def work(db: Database) -> int:
        with db.transaction() as session:
            row, new = trust_county(session, public)
        print(render("cli_receive.trusted" if new else "cli_receive.known", lang,
                     name=row.name, unit=row.unit_name, fingerprint=row.fingerprint))
        return 0

    return _with_store(paths, lang, store, work)


def print_summary(summary: ReceiveSummary, lang: str) -> None:
    package = summary.package
    print(render("cli_receive.holds", lang, sequence=package.sequence,
                 signer=package.signer_name, unit=package.signer_unit,
                 returned=summary.returned, added=summary.added, updated=summary.updated,
                 unchanged=summary.unchanged, conflicts=len(summary.conflicts),
                 gone=summary.found_gone))
    for c in summary.conflicts[:50]:
        print(render("cli_receive.conflict", lang, name=c.name, field=c.field, mine=c.mine,
                     county=c.county))
    if package.contents.notice:
        print(render("cli_receive.notice", lang, notice=package.contents.notice))
    if package.contents.form is not None:
        print(render("form_archive.form_carried", lang, form_id=package.contents.form.form_id,
                     version=package.contents.form.version))


def receive_command(paths: DataPaths, lang: str, store: str | None, file: str,
                    dry_run: bool) -> int:
    if (problem := is_file_argument(Path(file))) is not None:
        return _fail(lang, problem, 2)

    def work(db: Database) -> int:
        shown = preview_package(db, Path(file))
        print_summary(shown, lang)
        if dry_run:
            return 0
        done = receive_package(db, Path(file))
        print(render("cli_receive.applied", lang, sequence=shown.package.sequence))
        if done.form_installed is not None:
            print(render("form_archive.form_installed", lang, version=done.form_installed))
        return 0

    return _with_store(paths, lang, store, work)


def reply_command(paths: DataPaths, lang: str, store: str | None, visit: str,
                  text: str) -> int:
    def work(db: Database) -> int:
        with db.transaction() as session:
            profile = load_profile(session)
            add_reply(session, visit, text, officer=profile.name if profile else "-")
        print(render("cli_receive.replied", lang, visit=visit))
        return 0

    return _with_store(paths, lang, store, work)
