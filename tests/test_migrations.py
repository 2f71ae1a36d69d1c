"""Migrations build the same schema as the models, from empty, on this database."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade
from flask_migrate import upgrade
from sqlalchemy import inspect
from sqlalchemy import text

from silkmeet.extensions import db


def test_upgrade_from_empty_matches_models(app):
    with app.app_context():
        db.drop_all()
        upgrade()
        try:
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                assert compare_metadata(context, db.metadata) == []
            assert "conference" in inspect(db.engine).get_table_names()
            downgrade(revision="base")
            assert inspect(db.engine).get_table_names() == ["alembic_version"]
        finally:
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.drop_all()
            db.create_all()
