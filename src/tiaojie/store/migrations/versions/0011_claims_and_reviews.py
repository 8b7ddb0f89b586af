"""claims and their review

Revision ID: 0011
Revises: 0010

A unit's claim for a period's rewards, its lines, each review step's decisions and the objections
raised during the public notice.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _grants()


def downgrade() -> None:
    _grants()


def _grants() -> None:
    from tiaojie.store.pg_roles import apply_grants

    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        apply_grants(connection, connection.execute(text("SELECT current_schema()")).scalar_one())
