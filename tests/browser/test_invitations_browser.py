"""A newcomer's walk through invitations by e-mail, in chromium with CSRF on:
copy a personal link, invite everyone, move a country block, see who holds an
outdated invitation and send them the update; the SMTP server gets exactly
that."""

from __future__ import annotations

import email
from email import policy

import icalendar
import pytest
from playwright.sync_api import expect

from silkmeet.mail.worker import deliver

pytestmark = pytest.mark.browser

INVITES = "/organiser/c/silk-cities-2020/invites"


def received(smtp_server, since: int = 0) -> list[tuple[str, icalendar.Event]]:
    found = []
    for got in smtp_server.received[since:]:
        message = email.message_from_bytes(got.content, policy=policy.default)
        [part] = [
            p
            for p in message.walk()
            if p.get_content_type() == "text/calendar" and not p.is_attachment()
        ]
        calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
        [event] = calendar.walk("VEVENT")
        found.append((got.rcpt_tos[0], calendar["METHOD"], event))
    return found


def test_invite_everyone_then_update_those_a_move_concerns(
    page, live_server, live_app, demo, english_readers, auth, smtp_server
):
    live_app.config["MAIL_URL"] = smtp_server.url
    auth.create(conferences=[demo])
    page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=live_server
    )
    page.goto(live_server + "/auth/login")
    page.get_by_label("Email").fill("org@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()
    page.goto(live_server + INVITES)

    # Copy a personal link: the button puts exactly the shown link on the
    # clipboard.
    copy = page.get_by_role("button", name="Copy personal link for Claire Fabre")
    copy.click()
    line = page.locator(".copy-line").filter(has=copy)
    expect(line.get_by_role("status")).to_have_text("Copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == line.locator("code").inner_text()
    assert copied.startswith(live_server + "/c/silk-cities-2020/me/")

    # Invite everyone not invited yet (the default choice).
    expect(page.get_by_label("Everyone not yet invited")).to_be_checked()
    page.get_by_role("button", name="Queue invitations").click()
    expect(page.get_by_text("17 invitations queued")).to_be_visible()
    assert deliver(live_app, once=True).sent == 17
    page.reload()
    expect(page.locator(".state-sent")).to_have_count(17)
    invitations = received(smtp_server)
    assert {method for _, method, _ in invitations} == {"REQUEST"}
    first = {address: event for address, _, event in invitations}

    # Brazil's block (one item) moves after China's: their two speakers' slots
    # change.
    page.get_by_role("link", name="Lineup", exact=True).click()
    page.get_by_role("button", name="Move Brazil down").click()
    expect(page.get_by_text("moved to position").first).to_be_visible()

    page.get_by_role("link", name="Invites", exact=True).click()
    outdated = page.locator(".invite-outdated")
    expect(outdated.get_by_role("heading", name="Outdated invitations")).to_be_visible()
    expect(outdated.locator("strong")).to_have_text(
        ["Ana Paula Souza", "向锋 (Xiang Feng)"]
    )
    expect(outdated).to_contain_text("Your speaking slot moved")
    page.get_by_role("button", name="Send updates to 2 participants").click()
    expect(page.get_by_text("2 updates queued")).to_be_visible()
    assert deliver(live_app, once=True).sent == 2
    updates = received(smtp_server, since=17)
    assert sorted(address for address, _, _ in updates) == [
        "ana.souza@example.org",
        "xiang.feng@example.org",
    ]
    for address, method, event in updates:
        assert method == "REQUEST"
        assert event["UID"] == first[address]["UID"]
        assert event["SEQUENCE"] > first[address]["SEQUENCE"]
    page.reload()
    expect(page.locator(".invite-outdated")).to_have_count(0)

    # The preview shows the message as the recipient sees it, HTML sandboxed.
    page.get_by_role("link", name="Preview message for Claire Fabre").click()
    expect(page.get_by_role("heading", name="What Claire Fabre gets")).to_be_visible()
    frame = page.frame_locator("iframe.preview-html")
    expect(frame.get_by_text("Dear Claire Fabre,")).to_be_visible()
    assert page.locator("iframe.preview-html").get_attribute("sandbox") == ""
