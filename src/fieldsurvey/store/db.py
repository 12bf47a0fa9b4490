"""Opening the local SQLite database safely.

Every connection gets WAL, ``synchronous=FULL`` (a commit is on disk before it
is reported) and ``foreign_keys=ON``. pysqlite's own transaction handling is
switched off and SQLAlchemy emits ``BEGIN`` itself: otherwise pysqlite commits
silently before DDL and breaks SAVEPOINTs, and a failed migration would leave a
half-changed schema behind.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from fieldsurvey.atomic import create_owner_only
from fieldsurvey.messages import Message

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    # A second process (a backup tool, the CLI while the app runs) waits, not fails.
    "PRAGMA busy_timeout=10000",
)


class StoreError(Exception):
    """The database could not be opened or changed; nothing was lost."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message


def _pragmas(extra: Sequence[str]) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see module doc)
        cursor = dbapi_connection.cursor()
        try:
            for pragma in (*PRAGMAS, *extra):
                cursor.execute(pragma)
        finally:
            cursor.close()
    return on_connect


#: Execution options of a connection that only reads (see :func:`_on_begin`).
READING = {"fieldsurvey_reading": True}


def _on_begin(connection: Any) -> None:
    # A deferred BEGIN takes the write lock at the first write: if another process
    # holds it by then, SQLite fails at once ("database is locked") instead of
    # waiting with the busy timeout, since waiting could deadlock two readers that
    # both want to write. IMMEDIATE asks for the lock up front, where waiting is
    # safe. Only connections marked READING begin deferred (they never write).
    reading = connection.get_execution_options().get("fieldsurvey_reading", False)
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def sqlite_engine(path: Path, extra_pragmas: Sequence[str] = ()) -> Engine:
    """An engine on a SQLite file with the safety pragmas (and ``extra_pragmas``) on every
    connection. The file (and so its WAL and SHM files) is owner-only."""
    create_owner_only(path)
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _pragmas(extra_pragmas))
    event.listen(engine, "begin", _on_begin)
    return engine


def session_factories(engine: Engine) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
    """Sessions that only read (deferred BEGIN: in WAL mode they neither wait for a
    writer nor hold one up, however long an export or a case list load reads), and
    sessions that write (BEGIN IMMEDIATE, see :func:`_on_begin`)."""
    return (sessionmaker(engine.execution_options(**READING), expire_on_commit=False),
            sessionmaker(engine, expire_on_commit=False))


@dataclass
class Database:
    """An open database: the engine, sessions that read and sessions that write."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]  # reading only
    writing: sessionmaker[Session]

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back on any error."""
        with self.writing.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def integrity_check(path: Path) -> str:
    """``PRAGMA integrity_check`` on a file, read-only; ``ok`` when healthy."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    conn.close()
    return "\n".join(str(row[0]) for row in rows)
