"""iCalendar builder: parsed back with icalendar and with the strict ``ical``."""

from __future__ import annotations

import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import icalendar
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream

from silkmeet.domain import ics

START = datetime(2020, 11, 20, 13, 0, tzinfo=UTC)
STAMP = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
NASTY = 'Silk, cities; and: metro\\poles\r\n"new" line 丝绸 🧵'
UID = ics.legacy_conference_uid("silk-cities-2020", "silkmeet.example")


def meeting(**overrides) -> ics.Meeting:
    values = dict(
        uid=UID,
        title=NASTY,
        zone="Europe/Paris",
        start=START,
        end=START + timedelta(minutes=120),
        revision=3,
        platform="Zoom",
        join_url="https://zoom.example.org/j/845?pwd=abc&lang=fr",
        meeting_id="845 1202 0112",
        passcode="soie2020",
        organizer_name='Lyon, "Métropole"; hosts:\nA',
        organizer_email="organiser@example.org",
        agenda=(
            ics.Slot(ics.derived_uid(UID, "item", 1), "Opening", START, START),
            ics.Slot(
                ics.derived_uid(UID, "item", 2),
                NASTY,
                START + timedelta(minutes=4),
                START + timedelta(minutes=14),
            ),
        ),
    )
    values.update(overrides)
    return ics.Meeting(**values)


def invitee(**overrides) -> ics.Invitee:
    values = dict(
        name="Ramesh\r\nShrestha, Jr.",
        role="Speaker",
        zone="Asia/Kathmandu",
        email="ramesh@example.org",
        delegation="Nepal",
        slots=(
            ics.Slot(
                ics.derived_uid(UID, "slot", 7, 2),
                NASTY,
                START + timedelta(minutes=4),
                START + timedelta(minutes=14),
            ),
        ),
    )
    values.update(overrides)
    return ics.Invitee(**values)


def parse_both(data: bytes):
    """Parse with icalendar and with ical; return (icalendar, ical) calendars."""
    assert data.endswith(b"\r\n")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line
        assert b"\n" not in line and b"\r" not in line
    text = data.decode("utf-8")
    loose = icalendar.Calendar.from_ical(data)
    for event in loose.walk("VEVENT"):
        assert not event.errors
    strict = IcsCalendarStream.calendar_from_ics(text)
    return loose, strict


def test_invite_parses_and_has_correct_instants():
    data = ics.invite(meeting(), invitee(), STAMP)
    loose, strict = parse_both(data)
    assert loose["METHOD"] == "PUBLISH"
    assert loose["VERSION"] == "2.0"
    events = loose.walk("VEVENT")
    assert [e["UID"] for e in events] == [UID, ics.derived_uid(UID, "slot", 7, 2)]
    main, slot = events
    assert main.decoded("DTSTART") == START
    assert main.decoded("DTEND") == START + timedelta(hours=2)
    assert main.decoded("DTSTART").utcoffset() == timedelta(0)
    assert slot.decoded("DTSTART") == START + timedelta(minutes=4)
    assert main["SEQUENCE"] == 3 and slot["SEQUENCE"] == 3
    assert main.decoded("DTSTAMP") == STAMP
    assert main["SUMMARY"] == NASTY.replace("\r\n", " ")
    assert main["LOCATION"] == "https://zoom.example.org/j/845?pwd=abc&lang=fr"
    assert str(main["URL"]) == "https://zoom.example.org/j/845?pwd=abc&lang=fr"
    assert "ATTENDEE" not in main
    assert b"RSVP" not in data
    assert b"VTIMEZONE" not in data and b"TZID" not in data
    assert main["ORGANIZER"] == "mailto:organiser@example.org"
    assert main["ORGANIZER"].params["CN"] == "Lyon, 'Métropole'; hosts: A"
    conference = main["CONFERENCE"]
    assert conference.params["FEATURE"] == ["AUDIO", "VIDEO"]
    assert b'FEATURE="' not in data
    alarms = [c for c in main.subcomponents if c.name == "VALARM"]
    assert alarms[0].decoded("TRIGGER") == -ics.MEETING_ALARM
    slot_alarms = [c for c in slot.subcomponents if c.name == "VALARM"]
    assert slot_alarms[0].decoded("TRIGGER") == -ics.SLOT_ALARM

    assert [e.uid for e in strict.events] == [e["UID"] for e in events]
    assert strict.events[0].dtstart == START
    assert strict.events[0].dtend == START + timedelta(hours=2)
    assert strict.events[0].sequence == 3
    assert strict.events[0].summary == str(main["SUMMARY"])


def test_description_gives_role_and_three_times():
    text = ics.invite_text(meeting(), invitee())
    assert "Your role: Speaker, delegation of Nepal" in text
    # 13:00Z is 18:45 in Kathmandu (+05:45), 14:00 in Paris (CET).
    # Kathmandu's abbreviation is its offset: said once.
    assert "Your time (Asia/Kathmandu): Fri 20 Nov 2020, 18:45–20:45 UTC+05:45\n" in (
        text
    )
    assert "Conference time (Europe/Paris): Fri 20 Nov 2020, 14:00 CET" in text
    assert "UTC: Fri 20 Nov 2020, 13:00 UTC" in text
    assert "You speak: Fri 20 Nov 2020, 18:49–18:59" in text
    assert "Join (Zoom): https://zoom.example.org/j/845?pwd=abc&lang=fr" in text
    assert "Meeting ID: 845 1202 0112" in text
    assert "Passcode: soie2020" in text
    assert "18:45 Opening" in text
    loose = icalendar.Calendar.from_ical(ics.invite(meeting(), invitee(), STAMP))
    assert loose.walk("VEVENT")[0]["DESCRIPTION"] == text


@pytest.mark.parametrize(
    ("start", "zone", "local"),
    [
        # The EU/US gap week: New York is already on EDT, Paris still on CET.
        (datetime(2026, 3, 16, 13, 0, tzinfo=UTC), "America/New_York", "09:00 EDT"),
        (datetime(2026, 3, 16, 13, 0, tzinfo=UTC), "Europe/Paris", "14:00 CET"),
        (datetime(2026, 3, 30, 12, 0, tzinfo=UTC), "Europe/Paris", "14:00 CEST"),
        (datetime(2026, 10, 26, 13, 0, tzinfo=UTC), "America/New_York", "09:00 EDT"),
        (datetime(2026, 11, 20, 13, 0, tzinfo=UTC), "Australia/Sydney", "00:00 AEDT"),
        (
            datetime(2020, 11, 20, 13, 0, tzinfo=UTC),
            "Asia/Kathmandu",
            "18:45 UTC+05:45",
        ),
    ],
)
def test_instants_are_utc_whatever_the_zone(start, zone, local):
    m = meeting(start=start, end=start + timedelta(hours=1), zone=zone, agenda=())
    data = ics.invite(m, invitee(zone=zone, slots=()), STAMP)
    loose, strict = parse_both(data)
    assert loose.walk("VEVENT")[0].decoded("DTSTART") == start
    assert strict.events[0].dtstart == start
    text = ics.invite_text(m, invitee(zone=zone, slots=()))
    assert re.search(re.escape(local) + r"\s", text)


def test_uids_are_stable_and_distinct():
    legacy = ics.legacy_conference_uid
    assert legacy("a", "x.org") == legacy("a", "x.org")
    assert legacy("a", "x.org") != legacy("b", "x.org")
    assert ics.derived_uid(UID, "slot", 1, 2) != ics.derived_uid(UID, "slot", 2, 1)
    first = ics.invite(meeting(revision=1), invitee(), STAMP)
    later = ics.invite(meeting(revision=2), invitee(name="Other", slots=()), STAMP)
    a = icalendar.Calendar.from_ical(first).walk("VEVENT")[0]
    b = icalendar.Calendar.from_ical(later).walk("VEVENT")[0]
    assert a["UID"] == b["UID"]
    assert b["SEQUENCE"] > a["SEQUENCE"]


@pytest.mark.parametrize("case", ["removed", "cancelled"])
def test_cancellation(case):
    m = meeting(cancelled=case == "cancelled")
    person = invitee(removed=case == "removed")
    data = ics.invite(m, person, STAMP)
    loose, strict = parse_both(data)
    assert loose["METHOD"] == "CANCEL"
    for event in loose.walk("VEVENT"):
        assert event["STATUS"] == "CANCELLED"
        assert event["SEQUENCE"] == m.revision + 1
        assert not [c for c in event.subcomponents if c.name == "VALARM"]
    main = loose.walk("VEVENT")[0]
    assert main["UID"] == UID
    assert main["ATTENDEE"] == "mailto:ramesh@example.org"
    assert "RSVP" not in main["ATTENDEE"].params
    assert main["ATTENDEE"].params["CN"] == "Ramesh Shrestha, Jr."
    assert strict.events[0].status == "CANCELLED"


def test_feed_has_no_method_and_a_refresh_interval():
    data = ics.feed(meeting(), invitee(), STAMP)
    loose, strict = parse_both(data)
    assert "METHOD" not in loose
    assert loose.decoded("REFRESH-INTERVAL") == ics.FEED_REFRESH
    assert len(strict.events) == 2
    cancelled = ics.feed(meeting(), invitee(removed=True), STAMP)
    loose, _ = parse_both(cancelled)
    assert "METHOD" not in loose
    assert {e["STATUS"] for e in loose.walk("VEVENT")} == {"CANCELLED"}


def test_agenda_calendar_one_event_per_item():
    data = ics.agenda_calendar(meeting(), STAMP)
    loose, strict = parse_both(data)
    assert loose["METHOD"] == "PUBLISH"
    events = loose.walk("VEVENT")
    assert [e["UID"] for e in events] == [s.uid for s in meeting().agenda]
    assert events[1].decoded("DTSTART") == START + timedelta(minutes=4)
    # A zero-length item still ends after it starts.
    assert events[0].decoded("DTEND") > events[0].decoded("DTSTART")
    assert [e.dtstart for e in strict.events] == [START, START + timedelta(minutes=4)]


def test_bad_join_url_is_left_out():
    m = meeting(join_url="javascript:alert(1)\r\nX-EVIL:1")
    data = ics.invite(m, invitee(), STAMP)
    loose, _ = parse_both(data)
    event = loose.walk("VEVENT")[0]
    assert "URL" not in event and "LOCATION" not in event and "CONFERENCE" not in event
    assert b"X-EVIL" not in data


def test_naive_instant_is_refused():
    with pytest.raises(ValueError):
        ics.invite(meeting(start=datetime(2020, 11, 20, 13)), invitee(), STAMP)


def test_short_agenda_lists_the_first_items_and_always_your_own():
    items = tuple(
        ics.Slot(
            ics.derived_uid(UID, "item", n),
            f"Item {n}",
            START + timedelta(minutes=10 * n),
            START + timedelta(minutes=10 * n + 10),
        )
        for n in range(30)
    )
    own = ics.Slot(
        ics.derived_uid(UID, "slot", 7, 20),
        "Item 20",
        items[20].start + timedelta(minutes=5),
        items[20].end,
        item=items[20].uid,
    )
    url = "https://silkmeet.example/c/silk/me/tok"
    person = invitee(zone="Europe/Paris", slots=(own,), agenda_url=url)
    text = ics.invite_text(meeting(agenda=items), person)
    lines = text.splitlines()
    agenda = lines[lines.index("Agenda (your time, Europe/Paris):") + 1 :]
    first = [f"{14 + n // 6:02d}:{n % 6 * 10:02d} Item {n}" for n in range(8)]
    assert agenda == [
        *first,
        "Later, you speak in:",
        "17:20 Item 20 (you speak)",
        f"… and 21 more items: {url}",
    ]
    # The same selection from only the items it needs, given the total count.
    pruned = meeting(agenda=items[:8] + items[20:21], agenda_total=30)
    assert ics.invite_text(pruned, person) == text
    # A slot that does not name its item is found by its time.
    unnamed = invitee(
        zone="Europe/Paris", slots=(ics.Slot(own.uid, "x", own.start, own.end),)
    )
    assert "17:20 Item 20 (you speak)" in ics.invite_text(
        meeting(agenda=items), unnamed
    )
    # A short lineup is listed whole, with no pointer.
    whole = ics.invite_text(meeting(agenda=items[:3]), person)
    assert "more item" not in whole and "Item 2" in whole


# -- the prefab: what every invite shares, serialised once ---------------------

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)
_instants = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2037, 12, 31),
    timezones=st.just(UTC),
)


@settings(max_examples=150, deadline=None)
@given(
    title=_text,
    description=_text,
    join_url=st.sampled_from(["", "https://meet.example.org/x?pwd=1", "ftp://x"]),
    organizer=st.sampled_from(["", "o@example.org", "bad address"]),
    organizer_name=_text,
    platform=_text,
    passcode=_text,
    start=_instants,
    minutes=st.integers(0, 3000),
    stamp=_instants,
    name=_text,
    role=_text,
    zone=st.sampled_from(
        ["Asia/Kathmandu", "Pacific/Kiritimati", "America/St_Johns", "UTC"]
    ),
    slot_titles=st.lists(_text, max_size=3),
    revision=st.integers(0, 10**6),
)
def test_a_prefab_invite_is_byte_for_byte_the_built_one(
    title,
    description,
    join_url,
    organizer,
    organizer_name,
    platform,
    passcode,
    start,
    minutes,
    stamp,
    name,
    role,
    zone,
    slot_titles,
    revision,
):
    shared = meeting(
        title=title,
        description=description,
        join_url=join_url,
        organizer_email=organizer,
        organizer_name=organizer_name,
        platform=platform,
        passcode=passcode,
        start=start,
        end=start + timedelta(minutes=minutes),
        revision=revision,
    )
    slots = tuple(
        ics.Slot(
            ics.derived_uid(UID, "slot", n),
            slot_title,
            start + timedelta(minutes=n),
            start + timedelta(minutes=n + 5),
        )
        for n, slot_title in enumerate(slot_titles)
    )
    person = invitee(name=name, role=role, zone=zone, slots=slots)
    # Twice from the same meeting: the prefab is built by the first and reused.
    for who in (person, invitee(slots=())):
        assert ics.invite(shared, who, stamp) == ics.invite_built(shared, who, stamp)


def test_the_prefab_serves_only_publish():
    shared = meeting()
    removed = invitee(removed=True)
    assert ics.invite(shared, removed, STAMP) == ics.invite_built(
        shared, removed, STAMP
    )
    assert b"METHOD:CANCEL" in ics.invite(shared, removed, STAMP)
    with pytest.raises(ValueError, match="expected values"):
        shared.published_invite.render({"dtstamp": STAMP})


# -- e-mailed invitations: iTIP REQUEST and CANCEL, one event each --------------

HOUR = timedelta(hours=1)
SENDER = ('Silk Cities, "invites"', "invites@silkmeet.example")


def single_event(data: bytes, method: str):
    """The one VEVENT of an iTIP calendar, parsed by icalendar and by ical."""
    loose, strict = parse_both(data)
    assert loose["METHOD"] == method
    events = loose.walk("VEVENT")
    assert len(events) == 1 and len(strict.events) == 1
    return events[0], strict.events[0]


def download_events(m: ics.Meeting, person: ics.Invitee) -> list:
    return icalendar.Calendar.from_ical(ics.invite(m, person, STAMP)).walk("VEVENT")


def test_itip_request_for_the_meeting():
    m, person = meeting(), invitee()
    later = STAMP + timedelta(days=2)
    sent = ics.itip(m, person, later, method=ics.REQUEST, organizer=SENDER)
    event, strict = single_event(sent.data, "REQUEST")
    download = download_events(m, person)[0]
    assert (sent.method, sent.uid, sent.sequence) == ("REQUEST", UID, 3)
    assert event["UID"] == download["UID"] == UID
    assert event["SEQUENCE"] == download["SEQUENCE"] == 3
    assert event["STATUS"] == "CONFIRMED"
    assert event.decoded("DTSTAMP") == later
    assert event.decoded("DTSTART") == START and event.decoded("DTEND") == m.end
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    for name in ("SUMMARY", "LOCATION", "URL", "DESCRIPTION"):
        assert event[name] == download[name], name
    assert event["CONFERENCE"] == download["CONFERENCE"]
    # ORGANIZER is the sending mailbox, not the meeting's organiser address.
    assert event["ORGANIZER"] == "mailto:invites@silkmeet.example"
    assert event["ORGANIZER"].params["CN"] == "Silk Cities, 'invites'"
    assert b"organiser@example.org" not in sent.data
    # Exactly one ATTENDEE: the recipient, asked for a reply.
    attendee = event["ATTENDEE"]
    assert not isinstance(attendee, list)
    assert attendee == "mailto:ramesh@example.org"
    assert dict(attendee.params) == {
        "CN": "Ramesh Shrestha, Jr.",
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "TRUE",
    }
    assert strict.uid == UID and strict.sequence == 3
    assert strict.organizer.uri == "mailto:invites@silkmeet.example"
    assert [a.uri for a in strict.attendees] == ["mailto:ramesh@example.org"]
    assert strict.attendees[0].rsvp is True
    assert strict.attendees[0].common_name == "Ramesh Shrestha, Jr."


def test_itip_request_for_a_speaking_slot():
    m, person = meeting(), invitee()
    slot = person.slots[0]
    sent = ics.itip(m, person, STAMP, method=ics.REQUEST, organizer=SENDER, slot=slot)
    event, strict = single_event(sent.data, "REQUEST")
    download = download_events(m, person)[1]
    assert sent.uid == event["UID"] == download["UID"] == slot.uid != UID
    assert event["SEQUENCE"] == download["SEQUENCE"] == 3
    assert event["SUMMARY"] == download["SUMMARY"]
    assert event["DESCRIPTION"] == download["DESCRIPTION"]
    assert event.decoded("DTSTART") == slot.start
    assert event["ATTENDEE"].params["RSVP"] == "TRUE"
    assert strict.dtend == slot.end


def test_an_update_keeps_the_uid_and_raises_the_sequence():
    first = ics.itip(meeting(), invitee(), STAMP, method=ics.REQUEST, organizer=SENDER)
    moved = meeting(revision=4, start=START + HOUR, end=START + 3 * HOUR)
    update = ics.itip(moved, invitee(), STAMP, method=ics.REQUEST, organizer=SENDER)
    a, _ = single_event(first.data, "REQUEST")
    b, strict = single_event(update.data, "REQUEST")
    assert a["UID"] == b["UID"] == update.uid
    assert b["SEQUENCE"] > a["SEQUENCE"] and update.sequence == 4
    assert strict.dtstart == START + HOUR


@pytest.mark.parametrize("case", ["removed", "cancelled"])
def test_itip_cancel(case):
    m = meeting(cancelled=case == "cancelled")
    person = invitee(removed=case == "removed")
    request = ics.itip(
        meeting(), invitee(), STAMP, method=ics.REQUEST, organizer=SENDER
    )
    sent = ics.itip(m, person, STAMP, method=ics.CANCEL, organizer=SENDER)
    event, strict = single_event(sent.data, "CANCEL")
    assert sent.method == "CANCEL" and sent.uid == event["UID"] == UID
    assert event["STATUS"] == "CANCELLED" and strict.status == "CANCELLED"
    assert event["SEQUENCE"] == sent.sequence > request.sequence
    assert event["ORGANIZER"] == "mailto:invites@silkmeet.example"
    assert event["ATTENDEE"] == "mailto:ramesh@example.org"
    assert "RSVP" not in event["ATTENDEE"].params
    assert not [c for c in event.subcomponents if c.name == "VALARM"]
    assert str(event["DESCRIPTION"]).startswith("CANCELLED: ")
    # A speaking slot is cancelled in a message of its own, under its own UID.
    slot = person.slots[0]
    gone = ics.itip(m, person, STAMP, method=ics.CANCEL, organizer=SENDER, slot=slot)
    event, _ = single_event(gone.data, "CANCEL")
    assert event["UID"] == slot.uid and event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == sent.sequence


@pytest.mark.parametrize(
    ("m", "person", "method", "sender", "message"),
    [
        (
            meeting(cancelled=True),
            invitee(),
            ics.REQUEST,
            SENDER,
            "gets a cancellation",
        ),
        (meeting(), invitee(removed=True), ics.REQUEST, SENDER, "gets a cancellation"),
        (meeting(), invitee(), ics.CANCEL, SENDER, "only for a removed"),
        (meeting(), invitee(email=""), ics.REQUEST, SENDER, "recipient's address"),
        (meeting(), invitee(), ics.REQUEST, ("Us", "not an address"), "sender's"),
        (meeting(), invitee(), "PUBLISH", SENDER, "unknown iTIP method"),
    ],
)
def test_itip_refuses_what_calendars_would_misread(m, person, method, sender, message):
    with pytest.raises(ValueError, match=message):
        ics.itip(m, person, STAMP, method=method, organizer=sender)


def test_itip_names_cannot_break_out_of_their_parameter():
    person = invitee(name='Eve"\r\nATTENDEE:mailto:x@evil.example;X=1')
    sent = ics.itip(meeting(), person, STAMP, method=ics.REQUEST, organizer=SENDER)
    event, strict = single_event(sent.data, "REQUEST")
    assert not isinstance(event["ATTENDEE"], list)
    assert event["ATTENDEE"].params["CN"] == "Eve' ATTENDEE:mailto:x@evil.example;X=1"
    assert len(strict.attendees) == 1


def test_a_meeting_across_a_clock_change_gives_both_offsets():
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    m = meeting(start=start, end=start + 90 * timedelta(minutes=1), agenda=())
    person = invitee(zone="Europe/London", slots=())
    sent = ics.itip(m, person, STAMP, method=ics.REQUEST, organizer=SENDER)
    event, _ = single_event(sent.data, "REQUEST")
    assert (
        "Your time (Europe/London): Sun 29 Mar 2026, 00:30 GMT (UTC) – 03:00 BST"
        " (UTC+01:00)" in str(event["DESCRIPTION"])
    )
