"""Every form version the store has used, so a finalized visit reads as it was.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

Forms now change mid-campaign (issue 17): a finalized visit stays on its form
version, and a draft moves to the newest through the versions between, so the
store keeps each version's source. Existing visits name the shipped version
they used; its row is added the first time that form is loaded (nothing to
backfill here: a migration must not read application files).
(Another branch adds a 0004; the two are chained when merged.)
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_version",
        sa.Column("form_id", sa.String(100), primary_key=True),
        sa.Column("version", sa.String(40), primary_key=True),
        sa.Column("source", sa.LargeBinary, nullable=False),
        sa.Column("source_name", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("added_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("form_version")
