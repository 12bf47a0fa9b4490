"""The office's archive of form versions: every version it published or received.

A campaign's form changes while it runs, and townships move to a new version only
when they receive it, so one month's bundles hold visits of several versions. Each
visit's facts are read with its own version's ``fs_stat`` roles (intake), which
needs every version's definition here; a bundle naming a version the office does
not know is refused (it cannot be counted, and guessing with another version
could miscount it silently).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fieldsurvey import clock
from fieldsurvey.canonical import canonical_json
from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.models import ArchivedForm
from fieldsurvey.filegate import Refused, read_form
from fieldsurvey.forms.loader import FormLoadError, load_form_source
from fieldsurvey.forms.mapping import move_answers
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.forms.versions import Change, compare, refused, version_key
from fieldsurvey.messages import Message
from fieldsurvey.packages.contents import PackageForm
from fieldsurvey.resources import forms_dir

if TYPE_CHECKING:  # conflicts reach the merge, which reads this module
    from fieldsurvey.county.conflicts import ConflictView

SHIPPED_FORM = "so_union_visit.xlsx"
ORIGINS = ("shipped", "published", "received")


class ArchiveError(Exception):
    """Why a form cannot enter the archive; ``changes`` are the refused differences
    from the previous version, rendered by the caller in its language."""

    def __init__(self, message: Message, changes: list[Change] | None = None,
                 names: tuple[str, str] = ("", "")) -> None:
        super().__init__(message.code)
        self.message = message
        self.changes = changes or []
        self.names = names  # (new file, old version) for the changes' places

    def details(self, lang: str) -> list[str]:
        return [c.render(lang, *self.names) for c in self.changes]


@dataclass(frozen=True)
class FormSet:
    """The definitions a merge reads visits with: the office's form id and every
    archived version of it. Plain data, so it crosses to the intake worker."""

    form_id: str
    versions: Mapping[str, FormDefinition] = field(default_factory=dict)

    @classmethod
    def of(cls, form: FormDefinition) -> FormSet:
        return cls(form.form_id, {form.version: form})

    def get(self, form_id: str, version: str) -> FormDefinition | None:
        return self.versions.get(version) if form_id == self.form_id else None


@lru_cache(maxsize=16)
def _parsed(sha256: str, source: bytes, name: str) -> FormDefinition:
    """A version's bytes never change: parse each once."""
    return load_form_source(source, name, Path(name).suffix)


def archive_source(session: Session, source: bytes, name: str,
                   origin: str) -> FormDefinition:
    """Keep a form's source (bytes that passed the file gate) under its id and version;
    the same version with other content is refused (visits on it would be counted
    against a definition they were not made with)."""
    form = _parsed(hashlib.sha256(source).hexdigest(), source, name)
    digest = hashlib.sha256(source).hexdigest()
    row = session.get(ArchivedForm, (form.form_id, form.version))
    if row is None:
        session.add(ArchivedForm(form_id=form.form_id, version=form.version, source=source,
                                 source_name=name, sha256=digest, origin=origin,
                                 added_at=clock.now()))
        session.flush()
    elif row.sha256 != digest:
        raise ArchiveError(Message("form_archive.version_differs", {
            "form_id": form.form_id, "version": form.version}))
    return form


def seed_shipped(session: Session, shipped: Path | None = None) -> FormDefinition:
    """Record the shipped form and every earlier version shipped beside it
    (``history/``); returns the shipped form. Idempotent."""
    shipped = shipped or forms_dir() / SHIPPED_FORM
    for older in sorted((shipped.parent / "history").glob(f"{shipped.stem}-*.xlsx")):
        archive_source(session, read_form(older), older.name, "shipped")
    return archive_source(session, read_form(shipped), shipped.name, "shipped")


def ensure_shipped(db: OfficeDatabase) -> None:
    """:func:`seed_shipped` in a transaction of its own, safe when several staff (or
    processes) start merging at once: a duplicate key means another one recorded the
    same versions a moment earlier. A shipped file whose version is archived with other
    content keeps the archived one (visits were counted with it) and is only logged,
    so a merge never stops here."""
    try:
        with db.transaction() as session:
            seed_shipped(session)
    except IntegrityError:
        pass
    except (ArchiveError, Refused, FormLoadError) as exc:
        logging.getLogger(__name__).warning("shipped forms not archived: %s", exc)


def archived(session: Session, form_id: str, version: str) -> FormDefinition | None:
    row = session.get(ArchivedForm, (form_id, version))
    return None if row is None else _parsed(row.sha256, row.source, row.source_name)


def archived_source(session: Session, form_id: str, version: str) -> tuple[bytes, str] | None:
    row = session.get(ArchivedForm, (form_id, version))
    return None if row is None else (row.source, row.source_name)


def versions_of(session: Session, form_id: str) -> list[str]:
    found = session.scalars(select(ArchivedForm.version).where(ArchivedForm.form_id == form_id))
    return sorted(found, key=version_key)


def form_set(session: Session, form: FormDefinition) -> FormSet:
    """Every archived version of ``form``'s id, and ``form`` itself (the office's own,
    counted even when it was loaded from elsewhere than the archive)."""
    versions: dict[str, FormDefinition] = {}
    for version in versions_of(session, form.form_id):
        definition = archived(session, form.form_id, version)
        if definition is not None:
            versions[version] = definition
    versions.setdefault(form.version, form)
    return FormSet(form.form_id, versions)


def lined_up(session: Session, answers: dict[str, Any], form_id: str, old: str,
             new: str) -> dict[str, Any]:
    """``answers`` of version ``old`` under version ``new``'s names, through every archived
    version between (forms.mapping: answers are renamed or kept, never dropped); as
    they are when a version between is not archived or ``new`` is the older one."""
    if version_key(old) >= version_key(new):
        return answers
    between = [v for v in versions_of(session, form_id)
               if version_key(old) <= version_key(v) <= version_key(new)]
    chain = [archived(session, form_id, v) for v in between]
    if not between or between[0] != old or between[-1] != new or None in chain:
        return answers
    return move_answers(answers, [f for f in chain if f is not None]).answers


def conflict_lined_up(session: Session,
                      view: ConflictView) -> tuple[ConflictView, FormDefinition | None]:
    """A visit conflict whose copies were made on different form versions (one laptop
    took the county's new form, its copy did not), each copy's answers moved to the
    newest one's names so the comparison lines them up; with that version's definition
    to label the rows, or None when nothing needed lining up."""
    if view.kind != "visit_content":
        return view, None
    made_on = {(str(v.payload.get("form_id")), str(v.payload.get("form_version")))
               for v in view.versions}
    if len(made_on) < 2 or len({form_id for form_id, _ in made_on}) != 1:
        return view, None
    form_id = next(iter(made_on))[0]
    target = max((version for _, version in made_on), key=version_key)
    definition = archived(session, form_id, target)
    if definition is None:
        return view, None
    copies = [dataclasses.replace(v, payload={**v.payload, "answers_json": canonical_json(
        lined_up(session, json.loads(v.payload.get("answers_json") or "{}"), form_id,
                 str(v.payload.get("form_version")), target))}) for v in view.versions]
    return dataclasses.replace(view, versions=copies), definition


def newest(session: Session, form_id: str) -> FormDefinition | None:
    versions = versions_of(session, form_id)
    return archived(session, form_id, versions[-1]) if versions else None


def check_publish(session: Session, source: bytes, name: str) -> FormDefinition:
    """The form in ``source`` if it may be published: it follows the newest archived
    version of its id without losing an answer or changing a statistic (the rules of
    ``form check --against``); else :class:`ArchiveError`. Writes nothing but the
    shipped versions, recorded on first use."""
    try:
        new = load_form_source(source, name, Path(name).suffix)
    except FormLoadError as exc:
        raise ArchiveError(Message("form_archive.form_unreadable", {
            "file": name, "detail": "; ".join(p.render("en") for p in exc.problems[:3])}),
        ) from exc
    seed_shipped(session)
    previous = newest(session, new.form_id)
    if previous is None:
        raise ArchiveError(Message("form_archive.no_previous", {"form_id": new.form_id}))
    kept = session.get(ArchivedForm, (new.form_id, new.version))
    if kept is not None:
        if kept.sha256 != hashlib.sha256(source).hexdigest():
            raise ArchiveError(Message("form_archive.version_differs", {
                "form_id": new.form_id, "version": new.version}))
        return new  # published again: packages carry it again
    bad = refused(compare(previous, new))
    if bad:
        raise ArchiveError(Message("form_archive.publish_refused", {
            "file": name, "old": previous.version, "new": new.version, "count": len(bad)}),
            bad, (name, previous.version))
    return new


def publish(session: Session, source: bytes, name: str) -> PackageForm:
    """Check (:func:`check_publish`) and archive a version to send to the townships."""
    form = check_publish(session, source, name)
    row = session.get(ArchivedForm, (form.form_id, form.version))
    if row is None:
        archive_source(session, source, name, "published")
    elif row.origin != "published":  # a shipped version sent on: it is published now
        row.origin = "published"
    return PackageForm(form.form_id, form.version, name, source)


def published_form(session: Session) -> PackageForm | None:
    """The newest version the office published (of the form it published last), as
    packages carry it; None before the office published any."""
    last = session.scalar(select(ArchivedForm.form_id).where(ArchivedForm.origin == "published")
                          .order_by(ArchivedForm.added_at.desc()).limit(1))
    if last is None:
        return None
    rows = session.scalars(select(ArchivedForm).where(ArchivedForm.form_id == last,
                                                      ArchivedForm.origin == "published"))
    row = max(rows, key=lambda r: version_key(r.version))
    return PackageForm(row.form_id, row.version, row.source_name, row.source)
