"""A credit code awaiting verification (待核实) on organizations.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

A register row whose code fails its check is imported rather than dropped: the
code as the list had it is kept here, and ``uscc`` stays empty until the officer
corrects it. ``uscc`` holds only valid codes, so matching and the county's merge
never see a mistyped one.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organization") as batch:
        batch.add_column(sa.Column("uscc_pending", sa.String(60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organization") as batch:
        batch.drop_column("uscc_pending")
