"""``fieldsurvey identity``: create the signing key, show it, write the enrollment card."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import cast

from fieldsurvey.identity.enrollment import write_enrollment_card
from fieldsurvey.identity.keys import (
    IdentityError,
    PublicIdentity,
    UnlockedIdentity,
    create_identity,
    load_public,
    unlock,
)
from fieldsurvey.identity.records import Role
from fieldsurvey.messages import Message, render
from fieldsurvey.paths import DataPaths

# Scripts and the self-check pass the passphrase this way; people are asked for it.
ENV_PASSPHRASE = "FIELDSURVEY_PASSPHRASE"  # noqa: S105 - the variable name, not a secret


def ask_passphrase(lang: str, confirm: bool = False) -> str:
    """The passphrase from ``FIELDSURVEY_PASSPHRASE``, else asked (twice to confirm)."""
    from_env = os.environ.get(ENV_PASSPHRASE)
    if from_env is not None:
        return from_env
    first = getpass.getpass(render("cli.passphrase", lang))
    if confirm and getpass.getpass(render("cli.passphrase_again", lang)) != first:
        raise IdentityError(Message("cli.passphrase_mismatch"))
    return first


def unlock_identity(paths: DataPaths, lang: str) -> UnlockedIdentity:
    return unlock(paths.keys, ask_passphrase(lang))


def describe(public: PublicIdentity, lang: str) -> str:
    return render("cli.identity_show", lang, name=public.name, role=public.role,
                  unit=f"{public.unit_name} ({public.unit_code})", fingerprint=public.fingerprint)


def identity_create(paths: DataPaths, lang: str, *, role: str, name: str, unit_code: str,
                    unit_name: str, phone: str | None) -> int:
    try:
        created = create_identity(paths.keys, ask_passphrase(lang, confirm=True),
                                  role=cast(Role, role), name=name, unit_code=unit_code,
                                  unit_name=unit_name, phone=phone)
    except IdentityError as exc:
        print(exc.message.render(lang), file=sys.stderr)
        return 1
    print(describe(created.public, lang))
    return 0


def identity_show(paths: DataPaths, lang: str) -> int:
    try:
        print(describe(load_public(paths.keys), lang))
    except IdentityError as exc:
        print(exc.message.render(lang), file=sys.stderr)
        return 1
    return 0


def identity_card(paths: DataPaths, lang: str, out: str) -> int:
    try:
        public = load_public(paths.keys)
        write_enrollment_card(public, Path(out))
    except IdentityError as exc:
        print(exc.message.render(lang), file=sys.stderr)
        return 1
    print(render("cli.card_written", lang, path=out, fingerprint=public.fingerprint))
    return 0
