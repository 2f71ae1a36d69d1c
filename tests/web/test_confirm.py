"""Destructive actions ask first (silkmeet/confirm.py): the button opens a
confirmation page (GET) that changes nothing; its form (POST) does it."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import Conference
from silkmeet.models import ConferenceHost
from silkmeet.models import Participation
from silkmeet.runofshow import operations as ops

SLUG = "silk-cities-2020"
ORG = f"/organiser/c/{SLUG}"
ROS = f"/c/{SLUG}/run-of-show"


def conference() -> Conference:
    return db.session.scalar(select(Conference).where(Conference.slug == SLUG))


def speaker() -> Participation:
    return db.session.scalar(
        select(Participation)
        .where(Participation.role == "speaker")
        .order_by(Participation.id)
    )


def first_item() -> AgendaItem:
    return conference().items[0]


def host() -> ConferenceHost:
    return conference().hosts[0]


def recorded() -> bool:
    return any(item.actual_start_at for item in conference().items)


def with_record() -> None:
    first_item().actual_start_at = conference().start_at


def with_rehearsal() -> None:
    conference().rehearsal_at = conference().start_at
    first_item().rehearsal_start_at = conference().start_at


def rehearsal() -> tuple:
    return (conference().rehearsal_at, first_item().rehearsal_start_at)


def with_stage_link() -> None:
    ops.issue_stage_link(conference())


# (name, set up, the button's address, what the state is, back to)
ACTIONS = {
    "remove person": (
        None,
        lambda: f"{ORG}/people/{speaker().id}/remove",
        lambda: [p.removed_at is None for p in conference().participations],
        f"{ORG}/people",
    ),
    "remove host": (
        None,
        lambda: f"{ORG}/hosts/{host().id}/remove",
        lambda: [h.id for h in conference().hosts],
        f"{ORG}/hosts",
    ),
    "remove item": (
        None,
        lambda: (
            f"{ORG}/lineup/items/{first_item().id}/remove"
            f"?lineup_version={conference().lineup_version}"
        ),
        lambda: [i.id for i in conference().items],
        None,
    ),
    "revoke link": (
        None,
        lambda: f"{ORG}/invites/{speaker().id}/reissue",
        lambda: speaker().token,
        f"{ORG}/invites",
    ),
    "clear recorded times": (
        with_record,
        lambda: f"{ROS}/live/reset",
        recorded,
        f"{ROS}/live",
    ),
    "clear the rehearsal": (
        with_rehearsal,
        lambda: f"{ROS}/live/rehearsal/clear",
        rehearsal,
        f"{ROS}/live",
    ),
    "turn the stage link off": (
        with_stage_link,
        lambda: f"{ROS}/live/stage-link?action=revoke",
        lambda: conference().stage_token,
        f"{ROS}/live",
    ),
    "replace the stage link": (
        with_stage_link,
        lambda: f"{ROS}/live/stage-link?action=reissue",
        lambda: conference().stage_token,
        f"{ROS}/live",
    ),
}


def hidden_fields(page: str) -> dict[str, str]:
    form = re.search(
        r'<form method="post" action="([^"]+)" class="confirm-form">(.*?)</form>',
        page,
        re.S,
    )
    assert form, "no confirming form"
    fields = dict(
        re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)
        )
    )
    return {name: html.unescape(value) for name, value in fields.items()}


@pytest.mark.parametrize("name", ACTIONS)
def test_first_press_asks_and_the_confirmation_does_it(app, client, auth, demo, name):
    setup, address, state, back = ACTIONS[name]
    auth.login_as(conferences=[demo])
    with app.app_context():
        if setup:
            setup()
            db.session.commit()
        url = address()
        before = state()

    # The button is a GET form: it shows what will happen and changes nothing.
    response = client.get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="confirm-form"' in page and ">Cancel</a>" in page
    action = re.search(
        r'<form method="post" action="([^"]+)" class="confirm-form">', page
    ).group(1)
    assert action == url.split("?")[0]
    if back:
        assert f'href="{back}" class="button">Cancel' in page
    with app.app_context():
        assert state() == before, "the first press destroyed something"

    # Its form does it.
    response = client.post(action, data=hidden_fields(page))
    assert response.status_code in (302, 303)
    with app.app_context():
        assert state() != before


def test_the_confirmation_keeps_the_question_of_the_stage_link(app, client, auth, demo):
    auth.login_as(conferences=[demo])
    with app.app_context():
        with_stage_link()
        db.session.commit()
    page = client.get(f"{ROS}/live/stage-link?action=revoke").get_data(as_text=True)
    assert "Turn the stage screen link off?" in page
    fields = hidden_fields(page)
    assert fields.pop("csrf_token")
    assert fields == {"action": "revoke"}
    # Without a question to ask (or a link to replace), back to the live view.
    assert client.get(f"{ROS}/live/stage-link").status_code in (302, 303)


def test_confirming_needs_the_csrf_token(app, client, auth, demo):
    auth.login_as(conferences=[demo])
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        url = f"{ORG}/invites/{speaker().id}/reissue"
        token = speaker().token
    page = client.get(url).get_data(as_text=True)
    fields = hidden_fields(page)
    assert fields["csrf_token"]
    without = {k: v for k, v in fields.items() if k != "csrf_token"}
    assert client.post(url, data=without).status_code == 400
    with app.app_context():
        assert speaker().token == token
    assert client.post(url, data=fields).status_code in (302, 303)
    with app.app_context():
        assert speaker().token != token


def test_the_pages_buttons_open_the_confirmation(app, client, auth, demo):
    """The buttons on the pages are GET forms on the action's address, with
    the question the script asks."""
    auth.login_as(conferences=[demo])
    with app.app_context():
        pid = speaker().id
        name = speaker().person.full_name
    page = client.get(f"{ORG}/people").get_data(as_text=True)
    button = re.search(
        rf'<form method="get" action="{ORG}/people/{pid}/remove" '
        r'class="inline confirm-first" data-confirm="([^"]+)">',
        page,
    )
    assert button, "the Remove button does not ask first"
    assert name in html.unescape(button.group(1))


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
DESTRUCTIVE = re.compile(
    r"\b(remove|delete|revoke|clear|reset|cancel|reissue|replace"
    r"|turn\b.*\boff|new link)\b",
    re.I,
)
# POST forms whose destructive-sounding button is deliberately direct:
# the chair clears the stage message mid-meeting (and types it again).
DIRECT = {("runofshow/_live_message.html", "Clear")}


def test_every_destructive_post_button_asks_first():
    """No template posts a delete, revoke or clear straight from its button:
    such buttons are confirm_button()s (GET forms), not POST forms."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        for form in re.findall(r'<form method="post".*?</form>', text, re.S):
            if 'class="confirm-form"' in form:
                continue  # the confirmation page's own form
            for label in re.findall(r"<button[^>]*>(.*?)</button>", form, re.S):
                words = re.sub(r"<[^>]+>|\{\{.*?\}\}|\{%.*?%\}", " ", label).strip()
                name = str(path.relative_to(TEMPLATES))
                if DESTRUCTIVE.search(words) and (name, words) not in DIRECT:
                    found.append((name, words))
    assert found == []
