"""follow-up checks

Revision ID: 0012
Revises: 0011

The seeded sample of settled cases drawn per period for follow-up visits, and each visit's result.
On PostgreSQL the draws are confined to the user's units and the picks and results to the cases the
user sees (`apply_grants` again).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "follow_up_draws",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(length=8), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("share_ppm", sa.BigInteger(), nullable=False),
        sa.Column("minimum", sa.Integer(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("by_user", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("population >= 0 AND size >= 0 AND size <= population AND minimum >= 0",
                           name=op.f("ck_follow_up_draws_counts")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_follow_up_draws_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_draws")),
        sa.UniqueConstraint("period_key", "unit_id", name=op.f("uq_follow_up_draws_period_key_unit_id")),
    )
    op.create_index(op.f("ix_follow_up_draws_unit_id"), "follow_up_draws", ["unit_id"], unique=False)
    op.create_table(
        "follow_up_picks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_follow_up_picks_case_id_cases")),
        sa.ForeignKeyConstraint(["draw_id"], ["follow_up_draws.id"],
                                name=op.f("fk_follow_up_picks_draw_id_follow_up_draws")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_picks")),
        sa.UniqueConstraint("draw_id", "case_id", name=op.f("uq_follow_up_picks_draw_id_case_id")),
    )
    op.create_index(op.f("ix_follow_up_picks_case_id"), "follow_up_picks", ["case_id"], unique=False)
    op.create_index(op.f("ix_follow_up_picks_draw_id"), "follow_up_picks", ["draw_id"], unique=False)
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("adjustment_id", sa.Integer(), nullable=True),
        sa.Column("by_user", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("result IN ('fulfilled', 'unfulfilled', 'unreached')", name=op.f("ck_follow_ups_result")),
        sa.ForeignKeyConstraint(["adjustment_id"], ["adjustments.id"],
                                name=op.f("fk_follow_ups_adjustment_id_adjustments")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_follow_ups_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
    )
    op.create_index(op.f("ix_follow_ups_case_id"), "follow_ups", ["case_id"], unique=False)
    _grants()


def downgrade() -> None:
    op.drop_index(op.f("ix_follow_ups_case_id"), table_name="follow_ups")
    op.drop_table("follow_ups")
    op.drop_index(op.f("ix_follow_up_picks_draw_id"), table_name="follow_up_picks")
    op.drop_index(op.f("ix_follow_up_picks_case_id"), table_name="follow_up_picks")
    op.drop_table("follow_up_picks")
    op.drop_index(op.f("ix_follow_up_draws_unit_id"), table_name="follow_up_draws")
    op.drop_table("follow_up_draws")
    _grants()


def _grants() -> None:
    from tiaojie.store.pg_roles import apply_grants

    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        apply_grants(connection, connection.execute(text("SELECT current_schema()")).scalar_one())
