"""The organization's registration date, when the civil-affairs register gives it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05

A month's table counts an organization from this date (else from the campaign's
start), never from the day it was imported (cases.month_end). ISO text, like the
other register columns. Existing rows stay NULL: no register imported so far
carried the date.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organization") as batch:
        batch.add_column(sa.Column("registered_on", sa.String(10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organization") as batch:
        batch.drop_column("registered_on")
