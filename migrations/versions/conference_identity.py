"""Conferences get a uid of their own (calendar UIDs no longer follow the slug)
and keep their former slugs, whose links redirect to the current one.

Every existing conference is given, as its uid, the UID silkmeet derived from
its slug until now, so that no calendar sees a new meeting.

Revision ID: conferenceidentity01
Revises: outbox01
Create Date: 2026-12-02

"""
from alembic import op
from flask import current_app
import sqlalchemy as sa

import silkmeet.db
from silkmeet.domain.ics import legacy_conference_uid


# revision identifiers, used by Alembic.
revision = 'conferenceidentity01'
down_revision = 'outbox01'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uid', sa.String(length=64), nullable=True))
    conference = sa.table(
        'conference', sa.column('id', sa.Integer), sa.column('slug', sa.String),
        sa.column('uid', sa.String),
    )
    # The domain the invites used: SILKMEET_INVITE_UID_DOMAIN, as at run time.
    domain = current_app.config.get('INVITE_UID_DOMAIN')
    for row in bind.execute(sa.select(conference.c.id, conference.c.slug)).all():
        bind.execute(
            conference.update()
            .where(conference.c.id == row.id)
            .values(uid=legacy_conference_uid(row.slug, domain))
        )
    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.alter_column('uid', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_conference_uid'), ['uid'])

    op.create_table(
        'conference_slug_alias',
        sa.Column('slug', sa.String(length=80), nullable=False),
        sa.Column('conference_id', sa.Integer(), nullable=False),
        sa.Column('created_at', silkmeet.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['conference_id'], ['conference.id'],
            name=op.f('fk_conference_slug_alias_conference_id_conference'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('slug', name=op.f('pk_conference_slug_alias')),
    )
    with op.batch_alter_table('conference_slug_alias', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_conference_slug_alias_conference_id'), ['conference_id'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('conference_slug_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_slug_alias_conference_id'))
    op.drop_table('conference_slug_alias')
    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_conference_uid'), type_='unique')
        batch_op.drop_column('uid')
