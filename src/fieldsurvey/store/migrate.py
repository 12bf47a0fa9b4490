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

from fieldsurvey import clock
from fieldsurvey.atomic import TEMP_SUFFIX, create_owner_only, fsync_folder
from fieldsurvey.messages import Message
from fieldsurvey.store.db import (
    READING,
    Database,
    StoreError,
    session_factories,
    sqlite_engine,
)
from fieldsurvey.store.dbkind import LEGACY_VERSION_TABLE, STORE, DatabaseKind, identify
from fieldsurvey.store.dbkind import stamp as stamp_identity

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
    partial = target.with_suffix(TEMP_SUFFIX)
    create_owner_only(partial)  # a backup holds the same personal data as the database
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
                    unreachable=lambda _exc: Message("store.not_a_database", {"path": str(path)}),
                    kind=STORE)
    return Database(path, engine, *session_factories(engine))


def migrate_to_head(engine: Engine, script_location: Path, *, shown: str, file: Path | None,
                    backups: Path | None,
                    unreachable: Callable[[SQLAlchemyError], Message],
                    kind: DatabaseKind) -> None:
    """Bring the database behind ``engine`` to the head of ``script_location``.

    First, without writing, the database must be empty or of ``kind`` (see
    :mod:`fieldsurvey.store.dbkind`) and, for SQLite, writable. A SQLite ``file``
    that already held data is backed up first (into ``backups``, by default a
    ``backups`` folder beside it); other backends upgrade in one transaction. On any
    failure the engine is disposed and :class:`StoreError` says why (``unreachable``
    words a failed first connection; ``shown`` names the database); the database is
    then unchanged.
    """
    existed = file is not None and file.exists() and file.stat().st_size > 0
    config = alembic_config(script_location)
    config.attributes["version_table"] = kind.version_table
    scripts = ScriptDirectory.from_config(config)
    try:
        with engine.connect().execution_options(**READING) as conn:
            found = identify(conn)
            table = LEGACY_VERSION_TABLE if found.legacy else kind.version_table
            current = MigrationContext.configure(
                conn, opts={"version_table": table}).get_current_revision()
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(unreachable(exc)) from exc
    if found.foreign or (found.kind is not None and found.kind != kind):
        engine.dispose()
        raise StoreError(Message(f"db_kind.not_{kind.name}", {
            "path": shown, "found": Message(f"db_kind.is_{found.kind.name}" if found.kind
                                            else "db_kind.is_foreign")}))
    if current is not None and current not in {s.revision for s in scripts.walk_revisions()}:
        engine.dispose()
        raise StoreError(Message("store.newer_schema", {"path": shown, "revision": current}))
    _check_writable(engine, shown)
    if current == scripts.get_current_head() and found.complete:
        return
    backup = None
    try:
        if existed and file is not None:
            backup = backup_database(file, backups or file.parent / "backups", current or "empty")
        with engine.begin() as conn:
            stamp_identity(conn, kind, found)
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except Exception as exc:
        engine.dispose()
        raise StoreError(Message("store.migration_failed", {
            "path": shown, "detail": f"{type(exc).__name__}: {exc}",
            "backup": str(backup) if backup else "-",
        })) from exc


def _check_writable(engine: Engine, shown: str) -> None:
    """A read-only SQLite file (mount, permissions, immutable flag) is said so now, not
    as "attempt to write a readonly database" halfway through a command."""
    if engine.dialect.name != "sqlite":
        return
    try:
        with engine.connect() as conn:  # BEGIN IMMEDIATE waits for the write lock, then
            # a write of the header's unchanged user_version, rolled back: SQLite only
            # notices a read-only file at the first page it writes.
            version = conn.exec_driver_sql("PRAGMA user_version").scalar()
            conn.exec_driver_sql(f"PRAGMA user_version={int(version or 0)}")
            conn.rollback()
    except SQLAlchemyError as exc:
        engine.dispose()
        detail = str(getattr(exc, "orig", None) or exc)
        code = "db_kind.busy" if "locked" in detail else "db_kind.read_only"
        raise StoreError(Message(code, {"path": shown, "detail": detail})) from exc
