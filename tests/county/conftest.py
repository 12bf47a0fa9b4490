"""An office database for every county test, and a real PostgreSQL server started by
the test run.

``pg_url`` is the session's server (superuser ``postgres``, database ``postgres``);
``pg_db_url`` is a new, empty database on it for one test, dropped afterwards.
Missing PostgreSQL binaries fail these tests: CI installs them (scripts/bootstrap.sh).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from pg_server import PostgresServer, PostgresUnavailable, start_server
from psycopg import sql

from fieldsurvey.county.db import OfficeDatabase, open_office


@pytest.fixture
def office(tmp_path: Path) -> Iterator[OfficeDatabase]:
    """An empty office database, a real SQLite file (modules may build on it)."""
    db = open_office(tmp_path / "office.sqlite3")
    yield db
    db.close()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    began = time.monotonic()
    try:
        server = start_server()
    except PostgresUnavailable as exc:
        pytest.fail(f"cannot start the test PostgreSQL server: {exc}", pytrace=False)
    print(f"\ntest PostgreSQL started on {server.url} in {time.monotonic() - began:.2f}s")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_url(pg_server: PostgresServer) -> str:
    """``postgresql://postgres@127.0.0.1:PORT/postgres`` of the session's server."""
    return pg_server.url


@pytest.fixture
def pg_db_url(pg_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh database of its own for this test, dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield pg_server.url_for(name)
    finally:
        with psycopg.connect(pg_server.url, autocommit=True) as conn:
            # FORCE: a test that forgot to close its engine must not break the next one.
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                         .format(sql.Identifier(name)))
