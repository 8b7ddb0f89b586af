"""claims and their review

Revision ID: 0011
Revises: 0010

A unit's claim for a period's rewards, its lines, each review step's decisions and the objections
raised during the public notice.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(length=8), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("chain_id", sa.String(length=64), nullable=False),
        sa.Column("chain_version", sa.String(length=32), nullable=False),
        sa.Column("chain", sa.JSON(), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("step_since", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("notice_ends_on", sa.Date(), nullable=True),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('open', 'returned', 'paid')", name=op.f("ck_claims_status")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_claims_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("number", name=op.f("uq_claims_number")),
        sa.UniqueConstraint("unit_id", "period_key", name=op.f("uq_claims_unit_id_period_key")),
    )
    op.create_index(op.f("ix_claims_unit_id"), "claims", ["unit_id"], unique=False)
    op.create_table(
        "claim_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by_user", sa.String(length=64), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_claim_decisions_case_id_cases")),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name=op.f("fk_claim_decisions_claim_id_claims")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_claim_decisions_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_decisions")),
    )
    op.create_index(op.f("ix_claim_decisions_claim_id"), "claim_decisions", ["claim_id"], unique=False)
    op.create_index(op.f("ix_claim_decisions_unit_id"), "claim_decisions", ["unit_id"], unique=False)
    op.create_table(
        "claim_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("payee", sa.String(length=200), nullable=False),
        sa.Column("policy_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("hash", sa.String(length=80), nullable=False),
        sa.Column("gross_fen", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("capped_by", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_step", sa.String(length=32), nullable=True),
        sa.CheckConstraint("status IN ('claimed', 'rejected', 'dropped')", name=op.f("ck_claim_lines_status")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_claim_lines_case_id_cases")),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name=op.f("fk_claim_lines_claim_id_claims")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_claim_lines_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_lines")),
        sa.UniqueConstraint("claim_id", "case_id", "policy_id", name=op.f("uq_claim_lines_claim_id_case_id_policy_id")),
    )
    op.create_index(op.f("ix_claim_lines_case_id"), "claim_lines", ["case_id"], unique=False)
    op.create_index(op.f("ix_claim_lines_claim_id"), "claim_lines", ["claim_id"], unique=False)
    op.create_index(op.f("ix_claim_lines_unit_id"), "claim_lines", ["unit_id"], unique=False)
    op.create_table(
        "claim_objections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("raised_by", sa.String(length=100), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolved_by", sa.String(length=64), nullable=True),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('open', 'upheld', 'dismissed')", name=op.f("ck_claim_objections_status")),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name=op.f("fk_claim_objections_claim_id_claims")),
        sa.ForeignKeyConstraint(["line_id"], ["claim_lines.id"], name=op.f("fk_claim_objections_line_id_claim_lines")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_claim_objections_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_objections")),
        sa.UniqueConstraint("number", name=op.f("uq_claim_objections_number")),
    )
    op.create_index(op.f("ix_claim_objections_claim_id"), "claim_objections", ["claim_id"], unique=False)
    op.create_index(op.f("ix_claim_objections_unit_id"), "claim_objections", ["unit_id"], unique=False)
    _grants()


def downgrade() -> None:
    op.drop_index(op.f("ix_claim_objections_unit_id"), table_name="claim_objections")
    op.drop_index(op.f("ix_claim_objections_claim_id"), table_name="claim_objections")
    op.drop_table("claim_objections")
    op.drop_index(op.f("ix_claim_lines_unit_id"), table_name="claim_lines")
    op.drop_index(op.f("ix_claim_lines_claim_id"), table_name="claim_lines")
    op.drop_index(op.f("ix_claim_lines_case_id"), table_name="claim_lines")
    op.drop_table("claim_lines")
    op.drop_index(op.f("ix_claim_decisions_unit_id"), table_name="claim_decisions")
    op.drop_index(op.f("ix_claim_decisions_claim_id"), table_name="claim_decisions")
    op.drop_table("claim_decisions")
    op.drop_index(op.f("ix_claims_unit_id"), table_name="claims")
    op.drop_table("claims")
    _grants()


def _grants() -> None:
    from tiaojie.store.pg_roles import apply_grants

    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        apply_grants(connection, connection.execute(text("SELECT current_schema()")).scalar_one())
