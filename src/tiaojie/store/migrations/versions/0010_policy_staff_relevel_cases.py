"""policy staff re-judge open cases on activation

Revision ID: 0010
Revises: 0009

Activating a rule set judges the open cases again in the same transaction (ledger/outcome_refresh):
policy staff now store outcomes and a case's level — its level and updated_at columns only, nothing
else of a case. No table changes; on PostgreSQL the grants are applied again (`apply_grants`).
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0010"
down_revision = "0009"
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
