"""Organiser accounts: one per address whatever its case, session tokens, and
failed logins counted per address in their own table.

Stops, naming them, if two accounts share an address but for its case: keep one
(move the others' conference rights to it, delete them) and upgrade again.
Sessions made before the upgrade end: organisers log in again.

Revision ID: accounts01
Revises: stableuids01
Create Date: 2026-11-27

"""
import secrets

from alembic import op
import sqlalchemy as sa

import silkmeet.db


# revision identifiers, used by Alembic.
revision = 'accounts01'
down_revision = "stableuids01"
branch_labels = None
depends_on = None


def address_key(address):
    # silkmeet.models.accounts.address_key as of this revision (a migration
    # keeps the rule it was written with).
    return address.strip().lower()


def upgrade():
    bind = op.get_bind()
    rows = sa.table(
        'organiser',
        sa.column('id', sa.Integer),
        sa.column('email', sa.String),
        sa.column('email_key', sa.String),
        sa.column('session_token', sa.String),
    )
    accounts = bind.execute(sa.select(rows.c.id, rows.c.email).order_by(rows.c.id)).all()
    seen = {}
    for row in accounts:
        seen.setdefault(address_key(row.email), []).append(row.email)
    shared = sorted(' = '.join(emails) for emails in seen.values() if len(emails) > 1)
    if shared:
        raise RuntimeError(
            'organiser accounts share an address but for its case ('
            + '; '.join(shared)
            + '): keep one account per address (move its conference rights '
            'to it, delete the others), then upgrade again'
        )
    with op.batch_alter_table('organiser', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_key', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_organiser_email'), type_='unique')
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('last_failed_login_at')
    for row in accounts:
        bind.execute(
            rows.update()
            .where(rows.c.id == row.id)
            .values(email_key=address_key(row.email), session_token=secrets.token_urlsafe(32))
        )
    with op.batch_alter_table('organiser', schema=None) as batch_op:
        batch_op.alter_column('email_key', existing_type=sa.String(length=320), nullable=False)
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_organiser_email_key'), ['email_key'])
    op.create_table('login_failure',
    sa.Column('email_key', sa.String(length=320), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', silkmeet.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('email_key', name=op.f('pk_login_failure'))
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failure_last_failed_at'), ['last_failed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failure_last_failed_at'))
    op.drop_table('login_failure')
    with op.batch_alter_table('organiser', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_failed_login_at', silkmeet.db.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.drop_constraint(batch_op.f('uq_organiser_email_key'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_organiser_email'), ['email'])
        batch_op.drop_column('session_token')
        batch_op.drop_column('email_key')
