"""A renamed conference keeps every link and calendar: links under its former
slug redirect to the current one, and no UID ever followed the slug."""

from __future__ import annotations

import json

import icalendar
import pytest
from factories import build_doc
from sqlalchemy import select

from silkmeet.domain import conference_format as fmt
from silkmeet.domain import timezones as tz
from silkmeet.exchange.operations import import_conference
from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.models import ConferenceSlugAlias
from silkmeet.models import Participation
from silkmeet.models import Person

OLD = "silk-cities-2020"
NEW = "silk-cities-replay"


def form_data(app, current: str, **changes) -> dict:
    """The conference form as the edit page fills it, with ``changes``."""
    with app.app_context():
        c = db.session.scalar(select(Conference).where(Conference.slug == current))
        data = {
            "title": c.title,
            "slug": c.slug,
            "description": c.description,
            "timezone": c.timezone,
            "start": tz.to_local(c.start_at, c.timezone).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": c.duration_minutes,
            "buffer_minutes": c.buffer_minutes,
            "status": c.status,
            "video_platform": c.video_platform,
            "join_url": c.join_url,
            "meeting_id": c.meeting_id,
            "passcode": c.passcode,
            "dial_in": c.dial_in,
            "languages": ", ".join(c.languages),
            "interpretation_channels": ", ".join(c.interpretation_channels),
        }
    return data | changes


def rename(app, client, old: str, new: str) -> None:
    response = client.post(
        f"/organiser/c/{old}/edit", data=form_data(app, old, slug=new)
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    assert response.headers["Location"] == f"/organiser/c/{new}/edit"


def token_of(app, name: str) -> str:
    with app.app_context():
        return db.session.scalar(
            select(Participation.token).join(Person).where(Person.full_name == name)
        )


def get(client, url: str, status: int = 200):
    with client.get(url) as response:
        assert response.status_code == status, (url, response.status_code)
        return response.headers.get("Location"), response.get_data()


def events(data: bytes) -> list[tuple[str, int]]:
    calendar = icalendar.Calendar.from_ical(data)
    return [(str(e["UID"]), int(e["SEQUENCE"])) for e in calendar.walk("VEVENT")]


def frab_guids(data: bytes) -> list[str]:
    days = json.loads(data)["schedule"]["conference"]["days"]
    return [e["guid"] for d in days for room in d["rooms"].values() for e in room]


def test_old_links_redirect_and_calendars_keep_their_uids(app, client, auth, demo):
    auth.login_as(conferences=[demo])
    token = token_of(app, "Carmen Ortega")
    personal = {
        "page": f"/c/{OLD}/me/{token}",
        "invite": f"/c/{OLD}/invites/{token}.ics",
        "feed": f"/c/{OLD}/feed/{token}.ics",
        "agenda": f"/c/{OLD}/agenda?zone=Asia/Tokyo",
        "calendar": f"/c/{OLD}/calendar.ics",
        "frab": f"/c/{OLD}/schedule.frab.json",
    }
    before = {name: get(client, url)[1] for name, url in personal.items()}

    rename(app, client, OLD, NEW)

    visitor = app.test_client()  # nobody logged in: what a delegate has
    for name, url in personal.items():
        location, _ = get(visitor, url, 301)
        assert location == url.replace(f"/c/{OLD}/", f"/c/{NEW}/", 1), name
    after = {
        name: get(visitor, url.replace(OLD, NEW, 1))[1]
        for name, url in personal.items()
    }
    for name in ("invite", "feed", "calendar"):
        old_events, new_events = events(before[name]), events(after[name])
        assert [uid for uid, _ in new_events] == [uid for uid, _ in old_events], name
        assert all(
            new >= old
            for (_, old), (_, new) in zip(old_events, new_events, strict=True)
        ), name
    assert frab_guids(after["frab"]) == frab_guids(before["frab"])

    # The organisers' pages too, and a form sent to the old address is sent
    # on with its method and body (308).
    location, _ = get(client, f"/organiser/c/{OLD}/lineup", 301)
    assert location == f"/organiser/c/{NEW}/lineup"
    location, _ = get(client, f"/organiser/c/{OLD}/invites", 301)
    assert location == f"/organiser/c/{NEW}/invites"
    with client.post(
        f"/organiser/c/{OLD}/edit", data=form_data(app, NEW, description="Moved")
    ) as response:
        assert response.status_code == 308
        assert response.headers["Location"] == f"/organiser/c/{NEW}/edit"
    # Unknown slugs and tokens still answer 404.
    get(visitor, "/c/never-was/agenda", 404)
    get(visitor, f"/c/{OLD}/me/{'x' * 43}", 301)
    get(visitor, f"/c/{NEW}/me/{'x' * 43}", 404)


def test_renamed_twice_and_back(app, client, auth, demo):
    auth.login_as(conferences=[demo])
    token = token_of(app, "Carmen Ortega")
    rename(app, client, OLD, NEW)
    rename(app, client, NEW, "third-name")
    for slug in (OLD, NEW):
        location, _ = get(client, f"/c/{slug}/feed/{token}.ics", 301)
        assert location == f"/c/third-name/feed/{token}.ics"
    rename(app, client, "third-name", OLD)
    get(client, f"/c/{OLD}/feed/{token}.ics")
    location, _ = get(client, f"/c/third-name/feed/{token}.ics", 301)
    assert location == f"/c/{OLD}/feed/{token}.ics"
    with app.app_context():
        aliases = db.session.scalars(select(ConferenceSlugAlias.slug)).all()
    assert sorted(aliases) == sorted([NEW, "third-name"])


def test_a_former_slug_is_nobody_elses(app, client, auth, demo):
    auth.login_as(conferences=[demo])
    rename(app, client, OLD, NEW)
    response = client.post("/organiser/new", data=form_data(app, NEW, slug=OLD))
    assert response.status_code == 400
    assert "Another conference used this short name before" in response.get_data(
        as_text=True
    )
    with app.app_context(), pytest.raises(fmt.FormatError) as info:
        import_conference(fmt.parse(build_doc(slug=OLD)))
    assert info.value.field == "conference.slug"
    assert "had slug 'silk-cities-2020' before" in str(info.value)


@pytest.mark.parametrize(
    "status,visibility", [("draft", "public"), ("published", "link")]
)
def test_a_hidden_conference_does_not_reveal_its_new_slug(
    app, client, auth, demo, status, visibility
):
    auth.login_as(conferences=[demo])
    with app.app_context():
        conference = db.session.get(Conference, demo)
        conference.status, conference.agenda_visibility = status, visibility
        key = conference.agenda_share_token
        db.session.commit()
    token = token_of(app, "Carmen Ortega")
    rename(app, client, OLD, NEW)
    visitor = app.test_client()
    get(visitor, f"/c/{OLD}/agenda", 404)
    get(visitor, f"/c/{OLD}/me/{'x' * 43}", 404)
    # With a right to the conference, the way is shown.
    location, _ = get(visitor, f"/c/{OLD}/me/{token}", 301)
    assert location == f"/c/{NEW}/me/{token}"
    location, _ = get(visitor, f"/c/{OLD}/calendar.ics?key={key}", 301)
    assert location == f"/c/{NEW}/calendar.ics?key={key}"
    location, _ = get(client, f"/c/{OLD}/agenda", 301)
    assert location == f"/c/{NEW}/agenda"


def test_every_rename_is_recorded_whatever_renames(app, demo):
    """Renamed by a script, with the conference's row expired by a commit: the
    old slug was not loaded, and is recorded all the same."""
    with app.app_context():
        conference = db.session.get(Conference, demo)
        for slug in (NEW, "third-name"):
            conference.slug = slug
            db.session.commit()
        aliases = db.session.scalars(select(ConferenceSlugAlias.slug)).all()
    assert sorted(aliases) == sorted([OLD, NEW])
