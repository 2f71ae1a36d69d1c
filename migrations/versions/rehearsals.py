"""Rehearsals: a run recorded apart from the meeting's own record.

The conference's ``rehearsal_at`` (the moment the rehearsed lineup starts)
and each item's and speaker's ``rehearsal_start_at``/``rehearsal_end_at``.
Nothing to fill in: no rehearsal has run.

Revision ID: rehearsal01
Revises: daywindow01
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa

import silkmeet.db


# revision identifiers, used by Alembic.
revision = 'rehearsal01'
down_revision = 'daywindow01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rehearsal_at', silkmeet.db.UTCDateTime(), nullable=True))

    for table in ('agenda_item', 'agenda_item_speaker'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('rehearsal_start_at', silkmeet.db.UTCDateTime(), nullable=True))
            batch_op.add_column(sa.Column('rehearsal_end_at', silkmeet.db.UTCDateTime(), nullable=True))


def downgrade():
    for table in ('agenda_item_speaker', 'agenda_item'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('rehearsal_end_at')
            batch_op.drop_column('rehearsal_start_at')

    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.drop_column('rehearsal_at')
