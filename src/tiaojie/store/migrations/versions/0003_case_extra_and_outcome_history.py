"""vocabulary fields kept with a case; outcome history

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("extra", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
    with op.batch_alter_table("outcomes") as batch:
        batch.add_column(sa.Column("computed_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("replaced_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("replaced_reason", sa.Text(), nullable=True))
    # Before this revision every outcome was kept and the newest counted: the older ones of a
    # (case, policy) become history, replaced when their successor was computed.
    op.execute(
        """
        UPDATE outcomes SET replaced_at = (
            SELECT MIN(later.computed_at) FROM outcomes later
            WHERE later.case_id = outcomes.case_id AND later.policy_id = outcomes.policy_id
              AND later.id > outcomes.id
        ), replaced_reason = 'recomputed'
        WHERE EXISTS (
            SELECT 1 FROM outcomes later
            WHERE later.case_id = outcomes.case_id AND later.policy_id = outcomes.policy_id
              AND later.id > outcomes.id
        )
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("outcomes") as batch:
        batch.drop_column("replaced_reason")
        batch.drop_column("replaced_by")
        batch.drop_column("replaced_at")
        batch.drop_column("computed_by")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("extra")
