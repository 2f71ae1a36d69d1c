"""One e-mail address per conference (case-insensitive), kept by the database
through ``participation.email_key``; and the tickets that let a CSV import of
people be confirmed only once.

An existing database where two current participants of one conference share an
address is not changed: the upgrade stops before altering anything and lists
them, so that an organiser removes the extra participant (or corrects the
address) on the People page; then run the upgrade again. Nobody is merged or
deleted behind the organisers' backs: each duplicate has a personal link of its
own, which may already be in a calendar.

Revision ID: peopleonce01
Revises: conferenceidentity01
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa

import silkmeet.db
from silkmeet.domain.emails import email_key


# revision identifiers, used by Alembic.
revision = 'peopleonce01'
down_revision = 'conferenceidentity01'
branch_labels = None
depends_on = None


class DuplicateEmails(RuntimeError):
    pass


def upgrade():
    bind = op.get_bind()
    conference = sa.table('conference', sa.column('id'), sa.column('slug'))
    person = sa.table('person', sa.column('id'), sa.column('email'))
    participation = sa.table(
        'participation', sa.column('id'), sa.column('conference_id'),
        sa.column('person_id'), sa.column('removed_at'), sa.column('email_key'),
    )
    rows = bind.execute(
        sa.select(participation.c.id, conference.c.slug, person.c.email)
        .join(person, person.c.id == participation.c.person_id)
        .join(conference, conference.c.id == participation.c.conference_id)
        .where(participation.c.removed_at.is_(None), person.c.email.is_not(None))
        .order_by(participation.c.id)
    ).all()
    keys: dict[int, str] = {}
    owners: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        key = email_key(row.email)
        if key is not None:
            keys[row.id] = key
            owners.setdefault((row.slug, key), []).append(row.id)
    duplicates = {k: ids for k, ids in owners.items() if len(ids) > 1}
    if duplicates:
        lines = [
            f"  conference {slug!r}: {key} (participations "
            f"{', '.join(map(str, ids))})"
            for (slug, key), ids in sorted(duplicates.items())
        ]
        raise DuplicateEmails(
            f"{len(duplicates)} e-mail address(es) belong to more than one "
            "participant of a conference; nothing was changed. Remove the extra "
            "participant or correct the address on the conference's People page, "
            "then run `flask db upgrade` again:\n" + "\n".join(lines)
        )

    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_key', sa.String(length=320), nullable=True))
    if keys:
        bind.execute(
            participation.update()
            .where(participation.c.id == sa.bindparam('participation_id'))
            .values(email_key=sa.bindparam('key')),
            [{'participation_id': pid, 'key': key} for pid, key in keys.items()],
        )
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f('uq_participation_conference_id_email_key'),
            ['conference_id', 'email_key'],
        )

    op.create_table(
        'people_import',
        sa.Column('ticket', sa.String(length=64), nullable=False),
        sa.Column('conference_id', sa.Integer(), nullable=False),
        sa.Column('imported_at', silkmeet.db.UTCDateTime(), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['conference_id'], ['conference.id'],
            name=op.f('fk_people_import_conference_id_conference'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('ticket', name=op.f('pk_people_import')),
    )
    with op.batch_alter_table('people_import', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_people_import_conference_id'), ['conference_id'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('people_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_import_conference_id'))
    op.drop_table('people_import')
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('uq_participation_conference_id_email_key'), type_='unique'
        )
        batch_op.drop_column('email_key')
