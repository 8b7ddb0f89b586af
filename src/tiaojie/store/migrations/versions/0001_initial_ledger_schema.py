"""initial ledger schema

Revision ID: 0001
Revises: 
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_audit_head_single')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    # The chain's head exists from the start, so the first two writers cannot race to create it.
    op.execute("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '" + "0" * 64 + "')")
    op.create_table('audit_log',
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_name', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('entity', sa.String(length=64), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_log')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_log_hash')),
    sa.UniqueConstraint('prev_hash', name=op.f('uq_audit_log_prev_hash'))
    )
    op.create_table('periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('closed_by', sa.String(length=64), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('month', 'quarter', 'year')", name=op.f('ck_periods_kind')),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_periods_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_periods')),
    sa.UniqueConstraint('key', name=op.f('uq_periods_key'))
    )
    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("level IN ('county', 'township', 'village')", name=op.f('ck_units_level')),
    sa.ForeignKeyConstraint(['parent_id'], ['units.id'], name=op.f('fk_units_parent_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('code', name=op.f('uq_units_code'))
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_units_parent_id'), ['parent_id'], unique=False)

    op.create_table('banquet_filings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('household', sa.String(length=100), nullable=False),
    sa.Column('occasion', sa.String(length=32), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('tables', sa.Integer(), nullable=False),
    sa.Column('gift_fen', sa.BigInteger(), nullable=False),
    sa.Column('host_age', sa.Integer(), nullable=True),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('policy_id', sa.String(length=64), nullable=True),
    sa.Column('version', sa.String(length=32), nullable=True),
    sa.Column('hash', sa.String(length=80), nullable=True),
    sa.Column('violations', sa.JSON(), nullable=False),
    sa.CheckConstraint('days >= 0 AND tables >= 0', name=op.f('ck_banquet_filings_counts')),
    sa.CheckConstraint('gift_fen >= 0', name=op.f('ck_banquet_filings_gift')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_banquet_filings_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_banquet_filings'))
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('urgency', sa.String(length=8), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('parties', sa.JSON(), nullable=False),
    sa.Column('persons_involved', sa.Integer(), nullable=False),
    sa.Column('amount_involved_fen', sa.BigInteger(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('settled_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('settled_by', sa.String(length=32), nullable=True),
    sa.Column('mediators', sa.JSON(), nullable=False),
    sa.Column('agreement_kind', sa.String(length=8), nullable=True),
    sa.Column('agreement_fulfilled', sa.Boolean(), nullable=False),
    sa.Column('follow_up_done', sa.Boolean(), nullable=False),
    sa.Column('file_complete', sa.Boolean(), nullable=False),
    sa.Column('needs_verification', sa.Boolean(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("agreement_kind IS NULL OR agreement_kind IN ('oral', 'written')", name=op.f('ck_cases_agreement')),
    sa.CheckConstraint("source IN ('application', 'initiative', 'transfer', 'entrusted', 'assigned')", name=op.f('ck_cases_source')),
    sa.CheckConstraint("urgency IN ('normal', 'urgent')", name=op.f('ck_cases_urgency')),
    sa.CheckConstraint('amount_involved_fen >= 0', name=op.f('ck_cases_amount')),
    sa.CheckConstraint('persons_involved >= 0', name=op.f('ck_cases_persons')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_cases_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('unit_id', 'number', name=op.f('uq_cases_unit_id_number'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_received_on', ['received_on'], unique=False)
        batch_op.create_index('ix_cases_settled_on', ['settled_on'], unique=False)
        batch_op.create_index('ix_cases_status', ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_unit_id'), ['unit_id'], unique=False)

    op.create_table('collectives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_collectives_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collectives')),
    sa.UniqueConstraint('code', name=op.f('uq_collectives_code'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.CheckConstraint("role IN ('mediator', 'clerk', 'policy', 'admin')", name=op.f('ck_users_role')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_users_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('name', name=op.f('uq_users_name'))
    )
    op.create_table('adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('original_period_id', sa.Integer(), nullable=True),
    sa.Column('payee', sa.String(length=100), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by_user', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(reason) > 0', name=op.f('ck_adjustments_reason')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_adjustments_case_id_cases')),
    sa.ForeignKeyConstraint(['original_period_id'], ['periods.id'], name=op.f('fk_adjustments_original_period_id_periods')),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_adjustments_period_id_periods')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adjustments'))
    )
    with op.batch_alter_table('adjustments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adjustments_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adjustments_period_id'), ['period_id'], unique=False)

    op.create_table('distribution_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('collective_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('run_no', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.Column('hash', sa.String(length=80), nullable=False),
    sa.Column('income_fen', sa.BigInteger(), nullable=False),
    sa.Column('retained_fen', sa.BigInteger(), nullable=False),
    sa.Column('pool_fen', sa.BigInteger(), nullable=False),
    sa.Column('leftover_fen', sa.BigInteger(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('by_user', sa.String(length=64), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['collective_id'], ['collectives.id'], name=op.f('fk_distribution_runs_collective_id_collectives')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_runs')),
    sa.UniqueConstraint('collective_id', 'year', 'run_no', name=op.f('uq_distribution_runs_collective_id_year_run_no'))
    )
    op.create_table('escalations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('escalated_on', sa.Date(), nullable=False),
    sa.Column('from_level', sa.String(length=16), nullable=False),
    sa.Column('to_level', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by_user', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_escalations_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalations'))
    )
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_escalations_case_id'), ['case_id'], unique=False)

    op.create_table('fiscal_investments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('collective_id', sa.Integer(), nullable=False),
    sa.Column('project', sa.String(length=200), nullable=False),
    sa.Column('principal_fen', sa.BigInteger(), nullable=False),
    sa.Column('rate_ppm', sa.BigInteger(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('source', sa.Text(), nullable=False),
    sa.CheckConstraint('principal_fen >= 0 AND rate_ppm >= 0', name=op.f('ck_fiscal_investments_amounts')),
    sa.ForeignKeyConstraint(['collective_id'], ['collectives.id'], name=op.f('fk_fiscal_investments_collective_id_collectives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fiscal_investments'))
    )
    with op.batch_alter_table('fiscal_investments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fiscal_investments_collective_id'), ['collective_id'], unique=False)

    op.create_table('members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('collective_id', sa.Integer(), nullable=False),
    sa.Column('member_no', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('household', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['collective_id'], ['collectives.id'], name=op.f('fk_members_collective_id_collectives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_members')),
    sa.UniqueConstraint('collective_id', 'member_no', name=op.f('uq_members_collective_id_member_no'))
    )
    op.create_table('outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.Column('hash', sa.String(length=80), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('outputs', sa.JSON(), nullable=False),
    sa.Column('fired', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_outcomes_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcomes'))
    )
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.create_index('ix_outcomes_case_policy', ['case_id', 'policy_id'], unique=False)

    op.create_table('payout_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('payee', sa.String(length=100), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.Column('hash', sa.String(length=80), nullable=False),
    sa.Column('gross_fen', sa.BigInteger(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('capped_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_payout_lines_case_id_cases')),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_payout_lines_period_id_periods')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_payout_lines_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_lines')),
    sa.UniqueConstraint('case_id', 'policy_id', name=op.f('uq_payout_lines_case_id_policy_id'))
    )
    with op.batch_alter_table('payout_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payout_lines_period_id'), ['period_id'], unique=False)

    op.create_table('share_classes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('collective_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('weight_ppm', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('weight_ppm >= 0', name=op.f('ck_share_classes_weight')),
    sa.ForeignKeyConstraint(['collective_id'], ['collectives.id'], name=op.f('fk_share_classes_collective_id_collectives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_classes')),
    sa.UniqueConstraint('collective_id', 'code', name=op.f('uq_share_classes_collective_id_code'))
    )
    op.create_table('allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('weighted_shares_ppm', sa.BigInteger(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_allocations_member_id_members')),
    sa.ForeignKeyConstraint(['run_id'], ['distribution_runs.id'], name=op.f('fk_allocations_run_id_distribution_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocations')),
    sa.UniqueConstraint('run_id', 'member_id', name=op.f('uq_allocations_run_id_member_id'))
    )
    op.create_table('holdings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('share_class_id', sa.Integer(), nullable=False),
    sa.Column('shares', sa.Integer(), nullable=False),
    sa.CheckConstraint('shares >= 0', name=op.f('ck_holdings_shares')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_holdings_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['share_class_id'], ['share_classes.id'], name=op.f('fk_holdings_share_class_id_share_classes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holdings')),
    sa.UniqueConstraint('member_id', 'share_class_id', name=op.f('uq_holdings_member_id_share_class_id'))
    )


def downgrade() -> None:
    op.drop_table('holdings')
    op.drop_table('allocations')
    op.drop_table('share_classes')
    with op.batch_alter_table('payout_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payout_lines_period_id'))

    op.drop_table('payout_lines')
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_index('ix_outcomes_case_policy')

    op.drop_table('outcomes')
    op.drop_table('members')
    with op.batch_alter_table('fiscal_investments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fiscal_investments_collective_id'))

    op.drop_table('fiscal_investments')
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalations_case_id'))

    op.drop_table('escalations')
    op.drop_table('distribution_runs')
    with op.batch_alter_table('adjustments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adjustments_period_id'))
        batch_op.drop_index(batch_op.f('ix_adjustments_case_id'))

    op.drop_table('adjustments')
    op.drop_table('users')
    op.drop_table('collectives')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_unit_id'))
        batch_op.drop_index('ix_cases_status')
        batch_op.drop_index('ix_cases_settled_on')
        batch_op.drop_index('ix_cases_received_on')

    op.drop_table('cases')
    op.drop_table('banquet_filings')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_units_parent_id'))

    op.drop_table('units')
    op.drop_table('periods')
    op.drop_table('audit_log')
    op.drop_table('audit_head')
