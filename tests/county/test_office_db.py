"""Opening the office database, on a SQLite file and on a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from pg_server import free_port
from sqlalchemy import Engine, create_engine, inspect, text

from fieldsurvey.county.db import MIGRATIONS, open_office
from fieldsurvey.county.models import OfficeBase, OfficeSetting, TrustedKeyRow
from fieldsurvey.county.office import OfficeProfile, load_office_profile, save_office_profile
from fieldsurvey.store.db import StoreError
from fieldsurvey.store.dbkind import OFFICE
from fieldsurvey.store.migrate import alembic_config

HEAD = "0005"
CST = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where an office database goes: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "office.sqlite3")
    return str(request.getfixturevalue("pg_db_url"))


def raw_engine(target: str) -> Engine:
    """An engine of our own on the same database, to look behind open_office's back."""
    if "://" not in target:
        return create_engine(f"sqlite:///{target}")
    return create_engine(target.replace("postgresql://", "postgresql+psycopg://", 1))


def schema(target: str) -> tuple[set[str], str | None]:
    engine = raw_engine(target)
    try:
        tables = set(inspect(engine).get_table_names())
        version = None
        if "fieldsurvey_office_version" in tables:
            with engine.connect() as conn:
                version = conn.execute(text("SELECT version_num FROM fieldsurvey_office_version")).scalar()
        return tables, version
    finally:
        engine.dispose()


def backups_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("*")) if folder.exists() else []


def trusted_key(added_at: dt.datetime) -> TrustedKeyRow:
    return TrustedKeyRow(key_id="k" * 32, public_key="A" * 43 + "=", fingerprint="f" * 64,
                         role="officer", name="张三", unit_code="421221100",
                         unit_name="鱼岳镇总工会", added_at=added_at, added_by="李四")


def test_a_new_office_database_gets_every_table_at_the_head_revision(
        target: str, tmp_path: Path) -> None:
    db = open_office(target, backups=tmp_path / "backups")
    try:
        assert db.is_sqlite == ("://" not in target)
        assert db.engine.dialect.driver == ("pysqlite" if db.is_sqlite else "psycopg")
    finally:
        db.close()
    tables, version = schema(target)
    assert {"merged_visit", "merged_organization", "trusted_key", "conflict",
            "office_setting", "received_bundle"} <= tables
    assert tables == set(OfficeBase.metadata.tables) | {"fieldsurvey_office_version"}
    assert version == HEAD


def test_the_migrated_schema_is_exactly_the_models(target: str, tmp_path: Path) -> None:
    open_office(target, backups=tmp_path / "backups").close()
    engine = raw_engine(target)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"version_table": OFFICE.version_table})
            assert compare_metadata(context, OfficeBase.metadata) == []
    finally:
        engine.dispose()


def test_a_database_at_the_first_revision_is_backed_up_then_upgraded_with_its_rows(
        tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite3"
    engine = raw_engine(str(path))
    config = alembic_config(MIGRATIONS)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(text("INSERT INTO office_setting (key, value) VALUES ('probe', 'kept')"))
    assert "ix_mvisit_org_date" in {i["name"] for i in inspect(engine).get_indexes("merged_visit")}
    engine.dispose()

    open_office(path, backups=tmp_path / "backups").close()

    assert schema(str(path))[1] == HEAD
    engine = raw_engine(str(path))
    try:
        assert "ix_mvisit_org_date" not in {
            i["name"] for i in inspect(engine).get_indexes("merged_visit")}
        with engine.connect() as conn:
            assert conn.execute(text("SELECT value FROM office_setting")).scalar() == "kept"
    finally:
        engine.dispose()
    [backup] = backups_in(tmp_path / "backups")
    assert "0001" in backup.name


def test_a_new_sqlite_file_is_not_backed_up(tmp_path: Path) -> None:
    open_office(tmp_path / "office.sqlite3", backups=tmp_path / "backups").close()
    assert backups_in(tmp_path / "backups") == []


def test_reopening_changes_nothing(target: str, tmp_path: Path) -> None:
    db = open_office(target, backups=tmp_path / "backups")
    with db.transaction() as session:
        session.add(OfficeSetting(key="probe", value="kept"))
    db.close()
    before = schema(target)
    backups = backups_in(tmp_path / "backups")

    again = open_office(target, backups=tmp_path / "backups")
    try:
        with again.transaction() as session:
            assert session.get(OfficeSetting, "probe").value == "kept"  # type: ignore[union-attr]
    finally:
        again.close()
    assert schema(target) == before
    assert backups_in(tmp_path / "backups") == backups


def test_a_database_from_a_newer_fieldsurvey_is_refused_and_left_alone(
        target: str, tmp_path: Path) -> None:
    open_office(target, backups=tmp_path / "backups").close()
    engine = raw_engine(target)
    with engine.begin() as conn:
        conn.execute(text("UPDATE fieldsurvey_office_version SET version_num = '9999'"))
    engine.dispose()
    tables, _ = schema(target)
    backups = backups_in(tmp_path / "backups")

    with pytest.raises(StoreError) as caught:
        open_office(target, backups=tmp_path / "backups")

    assert caught.value.message.code == "store.newer_schema"
    assert caught.value.message.params["revision"] == "9999"
    assert schema(target) == (tables, "9999")
    assert backups_in(tmp_path / "backups") == backups


def test_an_unreachable_server_fails_fast_without_showing_the_password() -> None:
    port = free_port()  # bound and closed again: nothing listens there
    url = f"postgresql://office:s3cret@127.0.0.1:{port}/office?connect_timeout=3"
    began = time.monotonic()
    with pytest.raises(StoreError) as caught:
        open_office(url)
    assert time.monotonic() - began < 10
    assert caught.value.message.code == "office.unreachable"
    assert str(port) in caught.value.message.params["url"]
    assert "s3cret" not in str(caught.value.message.params)


@pytest.mark.parametrize("url", [
    "://", "nosuchdb://somewhere/db", "postgresql+nosuchdriver://127.0.0.1/office",
    "postgresql://office@127.0.0.1:notaport/office",
])
def test_a_garbage_url_is_refused(url: str) -> None:
    with pytest.raises(StoreError) as caught:
        open_office(url)
    assert caught.value.message.code == "office.bad_db_url"


def test_times_go_in_as_utc_and_come_back_aware_utc(target: str, tmp_path: Path) -> None:
    added = dt.datetime(2024, 1, 31, 23, 30, 15, 123456, tzinfo=CST)  # 15:30:15 UTC
    db = open_office(target, backups=tmp_path / "backups")
    try:
        with db.transaction() as session:
            row = trusted_key(added)
            row.revoked_from = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
            session.add(row)
        with db.transaction() as session:
            back = session.get(TrustedKeyRow, "k" * 32)
            assert back is not None
            assert back.added_at == added
            assert back.added_at.tzinfo is dt.UTC
            assert (back.added_at.hour, back.added_at.microsecond) == (15, 123456)
            assert back.revoked_from == dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
            assert back.revoked_at is None
        with db.engine.connect() as conn:  # stored as UTC wall time, not local time
            stored = conn.execute(text("SELECT added_at FROM trusted_key")).scalar()
        assert str(stored).startswith("2024-01-31 15:30:15.123456")
    finally:
        db.close()


def test_naive_times_are_refused(target: str, tmp_path: Path) -> None:
    db = open_office(target, backups=tmp_path / "backups")
    try:
        with pytest.raises(Exception, match="naive datetime"), db.transaction() as session:
            session.add(trusted_key(dt.datetime(2024, 1, 31, 12, 0)))
            session.flush()
        with db.transaction() as session:
            assert session.query(TrustedKeyRow).count() == 0
    finally:
        db.close()


def test_the_office_profile_is_shared_by_everyone_on_the_database(
        target: str, tmp_path: Path) -> None:
    profile = OfficeProfile(role="county", unit_code=" 421221 ", unit_name=" 嘉鱼县总工会 ")
    first = open_office(target, backups=tmp_path / "backups")
    second = open_office(target, backups=tmp_path / "backups")  # another member of staff
    try:
        with first.transaction() as session:
            assert load_office_profile(session) is None
            saved = save_office_profile(session, profile)
        assert (saved.unit_code, saved.unit_name) == ("421221", "嘉鱼县总工会")
        with second.transaction() as session:
            assert load_office_profile(session) == saved
        changed = OfficeProfile(role="city", unit_code="421200", unit_name="咸宁市总工会",
                                language="en")
        with second.transaction() as session:
            save_office_profile(session, changed)
        with first.transaction() as session:
            assert load_office_profile(session) == changed
    finally:
        first.close()
        second.close()


def test_an_office_sqlite_file_is_synced_on_every_commit_and_checkpointed_in_40_mb_steps(
        tmp_path: Path) -> None:
    db = open_office(tmp_path / "office.sqlite3")
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 10000
    finally:
        db.close()
