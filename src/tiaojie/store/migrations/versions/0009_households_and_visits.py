"""households and visits

Revision ID: 0009
Revises: 0008

A village's households (农户), its party members' linked households (党员联系户) and the visits its
cadres and party members pay them (入户走访). How often each must visit whom is a rule file
(visit-duty); the ledger keeps only who visited which household, when and how. On PostgreSQL the
three tables are confined to the user's units like cases (`apply_grants` again).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "households",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_households_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_households")),
        sa.UniqueConstraint("unit_id", "code", name=op.f("uq_households_unit_id_code")),
    )
    op.create_index(op.f("ix_households_unit_id"), "households", ["unit_id"], unique=False)
    op.create_table(
        "household_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"],
                                name=op.f("fk_household_links_household_id_households")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_household_links_person_id_people")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_household_links_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_links")),
        sa.UniqueConstraint("household_id", "person_id", name=op.f("uq_household_links_household_id_person_id")),
    )
    op.create_index(op.f("ix_household_links_unit_id"), "household_links", ["unit_id"], unique=False)
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("visit_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("by_user", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"], name=op.f("fk_visits_household_id_households")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_visits_person_id_people")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_visits_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
    )
    op.create_index("ix_visits_unit_id_visit_on", "visits", ["unit_id", "visit_on"], unique=False)
    _grants()


def downgrade() -> None:
    op.drop_index("ix_visits_unit_id_visit_on", table_name="visits")
    op.drop_table("visits")
    op.drop_index(op.f("ix_household_links_unit_id"), table_name="household_links")
    op.drop_table("household_links")
    op.drop_index(op.f("ix_households_unit_id"), table_name="households")
    op.drop_table("households")
    _grants()


def _grants() -> None:
    from tiaojie.store.pg_roles import apply_grants

    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        apply_grants(connection, connection.execute(text("SELECT current_schema()")).scalar_one())
