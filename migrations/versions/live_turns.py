"""The chair keeps time: each speaker's recorded turn, the live record's version
and stage message, and the stage screen's revocable key.

Nothing to fill in: no turn is recorded yet, the version starts at 0, there is
no message, and no conference has a stage link until a chair or organiser
creates one.

Revision ID: chair01
Revises: sendstate01
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa

import silkmeet.db


# revision identifiers, used by Alembic.
revision = 'chair01'
down_revision = "sendstate01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agenda_item_speaker', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actual_start_at', silkmeet.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('actual_end_at', silkmeet.db.UTCDateTime(), nullable=True))

    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.add_column(sa.Column('live_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('live_message', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('stage_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_conference_stage_token'), ['stage_token'])


def downgrade():
    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_conference_stage_token'), type_='unique')
        batch_op.drop_column('stage_token')
        batch_op.drop_column('live_message')
        batch_op.drop_column('live_version')

    with op.batch_alter_table('agenda_item_speaker', schema=None) as batch_op:
        batch_op.drop_column('actual_end_at')
        batch_op.drop_column('actual_start_at')
