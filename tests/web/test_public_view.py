"""One visibility rule for what the public sees of a conference
(``access.public_view``): the agenda page, the conference calendar and the
schedule exports agree; organisers and personal links see the join details.

Security finding: an anonymous ``GET /c/<slug>/calendar.ics`` of a public
agenda carried the join link with ``?pwd=…`` in LOCATION, URL, CONFERENCE and
DESCRIPTION, and the first owner's login e-mail as ORGANIZER, while the public
agenda page stripped them.
"""

from __future__ import annotations

import icalendar
import pytest
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.models import Participation

SLUG = "silk-cities-2020"
PWD = "pwd=c2lsay1jaXRpZXM"
PASSCODE = "soie2020"
LOGIN = "owner.login@example.org"
PUBLIC_FILES = (
    f"/c/{SLUG}/agenda",
    f"/c/{SLUG}/calendar.ics",
    f"/c/{SLUG}/schedule.json",
    f"/c/{SLUG}/schedule.csv",
    f"/c/{SLUG}/schedule.frab.xml",
    f"/c/{SLUG}/schedule.frab.json",
)


def get(client, url) -> str:
    with client.get(url) as response:
        assert response.status_code == 200, url
        return response.get_data(as_text=True)


def unfolded(text: str) -> str:
    """A calendar's text with its folded lines joined again."""
    return text.replace("\r\n ", "").replace("\r\n\t", "")


@pytest.fixture
def owned(demo, auth):
    """The demo, owned by an organiser who logs in as ``LOGIN``; not logged in."""
    auth.create(email=LOGIN, conferences=[demo])
    return demo


@pytest.mark.parametrize("url", PUBLIC_FILES)
@pytest.mark.parametrize("share_link", [False, True])
def test_the_public_sees_no_passcode_and_no_login_address(
    app, client, owned, url, share_link
):
    if share_link:
        with app.app_context():
            conference = db.session.scalar(select(Conference))
            conference.agenda_visibility = "link"
            db.session.commit()
            url += f"?key={conference.agenda_share_token}"
    text = unfolded(get(client, url))
    assert PWD not in text and "pwd=" not in text
    assert PASSCODE not in text
    assert LOGIN not in text


def test_the_public_calendar_keeps_the_join_link_without_its_passcode(
    app, client, owned
):
    calendar = icalendar.Calendar.from_ical(get(client, f"/c/{SLUG}/calendar.ics"))
    [first, *_] = calendar.walk("VEVENT")
    join = "https://zoom.example.org/j/84512020112"
    assert str(first["URL"]) == join
    assert join in str(first["DESCRIPTION"])
    # The ORGANIZER is the mailbox silkmeet sends from, never a login.
    assert str(first["ORGANIZER"]) == f"mailto:{app.config['MAIL_FROM']}"


def test_organisers_and_personal_links_see_the_join_details(app, client, owned, auth):
    with app.app_context():
        token = db.session.scalars(select(Participation.token)).first()
    for url in (
        f"/c/{SLUG}/me/{token}",
        f"/c/{SLUG}/invites/{token}.ics",
        f"/c/{SLUG}/feed/{token}.ics",
    ):
        text = unfolded(get(client, url))
        assert PWD in text and PASSCODE in text, url
        assert LOGIN not in text, url
    auth.login(email=LOGIN)
    text = get(client, f"/c/{SLUG}/agenda")
    assert PWD in text and PASSCODE in text
    # The conference calendar never lists the passcode; its join link keeps it.
    text = unfolded(get(client, f"/c/{SLUG}/calendar.ics"))
    assert PWD in text and LOGIN not in text


def test_a_conference_sender_is_every_calendars_organizer(app, client, owned):
    with app.app_context():
        conference = db.session.scalar(select(Conference))
        conference.mail_from = "Silk desk <desk@silk.example>"
        db.session.commit()
        token = db.session.scalars(select(Participation.token)).first()
    for url in (f"/c/{SLUG}/calendar.ics", f"/c/{SLUG}/invites/{token}.ics"):
        calendar = icalendar.Calendar.from_ical(get(client, url))
        for event in calendar.walk("VEVENT"):
            assert str(event["ORGANIZER"]) == "mailto:desk@silk.example", url
