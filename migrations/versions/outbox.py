"""Mail outbox, and a conference's own sender and reply addresses.

Revision ID: outbox01
Revises: accounts01
Create Date: 2026-11-27

"""
from alembic import op
import sqlalchemy as sa

import silkmeet.db


# revision identifiers, used by Alembic.
revision = 'outbox01'
down_revision = 'accounts01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbox_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conference_id', sa.Integer(), nullable=True),
        sa.Column('participation_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('recipient', sa.String(length=320), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('message_id', sa.String(length=255), nullable=False),
        sa.Column('raw', sa.LargeBinary(), nullable=False),
        sa.Column('ics_uid', sa.String(length=255), nullable=True),
        sa.Column('ics_sequence', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', silkmeet.db.UTCDateTime(), nullable=False),
        sa.Column('claimed_until', silkmeet.db.UTCDateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('transport', sa.String(length=16), nullable=True),
        sa.Column('created_at', silkmeet.db.UTCDateTime(), nullable=False),
        sa.Column('sent_at', silkmeet.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed')",
            name=op.f('ck_outbox_message_status_allowed'),
        ),
        sa.ForeignKeyConstraint(
            ['conference_id'], ['conference.id'],
            name=op.f('fk_outbox_message_conference_id_conference'),
            ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['participation_id'], ['participation.id'],
            name=op.f('fk_outbox_message_participation_id_participation'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
        sa.UniqueConstraint('message_id', name=op.f('uq_outbox_message_message_id')),
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(
            'ix_outbox_message_conference', ['conference_id', 'created_at'], unique=False
        )
        batch_op.create_index(
            'ix_outbox_message_due', ['status', 'next_attempt_at'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_outbox_message_participation_id'), ['participation_id'],
            unique=False,
        )
    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_from', sa.String(length=320), nullable=True))
        batch_op.add_column(
            sa.Column('mail_reply_to', sa.String(length=320), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.drop_column('mail_reply_to')
        batch_op.drop_column('mail_from')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_participation_id'))
        batch_op.drop_index('ix_outbox_message_due')
        batch_op.drop_index('ix_outbox_message_conference')
    op.drop_table('outbox_message')
