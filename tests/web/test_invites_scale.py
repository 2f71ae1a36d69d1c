"""What the benchmark relies on: invites cost a fixed number of SQL statements
whatever the size of the conference, and the ZIP's shared build gives exactly
the invites the personal links give."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import icalendar
from sqlalchemy import func
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.invites import operations as ops
from silkmeet.invites import plan
from silkmeet.invites import rows
from silkmeet.models import AgendaItem
from silkmeet.models import AgendaItemSpeaker
from silkmeet.models import Conference
from silkmeet.models import OutboxMessage
from silkmeet.models import Participation
from silkmeet.synthetic import synthetic_document
from silkmeet.timetable import load_conference
from silkmeet.timetable import schedule_for

STAMP = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def synthetic(make_conference, slug: str, items: int, people: int) -> int:
    return make_conference(data=synthetic_document(slug, items, people))


def participations(app, conference_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        return list(
            db.session.execute(
                select(Participation.id, Participation.token)
                .where(Participation.conference_id == conference_id)
                .order_by(Participation.id)
            )
        )


def count_statements(sql_statements, fn) -> tuple[int, object]:
    with sql_statements() as statements:
        result = fn()
    return len(statements), result


def row_of(participation: Participation):
    return rows.personal_row(Participation.id == participation.id)


def get(client, url: str) -> bytes:
    with client.get(url) as response:
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_data()


def test_statements_do_not_grow_with_items_or_people(
    app, client, auth, make_conference, sql_statements
):
    small = synthetic(make_conference, "small", items=4, people=10)
    big = synthetic(make_conference, "big", items=30, people=120)
    auth.login_as(conferences=[small, big])
    counts = {}
    for slug, conference_id in (("small", small), ("big", big)):
        (_pid, speaker), *_rest = participations(app, conference_id)
        delegate = participations(app, conference_id)[-1][1]
        urls = {
            "speaker invite": f"/c/{slug}/invites/{speaker}.ics",
            "delegate invite": f"/c/{slug}/invites/{delegate}.ics",
            "feed": f"/c/{slug}/feed/{speaker}.ics",
            "calendar": f"/c/{slug}/calendar.ics",
            "zip": f"/organiser/c/{slug}/invites.zip",
        }
        counts[slug] = {
            name: count_statements(sql_statements, lambda url=url: get(client, url))
            for name, url in urls.items()
        }
    for name in counts["small"]:
        assert counts["small"][name][0] == counts["big"][name][0], name
    # The big ZIP really holds every participant's invite.
    archive = zipfile.ZipFile(io.BytesIO(counts["big"]["zip"][1]))
    assert len(archive.namelist()) == 120
    # One invite: the participation, its conference and person, the lineup,
    # the organizer, and the one UPDATE that records the download.
    assert counts["big"]["speaker invite"][0] <= 6


def test_zip_holds_the_same_invites_as_the_personal_links(app, make_conference):
    conference_id = synthetic(make_conference, "same", items=20, people=70)
    with app.test_request_context():
        conference = db.session.get(Conference, conference_id)
        # A fixed start after some items and a buffer: times flow from both.
        items = db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.conference_id == conference_id)
            .order_by(AgendaItem.position, AgendaItem.id)
        ).all()
        items[12].fixed_start_at = conference.start_at + timedelta(hours=5)
        conference.buffer_minutes = 2
        removed = db.session.scalars(
            select(Participation).where(Participation.conference_id == conference_id)
        ).all()[3]
        removed.removed_at = STAMP
        db.session.commit()

        zipped = dict(ops.all_invites(conference, STAMP))
        people = db.session.scalars(
            select(Participation)
            .where(
                Participation.conference_id == conference_id,
                Participation.removed_at.is_(None),
            )
            .order_by(Participation.id)
        ).all()
        assert len(zipped) == len(people) == 69
        for name, participation in zip(zipped, people, strict=True):
            data, _filename = ops.personal_invite(row_of(participation), STAMP)
            assert zipped[name] == data, name

        # Every speaking slot is where the full schedule puts it, and in the
        # speaker's short agenda even when it comes late in the day.
        uid = plan.conference_uid(conference)
        scheduled = schedule_for(load_conference(conference.slug))
        by_id = {p.id: p for p in people}
        checked = 0
        ranks: dict[int, int] = {}
        for entry in scheduled:
            for slot in entry.slots:
                participation = by_id[slot.speaker.participant_id]
                rank = ranks[participation.id] = ranks.get(participation.id, 0) + 1
                data, _ = ops.personal_invite(row_of(participation), STAMP)
                events = icalendar.Calendar.from_ical(data).walk("VEVENT")
                mine = {str(e["UID"]): e for e in events[1:]}
                event_ = mine[plan.slot_uid(uid, participation.uid, rank)]
                assert event_.decoded("DTSTART") == slot.start
                assert event_.decoded("DTEND") == max(
                    slot.end, slot.start + timedelta(minutes=1)
                )
                description = str(events[0]["DESCRIPTION"])
                assert f"{entry.item.title} (you speak)" in description
                checked += 1
        assert checked == sum(len(s.slots) for s in scheduled) > 20
        assert scheduled[12].start == conference.start_at + timedelta(hours=5)

        # The removed speaker's invite cancels the slot their invite gave them.
        data, _ = ops.personal_invite(row_of(removed), STAMP)
        cal = icalendar.Calendar.from_ical(data)
        assert cal["METHOD"] == "CANCEL"
        events = cal.walk("VEVENT")
        assert len(events) == 2
        assert all(e["STATUS"] == "CANCELLED" for e in events)


def test_two_thousand_invitations_queue_in_a_fixed_number_of_statements(
    app, client, auth, make_conference, sql_statements
):
    """Nothing is built in the request: the page reads the audience and queues
    one pending row per message, in statements that do not grow with the
    people, and so does the page that shows them all afterwards."""
    small = synthetic(make_conference, "small", items=4, people=20)
    big = synthetic(make_conference, "big", items=60, people=2000)
    auth.login_as(conferences=[small, big])
    counts = {}
    for slug in ("small", "big"):
        url = f"/organiser/c/{slug}/invites"
        with sql_statements() as sent:
            with client.post(url + "/send", data={"slots": "y"}) as response:
                assert response.status_code in (302, 303)
        with sql_statements() as shown:
            page = get(client, url).decode()
        counts[slug] = (len(sent), len(shown))
        assert page.count(">queued</span>") == (20 if slug == "small" else 2000)
    assert counts["small"] == counts["big"]
    with app.app_context():
        queued = db.session.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.conference_id == big, OutboxMessage.raw.is_(None)
            )
        )
        slots = db.session.scalar(
            select(func.count(AgendaItemSpeaker.id))
            .join(AgendaItem)
            .where(AgendaItem.conference_id == big)
        )
    # Everyone, and one more per speaking slot.
    assert queued == 2000 + slots
    assert counts["big"][0] <= 12, counts
