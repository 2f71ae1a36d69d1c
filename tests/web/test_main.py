from datetime import timedelta

import pytest

from silkmeet import create_app
from silkmeet.auth.operations import MAX_FAILURES
from silkmeet.extensions import db
from silkmeet.models import LoginFailure


def test_home_lists_published_conferences(client, demo, make_conference):
    make_conference(slug="secret-draft", title="Hidden draft", status="draft")
    make_conference(slug="by-link", title="Link only", agenda_visibility="link")
    page = client.get("/").get_data(as_text=True)
    assert "Video Conference of the International Network of Silk Cities" in page
    assert "Fri 20 Nov 2020, 14:00 CET" in page
    assert "Hidden draft" not in page
    assert "Link only" not in page
    assert 'href="/c/silk-cities-2020/agenda"' in page


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_user_text_is_escaped(client, make_conference):
    make_conference(title="<script>alert(1)</script>")
    page = client.get("/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Back to the home page" in response.get_data(as_text=True)


def test_login_and_logout(client, auth):
    auth.create()
    response = auth.login()
    assert response.status_code in (302, 303)
    assert response.headers["Location"] == "/organiser/"
    assert "Log out" in client.get("/").get_data(as_text=True)
    auth.logout()
    assert "Organiser login" in client.get("/").get_data(as_text=True)


def test_wrong_password_keeps_the_email(client, auth):
    auth.create()
    response = auth.login(password="wrong")
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "Wrong email or password." in page
    assert 'value="org@example.org"' in page


def test_login_is_throttled(app, client, auth):
    auth.create()
    for _ in range(MAX_FAILURES):
        auth.login(password="wrong")
    response = auth.login()  # the right password, but locked now
    assert response.status_code == 401
    assert "Too many failed attempts" in response.get_data(as_text=True)
    with app.app_context():
        failures = db.session.get(LoginFailure, "org@example.org")
        failures.last_failed_at -= timedelta(minutes=16)
        db.session.commit()
    assert auth.login().status_code in (302, 303)


@pytest.mark.parametrize(
    ("next_", "location"),
    [
        ("//evil.example/x", "/organiser/"),  # never an open redirect
        ("/organiser/new", "/organiser/new"),  # a same-site page is kept
    ],
)
def test_login_goes_to_a_safe_next(client, auth, next_, location):
    auth.create()
    response = client.post(
        f"/auth/login?next={next_}",
        data={"email": "org@example.org", "password": "correct horse battery"},
    )
    assert response.headers["Location"] == location


def test_csrf_is_enforced(tmp_path):
    from factories import TEST_DATABASE_URL

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
            "SECRET_KEY": "x",
        }
    )
    with app.app_context():
        db.create_all()
    try:
        response = app.test_client().post(
            "/auth/login", data={"email": "a@example.org", "password": "x"}
        )
        assert response.status_code == 400
        assert "nothing was saved" in response.get_data(as_text=True)
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"] == "/static/img/favicon.svg"
    icon = client.get("/static/img/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert b"<svg" in icon.data
    icon.close()
    assert '<link rel="icon" href="/static/img/favicon.svg"' in client.get(
        "/"
    ).get_data(as_text=True)
