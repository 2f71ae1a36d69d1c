"""Who reads what: participants' and organisers' languages, and titles and
descriptions in several languages.

Revision ID: contentlang01
Revises: chair01
Create Date: 2026-12-02

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "contentlang01"
down_revision = "rehearsal01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("preferred_language", sa.String(length=16), nullable=True)
        )
    with op.batch_alter_table("organiser", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=16), nullable=True))
    with op.batch_alter_table("conference", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title_translations", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("description_translations", sa.JSON(), nullable=True)
        )
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title_translations", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_column("title_translations")
    with op.batch_alter_table("conference", schema=None) as batch_op:
        batch_op.drop_column("description_translations")
        batch_op.drop_column("title_translations")
    with op.batch_alter_table("organiser", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("preferred_language")
