"""a village's people with duties (cadres, party members) and the cadres' satisfaction reviews

Revision ID: 0007
Revises: 0006

A village reviews its cadres every half-year (民意测评): per cadre, how many residents took part and
how many were dissatisfied. The review policy in force on the review date decides from those
counts (promotion, warning talk); the result is kept with the policy version that decided it.
On PostgreSQL both tables are confined to the user's units like cases (`apply_grants` again).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("post", sa.String(length=64), nullable=False),
        sa.Column("committee", sa.Boolean(), nullable=False),
        sa.Column("party_member", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_people_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("unit_id", "name", name=op.f("uq_people_unit_id_name")),
    )
    op.create_index(op.f("ix_people_unit_id"), "people", ["unit_id"], unique=False)
    op.create_table(
        "satisfaction_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("half", sa.String(length=7), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        sa.Column("dissatisfied", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("hash", sa.String(length=80), nullable=False),
        sa.Column("outputs", sa.JSON(), nullable=False),
        sa.Column("fired", sa.JSON(), nullable=False),
        sa.Column("by_user", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("respondents >= 0 AND dissatisfied >= 0 AND dissatisfied <= respondents",
                           name=op.f("ck_satisfaction_reviews_counts")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_satisfaction_reviews_person_id_people")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_satisfaction_reviews_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_satisfaction_reviews")),
        sa.UniqueConstraint("person_id", "half", name=op.f("uq_satisfaction_reviews_person_id_half")),
    )
    op.create_index(op.f("ix_satisfaction_reviews_unit_id"), "satisfaction_reviews", ["unit_id"], unique=False)
    _grants()


def downgrade() -> None:
    op.drop_index(op.f("ix_satisfaction_reviews_unit_id"), table_name="satisfaction_reviews")
    op.drop_table("satisfaction_reviews")
    op.drop_index(op.f("ix_people_unit_id"), table_name="people")
    op.drop_table("people")
    _grants()


def _grants() -> None:
    from tiaojie.store.pg_roles import apply_grants

    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        apply_grants(connection, connection.execute(text("SELECT current_schema()")).scalar_one())
