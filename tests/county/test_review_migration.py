"""Office migration 0004 on SQLite and PostgreSQL: visits merged before review are pending."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from fieldsurvey.county.db import MIGRATIONS, open_office
from fieldsurvey.county.review import review_list, thread
from fieldsurvey.store.migrate import alembic_config


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "office.sqlite3")
    return str(request.getfixturevalue("pg_db_url"))


def _visit(conn: object, visit_id: str, deleted: str | None) -> None:
    conn.execute(text(  # type: ignore[attr-defined]
        "INSERT INTO merged_visit (id, organization_id, township_code, revision, status, "
        "form_id, form_version, officer, created_at, updated_at, deleted_at, answers_json, "
        "content_hash, pinned, source_bundle, source_key, imported_at, visit_date) VALUES "
        "(:id, 'org', '421202001', 2, 'final', 'so_union_visit', '2026120501', '王芳', "
        "'2026-11-01 08:00:00', '2026-11-01 08:00:00', :deleted, '{}', 'h', false, 'b', 'k', "
        "'2026-11-21 08:00:00', '2026-11-01')"), {"id": visit_id, "deleted": deleted})


def test_visits_merged_before_review_enter_it_pending(target: str, tmp_path: Path) -> None:
    url = f"sqlite:///{target}" if "://" not in target else target.replace(
        "postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    config = alembic_config(MIGRATIONS)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
        _visit(conn, "live", None)
        _visit(conn, "gone", "2026-11-02 08:00:00")
    engine.dispose()
    db = open_office(target, backups=tmp_path / "backups")
    try:
        with db.transaction() as s:
            [item] = review_list(s)
            assert (item.visit_id, item.state, item.revision) == ("live", "pending", 2)
            [entry] = thread(s, "live")
            assert (entry.action, entry.by, entry.at.isoformat()) == (
                "revised", "王芳", "2026-11-21T08:00:00+00:00")
    finally:
        db.close()
