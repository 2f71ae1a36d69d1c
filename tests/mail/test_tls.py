"""TLS against aiosmtpd with a certificate from a throwaway CA (trustme):
STARTTLS before login, implicit TLS, and what is refused."""

from __future__ import annotations

import ssl

import pytest
import trustme
from aiosmtpd.smtp import AuthResult
from mailtest import queue
from mailtest import rows

from silkmeet.mail.worker import deliver

USER, PASSWORD = "mailer", "p@ss word"

# aiosmtpd 1.4.6 warns about itself after a successful AUTH, and (for the
# implicit-TLS server) at every connection, in its own thread.
pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:Session.login_data is deprecated:DeprecationWarning"
    ),
    pytest.mark.filterwarnings(
        "ignore:Requiring AUTH while not requiring TLS:UserWarning"
    ),
]


@pytest.fixture(autouse=True)
def short_timeout(app):
    app.config["MAIL_TIMEOUT_SECONDS"] = 5


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture
def ca_file(ca, tmp_path):
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def server_context(ca):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


def authenticator(server, session, envelope, mechanism, data):
    # handled=False: aiosmtpd then answers a failure with 535 itself.
    return AuthResult(
        success=(data.login, data.password) == (USER.encode(), PASSWORD.encode()),
        handled=False,
    )


def credentials(password=PASSWORD) -> str:
    return f"{USER}:{password.replace('@', '%40').replace(' ', '%20')}"


@pytest.fixture
def starttls_server(start_smtp, server_context):
    """STARTTLS required, then a login (aiosmtpd offers AUTH only after TLS)."""
    return start_smtp(
        tls_context=server_context,
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
        auth_required=True,
    )


def test_starttls_then_login(app, starttls_server, ca_file, clock):
    server = starttls_server
    app.config["MAIL_URL"] = (
        f"smtp://{credentials()}@127.0.0.1:{server.port}?cafile={ca_file}"
    )
    queue(app)
    totals = deliver(app, once=True, clock=clock, sleep=clock.sleep)
    assert totals.sent == 1
    [got] = server.received
    assert got.tls
    assert rows(app)[0].status == "sent"


def test_wrong_password_is_temporary(app, starttls_server, ca_file, clock):
    server = starttls_server
    app.config["MAIL_URL"] = (
        f"smtp://{credentials('wrong')}@127.0.0.1:{server.port}?cafile={ca_file}"
    )
    queue(app)
    assert deliver(app, once=True, clock=clock, sleep=clock.sleep).retried == 1
    [row] = rows(app)
    assert row.status == "queued"
    assert row.last_error.startswith("535")
    assert server.received == []


def test_untrusted_certificate_is_refused(app, start_smtp, server_context, clock):
    server = start_smtp(tls_context=server_context, require_starttls=True)
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{server.port}"
    queue(app)
    assert deliver(app, once=True, clock=clock, sleep=clock.sleep).retried == 1
    [row] = rows(app)
    assert row.status == "queued"
    assert "CERTIFICATE_VERIFY_FAILED" in row.last_error
    assert server.received == []


@pytest.mark.parametrize(
    ("user", "query"), [(f"{credentials()}@", ""), ("", "?starttls=required")]
)
def test_no_starttls_offered_is_refused(app, smtp_server, clock, user, query):
    """With a password (never sent in clear), or with starttls=required."""
    app.config["MAIL_URL"] = f"smtp://{user}127.0.0.1:{smtp_server.port}{query}"
    queue(app)
    assert deliver(app, once=True, clock=clock, sleep=clock.sleep).retried == 1
    [row] = rows(app)
    assert "offers no STARTTLS" in row.last_error
    assert smtp_server.received == []


def test_plain_server_without_password_is_used_as_is(app, smtp_server, clock):
    app.config["MAIL_URL"] = smtp_server.url
    queue(app)
    assert deliver(app, once=True, clock=clock, sleep=clock.sleep).sent == 1
    assert not smtp_server.received[0].tls


def test_implicit_tls(app, start_smtp, server_context, ca_file, clock):
    # aiosmtpd counts only STARTTLS as TLS for AUTH; this socket is TLS from
    # the first byte (or the client's handshake would fail).
    server = start_smtp(
        ssl_context=server_context,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=False,
    )
    app.config["MAIL_URL"] = (
        f"smtps://{credentials()}@127.0.0.1:{server.port}?cafile={ca_file}"
    )
    queue(app, count=2)
    totals = deliver(app, once=True, clock=clock, sleep=clock.sleep)
    assert totals.sent == 2, rows(app)[0].last_error
    assert [r.status for r in rows(app)] == ["sent", "sent"]
    assert [r.transport for r in rows(app)] == ["smtps", "smtps"]
    assert len(server.received) == 2
