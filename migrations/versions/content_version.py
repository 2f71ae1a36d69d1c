"""Conference content version and lineup undo; a removed participant's cancelled slots.

Revision ID: contentversion01
Revises: runofshow01
Create Date: 2026-11-26

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'contentversion01'
down_revision = 'runofshow01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('content_version', sa.Integer(), server_default='1', nullable=False)
        )
        batch_op.add_column(sa.Column('lineup_undo', sa.JSON(), nullable=True))
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('cancelled_slots', sa.JSON(), server_default='[]', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.drop_column('cancelled_slots')
    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.drop_column('lineup_undo')
        batch_op.drop_column('content_version')
