"""Opening a database: back it up, then bring its schema to the head revision.

The schema changes only here, through Alembic. Before any migration touches an
existing file, a consistent copy is taken with SQLite's online backup API. The
whole upgrade runs in one transaction, so a failed migration leaves the file
exactly as it was (and the backup exists besides).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from fieldsurvey import clock
from fieldsurvey.atomic import fsync_folder
from fieldsurvey.messages import Message
from fieldsurvey.store.db import Database, StoreError, sqlite_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(script_location: Path = MIGRATIONS) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    return config


def head_revision(script_location: Path = MIGRATIONS) -> str:
    head = ScriptDirectory.from_config(alembic_config(script_location)).get_current_head()
    assert head is not None
    return head


def backup_database(path: Path, backups: Path, label: str) -> Path:
    """A consistent copy of ``path`` via the SQLite backup API, fsynced, then renamed."""
    backups.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = clock.now().strftime("%Y%m%dT%H%M%S%fZ")
    target = backups / f"{path.stem}-{stamp}-{label}.sqlite3"
    partial = target.with_suffix(".partial")
    source = sqlite3.connect(path)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    with partial.open("rb") as fh:
        os.fsync(fh.fileno())
    partial.replace(target)
    fsync_folder(backups)
    return target


def open_database(
    path: Path, *, backups: Path | None = None, script_location: Path = MIGRATIONS
) -> Database:
    """Open (creating if needed) and migrate the database at ``path``.

    Raises :class:`StoreError` if the file is not a database, comes from a newer
    fieldsurvey, or a migration fails; the file is then unchanged.
    """
    engine = sqlite_engine(path)
    migrate_to_head(engine, script_location, shown=str(path), file=path, backups=backups,
                    unreachable=lambda _exc: Message("store.not_a_database", {"path": str(path)}))
    return Database(path, engine, sessionmaker(engine, expire_on_commit=False))


def migrate_to_head(engine: Engine, script_location: Path, *, shown: str, file: Path | None,
                    backups: Path | None,
                    unreachable: Callable[[SQLAlchemyError], Message]) -> None:
    """Bring the database behind ``engine`` to the head of ``script_location``.

    A SQLite ``file`` that already held data is backed up first (into ``backups``,
    by default a ``backups`` folder beside it); other backends upgrade in one
    transaction. On any failure the engine is disposed and :class:`StoreError`
    says why (``unreachable`` words a failed first connection; ``shown`` names the
    database); the database is then unchanged.
    """
    existed = file is not None and file.exists() and file.stat().st_size > 0
    config = alembic_config(script_location)
    scripts = ScriptDirectory.from_config(config)
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(unreachable(exc)) from exc
    if current is not None and current not in {s.revision for s in scripts.walk_revisions()}:
        engine.dispose()
        raise StoreError(Message("store.newer_schema", {"path": shown, "revision": current}))
    if current == scripts.get_current_head():
        return
    backup = None
    try:
        if existed and file is not None:
            backup = backup_database(file, backups or file.parent / "backups", current or "empty")
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except Exception as exc:
        engine.dispose()
        raise StoreError(Message("store.migration_failed", {
            "path": shown, "detail": f"{type(exc).__name__}: {exc}",
            "backup": str(backup) if backup else "-",
        })) from exc
