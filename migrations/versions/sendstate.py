"""Pending outbox messages rendered by the worker: raw may wait, the speaking
slot and site address they name, the snapshot of what an invitation said, and
the "superseded" status.

Revision ID: sendstate01
Revises: answers01
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'sendstate01'
down_revision = 'answers01'
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('queued', 'sending', 'sent', 'failed')"
NEW_STATUSES = "status IN ('queued', 'sending', 'sent', 'failed', 'superseded')"


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.alter_column('raw', existing_type=sa.LargeBinary(), nullable=True)
        batch_op.add_column(sa.Column('slot', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('site_url', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('snapshot', sa.JSON(), nullable=True))
        batch_op.drop_constraint(
            op.f('ck_outbox_message_status_allowed'), type_='check'
        )
        batch_op.create_check_constraint(
            op.f('ck_outbox_message_status_allowed'), NEW_STATUSES
        )


def downgrade():
    # Messages that were never sent, or never rendered, cannot stay in the old
    # table: a superseded message becomes a failed one, a pending one is dropped.
    op.execute("UPDATE outbox_message SET status = 'failed' WHERE status = 'superseded'")
    op.execute("DELETE FROM outbox_message WHERE raw IS NULL")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f('ck_outbox_message_status_allowed'), type_='check'
        )
        batch_op.create_check_constraint(
            op.f('ck_outbox_message_status_allowed'), OLD_STATUSES
        )
        batch_op.drop_column('snapshot')
        batch_op.drop_column('site_url')
        batch_op.drop_column('slot')
        batch_op.alter_column('raw', existing_type=sa.LargeBinary(), nullable=False)
