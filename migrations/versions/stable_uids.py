"""Stable uids for agenda items and participations (calendar UIDs derive from them).

Revision ID: stableuids01
Revises: contentversion01
Create Date: 2026-11-26

"""
import uuid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'stableuids01'
down_revision = 'contentversion01'
branch_labels = None
depends_on = None

TABLES = ('agenda_item', 'participation')


def upgrade():
    bind = op.get_bind()
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('uid', sa.String(length=64), nullable=True))
        rows = sa.table(table, sa.column('id', sa.Integer), sa.column('uid', sa.String))
        ids = [row.id for row in bind.execute(sa.select(rows.c.id))]
        for row_id in ids:
            bind.execute(
                rows.update().where(rows.c.id == row_id).values(uid=str(uuid.uuid4()))
            )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('uid', existing_type=sa.String(length=64), nullable=False)
            batch_op.create_unique_constraint(
                batch_op.f(f'uq_{table}_conference_id_uid'), ['conference_id', 'uid']
            )


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_conference_id_uid'), type_='unique')
            batch_op.drop_column('uid')
