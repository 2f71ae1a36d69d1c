"""Fixtures for the mail tests (helpers in tests/mailtest.py)."""

from __future__ import annotations

import pytest
from mailtest import FakeClock
from mailtest import SMTPServer


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
