"""Destructive buttons ask first, in a browser: with JavaScript the dialog
asks (Cancel keeps, OK does it); without, a confirmation page does. The
page's screenshot goes to ``SILKMEET_SCREENSHOTS`` (a folder) when it is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import Participation

pytestmark = pytest.mark.browser

SLUG = "silk-cities-2020"


def removed(app, name: str) -> bool:
    with app.app_context():
        participation = db.session.scalars(select(Participation)).all()
        return next(
            p.removed_at is not None
            for p in participation
            if p.person.full_name == name
        )


def test_remove_asks_in_a_dialog_with_javascript(
    page, live_server, app, auth, demo, log_in
):
    auth.create(conferences=[demo])
    log_in()
    page.goto(f"{live_server}/organiser/c/{SLUG}/people")
    name = "Ana Paula Souza"
    remove = page.get_by_role("button", name=f"Remove {name}")
    questions = []

    def answer(accept):
        def handle(dialog):
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        return handle

    page.once("dialog", answer(False))
    remove.click()
    expect(remove).to_be_visible()
    assert questions == [
        f"Remove {name} from the conference? Their personal link will show "
        "the cancellation."
    ]
    assert page.url.endswith("/people")
    assert not removed(app, name)

    page.once("dialog", answer(True))
    remove.click()
    expect(page.get_by_text(f"{name} removed")).to_be_visible()
    assert removed(app, name)


def test_remove_asks_on_a_page_without_javascript(
    browser, live_server, app, auth, demo, tmp_path
):
    auth.create(conferences=[demo])
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server + "/auth/login")
        page.get_by_label("Email").fill("org@example.org")
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_role("button", name="Log in").click()
        page.goto(f"{live_server}/organiser/c/{SLUG}/people")
        name = "Ana Paula Souza"
        page.get_by_role("button", name=f"Remove {name}").click()
        expect(
            page.get_by_role("heading", name=f"Remove {name} from the conference?")
        ).to_be_visible()
        folder = Path(os.environ.get("SILKMEET_SCREENSHOTS") or tmp_path)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / "confirm-remove.png"), full_page=True)
        assert not removed(app, name)

        page.get_by_role("link", name="Cancel").click()
        assert page.url.endswith("/people")
        assert not removed(app, name)

        page.get_by_role("button", name=f"Remove {name}").click()
        page.get_by_role("button", name=f"Remove {name}").click()  # the page's
        expect(page.get_by_text(f"{name} removed")).to_be_visible()
        assert removed(app, name)
    finally:
        context.close()
