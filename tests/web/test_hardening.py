"""Request-level hardening: cookies, proxies, upload limits, CSRF, log redaction."""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from factories import TEST_DATABASE_URL
from werkzeug.routing import IntegerConverter

from silkmeet import create_app
from silkmeet.extensions import db
from silkmeet.models.conference import new_token
from silkmeet.redact import GunicornLogger
from silkmeet.redact import RedactTokens
from silkmeet.redact import redact


def test_session_cookie_flags(client, auth):
    auth.create()
    response = auth.login()
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in tests


def test_secure_cookie_and_hsts_behind_a_tls_proxy(auth):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
            "SECRET_KEY": "x",
            "WTF_CSRF_ENABLED": False,
            "PROXY_FIX": 1,
            "SESSION_COOKIE_SECURE": True,
        }
    )
    with app.app_context():
        db.create_all()
    try:
        client = app.test_client()
        response = client.get("/", headers={"X-Forwarded-Proto": "https"})
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        plain = client.get("/")
        assert "Strict-Transport-Security" not in plain.headers
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def test_too_large_upload_gets_a_clear_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    response = post_closing(
        client, "/auth/login", data={"email": "a" * (2 * 1024 * 1024), "password": "x"}
    )
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_every_post_route_needs_a_csrf_token(app, demo):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        values = {arg: "x" for arg in rule._converters}
        if "slug" in values:
            values["slug"] = "silk-cities-2020"
        for arg in rule._converters:
            if isinstance(rule._converters[arg], IntegerConverter):
                values[arg] = 1
        url = rule.build(values)[1]
        response = client.post(url, data={})
        assert response.status_code == 400, f"POST {url} -> {response.status_code}"


def test_tokens_are_redacted():
    token = new_token()
    line = f"GET /c/x/invites/{token}.ics HTTP/1.1 referer=/c/x/me/{token}"
    assert token not in redact(line)
    assert redact(line).count("[token]") == 2
    # Slugs and ordinary words are left alone.
    assert redact("/c/silk-cities-2020/agenda") == "/c/silk-cities-2020/agenda"


def test_log_filter_redacts(caplog):
    token = new_token()
    logger = logging.getLogger("silkmeet.test")
    logger.addFilter(RedactTokens())
    with caplog.at_level(logging.INFO, logger="silkmeet.test"):
        logger.info("GET /c/x/me/%s", token)
    assert token not in caplog.text and "[token]" in caplog.text


def test_gunicorn_access_log_redacts():
    from gunicorn.config import Config

    token = new_token()
    log = GunicornLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/c/x/me/{token}",
        "PATH_INFO": f"/c/x/me/{token}",
        "QUERY_STRING": f"t={token}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://x/c/x/me/{token}",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = log.atoms(response, SimpleNamespace(headers=[]), environ, timedelta(0))
    assert all(token not in str(value) for value in atoms.values())


def test_token_pages_send_no_referrer_and_are_not_cached(app, client, demo):
    from sqlalchemy import select

    from silkmeet.models import Conference
    from silkmeet.models import Participation
    from silkmeet.runofshow import operations as ops

    with app.app_context():
        token = db.session.scalar(
            select(Participation.token).where(Participation.role == "chair")
        )
        # The stage screen's key is a token too.
        stage_key = ops.issue_stage_link(db.session.get(Conference, demo))
        # A rehearsal is on, so that clearing it has a page to ask on.
        conference = db.session.get(Conference, demo)
        conference.rehearsal_at = conference.start_at
        db.session.commit()
    token_rules = [r for r in app.url_map.iter_rules() if "token" in r._converters]
    assert token_rules
    # Confirmation pages (silkmeet/confirm.py) say which action they confirm;
    # clearing the real record is for organisers only (the chair is refused).
    query = {"runofshow.live_stage_link": "?action=revoke"}
    status = {"runofshow.live_reset": 403}
    for rule in token_rules:
        if "GET" not in rule.methods:
            continue
        key = stage_key if rule.endpoint.startswith("runofshow.stage") else token
        url = rule.build({"slug": "silk-cities-2020", "token": key})[1]
        url += query.get(rule.endpoint, "")
        with client.get(url) as response:
            assert response.status_code == status.get(rule.endpoint, 200), url
            assert response.headers["Referrer-Policy"] == "no-referrer", url
            assert "no-store" in response.headers["Cache-Control"], url


def test_forms_on_token_pages_work_over_https_without_referer(app, demo):
    """no-referrer must not break CSRF-protected POSTs behind a TLS proxy."""
    import re

    from sqlalchemy import select
    from werkzeug.middleware.proxy_fix import ProxyFix

    from silkmeet.models import Participation

    app.config["WTF_CSRF_ENABLED"] = True
    app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1)
    https = {"X-Forwarded-Proto": "https"}
    with app.app_context():
        token = db.session.scalar(
            select(Participation.token).where(Participation.role == "chair")
        )
    client = app.test_client()
    base = f"/c/silk-cities-2020/me/{token}/run-of-show/live"
    page = client.get(base, headers=https).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(base + "/start", data={"csrf_token": csrf}, headers=https)
    assert response.status_code in (200, 302, 303), response.get_data(as_text=True)
    # And without the token the same POST is refused.
    refused = client.post(base + "/start", data={}, headers=https)
    assert refused.status_code == 400


def _upload(client, blob: bytes):
    import io

    return post_closing(
        client,
        "/organiser/c/test-conf/people/import",
        data={"file": (io.BytesIO(blob), "people.csv")},
        content_type="multipart/form-data",
    )


def post_closing(client, path: str, **kwargs):
    """POST, then close the request body the test client spooled to a file: a
    413 leaves it unread, and an unclosed file fails the run."""
    from werkzeug.test import EnvironBuilder

    builder = EnvironBuilder(path=path, method="POST", **kwargs)
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def test_csv_import_refuses_bad_files_with_a_message(
    app, client, auth, make_conference
):
    auth.login_as(conferences=[make_conference()])
    not_utf8 = _upload(client, "full_name,country\nJosé,ES\n".encode("latin-1"))
    assert not_utf8.status_code < 500
    assert "UTF-8" in not_utf8.get_data(as_text=True)

    rows = "full_name,country,timezone\n" + "Ana,FR,Europe/Paris\n" * 2001
    too_many = _upload(client, rows.encode())
    assert too_many.status_code < 500
    assert "More than 2000 rows" in too_many.get_data(as_text=True)

    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    huge = _upload(client, b"full_name,country\n" + b"x,FR\n" * 300_000)
    assert huge.status_code == 413
    assert "too large" in huge.get_data(as_text=True)


@pytest.mark.parametrize(
    "method, url, data",
    [
        ("get", "/c/%00/agenda", None),
        ("get", "/c/silk-cities-2020/agenda?tz=Europe/Paris%00", None),
        ("get", "/c/silk-cities-2020/invites/abc%00.ics", None),
        ("post", "/auth/login", {"email": "a\x00@example.org", "password": "x"}),
    ],
)
def test_a_nul_character_is_refused_with_400(client, demo, method, url, data):
    # PostgreSQL cannot hold NUL in text: such a request must never reach a query.
    response = getattr(client, method)(url, data=data)
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
