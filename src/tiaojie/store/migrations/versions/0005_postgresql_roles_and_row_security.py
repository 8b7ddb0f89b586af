"""PostgreSQL: group roles, grants, row-level security, an insert-only audit log

Revision ID: 0005
Revises: 0004

SQLite (one station, one file) has no roles: there the services draw the same lines, and this
revision changes nothing. A later revision that adds a table names it in
``tiaojie.store.pg_roles.TABLE_GRANTS`` and calls ``apply_grants`` again.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from tiaojie.store.pg_roles import apply_grants

    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        apply_grants(connection, connection.execute(text("SELECT current_schema()")).scalar_one())


def downgrade() -> None:
    from tiaojie.store.pg_roles import remove_grants

    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        remove_grants(connection, connection.execute(text("SELECT current_schema()")).scalar_one())
