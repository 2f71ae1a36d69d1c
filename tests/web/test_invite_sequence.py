"""SEQUENCE counts only changes someone may hold an invite of (issue 14.9):
a draft reworked many times is first sent at SEQUENCE 0, and no holder ever
gets a lower SEQUENCE than the one they have."""

from factories import parse_ics
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.models import Participation

SLUG = "test-conf"
EDIT = f"/organiser/c/{SLUG}/edit"


def form(start, status="draft"):
    return {
        "title": "Test conference",
        "slug": SLUG,
        "timezone": "Europe/Paris",
        "start": start,
        "duration_minutes": 60,
        "buffer_minutes": 0,
        "status": status,
        "join_url": "https://meet.example.org/abc",
        "languages": "",
        "interpretation_channels": "",
    }


def revision(app):
    with app.app_context():
        return db.session.scalar(
            select(Conference.invite_revision).where(Conference.slug == SLUG)
        )


def token(app):
    with app.app_context():
        return db.session.scalars(select(Participation.token)).first()


def sequence_of_download(client, app):
    data = client.get(f"/c/{SLUG}/invites/{token(app)}.ics").data
    calendar, _ = parse_ics(data)
    return {int(event["SEQUENCE"]) for event in calendar.walk("VEVENT")}


def test_a_reworked_draft_is_first_sent_at_sequence_0(
    app, client, auth, make_conference
):
    cid = make_conference(status="draft", speakers=[("Ana", "BR", "America/Sao_Paulo")])
    auth.login_as(conferences=[cid])
    for hour in range(10, 17):  # seven reschedules while nobody holds an invite
        client.post(EDIT, data=form(f"2026-03-30T{hour}:00"))
    assert revision(app) == 0
    client.post(EDIT, data=form("2026-03-30T16:00", status="published"))
    assert revision(app) == 0
    assert sequence_of_download(client, app) == {0}
    # Published and held: each change counts from now on.
    client.post(EDIT, data=form("2026-03-30T15:00", status="published"))
    assert revision(app) == 1
    assert sequence_of_download(client, app) == {1}


def test_a_draft_counts_once_an_invite_of_it_was_downloaded(
    app, client, auth, make_conference
):
    cid = make_conference(status="draft", speakers=[("Ana", "BR", "America/Sao_Paulo")])
    auth.login_as(conferences=[cid])
    client.post(EDIT, data=form("2026-03-30T10:00"))
    assert revision(app) == 0
    assert sequence_of_download(client, app) == {0}  # someone holds SEQUENCE 0
    client.post(EDIT, data=form("2026-03-30T11:00"))
    assert revision(app) == 1
    assert sequence_of_download(client, app) == {1}  # never the same or lower


def test_a_published_conference_counts_every_change(app, client, auth, make_conference):
    cid = make_conference(status="published")
    auth.login_as(conferences=[cid])
    client.post(EDIT, data=form("2026-03-30T10:00", status="published"))
    assert revision(app) == 1
