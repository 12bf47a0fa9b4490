"""Opening the office database: a SQLite file by default, or a PostgreSQL URL.

A county office where several staff share one database points ``--db`` (or the
``office.db_url`` setting of the data folder) at PostgreSQL; the code and the
migrations are the same. A SQLite file is backed up before a migration touches
it; PostgreSQL runs the whole upgrade in one transaction (its DDL is
transactional), so a failed migration changes nothing there either.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from fieldsurvey.messages import Message
from fieldsurvey.store.db import StoreError, session_factories, sqlite_engine
from fieldsurvey.store.dbkind import OFFICE
from fieldsurvey.store.migrate import migrate_to_head

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# A merge commits some 6 MB of pages a bundle (500 visits), most of them index pages
# that the next bundles change again. Checkpointing the WAL into the database every
# 40 MB instead of SQLite's 4 MB writes those pages back once, not once a bundle,
# and halves the time of a commit. Each commit is still synced (synchronous=FULL).
# Staff merging at once on one SQLite file take turns a bundle at a time (a merge
# of one bundle holds the write lock for well under a second, a large one a few):
# a minute's wait outlasts any of them.
SQLITE_PRAGMAS = ("PRAGMA wal_autocheckpoint=10000", "PRAGMA busy_timeout=60000")


@dataclass
class OfficeDatabase:
    """An open office database: where it is, the engine and a session factory."""

    url: str  # shown to people with the password hidden
    engine: Engine
    sessions: sessionmaker[Session]  # reading only (see store.db.session_factories)
    writing: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session committed at the end, or rolled back on any error."""
        with self.writing.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_file(target: str | Path) -> Path | None:
    """The file a target names, or None for a server URL."""
    text = str(target)
    if "://" not in text:
        return Path(text).expanduser()
    try:
        url = make_url(text)
    except (ArgumentError, ValueError) as exc:
        raise StoreError(Message("office.bad_db_url", {"url": text})) from exc
    if url.get_backend_name() == "sqlite" and url.database:
        return Path(url.database).expanduser()
    return None


def _engine(target: str | Path) -> tuple[Engine, Path | None]:
    """An engine for a file path or a database URL (``postgresql+psycopg://…``)."""
    path = _sqlite_file(target)
    if path is not None:
        return sqlite_engine(path, SQLITE_PRAGMAS), path
    url = make_url(str(target))
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")  # the driver we ship
    try:
        return create_engine(url, future=True, pool_pre_ping=True), None
    except (ArgumentError, ImportError) as exc:
        raise StoreError(Message("office.bad_db_url", {"url": url.render_as_string()})) from exc


def open_office(target: str | Path, *, backups: Path | None = None,
                create: bool = True) -> OfficeDatabase:
    """Open (creating if needed) and migrate the office database at ``target``.

    Raises :class:`StoreError` when it cannot be reached, is not an office database,
    comes from a newer fieldsurvey, or a migration fails; the database is then
    unchanged. Without ``create`` a SQLite file that does not exist is refused, so a
    mistyped ``--db`` leaves no empty database behind.
    """
    path = _sqlite_file(target)
    if path is not None and not create and not path.is_file():  # before a file is made
        raise StoreError(Message("db_kind.no_office_file" if not path.exists()
                                 else "db_kind.not_a_file", {"path": str(path)}))
    engine, path = _engine(target)
    shown = engine.url.render_as_string(hide_password=True)
    migrate_to_head(engine, MIGRATIONS, shown=shown, file=path, backups=backups,
                    unreachable=lambda exc: Message("office.unreachable", {
                        # libpq's hints come on lines of their own: one line here.
                        "url": shown,
                        "detail": " ".join(str(getattr(exc, "orig", None) or exc).split())}),
                    kind=OFFICE)
    return OfficeDatabase(shown, engine, *session_factories(engine))
