"""Conference content version: raised with every change to what it shows.

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


def downgrade():
    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.drop_column('content_version')
