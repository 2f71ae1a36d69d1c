"""Invites over HTTP: the personal link, feed, conference calendar, organiser page."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import icalendar
import pytest
from factories import parse_ics as parse
from sqlalchemy import select

from silkmeet.db import utcnow
from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.models import Person

DEMO_START = datetime(2020, 11, 20, 13, 0, tzinfo=UTC)
NASTY = 'Zhāng, "Guó"; qiáng: a\\b\r\nX-EVIL:1 张国强 🧵'


def tokens(app, conference_id) -> dict[str, Participation]:
    with app.app_context():
        rows = db.session.scalars(
            select(Participation).where(Participation.conference_id == conference_id)
        ).all()
        return {p.person.full_name: (p.id, p.token) for p in rows}


def fetch(client, url, status=200):
    with client.get(url) as response:
        assert response.status_code == status, response.get_data(as_text=True)
        return response.status_code, dict(response.headers), response.get_data()


def test_demo_invite_for_a_speaker(app, client, demo, english_readers):
    people = tokens(app, demo)
    pid, token = people["张国强"]
    _, headers, data = fetch(client, f"/c/silk-cities-2020/invites/{token}.ics")
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    disposition = headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="silk-cities-2020')
    assert (
        "filename*=UTF-8''silk-cities-2020%20-%20%E5%BC%A0%E5%9B%BD%E5%BC%BA.ics"
        in (disposition)
    )
    loose, strict = parse(data)
    assert loose["METHOD"] == "PUBLISH"
    main, slot = loose.walk("VEVENT")
    assert main.decoded("DTSTART") == DEMO_START
    assert main.decoded("DTEND") == DEMO_START + timedelta(minutes=120)
    assert main["SEQUENCE"] == 1
    # The keynote follows 4 + 5 + 5 + 5 minutes of opening and welcomes.
    assert slot.decoded("DTSTART") == DEMO_START + timedelta(minutes=19)
    assert slot.decoded("DTEND") == DEMO_START + timedelta(minutes=29)
    assert [e.dtstart for e in strict.events] == [
        DEMO_START,
        DEMO_START + timedelta(minutes=19),
    ]
    text = str(main["DESCRIPTION"])
    assert "Your time (Asia/Shanghai): Fri 20 Nov 2020, 21:00–23:00 CST" in text
    assert "Conference time (Europe/Paris): Fri 20 Nov 2020, 14:00 CET" in text
    assert "Passcode: soie2020" in text
    assert (
        main["LOCATION"] == "https://zoom.example.org/j/84512020112?pwd=c2lsay1jaXRpZXM"
    )
    with app.app_context():
        p = db.session.get(Participation, pid)
        assert p.invite_download_count == 1
        assert p.invite_downloaded_at is not None


def test_uids_shared_across_participants_and_revisions(app, client, demo):
    people = tokens(app, demo)
    uids = set()
    slot_uids = set()
    for _pid, token in people.values():
        _, _, data = fetch(client, f"/c/silk-cities-2020/invites/{token}.ics")
        events = icalendar.Calendar.from_ical(data).walk("VEVENT")
        uids.add(str(events[0]["UID"]))
        slot_uids.update(str(e["UID"]) for e in events[1:])
    assert len(uids) == 1
    # Chair opens and closes: 16 speaking turns among the demo's speakers.
    assert len(slot_uids) == 16
    _pid, token = people["Carmen Ortega"]
    _, _, before = fetch(client, f"/c/silk-cities-2020/invites/{token}.ics")
    with app.app_context():
        conference = db.session.get(Conference, demo)
        conference.start_at = conference.start_at + timedelta(hours=1)
        conference.invite_revision += 1
        db.session.commit()
    _, _, after = fetch(client, f"/c/silk-cities-2020/invites/{token}.ics")
    a = icalendar.Calendar.from_ical(before).walk("VEVENT")
    b = icalendar.Calendar.from_ical(after).walk("VEVENT")
    assert [e["UID"] for e in a] == [e["UID"] for e in b]
    assert b[0]["SEQUENCE"] == a[0]["SEQUENCE"] + 1
    assert b[0].decoded("DTSTART") == DEMO_START + timedelta(hours=1)


def test_removed_participant_gets_a_cancel(app, client, demo):
    pid, token = tokens(app, demo)["Carmen Ortega"]
    with app.app_context():
        db.session.get(Participation, pid).removed_at = utcnow()
        db.session.commit()
    _, _, data = fetch(client, f"/c/silk-cities-2020/invites/{token}.ics")
    loose, strict = parse(data)
    assert loose["METHOD"] == "CANCEL"
    events = loose.walk("VEVENT")
    assert len(events) == 2  # the meeting and her speaking slot
    for e in events:
        assert e["STATUS"] == "CANCELLED"
        assert e["SEQUENCE"] == 2
    assert all(e.status == "CANCELLED" for e in strict.events)
    # Everyone else's invite still stands.
    _pid, other = tokens(app, demo)["Claire Fabre"]
    _, _, data = fetch(client, f"/c/silk-cities-2020/invites/{other}.ics")
    assert icalendar.Calendar.from_ical(data)["METHOD"] == "PUBLISH"


def test_cancelled_conference_cancels_for_everyone(app, client, demo):
    with app.app_context():
        db.session.get(Conference, demo).status = "cancelled"
        db.session.commit()
    for _pid, token in tokens(app, demo).values():
        _, _, data = fetch(client, f"/c/silk-cities-2020/invites/{token}.ics")
        loose, _ = parse(data)
        assert loose["METHOD"] == "CANCEL"
        assert loose.walk("VEVENT")[0]["SEQUENCE"] == 2


@pytest.mark.parametrize(
    "url",
    [
        "/c/silk-cities-2020/invites/nope.ics",
        "/c/silk-cities-2020/feed/nope.ics",
        "/c/no-such-conference/invites/nope.ics",
    ],
)
def test_unknown_token_is_404(client, demo, url):
    fetch(client, url, status=404)


def test_token_of_another_conference_is_404(app, client, demo, make_conference):
    _pid, token = tokens(app, demo)["Claire Fabre"]
    make_conference(slug="other")
    fetch(client, f"/c/other/invites/{token}.ics", status=404)


def test_no_start_gives_a_message_not_a_file(app, client, make_conference):
    conference_id = make_conference(
        start=None, speakers=[("Aziz", "UZ", "Asia/Tashkent")]
    )
    _pid, token = next(iter(tokens(app, conference_id).values()))
    _, headers, body = fetch(client, f"/c/test-conf/invites/{token}.ics", status=409)
    assert headers["Content-Type"].startswith("text/html")
    assert b"not fixed yet" in body
    fetch(client, "/c/test-conf/calendar.ics", status=409)


def test_nasty_names_and_dst_week(app, client, make_conference):
    # 16 March 2026: New York is on EDT already, Paris still on CET.
    conference_id = make_conference(
        title=NASTY,
        start="2026-03-16T14:00:00",
        speakers=[
            (NASTY, "CN", "Asia/Shanghai"),
            ("Ana", "US", "America/New_York"),
            ("Ramesh", "NP", "Asia/Kathmandu"),
        ],
    )
    people = tokens(app, conference_id)
    start = datetime(2026, 3, 16, 13, 0, tzinfo=UTC)
    expected_local = {
        NASTY.replace("\r\n", " "): "21:00",
        "Ana": "09:00",
        "Ramesh": "18:45",
    }
    for name, (_pid, token) in people.items():
        _, headers, data = fetch(client, f"/c/test-conf/invites/{token}.ics")
        assert "\r" not in headers["Content-Disposition"]
        assert "\n" not in headers["Content-Disposition"]
        headers["Content-Disposition"].encode("latin-1")
        assert b"\nX-EVIL" not in data
        loose, strict = parse(data)
        main = loose.walk("VEVENT")[0]
        assert main.decoded("DTSTART") == start
        assert strict.events[0].dtstart == start
        assert "X-EVIL" not in main
        assert str(main["LOCATION"]) == "https://meet.example.org/abc?x=1&y=2"
        local = expected_local.get(name) or expected_local[name.replace("\r\n", " ")]
        assert "Fri 20" not in str(main["DESCRIPTION"])
        assert f"Mon 16 Mar 2026, {local}" in str(main["DESCRIPTION"])


def test_feed_follows_the_lineup(app, client, demo):
    _pid, token = tokens(app, demo)["Carmen Ortega"]
    url = f"/c/silk-cities-2020/feed/{token}.ics"
    _, headers, data = fetch(client, url)
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Content-Disposition" not in headers
    loose, _ = parse(data)
    assert "METHOD" not in loose
    first_slot = loose.walk("VEVENT")[1].decoded("DTSTART")
    with app.app_context():
        conference = db.session.get(Conference, demo)
        conference.items[0].duration_minutes += 5
        db.session.commit()
    _, _, data = fetch(client, url)
    slot = icalendar.Calendar.from_ical(data).walk("VEVENT")[1]
    assert slot.decoded("DTSTART") == first_slot + timedelta(minutes=5)
    with app.app_context():
        count = db.session.scalar(
            select(Participation.invite_download_count).where(
                Participation.token == token
            )
        )
        assert count == 0


def test_conference_calendar_visibility(app, client, auth, demo):
    _, headers, data = fetch(client, "/c/silk-cities-2020/calendar.ics")
    loose, strict = parse(data)
    assert len(strict.events) == 18
    assert loose.walk("VEVENT")[0].decoded("DTSTART") == DEMO_START
    assert "silk-cities-2020.ics" in headers["Content-Disposition"]
    with app.app_context():
        conference = db.session.get(Conference, demo)
        conference.agenda_visibility = "link"
        key = conference.agenda_share_token
        db.session.commit()
    fetch(client, "/c/silk-cities-2020/calendar.ics", status=404)
    fetch(client, "/c/silk-cities-2020/calendar.ics?key=wrong", status=404)
    fetch(client, f"/c/silk-cities-2020/calendar.ics?key={key}")
    auth.login_as(conferences=[demo])
    fetch(client, "/c/silk-cities-2020/calendar.ics")
    fetch(client, "/c/nothing-here/calendar.ics", status=404)


def test_organiser_page_needs_rights(client, auth, demo, make_conference):
    with client.get("/organiser/c/silk-cities-2020/invites") as r:
        assert r.status_code in (302, 303)
        assert "/auth/login" in r.headers["Location"]
    other = make_conference(slug="other")
    auth.login_as(conferences=[other])
    fetch(client, "/organiser/c/silk-cities-2020/invites", status=403)
    fetch(client, "/organiser/c/silk-cities-2020/invites.zip", status=403)
    fetch(client, "/organiser/c/missing/invites", status=404)


def test_organiser_page_shows_download_status(app, client, auth, demo):
    _pid, token = tokens(app, demo)["Claire Fabre"]
    fetch(client, f"/c/silk-cities-2020/invites/{token}.ics")
    auth.login_as(conferences=[demo])
    _, _, body = fetch(client, "/organiser/c/silk-cities-2020/invites")
    page = body.decode()
    assert "Claire Fabre" in page and "张国强 (Zhang Guoqiang)" in page
    assert "(1×)" in page
    assert "not yet" in page
    assert "js/invites.js" in page
    assert "<script>" not in page and "style=" not in page


def test_organiser_per_person_download_is_not_counted(app, client, auth, demo):
    pid, _token = tokens(app, demo)["Claire Fabre"]
    auth.login_as(conferences=[demo])
    _, headers, data = fetch(client, f"/organiser/c/silk-cities-2020/invites/{pid}.ics")
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    parse(data)
    with app.app_context():
        assert db.session.get(Participation, pid).invite_download_count == 0
    fetch(client, "/organiser/c/silk-cities-2020/invites/999999.ics", status=404)


def test_zip_of_every_invite(app, client, auth, demo):
    people = tokens(app, demo)
    removed_id, _ = people["Li Na"]
    with app.app_context():
        db.session.get(Participation, removed_id).removed_at = utcnow()
        db.session.commit()
    auth.login_as(conferences=[demo])
    _, headers, data = fetch(client, "/organiser/c/silk-cities-2020/invites.zip")
    assert headers["Content-Type"] == "application/zip"
    assert int(headers["Content-Length"]) == len(data)
    assert "silk-cities-2020-invites.zip" in headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert len(names) == len(people) - 1 == len(set(names))
    assert "05-Zhang-Guoqiang.ics" in names
    for name in names:
        assert name.isascii() and "/" not in name and name.endswith(".ics")
        loose, strict = parse(archive.read(name))
        assert loose["METHOD"] == "PUBLISH"
        assert strict.events[0].dtstart == DEMO_START
    assert not any("Li-Na" in n for n in names)


def test_reissue_token(app, client, auth, demo):
    pid, old = tokens(app, demo)["Claire Fabre"]
    auth.login_as(conferences=[demo])
    with client.post(f"/organiser/c/silk-cities-2020/invites/{pid}/reissue") as r:
        assert r.status_code in (302, 303)
    fetch(client, f"/c/silk-cities-2020/invites/{old}.ics", status=404)
    fetch(client, f"/c/silk-cities-2020/feed/{old}.ics", status=404)
    _pid, new = tokens(app, demo)["Claire Fabre"]
    assert new != old
    fetch(client, f"/c/silk-cities-2020/invites/{new}.ics")


def test_reissue_needs_csrf(app, client, auth, demo):
    pid, _ = tokens(app, demo)["Claire Fabre"]
    auth.login_as(conferences=[demo])
    app.config["WTF_CSRF_ENABLED"] = True
    with client.post(f"/organiser/c/silk-cities-2020/invites/{pid}/reissue") as r:
        assert r.status_code == 400


def test_delegate_partial_renders(app, demo):
    with app.test_request_context():
        from flask import render_template

        conference = db.session.get(Conference, demo)
        participation = conference.participations[0]
        html = render_template(
            "invites/_delegate_downloads.html",
            conference=conference,
            participation=participation,
        )
    assert f"/c/silk-cities-2020/invites/{participation.token}.ics" in html
    assert (
        f"webcal://localhost/c/silk-cities-2020/feed/{participation.token}.ics" in html
    )
    assert "/c/silk-cities-2020/calendar.ics" in html


def test_queries_do_not_grow_with_participants(
    app, client, make_conference, sql_statements
):
    def count_queries(n: int) -> int:
        slug = f"conf-{n}"
        conference_id = make_conference(
            slug=slug,
            speakers=[(f"P{i}", "FR", "Europe/Paris") for i in range(n)],
        )
        _pid, token = next(iter(tokens(app, conference_id).values()))
        with sql_statements() as statements:
            fetch(client, f"/c/{slug}/invites/{token}.ics")
        return len(statements)

    assert count_queries(2) == count_queries(30)


def test_person_name_change_keeps_uid(app, client, demo):
    pid, token = tokens(app, demo)["Claire Fabre"]
    _, _, before = fetch(client, f"/c/silk-cities-2020/invites/{token}.ics")
    with app.app_context():
        person = db.session.get(Participation, pid).person
        assert isinstance(person, Person)
        person.full_name = NASTY
        db.session.commit()
    _, headers, after = fetch(client, f"/c/silk-cities-2020/invites/{token}.ics")
    assert "\n" not in headers["Content-Disposition"]
    a = icalendar.Calendar.from_ical(before).walk("VEVENT")
    b = icalendar.Calendar.from_ical(after).walk("VEVENT")
    assert [e["UID"] for e in a] == [e["UID"] for e in b]


def test_a_moved_speaker_gets_the_same_slot_event_at_its_new_time(app, client, demo):
    """Slot UIDs name the participant and the slot's rank, not the item: moving a
    speaker to another item updates the event already in their calendar."""
    from silkmeet.models import AgendaItem
    from silkmeet.models import AgendaItemSpeaker
    from silkmeet.organiser import operations as organiser_ops

    pid, token = tokens(app, demo)["Carmen Ortega"]
    url = f"/c/silk-cities-2020/invites/{token}.ics"
    before = icalendar.Calendar.from_ical(fetch(client, url)[2]).walk("VEVENT")
    assert len(before) == 2
    with app.app_context():
        conference = db.session.get(Conference, demo)
        snapshot = organiser_ops.invite_snapshot(conference)
        link = db.session.scalar(
            select(AgendaItemSpeaker).where(AgendaItemSpeaker.participation_id == pid)
        )
        closing = db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.conference_id == demo)
            .order_by(AgendaItem.position.desc())
        ).first()
        assert link.item_id != closing.id
        link.item_id = closing.id
        # Carmen Ortega reads Spanish (her languages: es, ca).
        closing_title = closing.title_translations["es"]
        organiser_ops.raise_invite_revision_if_changed(conference, snapshot)
        db.session.commit()
    after = icalendar.Calendar.from_ical(fetch(client, url)[2]).walk("VEVENT")
    assert len(after) == 2
    assert after[1]["UID"] == before[1]["UID"]
    assert after[1]["SEQUENCE"] == before[1]["SEQUENCE"] + 1
    assert after[1].decoded("DTSTART") > before[1].decoded("DTSTART")
    assert closing_title in str(after[1]["SUMMARY"])


def test_a_speaker_removed_by_an_organiser_gets_their_slot_cancelled(
    app, client, auth, demo
):
    """Removing a person drops their speaker links; the slot they were sent is
    recorded first, so their cancellation still reaches it."""
    pid, token = tokens(app, demo)["Carmen Ortega"]
    url = f"/c/silk-cities-2020/invites/{token}.ics"
    sent = icalendar.Calendar.from_ical(fetch(client, url)[2]).walk("VEVENT")
    auth.login_as(conferences=[demo])
    response = client.post(f"/organiser/c/silk-cities-2020/people/{pid}/remove")
    assert response.status_code in (302, 303)
    loose, strict = parse(fetch(client, url)[2])
    assert loose["METHOD"] == "CANCEL"
    events = loose.walk("VEVENT")
    assert [e["UID"] for e in events] == [e["UID"] for e in sent]
    assert all(e["STATUS"] == "CANCELLED" for e in events)
    assert events[1].decoded("DTSTART") == sent[1].decoded("DTSTART")
    assert events[1]["SEQUENCE"] > sent[1]["SEQUENCE"]
    assert len(strict.events) == 2


def test_a_download_is_counted_only_when_a_file_is_sent(app, client, make_conference):
    """The download record is written with the lookup (in one statement on
    PostgreSQL) and stands only when the invite goes out."""
    sent = make_conference(slug="sent", speakers=[("Aziz", "UZ", "Asia/Tashkent")])
    unset = make_conference(
        slug="unset", start=None, speakers=[("Bo", "SE", "Europe/Stockholm")]
    )
    ((pid, token),) = tokens(app, sent).values()
    ((other_pid, other_token),) = tokens(app, unset).values()

    def count(participation_id):
        with app.app_context():
            row = db.session.get(Participation, participation_id)
            return row.invite_download_count, row.invite_downloaded_at

    fetch(client, f"/c/unset/invites/{token}.ics", status=404)  # wrong slug
    fetch(client, f"/c/unset/invites/{other_token}.ics", status=409)  # no start
    assert count(pid) == (0, None) and count(other_pid) == (0, None)
    fetch(client, f"/c/sent/invites/{token}.ics")
    fetch(client, f"/c/sent/invites/{token}.ics")
    downloads, when = count(pid)
    assert downloads == 2 and when is not None


def test_uids_survive_a_move_to_another_database(app, client, demo, tmp_path):
    """Export with tokens, import elsewhere (as when moving from SQLite to
    PostgreSQL): every UID a participant or subscriber has, and every frab guid,
    is the same, although every row id differs."""
    from factories import build_doc

    from silkmeet import create_app
    from silkmeet.domain import conference_format as fmt
    from silkmeet.exchange.exports import export_chunks
    from silkmeet.exchange.operations import import_conference

    def uids(some_client, token):
        invite = fetch(some_client, f"/c/silk-cities-2020/invites/{token}.ics")[2]
        calendar = fetch(some_client, "/c/silk-cities-2020/calendar.ics")[2]
        frab = json.loads(
            fetch(some_client, "/c/silk-cities-2020/schedule.frab.json")[2]
        )
        guids = [
            event["guid"]
            for day in frab["schedule"]["conference"]["days"]
            for events in day["rooms"].values()
            for event in events
        ]
        return [
            [str(e["UID"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")]
            for data in (invite, calendar)
        ] + [guids]

    _pid, token = tokens(app, demo)["Carmen Ortega"]
    before = uids(client, token)
    with app.app_context():
        text = "".join(
            export_chunks(db.session.get(Conference, demo), include_tokens=True)
        )
        old_ids = set(db.session.scalars(select(Participation.id)))

    other = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'moved.sqlite'}",
            "SECRET_KEY": "test-secret",
        }
    )
    with other.app_context():
        db.create_all()
        # Another conference first, so that the moved one's rows get other ids.
        filler = build_doc(
            slug="filler",
            speakers=[(f"A{n}", "FR", "Europe/Paris") for n in range(30)],
        )
        import_conference(fmt.parse(filler))
        import_conference(fmt.loads(text))
        db.session.commit()
        moved = db.session.scalar(
            select(Participation).where(Participation.token == token)
        )
        assert moved.id not in old_ids
    after = uids(other.test_client(), token)
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
    assert after == before
    assert len(before[0]) == 2 and len(before[1]) == len(before[2]) == 18
