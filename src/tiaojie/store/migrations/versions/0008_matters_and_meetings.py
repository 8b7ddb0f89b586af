"""matters and meetings

Revision ID: 0008
Revises: 0007

Residents raise matters (诉求事项); the escalation policy in force on the day one is raised sends
it to an emergency meeting within the rule's days or to the next monthly meeting. A meeting keeps
its agenda with the consensus on each matter, who attended for which of the four parties, and the
measures agreed with an owner and a due date. On PostgreSQL every table is confined to the user's
units like cases (`apply_grants` again).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "matters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("raised_by", sa.String(length=100), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("urgency", sa.String(length=32), nullable=False),
        sa.Column("parties", sa.JSON(), nullable=False),
        sa.Column("meeting_kind", sa.String(length=16), nullable=False),
        sa.Column("meeting_by", sa.Date(), nullable=False),
        sa.Column("policy_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("hash", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by_user", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('open', 'resolved', 'unresolved')", name=op.f("ck_matters_status")),
        sa.CheckConstraint("meeting_kind IN ('monthly', 'emergency')", name=op.f("ck_matters_meeting_kind")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_matters_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matters")),
        sa.UniqueConstraint("number", name=op.f("uq_matters_number")),
    )
    op.create_index(op.f("ix_matters_unit_id"), "matters", ["unit_id"], unique=False)
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("by_user", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('monthly', 'emergency')", name=op.f("ck_meetings_kind")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_meetings_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("number", name=op.f("uq_meetings_number")),
    )
    op.create_index(op.f("ix_meetings_unit_id"), "meetings", ["unit_id"], unique=False)
    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("consensus", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["matter_id"], ["matters.id"], name=op.f("fk_agenda_items_matter_id_matters")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_agenda_items_meeting_id_meetings")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_agenda_items_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_items")),
        sa.UniqueConstraint("meeting_id", "matter_id", name=op.f("uq_agenda_items_meeting_id_matter_id")),
    )
    op.create_index(op.f("ix_agenda_items_meeting_id"), "agenda_items", ["meeting_id"], unique=False)
    op.create_index(op.f("ix_agenda_items_unit_id"), "agenda_items", ["unit_id"], unique=False)
    op.create_table(
        "attendees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("party", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_attendees_meeting_id_meetings")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_attendees_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendees")),
        sa.UniqueConstraint("meeting_id", "name", name=op.f("uq_attendees_meeting_id_name")),
    )
    op.create_index(op.f("ix_attendees_meeting_id"), "attendees", ["meeting_id"], unique=False)
    op.create_index(op.f("ix_attendees_unit_id"), "attendees", ["unit_id"], unique=False)
    op.create_table(
        "measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["matter_id"], ["matters.id"], name=op.f("fk_measures_matter_id_matters")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_measures_meeting_id_meetings")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_measures_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measures")),
        sa.UniqueConstraint("meeting_id", "seq", name=op.f("uq_measures_meeting_id_seq")),
    )
    op.create_index(op.f("ix_measures_meeting_id"), "measures", ["meeting_id"], unique=False)
    op.create_index(op.f("ix_measures_unit_id"), "measures", ["unit_id"], unique=False)
    _grants()


def downgrade() -> None:
    for table in ("measures", "attendees", "agenda_items"):
        op.drop_index(op.f(f"ix_{table}_unit_id"), table_name=table)
        op.drop_index(op.f(f"ix_{table}_meeting_id"), table_name=table)
        op.drop_table(table)
    op.drop_index(op.f("ix_meetings_unit_id"), table_name="meetings")
    op.drop_table("meetings")
    op.drop_index(op.f("ix_matters_unit_id"), table_name="matters")
    op.drop_table("matters")
    _grants()


def _grants() -> None:
    from tiaojie.store.pg_roles import apply_grants

    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        apply_grants(connection, connection.execute(text("SELECT current_schema()")).scalar_one())
