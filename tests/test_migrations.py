"""Migrations build the same schema as the models, from empty, on this database."""

import pytest
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


def test_accounts_upgrade_stops_on_addresses_that_differ_only_in_case(app, capfd):
    """Two accounts for one address (made before the unique email_key): the
    upgrade names them and stops, changing nothing."""
    with app.app_context():
        db.drop_all()
        try:
            upgrade(revision="stableuids01")
            with db.engine.begin() as conn:
                for email in ("Ada@example.org", "ada@example.org", "bo@example.org"):
                    conn.execute(
                        text(
                            "INSERT INTO organiser (email, name, password_hash,"
                            " active, created_at, failed_logins)"
                            " VALUES (:email, '', 'x', true, '2026-01-01', 0)"
                        ),
                        {"email": email},
                    )
            with pytest.raises(SystemExit):
                upgrade()
            # Flask-Migrate logs the error (alembic.ini sends it to stderr).
            said = capfd.readouterr().err
            assert "Ada@example.org = ada@example.org" in said
            assert "bo@example.org" not in said
            with db.engine.connect() as conn:
                version = text("SELECT version_num FROM alembic_version")
                assert conn.execute(version).scalar_one() == "stableuids01"
                count = text("SELECT count(*) FROM organiser")
                assert conn.execute(count).scalar() == 3
            columns = {c["name"] for c in inspect(db.engine).get_columns("organiser")}
            assert "failed_logins" in columns  # nothing was changed
            # Once one of them is gone, the upgrade goes through.
            with db.engine.begin() as conn:
                conn.execute(
                    text("DELETE FROM organiser WHERE email = 'ada@example.org'")
                )
            upgrade()
            with db.engine.connect() as conn:
                keys = text(
                    "SELECT email_key, session_token FROM organiser ORDER BY email_key"
                )
                rows = conn.execute(keys).all()
            assert [row.email_key for row in rows] == [
                "ada@example.org",
                "bo@example.org",
            ]
            assert len({row.session_token for row in rows}) == 2
        finally:
            downgrade(revision="base")
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.drop_all()
            db.create_all()
