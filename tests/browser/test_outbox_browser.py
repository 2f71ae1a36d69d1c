"""The person page's copy button and the outbox, in chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mailtest import make_message
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.invites.rows import personal_row
from silkmeet.mail import messages
from silkmeet.mail.operations import enqueue
from silkmeet.mail.queueing import queue_message
from silkmeet.mail.worker import deliver
from silkmeet.models import Participation
from silkmeet.models import Person

pytestmark = pytest.mark.browser

SLUG = "silk-cities-2020"


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: ``SILKMEET_SCREENSHOTS`` to keep them and look."""
    return Path(os.environ.get("SILKMEET_SCREENSHOTS") or tmp_path)


def log_in(page, live_server):
    page.goto(live_server + "/auth/login")
    page.get_by_label("Email").fill("org@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()


def test_copy_a_personal_link_and_read_the_outbox(
    page,
    browser,
    live_app,
    live_server,
    smtp_server,
    demo,
    english_readers,
    auth,
    clock,
    shots,
):
    auth.create(conferences=[demo])
    with live_app.test_request_context(base_url=live_server):
        chair = db.session.scalar(
            select(Participation).where(Participation.role == "chair")
        )
        chair_id, token = chair.id, chair.token
        for name in ("Xavier Lepingle", "张国强", "ნინო ბერიძე"):
            pid = db.session.scalar(
                select(Participation.id).join(Person).where(Person.full_name == name)
            )
            queue_message(personal_row(Participation.id == pid), messages.INVITATION)
        # HTML that would run a script anywhere but in the sandbox.
        hostile = make_message(to="Evil <evil@example.org>")
        hostile.get_body(("html",)).set_content(
            "<p>Sandboxed</p><script>alert('ran')</script>", subtype="html"
        )
        hostile_id = enqueue(hostile, kind="test", conference_id=demo).id
        db.session.commit()
    # The first message (the chair's) is refused by the mail server.
    live_app.config["MAIL_URL"] = smtp_server.url
    smtp_server.reply("550 5.1.1 Recipient address rejected")
    totals = deliver(live_app, once=True, clock=clock, sleep=clock.sleep)
    assert (totals.failed, totals.sent) == (1, 3)
    personal = f"{live_server}/c/{SLUG}/me/{token}"

    page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=live_server
    )
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, live_server)
    page.goto(f"{live_server}/organiser/c/{SLUG}/people/{chair_id}/edit")
    assert page.locator("#personal-link").inner_text() == personal
    page.get_by_role("button", name="Copy personal link").click()
    page.get_by_text("Copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == personal
    assert page.locator("#run-of-show-link").inner_text() == personal + "/run-of-show"
    assert page.get_by_text("Server reply: 550 5.1.1").is_visible()
    page.screenshot(path=shots / "person.png", full_page=True)

    page.get_by_role("link", name="People").click()
    assert page.locator("tr.row-failed").count() == 1
    page.screenshot(path=shots / "people.png", full_page=True)
    page.get_by_role("link", name="Outbox 1 failed").click()
    page.get_by_role("heading", name="Outbox").wait_for()
    assert page.locator("table.outbox tbody tr").count() == 4
    assert page.locator("tr.row-failed").get_by_text("550 5.1.1").is_visible()
    page.screenshot(path=shots / "outbox.png", full_page=True)
    page.locator("table.outbox tbody tr", has_text="张国强").get_by_role("link").click()
    page.get_by_role("heading", name="Plain text").wait_for()
    frame = page.frame_locator("iframe.message-html")
    frame.get_by_text("Dear 张国强 (Zhang Guoqiang),").wait_for()
    assert page.get_by_role("cell", name="REQUEST", exact=True).is_visible()
    # The sandboxed frame is painted by its own process, a moment after its
    # text is there: in view and given that moment, the screenshot shows it.
    page.locator("iframe.message-html").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=shots / "message.png", full_page=True)

    page.goto(f"{live_server}/organiser/c/{SLUG}/outbox/{hostile_id}")
    page.frame_locator("iframe.message-html").get_by_text("Sandboxed").wait_for()
    assert dialogs == []

    # Without JavaScript the link is still there to select; no dead button.
    context = browser.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        log_in(plain, live_server)
        plain.goto(f"{live_server}/organiser/c/{SLUG}/people/{chair_id}/edit")
        assert plain.locator("#personal-link").inner_text() == personal
        assert plain.get_by_role("button", name="Copy personal link").is_hidden()
    finally:
        context.close()
