"""Reading a message's calendar back: METHOD, UID, SEQUENCE, times in the
organiser's zone, ORGANIZER and ATTENDEEs."""

from __future__ import annotations

import pytest

from silkmeet.domain.ics_summary import Party
from silkmeet.domain.ics_summary import UnreadableCalendar
from silkmeet.domain.ics_summary import summarise


def calendar(*event_lines: str, method: str = "REQUEST") -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    if method:
        lines.append(f"METHOD:{method}")
    lines += ["BEGIN:VEVENT", *event_lines, "END:VEVENT", "END:VCALENDAR", ""]
    return "\r\n".join(lines).encode()


def test_a_request_read_in_the_organisers_zone():
    data = calendar(
        "UID:meeting-1@silkmeet.test",
        "SEQUENCE:3",
        "SUMMARY:Réunion",
        "DTSTART:20260330T120000Z",
        "DTEND:20260330T130000Z",
        'ORGANIZER;CN="Silk, Desk":mailto:desk@example.org',
        "ATTENDEE;CN=山田 太郎;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:"
        "mailto:taro@example.org",
    )
    summary = summarise(data, "Asia/Tokyo")
    assert summary.method == "REQUEST"
    [event] = summary.events
    assert (event.uid, event.sequence, event.summary) == (
        "meeting-1@silkmeet.test",
        3,
        "Réunion",
    )
    assert event.start == "Mon 30 Mar 2026, 21:00 JST (UTC+09:00)"
    assert event.end == "Mon 30 Mar 2026, 22:00 JST (UTC+09:00)"
    assert event.organizer == Party("desk@example.org", "Silk, Desk", ())
    assert event.attendees == (
        Party(
            "taro@example.org",
            "山田 太郎",
            ("ROLE=REQ-PARTICIPANT", "PARTSTAT=NEEDS-ACTION", "RSVP=TRUE"),
        ),
    )


@pytest.mark.parametrize(
    ("line", "zone", "expected"),
    [
        # A TZID time, read across a clock change: Paris is on summer time,
        # São Paulo is not.
        (
            "DTSTART;TZID=Europe/Paris:20260330T140000",
            "America/Sao_Paulo",
            "Mon 30 Mar 2026, 09:00 UTC-03:00",
        ),
        (
            "DTSTART:20260330T140000",
            "Europe/Paris",
            "Mon 30 Mar 2026, 14:00 (floating: no time zone)",
        ),
        ("DTSTART;VALUE=DATE:20260330", "Asia/Tokyo", "Mon 30 Mar 2026 (all day)"),
    ],
)
def test_times_say_what_they_are(line, zone, expected):
    [event] = summarise(calendar("UID:a", line), zone).events
    assert event.start == expected
    assert event.end == ""


def test_a_cancellation_with_several_attendees_and_no_sequence():
    data = calendar(
        "UID:a",
        "STATUS:CANCELLED",
        "DTSTART:20260330T120000Z",
        "ATTENDEE:mailto:a@example.org",
        "ATTENDEE;CN=Bo:MAILTO:b@example.org",
        method="CANCEL",
    )
    summary = summarise(data, "UTC")
    [event] = summary.events
    assert (summary.method, event.status, event.sequence) == (
        "CANCEL",
        "CANCELLED",
        None,
    )
    assert event.organizer is None
    assert [(a.address, a.name) for a in event.attendees] == [
        ("a@example.org", ""),
        ("b@example.org", "Bo"),
    ]


def test_no_method_and_no_event():
    data = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nEND:VCALENDAR\r\n"
    summary = summarise(data, "UTC")
    assert (summary.method, summary.events) == ("", ())


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a calendar",
        b"\xff\xfe",
        b"BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n",
    ],
)
def test_unreadable_calendars(data):
    with pytest.raises(UnreadableCalendar):
        summarise(data, "UTC")
