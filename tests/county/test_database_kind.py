"""Each database knows what it is: a store opened as an office (or back) is refused
untouched, and databases made before the identity existed keep working."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect
from sqlalchemy.orm import Session

from fieldsurvey.county.db import MIGRATIONS as OFFICE_MIGRATIONS
from fieldsurvey.county.db import open_office
from fieldsurvey.county.office import OfficeProfile, load_office_profile, save_office_profile
from fieldsurvey.store.db import StoreError, sqlite_engine
from fieldsurvey.store.dbkind import OFFICE, STORE
from fieldsurvey.store.migrate import MIGRATIONS as STORE_MIGRATIONS
from fieldsurvey.store.migrate import alembic_config, head_revision, open_database


def header(path: Path) -> tuple[int, set[str]]:
    with sqlite3.connect(path) as conn:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    return app_id, tables


def build_legacy(path: Path, migrations: Path, revision: str = "head") -> None:
    """A database as fieldsurvey made it before: ``alembic_version``, no application_id."""
    engine = sqlite_engine(path)
    config = alembic_config(migrations)
    config.attributes["version_table"] = "alembic_version"
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    engine.dispose()


def test_each_kind_is_stamped_with_its_own_id_and_version_table(tmp_path: Path) -> None:
    open_database(tmp_path / "store.sqlite3").close()
    open_office(tmp_path / "office.sqlite3").close()
    store_id, store_tables = header(tmp_path / "store.sqlite3")
    office_id, office_tables = header(tmp_path / "office.sqlite3")
    assert (store_id, office_id) == (STORE.application_id, OFFICE.application_id)
    assert STORE.version_table in store_tables and "alembic_version" not in store_tables
    assert OFFICE.version_table in office_tables and "alembic_version" not in office_tables


def test_a_store_opened_as_an_office_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "fieldsurvey.sqlite3"
    open_database(path).close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        open_office(path, backups=tmp_path / "backups")
    assert caught.value.message.code == "db_kind.not_office"
    assert "officer's database" in caught.value.message.render("en")
    assert path.read_bytes() == before
    assert not (tmp_path / "backups").exists()


def test_an_office_opened_as_a_store_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite3"
    open_office(path).close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        open_database(path, backups=tmp_path / "backups")
    assert caught.value.message.code == "db_kind.not_store"
    assert "汇总数据库" in caught.value.message.render("zh")
    assert path.read_bytes() == before


@pytest.mark.parametrize("legacy_kind", ["store", "office"])
def test_a_legacy_database_of_the_other_kind_is_refused_too(tmp_path: Path,
                                                            legacy_kind: str) -> None:
    path = tmp_path / "old.sqlite3"
    build_legacy(path, STORE_MIGRATIONS if legacy_kind == "store" else OFFICE_MIGRATIONS)
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        if legacy_kind == "store":
            open_office(path)
        else:
            open_database(path)
    assert caught.value.message.code.startswith("db_kind.not_")
    assert path.read_bytes() == before


def test_a_legacy_store_keeps_working_and_gets_its_identity(tmp_path: Path) -> None:
    path = tmp_path / "fieldsurvey.sqlite3"
    build_legacy(path, STORE_MIGRATIONS, "0001")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO organization (id, name, township_code, created_at, updated_at)"
                     " VALUES ('o1', '茶叶协会', '421202001', '2026-10-01', '2026-10-01')")
    conn.close()
    open_database(path, backups=tmp_path / "backups").close()
    app_id, tables = header(path)
    assert app_id == STORE.application_id
    assert STORE.version_table in tables and "alembic_version" not in tables
    with sqlite3.connect(path) as conn:
        assert conn.execute(f"SELECT version_num FROM {STORE.version_table}").fetchone()[0] \
            == head_revision()
        assert conn.execute("SELECT name FROM organization").fetchall() == [("茶叶协会",)]
    conn.close()
    assert list((tmp_path / "backups").glob("*.sqlite3"))  # backed up before the rename


def test_a_legacy_office_database_at_head_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite3"
    build_legacy(path, OFFICE_MIGRATIONS)
    engine = create_engine(f"sqlite:///{path}")
    with Session(engine) as session, session.begin():
        save_office_profile(session, OfficeProfile("county", "421202", "咸安区总工会"))
    engine.dispose()
    db = open_office(path)
    try:
        with db.transaction() as session:
            profile = load_office_profile(session)
    finally:
        db.close()
    assert profile is not None and profile.unit_code == "421202"
    assert header(path)[0] == OFFICE.application_id
    # A second opening has nothing left to do: no new backup.
    backups = sorted((tmp_path / "backups").glob("*"))
    open_office(path).close()
    assert sorted((tmp_path / "backups").glob("*")) == backups


def test_a_legacy_postgresql_office_database_is_renamed_in_place(pg_db_url: str) -> None:
    engine = create_engine(pg_db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    config = alembic_config(OFFICE_MIGRATIONS)
    config.attributes["version_table"] = "alembic_version"
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    db = open_office(pg_db_url)
    try:
        with db.transaction() as session:
            save_office_profile(session, OfficeProfile("county", "421202", "咸安区总工会"))
    finally:
        db.close()
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert OFFICE.version_table in tables and "alembic_version" not in tables


def test_a_missing_office_file_is_not_created_when_creation_is_not_asked(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    with pytest.raises(StoreError) as caught:
        open_office(path, create=False)
    assert caught.value.message.code == "db_kind.no_office_file"
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_read_only_database_is_said_to_be_read_only(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite3"
    open_office(path).close()
    for extra in (tmp_path / "office.sqlite3-wal", tmp_path / "office.sqlite3-shm"):
        extra.unlink(missing_ok=True)
    import subprocess

    subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        with pytest.raises(StoreError) as caught:
            open_office(path)
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)
    assert caught.value.message.code == "db_kind.read_only"
    assert "read-only" in caught.value.message.render("en")
