"""Pinyin search key on organizations (backfilled), and the settings table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

The backfill computes keys here with pypinyin directly rather than through
application code, so this migration keeps meaning the same thing when the app's
search code changes later.
"""

import sqlalchemy as sa
from alembic import op
from pypinyin import Style, lazy_pinyin

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _key(name: str) -> str:
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default"))
    full = "".join(lazy_pinyin(name, errors="default"))
    return f"{initials} {full}".lower()


def upgrade() -> None:
    with op.batch_alter_table("organization") as batch:
        batch.add_column(sa.Column("search_key", sa.Text, nullable=False, server_default=""))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, name FROM organization")).fetchall()
    if rows:
        conn.execute(
            sa.text("UPDATE organization SET search_key = :key WHERE id = :id"),
            [{"id": row.id, "key": _key(row.name)} for row in rows],
        )
    op.create_table(
        "app_setting",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("app_setting")
    with op.batch_alter_table("organization") as batch:
        batch.drop_column("search_key")
