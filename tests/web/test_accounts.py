"""Organiser accounts: one per address whatever its case, and sessions that end
at logout and at a password change, copies of their cookie included."""

from __future__ import annotations

import json

import pytest
from factories import build_doc
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from silkmeet.extensions import db
from silkmeet.models import ConferenceOrganiser
from silkmeet.models import Organiser

PASSWORD = "correct horse battery"
ENV = {"SILKMEET_ORGANISER_PASSWORD": PASSWORD}


def count_organisers(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Organiser))


def login(client, email, password=PASSWORD):
    return client.post("/auth/login", data={"email": email, "password": password})


def logged_in(response) -> bool:
    return response.status_code in (302, 303)


# One account per address ------------------------------------------------------


def test_create_organiser_in_another_case_updates_the_one_account(app, runner):
    first = runner.invoke(args=["create-organiser", "Case@example.org"], env=ENV)
    assert first.exit_code == 0, first.output
    second = runner.invoke(
        args=["create-organiser", "case@EXAMPLE.org"],
        env={"SILKMEET_ORGANISER_PASSWORD": "another long password"},
    )
    assert second.exit_code == 0, second.output
    assert "Updated organiser Case@example.org" in second.output
    assert count_organisers(app) == 1
    with app.app_context():
        organiser = db.session.scalar(select(Organiser))
        assert organiser.email == "Case@example.org"  # as first written
        assert organiser.check_password("another long password")


@pytest.mark.parametrize(
    "typed",
    ["Ada@Example.org", "ada@example.org", "ADA@EXAMPLE.ORG", " ada@example.org "],
)
def test_login_ignores_the_case_of_the_address(runner, client, typed):
    runner.invoke(args=["create-organiser", "Ada@Example.org"], env=ENV)
    assert logged_in(login(client, typed))


def test_grant_and_import_owner_ignore_case(app, runner, tmp_path):
    runner.invoke(args=["create-organiser", "Ada@Example.org"], env=ENV)
    path = tmp_path / "c.json"
    path.write_text(json.dumps(build_doc(slug="mine")))
    imported = runner.invoke(args=["import", str(path), "--owner", "ADA@example.ORG"])
    assert imported.exit_code == 0, imported.output
    path.write_text(json.dumps(build_doc(slug="theirs")))
    runner.invoke(args=["import", str(path)])
    granted = runner.invoke(args=["grant", "ada@example.org", "theirs"])
    assert granted.exit_code == 0, granted.output
    with app.app_context():
        assert (
            db.session.scalar(select(func.count(ConferenceOrganiser.conference_id)))
            == 2
        )


def test_the_database_refuses_a_second_account_in_another_case(app):
    with app.app_context():
        for email in ("dup@example.org", "DUP@example.org"):
            organiser = Organiser(email=email, name="x")
            organiser.set_password(PASSWORD)
            db.session.add(organiser)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


# Sessions ---------------------------------------------------------------------


def copy_session(app, client):
    """Another browser holding a copy of this client's session cookie."""
    name = app.config["SESSION_COOKIE_NAME"]
    thief = app.test_client()
    thief.set_cookie(name, client.get_cookie(name).value)
    return thief


def opens_dashboard(client) -> bool:
    with client.get("/organiser/") as response:
        if response.status_code == 200:
            return True
        assert "/auth/login" in response.headers["Location"]
        return False


def test_a_copied_cookie_opens_nothing_after_logout(app, client, auth):
    auth.login_as()
    copy = copy_session(app, client)
    assert opens_dashboard(copy)
    auth.logout()
    assert not opens_dashboard(client)
    assert not opens_dashboard(copy)
    with copy.get("/") as response:
        assert "Organiser login" in response.get_data(as_text=True)


def test_a_copied_cookie_opens_nothing_after_a_password_reset(
    app, client, auth, runner
):
    auth.login_as()
    copy = copy_session(app, client)
    assert opens_dashboard(copy)
    result = runner.invoke(
        args=["create-organiser", "org@example.org"],
        env={"SILKMEET_ORGANISER_PASSWORD": "a brand new password"},
    )
    assert result.exit_code == 0, result.output
    assert not opens_dashboard(copy)
    assert not opens_dashboard(client)
    assert logged_in(login(copy, "org@example.org", "a brand new password"))
    assert opens_dashboard(copy)


def change_password(client, current, new, confirm=None):
    return client.post(
        "/auth/password",
        data={
            "current_password": current,
            "new_password": new,
            "confirm": new if confirm is None else confirm,
        },
    )


def test_changing_the_password_ends_every_other_session(app, client, auth):
    auth.login_as()
    copy = copy_session(app, client)
    elsewhere = app.test_client()
    assert logged_in(login(elsewhere, "org@example.org"))
    with client.get("/auth/password") as page:
        assert page.status_code == 200
    response = change_password(client, PASSWORD, "a brand new password")
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    assert opens_dashboard(client)  # this session goes on
    assert not opens_dashboard(copy)
    assert not opens_dashboard(elsewhere)
    assert not logged_in(login(elsewhere, "org@example.org", PASSWORD))
    assert logged_in(login(elsewhere, "org@example.org", "a brand new password"))


@pytest.mark.parametrize(
    "current, new, confirm, status, message",
    [
        ("wrong password", "a brand new password", None, 400, "not your current"),
        (PASSWORD, "short", None, 400, "at least 10"),
        (PASSWORD, "a brand new password", "another one", 400, "differ"),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(
    app, client, auth, current, new, confirm, status, message
):
    auth.login_as()
    copy = copy_session(app, client)
    response = change_password(client, current, new, confirm)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert opens_dashboard(copy)
    with app.app_context():
        assert db.session.scalar(select(Organiser)).check_password(PASSWORD)


def test_the_password_page_needs_a_login(client):
    with client.get("/auth/password") as response:
        assert "/auth/login" in response.headers["Location"]


def test_a_cookie_from_before_session_tokens_loads_no_one(app, client, auth):
    """A session made with the bare id (before the upgrade) must log in again."""
    auth.login_as()
    with client.session_transaction() as session:
        session["_user_id"] = session["_user_id"].partition(":")[0]
    assert not opens_dashboard(client)
