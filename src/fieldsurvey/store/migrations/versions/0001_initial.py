"""The first schema: the register, visits and frozen revisions.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organization",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("uscc", sa.String(18), index=True),
        sa.Column("reg_type", sa.String(40)),
        sa.Column("field", sa.String(40)),
        sa.Column("supervisor", sa.String(200)),
        sa.Column("address", sa.String(300)),
        sa.Column("legal_rep", sa.String(100)),
        sa.Column("phone", sa.String(40)),
        sa.Column("township_code", sa.String(12), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "visit",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("organization_id", sa.String(36), sa.ForeignKey("organization.id"),
                  nullable=False, index=True),
        sa.Column("form_id", sa.String(100), nullable=False),
        sa.Column("form_version", sa.String(40), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("answers_json", sa.Text, nullable=False),
        sa.Column("officer", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("deleted_at", sa.DateTime),
        sa.Column("deleted_reason", sa.Text),
        sa.Column("overrides_json", sa.Text, nullable=False),
        sa.Column("visit_date", sa.Date),
        sa.Column("visit_result", sa.String(40), index=True),
        sa.Column("operating_status", sa.String(40)),
        sa.Column("reg_type", sa.String(40)),
        sa.Column("staff_total", sa.Integer),
        sa.Column("staff_women", sa.Integer),
        sa.Column("union_status", sa.String(40), index=True),
        sa.Column("union_setup_date", sa.Date),
        sa.Column("union_members", sa.Integer),
        sa.Column("union_members_women", sa.Integer),
        sa.Column("committees", sa.String(200)),
        sa.Column("dues_paid", sa.String(40)),
        sa.Column("next_visit_date", sa.Date, index=True),
        sa.CheckConstraint("status IN ('draft', 'final')", name="ck_visit_status"),
        sa.CheckConstraint("revision >= 1", name="ck_visit_revision"),
    )
    op.create_index("ix_visit_org_date", "visit", ["organization_id", "visit_date"])
    op.create_table(
        "visit_revision",
        sa.Column("visit_id", sa.String(36), sa.ForeignKey("visit.id"), primary_key=True),
        sa.Column("revision", sa.Integer, primary_key=True),
        sa.Column("form_version", sa.String(40), nullable=False),
        sa.Column("answers_json", sa.Text, nullable=False),
        sa.Column("overrides_json", sa.Text, nullable=False),
        sa.Column("officer", sa.String(100), nullable=False),
        sa.Column("finalized_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("visit_revision")
    op.drop_index("ix_visit_org_date", "visit")
    op.drop_table("visit")
    op.drop_table("organization")
