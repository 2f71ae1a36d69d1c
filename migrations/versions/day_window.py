"""Each conference's day window (outside it is night) and default speaking time.

Every conference keeps the window it had, 07:00–22:00, and gets 7 minutes per
speaker for the items the lineup builder creates.

Revision ID: daywindow01
Revises: chair01
Create Date: 2026-12-02

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "daywindow01"
down_revision = "chair01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("conference", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("day_start_hour", sa.Integer(), server_default="7", nullable=False)
        )
        batch_op.add_column(
            sa.Column("day_end_hour", sa.Integer(), server_default="22", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "speaking_minutes", sa.Integer(), server_default="7", nullable=False
            )
        )
        batch_op.create_check_constraint(
            op.f("ck_conference_day_start_hour_range"),
            "day_start_hour BETWEEN 0 AND 23",
        )
        batch_op.create_check_constraint(
            op.f("ck_conference_day_end_hour_range"), "day_end_hour BETWEEN 1 AND 24"
        )
        batch_op.create_check_constraint(
            op.f("ck_conference_speaking_minutes_range"),
            "speaking_minutes BETWEEN 1 AND 240",
        )
    # The defaults filled the rows there are; the model gives new rows theirs.
    with op.batch_alter_table("conference", schema=None) as batch_op:
        batch_op.alter_column("day_start_hour", server_default=None)
        batch_op.alter_column("day_end_hour", server_default=None)
        batch_op.alter_column("speaking_minutes", server_default=None)


def downgrade():
    with op.batch_alter_table("conference", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("ck_conference_speaking_minutes_range"), type_="check"
        )
        batch_op.drop_constraint(
            op.f("ck_conference_day_end_hour_range"), type_="check"
        )
        batch_op.drop_constraint(
            op.f("ck_conference_day_start_hour_range"), type_="check"
        )
        batch_op.drop_column("speaking_minutes")
        batch_op.drop_column("day_end_hour")
        batch_op.drop_column("day_start_hour")
