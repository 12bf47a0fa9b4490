"""The office's archive of form versions (issue 17).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

A campaign's form changes while it runs, and a bundle may hold visits of several
versions: the office reads each visit's facts with its own version, so it keeps
every version it published or received. Nothing is backfilled here (a migration
reads no application files); the shipped form and ``forms/history`` are recorded
the first time the office merges or publishes.

A replaced revision now keeps its form version, so review can line its answers up with
the current revision's through the declared mapping (NULL for those kept before).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_archive",
        sa.Column("form_id", sa.String(100), nullable=False),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("source", sa.LargeBinary, nullable=False),
        sa.Column("source_name", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("added_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("form_id", "version"),
    )
    with op.batch_alter_table("replaced_revision") as batch:
        batch.add_column(sa.Column("form_version", sa.String(40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("replaced_revision") as batch:
        batch.drop_column("form_version")
    op.drop_table("form_archive")
