"""Merged organizations keep their registration date.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05

It travels in the bundles' register sheet (a column older bundles lack: NULL) and
decides from which month the organization counts (cases.month_end).
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("merged_organization") as batch:
        batch.add_column(sa.Column("registered_on", sa.Date, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("merged_organization") as batch:
        batch.drop_column("registered_on")
