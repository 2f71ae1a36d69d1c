"""What a calendar in a message says, read back for the organisers.

The outbox page shows the calendar a participant received as text and as a
summary: the iTIP METHOD, and per event its UID, SEQUENCE, times (read in the
organiser's zone), ORGANIZER and ATTENDEEs. This reads any calendar, not only
silkmeet's: a stored message is shown as it is, whatever built it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime

from icalendar import Calendar

from silkmeet.domain import timewords as tw
from silkmeet.domain.words import _

# The ATTENDEE/ORGANIZER parameters worth showing beside the address, in order.
PARTY_PARAMS = ("ROLE", "PARTSTAT", "RSVP")


class UnreadableCalendar(ValueError):
    """The bytes are not an iCalendar VCALENDAR."""


@dataclass(frozen=True)
class Party:
    """An ORGANIZER or ATTENDEE: the address (``mailto:`` dropped), its CN, and
    its parameters as ``NAME=value`` strings."""

    address: str
    name: str
    params: tuple[str, ...]


@dataclass(frozen=True)
class EventSummary:
    uid: str
    sequence: int | None
    summary: str
    status: str
    start: str
    end: str
    organizer: Party | None
    attendees: tuple[Party, ...]


@dataclass(frozen=True)
class CalendarSummary:
    method: str
    events: tuple[EventSummary, ...]


def time_label(value: object, zone: str) -> str:
    """A DTSTART/DTEND value as read in ``zone``; a floating time and a date
    say what they are, since no zone applies to them."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            written = f"{value:%a %d %b %Y, %H:%M}"
            return _("%(time)s (floating: no time zone)", time=written)
        return tw.when_words(value, zone)
    if isinstance(value, date):
        written = f"{value:%a %d %b %Y}"
        return _("%(date)s (all day)", date=written)
    return ""


def _text(component, name: str) -> str:
    value = component.get(name)
    return "" if value is None else str(value)


def _party(value) -> Party:
    address = str(value)
    if address.lower().startswith("mailto:"):
        address = address[len("mailto:") :]
    params = getattr(value, "params", {})
    return Party(
        address=address,
        name=str(params.get("CN", "")),
        params=tuple(f"{key}={params[key]}" for key in PARTY_PARAMS if key in params),
    )


def _parties(component, name: str) -> tuple[Party, ...]:
    value = component.get(name)
    if value is None:
        return ()
    values = value if isinstance(value, list) else [value]
    return tuple(_party(each) for each in values)


def _moment(component, name: str, zone: str) -> str:
    prop = component.get(name)
    return "" if prop is None else time_label(getattr(prop, "dt", None), zone)


def _sequence(component) -> int | None:
    value = component.get("SEQUENCE")
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def summarise(data: bytes, zone: str) -> CalendarSummary:
    """The METHOD and the events of an iCalendar, times read in ``zone``.

    Raises :class:`UnreadableCalendar` for bytes icalendar cannot parse into a
    VCALENDAR.
    """
    try:
        calendar = Calendar.from_ical(data)
    except ValueError as exc:
        raise UnreadableCalendar(str(exc)) from exc
    if not isinstance(calendar, Calendar) or calendar.name != "VCALENDAR":
        raise UnreadableCalendar("not a VCALENDAR")
    events = []
    for event in calendar.walk("VEVENT"):
        organizers = _parties(event, "ORGANIZER")
        events.append(
            EventSummary(
                uid=_text(event, "UID"),
                sequence=_sequence(event),
                summary=_text(event, "SUMMARY"),
                status=_text(event, "STATUS"),
                start=_moment(event, "DTSTART", zone),
                end=_moment(event, "DTEND", zone),
                organizer=organizers[0] if organizers else None,
                attendees=_parties(event, "ATTENDEE"),
            )
        )
    return CalendarSummary(method=_text(calendar, "METHOD"), events=tuple(events))
