"""Migrations build the same schema as the models, from empty, on this database,
and keep what an existing database holds."""

from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from factories import demo_data
from flask_migrate import downgrade
from flask_migrate import upgrade
from sqlalchemy import func
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import text

from silkmeet.domain import conference_format as fmt
from silkmeet.exchange.operations import import_conference
from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import AgendaItemSpeaker
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.models import Person


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


# The UID silkmeet gave the demo conference's meeting before conferences had a
# uid column (from its slug, with the default INVITE_UID_DOMAIN).
DEMO_LEGACY_UID = "979bbfe1-cd8d-5dbc-81a6-8f3217b8f641"
BEFORE_UIDS = "outbox01"


@contextmanager
def migrated_from_head(app):
    """The database built by the migrations, left clean for the next test."""
    with app.app_context():
        db.drop_all()
        upgrade()
        try:
            yield
        finally:
            db.session.remove()
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.drop_all()
            db.create_all()


def test_existing_conferences_keep_their_calendar_uid(app):
    with migrated_from_head(app):
        conference = import_conference(fmt.parse(demo_data()))
        db.session.commit()
        conference_id = conference.id
        emails = dict(
            db.session.execute(
                select(Participation.id, Person.email).join(Person)
            ).all()
        )
        rows = row_counts()
        db.session.remove()
        downgrade(revision=BEFORE_UIDS)
        assert "uid" not in columns("conference")
        upgrade()
        # Rebuilding a table (SQLite's batch mode) deletes no row that refers
        # to it.
        assert row_counts() == rows
        assert db.session.get(Conference, conference_id).uid == DEMO_LEGACY_UID
        keys = dict(
            db.session.execute(select(Participation.id, Participation.email_key)).all()
        )
        assert keys == {pid: email and email.lower() for pid, email in emails.items()}
        assert any(keys.values())


def test_shared_emails_stop_the_upgrade_before_any_change(app, capsys):
    with migrated_from_head(app):
        import_conference(fmt.parse(demo_data()))
        db.session.commit()
        first, second = db.session.scalars(
            select(Person).where(Person.email.is_not(None)).order_by(Person.id)
        ).all()[:2]
        first_email, second_id = first.email, second.id
        db.session.remove()
        downgrade(revision=BEFORE_UIDS)
        with db.engine.begin() as conn:
            conn.execute(
                text("UPDATE person SET email = :email WHERE id = :id"),
                {"email": first_email.upper(), "id": second_id},
            )
        # Flask-Migrate logs the error and exits 1, as `flask db upgrade` does.
        capsys.readouterr()
        with pytest.raises(SystemExit):
            upgrade()
        message = capsys.readouterr().err
        assert "belong to more than one participant" in message
        assert "conference 'silk-cities-2020'" in message
        assert first_email.lower() in message
        assert "flask db upgrade" in message
        db.session.remove()
        assert "email_key" not in columns("participation")


def test_existing_participants_have_no_answer_and_conferences_default_reminders(
    app,
):
    with migrated_from_head(app):
        import_conference(fmt.parse(demo_data()))
        db.session.commit()
        rows = row_counts()
        db.session.remove()
        downgrade(revision="peopleonce01")
        assert "rsvp" not in columns("participation")
        assert "reminder_sent" not in inspect(db.engine).get_table_names()
        upgrade()
        assert row_counts() == rows
        answers = db.session.execute(
            select(
                Participation.rsvp, Participation.rsvp_comment, func.count()
            ).group_by(Participation.rsvp, Participation.rsvp_comment)
        ).all()
        assert answers == [("needs-action", "", rows[1])]
        conference = db.session.scalars(select(Conference)).one()
        assert (conference.reminder_offsets, conference.nudge_offset) == (
            [1440, 60],
            4320,
        )


def columns(table: str) -> set[str]:
    db.session.remove()
    return {c["name"] for c in inspect(db.engine).get_columns(table)}


def row_counts() -> list[int]:
    return [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Conference, Participation, AgendaItem, AgendaItemSpeaker)
    ]
