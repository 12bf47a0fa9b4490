"""Schema migrations: backup first, no data lost, a failed one changes nothing."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic import command

from fieldsurvey.store.db import StoreError, integrity_check, sqlite_engine
from fieldsurvey.store.migrate import MIGRATIONS, alembic_config, head_revision, open_database


def build_at(path: Path, revision: str) -> None:
    engine = sqlite_engine(path)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    engine.dispose()


def fill_first_schema(path: Path) -> None:
    """Data as the first schema knew it, written with plain SQL."""
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO organization (id, name, uscc, township_code, created_at, updated_at) "
            "VALUES ('o1', '咸宁市茶叶协会', '51421200MJH123456X', '421202001', "
            "'2026-10-01 08:00:00', '2026-10-01 08:00:00')")
        conn.execute(
            "INSERT INTO visit (id, organization_id, form_id, form_version, revision, status, "
            "answers_json, officer, created_at, updated_at, overrides_json, union_status, "
            "staff_total) VALUES ('v1', 'o1', 'so_union_visit', '1', 1, 'final', "
            "'{\"staff\":12,\"leaders\":[{\"leader\":\"张三\"}]}', '王芳', "
            "'2026-10-02 08:00:00', '2026-10-02 08:00:00', '[]', 'own', 12)")
    conn.close()


def table_rows(path: Path, table: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
    conn.close()
    return rows


def test_an_old_database_is_backed_up_then_upgraded_with_no_data_lost(tmp_path: Path) -> None:
    path = tmp_path / "fieldsurvey.sqlite3"
    build_at(path, "0001")
    fill_first_schema(path)
    visits_before = table_rows(path, "visit")

    db = open_database(path, backups=tmp_path / "backups")
    db.close()

    with sqlite3.connect(path) as conn:
        version = conn.execute("SELECT version_num FROM fieldsurvey_store_version").fetchone()[0]
        org = conn.execute("SELECT id, name, uscc, search_key FROM organization").fetchone()
    conn.close()
    assert version == head_revision()
    assert org == ("o1", "咸宁市茶叶协会", "51421200MJH123456X", "xnscyxh xianningshichayexiehui")
    assert table_rows(path, "visit") == visits_before
    [backup] = (tmp_path / "backups").glob("*.sqlite3")
    assert "0001" in backup.name
    assert table_rows(backup, "visit") == visits_before
    assert integrity_check(backup) == "ok" and integrity_check(path) == "ok"


def test_a_new_database_needs_no_backup(tmp_path: Path) -> None:
    open_database(tmp_path / "new.sqlite3", backups=tmp_path / "backups").close()
    assert not list((tmp_path / "backups").glob("*.sqlite3"))


def test_an_up_to_date_database_is_not_backed_up_again(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    open_database(path, backups=tmp_path / "backups").close()
    open_database(path, backups=tmp_path / "backups").close()
    assert not list((tmp_path / "backups").glob("*.sqlite3"))


def test_a_failed_migration_leaves_the_database_exactly_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "fieldsurvey.sqlite3"
    build_at(path, "0001")
    fill_first_schema(path)
    open_database(path, backups=tmp_path / "backups").close()
    before = table_rows(path, "visit")
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_broken.py").write_text(
        '"""A migration that fails halfway."""\n'
        "import sqlalchemy as sa\nfrom alembic import op\n\n"
        f"revision = '9999'\ndown_revision = '{head_revision()}'\n"
        "branch_labels = None\ndepends_on = None\n\n"
        "def upgrade():\n"
        "    op.create_table('half_done', sa.Column('id', sa.Integer, primary_key=True))\n"
        "    op.execute('DELETE FROM visit')\n"
        "    raise RuntimeError('disk full halfway')\n\n"
        "def downgrade():\n    pass\n",
        encoding="utf-8")

    with pytest.raises(StoreError) as caught:
        open_database(path, backups=tmp_path / "backups", script_location=scripts)

    assert caught.value.message.code == "store.migration_failed"
    assert "disk full halfway" in caught.value.message.render("en")
    assert table_rows(path, "visit") == before
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        version = conn.execute("SELECT version_num FROM fieldsurvey_store_version").fetchone()[0]
    conn.close()
    assert "half_done" not in tables
    assert version == head_revision()
    assert list((tmp_path / "backups").glob("*.sqlite3"))


def test_a_database_from_a_newer_fieldsurvey_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    open_database(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE fieldsurvey_store_version SET version_num = '9999'")
    conn.close()
    with pytest.raises(StoreError) as caught:
        open_database(path)
    assert caught.value.message.code == "store.newer_schema"


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError) as caught:
        open_database(path)
    assert caught.value.message.code == "store.not_a_database"
    assert path.read_bytes() == b"this is not sqlite" * 100
