"""Which of our databases a file is: an officer's store or an office database.

Both are SQLite files with Alembic schemas, and both once kept their revision in
a table called ``alembic_version``. Opened as the other kind, a migration would
have run the wrong scripts on top (or a query failed with "no such table"). So
each kind now says what it is, twice: SQLite's ``application_id`` in the file
header (readable by ``file(1)`` and without any table), and its own Alembic
version table. A database made before this keeps ``alembic_version`` until its
next upgrade renames it; until then its tables tell the kinds apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, inspect, text

LEGACY_VERSION_TABLE = "alembic_version"


@dataclass(frozen=True)
class DatabaseKind:
    name: str  # "store" | "office": the message codes say it in words
    application_id: int  # SQLite header field; a signed 32-bit integer
    version_table: str
    marker_tables: frozenset[str]  # tables only this kind has


STORE = DatabaseKind("store", 0x46534F46, "fieldsurvey_store_version",  # "FSOF"
                     frozenset({"visit", "visit_revision", "app_setting"}))
OFFICE = DatabaseKind("office", 0x4653434F, "fieldsurvey_office_version",  # "FSCO"
                      frozenset({"merged_visit", "received_bundle", "trusted_key"}))
KINDS = (STORE, OFFICE)


@dataclass(frozen=True)
class Found:
    """What an existing database turned out to be, before anything was written."""

    kind: DatabaseKind | None  # None: empty (ours to create) or not ours at all
    foreign: bool  # holds tables of no kind of ours
    legacy: bool  # ours, from before the version table had our name
    stamped: bool = False  # carries its application_id (always so beyond SQLite)

    @property
    def complete(self) -> bool:
        """Nothing left for :func:`stamp` to do."""
        return self.kind is not None and self.stamped and not self.legacy


def identify(conn: Connection) -> Found:
    """Read the header and the table names; writes nothing."""
    tables = set(inspect(conn).get_table_names())
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        app_id = int(conn.exec_driver_sql("PRAGMA application_id").scalar() or 0)
        for kind in KINDS:
            if app_id == kind.application_id:
                return Found(kind, False, kind.version_table not in tables, True)
        if app_id != 0:
            return Found(None, True, False)
    for kind in KINDS:
        if kind.version_table in tables:
            return Found(kind, False, False, not sqlite)
    for kind in KINDS:
        if tables & kind.marker_tables:
            return Found(kind, False, True, not sqlite)
    return Found(None, bool(tables - {LEGACY_VERSION_TABLE}), False)


def stamp(conn: Connection, kind: DatabaseKind, found: Found) -> None:
    """Inside the upgrade's transaction: give the database its identity."""
    tables = set(inspect(conn).get_table_names())
    if found.legacy and LEGACY_VERSION_TABLE in tables and kind.version_table not in tables:
        conn.execute(text(f"ALTER TABLE {LEGACY_VERSION_TABLE} RENAME TO {kind.version_table}"))
    if conn.dialect.name == "sqlite":
        # A constant of ours, never user input: PRAGMA takes no bound parameters.
        conn.exec_driver_sql(f"PRAGMA application_id={kind.application_id}")
