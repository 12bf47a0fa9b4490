"""Drop the merged visits' (organization, visit date) index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

No query used it (the statistics read every visit in date order), and its random
keys made it one of the costliest parts of a merge: every bundle of 500 visits
rewrote some 500 scattered index pages, about half of each commit's writes.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("merged_visit") as batch_op:
        batch_op.drop_index("ix_mvisit_org_date")


def downgrade() -> None:
    with op.batch_alter_table("merged_visit") as batch_op:
        batch_op.create_index("ix_mvisit_org_date", ["organization_id", "visit_date"],
                              unique=False)
