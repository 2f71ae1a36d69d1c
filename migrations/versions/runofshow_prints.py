"""Run-of-show: printed revisions with a snapshot of each item.

Revision ID: runofshow01
Revises: 265b39e28b10
Create Date: 2026-11-26

"""
from alembic import op
import sqlalchemy as sa

import silkmeet.db


# revision identifiers, used by Alembic.
revision = 'runofshow01'
down_revision = '265b39e28b10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('run_of_show_print',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('printed_at', silkmeet.db.UTCDateTime(), nullable=False),
    sa.Column('printed_by', sa.String(length=320), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['conference_id'], ['conference.id'], name=op.f('fk_run_of_show_print_conference_id_conference'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_run_of_show_print')),
    sa.UniqueConstraint('conference_id', 'revision', name=op.f('uq_run_of_show_print_conference_id_revision'))
    )
    with op.batch_alter_table('run_of_show_print', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_run_of_show_print_conference_id'), ['conference_id'], unique=False)



def downgrade():
    with op.batch_alter_table('run_of_show_print', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_run_of_show_print_conference_id'))

    op.drop_table('run_of_show_print')
