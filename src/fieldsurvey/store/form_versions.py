"""The form versions a store has used, and moving visits between them.

New visits use the newest form. A draft started on an older version moves to
the newest when the officer opens it; a finalized visit stays on its version
(its definition is kept here, so it prints as it was); reopening a finalized
visit moves the new revision to the newest version. Moving goes through every
stored version in between, because each version declares its changes only
against the one before (forms.versions, forms.mapping).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldsurvey.filegate import read_form
from fieldsurvey.forms.loader import load_form_source
from fieldsurvey.forms.mapping import Moved, move_answers, names_through
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.forms.versions import version_key
from fieldsurvey.messages import Message
from fieldsurvey.store.models import FormVersion
from fieldsurvey.store.prefill import pending_prefill, set_pending_prefill
from fieldsurvey.store.visits import VisitError, answers_of, live_draft, reopen, save_draft


@lru_cache(maxsize=16)
def _parsed(sha256: str, source: bytes, name: str) -> FormDefinition:
    """Definitions are immutable and a version's bytes never change: parse once."""
    return load_form_source(source, name, Path(name).suffix)


def remember_source(session: Session, source: bytes, name: str) -> FormDefinition:
    """Keep a form's source (bytes that passed the file gate) under its id and version.

    The same version with other content is refused: visits on it would be read
    against a definition they were not made with.
    """
    digest = hashlib.sha256(source).hexdigest()
    form = _parsed(digest, source, name)  # every start re-records the shipped versions
    row = session.get(FormVersion, (form.form_id, form.version))
    if row is None:
        session.add(FormVersion(form_id=form.form_id, version=form.version, source=source,
                                source_name=name, sha256=digest))
        session.flush()
    elif row.sha256 != digest:
        raise VisitError(Message("formver.version_differs", {
            "form_id": form.form_id, "version": form.version}))
    return form


def remember_form_file(session: Session, path: Path) -> FormDefinition:
    """Read a form through the file gate and keep it (the app does this at start)."""
    return remember_source(session, read_form(path), path.name)


def remember_shipped_forms(session: Session, shipped: Path) -> FormDefinition:
    """Keep the shipped form and every earlier version shipped beside it (in
    ``history/``), so drafts begun on any of them can move to the newest one;
    returns the shipped form."""
    for older in sorted((shipped.parent / "history").glob(f"{shipped.stem}-*.xlsx")):
        remember_form_file(session, older)
    return remember_form_file(session, shipped)


def stored_form(session: Session, form_id: str, version: str) -> FormDefinition | None:
    row = session.get(FormVersion, (form_id, version))
    return None if row is None else _parsed(row.sha256, row.source, row.source_name)


def stored_versions(session: Session, form_id: str) -> list[str]:
    versions = session.scalars(select(FormVersion.version)
                               .where(FormVersion.form_id == form_id))
    return sorted(versions, key=version_key)


def newest_form(session: Session, shipped: FormDefinition) -> FormDefinition:
    """The form new visits use: the newest stored version of ``shipped``'s id, which
    is later than the shipped one once the county sent a newer version in a package
    (packages.receive installs it); else ``shipped``."""
    versions = stored_versions(session, shipped.form_id)
    if versions and version_key(versions[-1]) > version_key(shipped.version):
        return stored_form(session, shipped.form_id, versions[-1]) or shipped
    return shipped


def chain(session: Session, form_id: str, start: str,
          newest: FormDefinition) -> list[FormDefinition]:
    """The definitions from ``start`` to ``newest``, every stored version between."""
    if stored_form(session, form_id, start) is None:
        raise VisitError(Message("formver.unknown_version", {"form_id": form_id,
                                                              "version": start}))
    between = [v for v in stored_versions(session, form_id)
               if version_key(start) <= version_key(v) < version_key(newest.version)]
    forms = [stored_form(session, form_id, v) for v in between]
    return [f for f in forms if f is not None] + [newest]


def _move(session: Session, visit_id: str, newest: FormDefinition) -> Moved | None:
    visit = live_draft(session, visit_id)
    if visit.form_id != newest.form_id:
        raise VisitError(Message("formver.other_form", {"old": visit.form_id,
                                                         "new": newest.form_id}))
    if visit.form_version == newest.version:
        return None
    if version_key(visit.form_version) > version_key(newest.version):
        raise VisitError(Message("formver.visit_newer", {
            "id": visit_id, "version": visit.form_version, "newest": newest.version}))
    forms = chain(session, visit.form_id, visit.form_version, newest)
    moved = move_answers(answers_of(visit), forms)
    save_draft(session, visit_id, newest, moved.answers)
    # Prefilled answers still waiting for the officer's confirmation follow their
    # questions' new names; those of removed questions have nothing left to confirm.
    pending = pending_prefill(session, visit_id)
    if pending:
        set_pending_prefill(session, visit_id, _renamed_keys(pending, names_through(forms)))
    return moved


def _renamed_keys(keys: set[str], names: dict[str, str]) -> list[str]:
    """``name`` / ``name@0.1`` (store.visits.ref_key) under the new names."""
    out = []
    for key in keys:
        name, at, indices = key.partition("@")
        if name in names:
            out.append(names[name] + at + indices)
    return out


def open_draft(session: Session, visit_id: str, newest: FormDefinition) -> Moved | None:
    """Move a draft to ``newest`` when the officer opens it; what is new or changed,
    or None when it is already on ``newest``."""
    return _move(session, visit_id, newest)


def reopen_on_newest(session: Session, visit_id: str,
                     newest: FormDefinition) -> Moved | None:
    """Reopen a finalized visit as a new revision on ``newest``; the finalized
    revision stays frozen on its own version."""
    reopen(session, visit_id)
    return _move(session, visit_id, newest)
