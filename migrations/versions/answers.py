"""Participants' answers, reminder settings, and the reminders sent.

Every participant starts with no answer ("needs-action"); every conference with
reminders 1 day and 1 hour before its start and a nudge 3 days before.

Revision ID: answers01
Revises: peopleonce01
Create Date: 2026-12-01

"""

from alembic import op
import sqlalchemy as sa

import silkmeet.db


# revision identifiers, used by Alembic.
revision = "answers01"
down_revision = "peopleonce01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("participation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "rsvp",
                sa.String(length=16),
                server_default="needs-action",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column("rsvp_comment", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("rsvp_at", silkmeet.db.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("rsvp_source", sa.String(length=16), nullable=True)
        )
        batch_op.create_check_constraint(
            op.f("ck_participation_rsvp_allowed"),
            "rsvp IN ('needs-action', 'accepted', 'tentative', 'declined')",
        )
        batch_op.create_check_constraint(
            op.f("ck_participation_rsvp_source_allowed"),
            "rsvp_source IN ('personal page', 'organiser')",
        )
    with op.batch_alter_table("conference", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "reminder_offsets",
                sa.JSON(),
                server_default="[1440, 60]",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "nudge_offset", sa.Integer(), server_default="4320", nullable=True
            )
        )
        batch_op.create_check_constraint(
            op.f("ck_conference_nudge_offset_range"),
            "nudge_offset IS NULL OR (nudge_offset BETWEEN 1 AND 43200)",
        )
    # The defaults filled the rows there are; the models give new rows theirs.
    with op.batch_alter_table("participation", schema=None) as batch_op:
        batch_op.alter_column("rsvp", server_default=None)
        batch_op.alter_column("rsvp_comment", server_default=None)
    with op.batch_alter_table("conference", schema=None) as batch_op:
        batch_op.alter_column("reminder_offsets", server_default=None)
        batch_op.alter_column("nudge_offset", server_default=None)
    op.create_table(
        "reminder_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("participation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.Column("start_at", silkmeet.db.UTCDateTime(), nullable=False),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("created_at", silkmeet.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conference_id"],
            ["conference.id"],
            name=op.f("fk_reminder_sent_conference_id_conference"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox_message.id"],
            name=op.f("fk_reminder_sent_outbox_message_id_outbox_message"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["participation_id"],
            ["participation.id"],
            name=op.f("fk_reminder_sent_participation_id_participation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_sent")),
        sa.UniqueConstraint(
            "participation_id",
            "kind",
            "offset_minutes",
            "start_at",
            name=op.f("uq_reminder_sent_participation_id_kind_offset_minutes_start_at"),
        ),
    )
    with op.batch_alter_table("reminder_sent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reminder_sent_conference_id"),
            ["conference_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("reminder_sent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_sent_conference_id"))
    op.drop_table("reminder_sent")
    with op.batch_alter_table("conference", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("ck_conference_nudge_offset_range"), type_="check"
        )
        batch_op.drop_column("nudge_offset")
        batch_op.drop_column("reminder_offsets")
    with op.batch_alter_table("participation", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("ck_participation_rsvp_source_allowed"), type_="check"
        )
        batch_op.drop_constraint(op.f("ck_participation_rsvp_allowed"), type_="check")
        batch_op.drop_column("rsvp_source")
        batch_op.drop_column("rsvp_at")
        batch_op.drop_column("rsvp_comment")
        batch_op.drop_column("rsvp")
