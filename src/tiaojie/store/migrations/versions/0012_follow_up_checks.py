"""follow-up checks

Revision ID: 0012
Revises: 0011

The seeded sample of settled cases drawn per period for follow-up visits, and each visit's result.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0012"
down_revision = "0011"
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
