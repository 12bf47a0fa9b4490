"""Review at the office: each merged visit's state, its thread of changes, and the
answers a newer revision replaced (so review can show what changed).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

Visits merged before review existed enter it as pending (待审核), dated by their
import: a migration reads no clock, and the import is when the office got them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "visit_review",
        sa.Column("visit_id", sa.String(length=36), nullable=False),
        sa.Column("township_code", sa.String(length=12), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("visit_id"),
    )
    op.create_index("ix_visit_review_township_code", "visit_review", ["township_code"])
    op.create_index("ix_visit_review_state", "visit_review", ["state"])
    op.create_table(
        "review_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("visit_id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("questions_json", sa.Text(), nullable=True),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("reply_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reply_id", name="uq_review_event_reply_id"),
    )
    op.create_index("ix_review_event_visit_id", "review_event", ["visit_id"])
    op.create_table(
        "replaced_revision",
        sa.Column("visit_id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("answers_json", sa.Text(), nullable=False),
        sa.Column("replaced_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("visit_id", "revision"),
    )
    op.execute(
        "INSERT INTO visit_review (visit_id, township_code, state, revision, changed_at, "
        "changed_by) SELECT id, township_code, 'pending', revision, imported_at, officer "
        "FROM merged_visit WHERE deleted_at IS NULL")
    op.execute(
        "INSERT INTO review_event (visit_id, revision, action, state, by, at) "
        "SELECT id, revision, 'revised', 'pending', officer, imported_at "
        "FROM merged_visit WHERE deleted_at IS NULL")


def downgrade() -> None:
    op.drop_table("replaced_revision")
    op.drop_index("ix_review_event_visit_id", table_name="review_event")
    op.drop_table("review_event")
    op.drop_index("ix_visit_review_state", table_name="visit_review")
    op.drop_index("ix_visit_review_township_code", table_name="visit_review")
    op.drop_table("visit_review")
