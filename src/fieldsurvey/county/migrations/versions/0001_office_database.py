"""The office database: trust list, received bundles, merged records, conflicts.

Revision ID: 0001
Revises:
Create Date: 2026-11-21

Times are naive UTC on both SQLite and PostgreSQL (``UTCDateTime`` converts).
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conflict",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("township_code", sa.String(length=12), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("resolution", sa.String(length=100), nullable=True),
        sa.Column("resolved_by", sa.String(length=100), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "subject", name="uq_conflict_subject"),
    )
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conflict_status"), ["status"], unique=False)

    op.create_table(
        "import_batch",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("imported_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "merged_organization",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("reg_type", sa.String(length=40), nullable=True),
        sa.Column("field", sa.String(length=40), nullable=True),
        sa.Column("supervisor", sa.String(length=200), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("legal_rep", sa.String(length=100), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("township_code", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("duplicate_of", sa.String(length=36), nullable=True),
        sa.Column("source_bundle", sa.String(length=36), nullable=False),
        sa.Column("source_key", sa.String(length=32), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("merged_organization", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_merged_organization_duplicate_of"), ["duplicate_of"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_merged_organization_uscc"), ["uscc"], unique=False)
        batch_op.create_index("ix_morg_township_name", ["township_code", "name_key"], unique=False)

    op.create_table(
        "merged_visit",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("township_code", sa.String(length=12), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("form_id", sa.String(length=100), nullable=False),
        sa.Column("form_version", sa.String(length=40), nullable=False),
        sa.Column("officer", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_reason", sa.Text(), nullable=True),
        sa.Column("answers_json", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("source_bundle", sa.String(length=36), nullable=False),
        sa.Column("source_key", sa.String(length=32), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=True),
        sa.Column("visit_result", sa.String(length=40), nullable=True),
        sa.Column("operating_status", sa.String(length=40), nullable=True),
        sa.Column("reg_type", sa.String(length=40), nullable=True),
        sa.Column("staff_total", sa.Integer(), nullable=True),
        sa.Column("staff_women", sa.Integer(), nullable=True),
        sa.Column("union_status", sa.String(length=40), nullable=True),
        sa.Column("union_setup_date", sa.Date(), nullable=True),
        sa.Column("union_members", sa.Integer(), nullable=True),
        sa.Column("union_members_women", sa.Integer(), nullable=True),
        sa.Column("committees", sa.String(length=200), nullable=True),
        sa.Column("dues_paid", sa.String(length=40), nullable=True),
        sa.Column("next_visit_date", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("merged_visit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_merged_visit_township_code"), ["township_code"], unique=False
        )
        batch_op.create_index("ix_mvisit_org_date", ["organization_id", "visit_date"], unique=False)

    op.create_table(
        "office_setting",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "trusted_key",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("unit_code", sa.String(length=12), nullable=False),
        sa.Column("unit_name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("revoked_from", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(length=100), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("key_id"),
    )
    with op.batch_alter_table("trusted_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trusted_key_unit_code"), ["unit_code"], unique=False)

    op.create_table(
        "unit",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "batch_file",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reason_json", sa.Text(), nullable=True),
        sa.Column("details_json", sa.Text(), nullable=False),
        sa.Column("bundle_id", sa.String(length=36), nullable=True),
        sa.Column("producer_name", sa.String(length=100), nullable=True),
        sa.Column("unit_code", sa.String(length=12), nullable=True),
        sa.Column("unit_name", sa.String(length=200), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=True),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("superseded", sa.Integer(), nullable=False),
        sa.Column("conflict", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batch.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("batch_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_batch_file_batch_id"), ["batch_id"], unique=False)

    op.create_table(
        "conflict_version",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conflict_id", sa.Integer(), nullable=False),
        sa.Column("version_key", sa.String(length=64), nullable=False),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.Column("source_bundle", sa.String(length=36), nullable=False),
        sa.Column("source_key", sa.String(length=32), nullable=False),
        sa.Column("township_code", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["conflict_id"],
            ["conflict.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conflict_id", "version_key", name="uq_conflict_version"),
    )
    with op.batch_alter_table("conflict_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_version_conflict_id"), ["conflict_id"], unique=False
        )

    op.create_table(
        "received_bundle",
        sa.Column("bundle_id", sa.String(length=36), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("producer_name", sa.String(length=100), nullable=False),
        sa.Column("unit_code", sa.String(length=12), nullable=False),
        sa.Column("unit_name", sa.String(length=200), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batch.id"],
        ),
        sa.PrimaryKeyConstraint("bundle_id"),
        sa.UniqueConstraint("file_sha256"),
        sa.UniqueConstraint("key_id", "sequence", name="uq_bundle_key_sequence"),
    )


def downgrade() -> None:
    op.drop_table("received_bundle")
    with op.batch_alter_table("conflict_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_version_conflict_id"))

    op.drop_table("conflict_version")
    with op.batch_alter_table("batch_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batch_file_batch_id"))

    op.drop_table("batch_file")
    op.drop_table("unit")
    with op.batch_alter_table("trusted_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trusted_key_unit_code"))

    op.drop_table("trusted_key")
    op.drop_table("office_setting")
    with op.batch_alter_table("merged_visit", schema=None) as batch_op:
        batch_op.drop_index("ix_mvisit_org_date")
        batch_op.drop_index(batch_op.f("ix_merged_visit_township_code"))

    op.drop_table("merged_visit")
    with op.batch_alter_table("merged_organization", schema=None) as batch_op:
        batch_op.drop_index("ix_morg_township_name")
        batch_op.drop_index(batch_op.f("ix_merged_organization_uscc"))
        batch_op.drop_index(batch_op.f("ix_merged_organization_duplicate_of"))

    op.drop_table("merged_organization")
    op.drop_table("import_batch")
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_status"))

    op.drop_table("conflict")
