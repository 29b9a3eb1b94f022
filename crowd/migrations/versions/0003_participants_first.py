"""participants first (issue 17)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 13:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Paper and phone responses: a new contribution stream (a native enum type on PostgreSQL only;
    # SQLite stores the name as text).
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TYPE stream ADD VALUE IF NOT EXISTS 'PAPER'")
    op.create_table('easy_read',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.JSON(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('target_type', 'target_id', name='uq_easy_read_target')
    )
    op.create_table('monitoring_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('age_band', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('sex', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('gender_identity', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('ethnic_group', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('disability', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('religion', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('sexual_orientation', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('monitoring_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_answer_participant_id'), ['participant_id'], unique=True)

    op.create_table('reference_share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('group', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('share', sa.Float(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('category', 'group', name='uq_reference_share')
    )
    op.create_table('safeguarding_role',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('granted_by', sa.Integer(), nullable=True),
    sa.Column('granted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['granted_by'], ['participant.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('safeguarding_role', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safeguarding_role_participant_id'), ['participant_id'], unique=True)

    op.create_table('version_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('nonce', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('version_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_version_subscription_participant_id'), ['participant_id'], unique=True)

    op.create_table('safeguarding_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('raised_by', sa.Integer(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('status', sa.Enum('OPEN', 'CLOSED', name='safeguardingstatus'), nullable=False),
    sa.Column('checklist', sa.JSON(), nullable=False),
    sa.Column('author_notified_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by'], ['participant.id'], ),
    sa.ForeignKeyConstraint(['contribution_id'], ['contribution.id'], ),
    sa.ForeignKeyConstraint(['raised_by'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('safeguarding_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safeguarding_case_contribution_id'), ['contribution_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_safeguarding_case_status'), ['status'], unique=False)

    op.create_table('version_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('queued_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarationversion.id'], ),
    sa.ForeignKeyConstraint(['outbox_id'], ['outboxmessage.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('declaration_id', 'participant_id', name='uq_version_mail_once')
    )
    with op.batch_alter_table('version_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_version_mail_declaration_id'), ['declaration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_version_mail_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_version_mail_sent_at'), ['sent_at'], unique=False)

    op.create_table('safeguarding_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('checklist', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['participant.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['safeguarding_case.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('safeguarding_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safeguarding_note_case_id'), ['case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('safeguarding_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safeguarding_note_case_id'))

    op.drop_table('safeguarding_note')
    with op.batch_alter_table('version_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_version_mail_sent_at'))
        batch_op.drop_index(batch_op.f('ix_version_mail_participant_id'))
        batch_op.drop_index(batch_op.f('ix_version_mail_declaration_id'))

    op.drop_table('version_mail')
    with op.batch_alter_table('safeguarding_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safeguarding_case_status'))
        batch_op.drop_index(batch_op.f('ix_safeguarding_case_contribution_id'))

    op.drop_table('safeguarding_case')
    with op.batch_alter_table('version_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_version_subscription_participant_id'))

    op.drop_table('version_subscription')
    with op.batch_alter_table('safeguarding_role', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safeguarding_role_participant_id'))

    op.drop_table('safeguarding_role')
    op.drop_table('reference_share')
    with op.batch_alter_table('monitoring_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoring_answer_participant_id'))

    op.drop_table('monitoring_answer')
    op.drop_table('easy_read')

