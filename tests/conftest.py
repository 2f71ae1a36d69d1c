from __future__ import annotations

import contextlib

import pytest
from factories import TEST_DATABASE_URL
from factories import build_doc
from factories import demo_data
from mailtest import FakeClock
from mailtest import SMTPServer
from sqlalchemy import event
from sqlalchemy import select
from sqlalchemy import update

from silkmeet import create_app
from silkmeet.domain import conference_format as fmt
from silkmeet.exchange.operations import import_conference
from silkmeet.extensions import db
from silkmeet.models import ConferenceOrganiser
from silkmeet.models import Organiser
from silkmeet.models import Participation
from silkmeet.models import Person


def pytest_sessionstart(session):
    """Compile the message catalogs the tests read (``make install`` does the
    same); only those whose ``.po`` changed since."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent / "silkmeet" / "translations"
    for po in root.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        with mo.open("wb") as target:
            write_mo(target, catalog)


def pytest_report_header(config):
    if TEST_DATABASE_URL.startswith("sqlite"):
        return "silkmeet test database: SQLite in memory (PostgreSQL: see make test)"
    return f"silkmeet test database: {TEST_DATABASE_URL}"


def is_postgres() -> bool:
    return TEST_DATABASE_URL.startswith("postgresql")


def pytest_collection_modifyitems(config, items):
    """Skip ``@pytest.mark.postgres_only`` tests (real connections racing, a
    server going away) unless the tests run on PostgreSQL; the marker may give
    its own ``reason``."""
    if is_postgres():
        return
    for item in items:
        marker = item.get_closest_marker("postgres_only")
        if marker is not None:
            reason = marker.kwargs.get(
                "reason", "needs PostgreSQL (SILKMEET_TEST_DATABASE_URL)"
            )
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def database_url():
    """The tests' database; tests/browser/conftest.py overrides it."""
    return TEST_DATABASE_URL


@pytest.fixture
def app(database_url):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            # Every cache hit is checked against a fresh build (silkmeet/cache.py).
            "COMPUTE_CACHE_VERIFY": True,
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def app_ctx(app):
    with app.app_context() as ctx:
        yield ctx


@pytest.fixture
def sql_statements(app):
    """``with sql_statements() as seen:`` lists in ``seen`` the SQL statements
    the app's engine runs inside the block, requests and streamed bodies
    included; ``len(seen)`` counts them. The one statement counter of the tests:
    pages and exports must not issue more statements for a larger conference."""
    with app.app_context():
        engine = db.engine

    @contextlib.contextmanager
    def record():
        seen: list[str] = []

        def on_execute(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", on_execute)
        try:
            yield seen
        finally:
            event.remove(engine, "before_cursor_execute", on_execute)

    return record


@pytest.fixture
def make_conference(app):
    """Create a conference in the test database; returns its id."""

    def make(**kwargs):
        data = kwargs.pop("data", None) or build_doc(**kwargs)
        with app.app_context():
            conference = import_conference(fmt.parse(data))
            db.session.commit()
            return conference.id

    return make


@pytest.fixture
def demo(app):
    with app.app_context():
        conference = import_conference(fmt.parse(demo_data()))
        db.session.commit()
        return conference.id


@pytest.fixture
def english_readers(app, demo):
    """The demo with every participant reading English (their
    ``preferred_language`` "en"): for tests about times, message structure,
    calendars and queueing that pin English words and dates. What a demo
    reader sees in their own language is tested without it
    (tests/mail/test_message_language.py, tests/web/test_content_languages.py)."""
    with app.app_context():
        db.session.execute(
            update(Person)
            .where(
                Person.id.in_(
                    select(Participation.person_id).where(
                        Participation.conference_id == demo
                    )
                )
            )
            .values(preferred_language="en")
        )
        db.session.commit()
    return demo


class AuthActions:
    def __init__(self, app, client):
        self.app = app
        self.client = client

    def create(
        self, email="org@example.org", password="correct horse battery", conferences=()
    ):
        with self.app.app_context():
            organiser = Organiser(email=email, name=email.split("@")[0])
            organiser.set_password(password)
            db.session.add(organiser)
            db.session.flush()
            for conference_id in conferences:
                db.session.add(
                    ConferenceOrganiser(
                        conference_id=conference_id,
                        organiser_id=organiser.id,
                        access="owner",
                    )
                )
            db.session.commit()
            return organiser.id

    def login(self, email="org@example.org", password="correct horse battery"):
        return self.client.post(
            "/auth/login", data={"email": email, "password": password}
        )

    def login_as(self, email="org@example.org", conferences=()):
        self.create(email=email, conferences=conferences)
        response = self.login(email=email)
        assert response.status_code in (302, 303), response.get_data(as_text=True)
        return response

    def logout(self):
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(app, client):
    return AuthActions(app, client)


# Mail: a real SMTP server (aiosmtpd) in the test process; helpers in mailtest.py.
@pytest.fixture
def smtp_server():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def start_smtp():
    """Start servers with options (TLS, auth); all stopped at the end."""
    servers = []

    def start(**options) -> SMTPServer:
        server = SMTPServer(**options)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def mail_app(app, smtp_server):
    """The app sending to the test server."""
    app.config["MAIL_URL"] = smtp_server.url
    return app
