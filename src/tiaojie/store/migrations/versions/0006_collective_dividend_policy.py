"""each collective bound to its own dividend policy

Revision ID: 0006
Revises: 0005

A collective's dividend runs use the policy bound to it (`collectives.policy_id`), chosen when the
collective is made and changed only by policy staff. A collective of an older ledger is bound to
the policy its latest stored run used; one never run stays unbound until policy staff bind it.
On PostgreSQL policy staff get UPDATE on collectives for that (`apply_grants` again).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("collectives") as batch:
        batch.add_column(sa.Column("policy_id", sa.String(length=64), nullable=True))
    op.execute(
        "UPDATE collectives SET policy_id = (SELECT r.policy_id FROM distribution_runs r "
        "WHERE r.collective_id = collectives.id ORDER BY r.year DESC, r.run_no DESC LIMIT 1)"
    )
    _grants()


def downgrade() -> None:
    with op.batch_alter_table("collectives") as batch:
        batch.drop_column("policy_id")
    _grants()


def _grants() -> None:
    from tiaojie.store.pg_roles import apply_grants

    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        apply_grants(connection, connection.execute(text("SELECT current_schema()")).scalar_one())
