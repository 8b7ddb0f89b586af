"""audit log read by entity

Revision ID: 0013
Revises: 0012

The reviewers' flags read each claimed case's audited writes (the severity it had when settled);
without an index on (entity, entity_id) every claim shown scanned the whole audit log.
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_log_entity_entity_id", "audit_log", ["entity", "entity_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_log_entity_entity_id", table_name="audit_log")
