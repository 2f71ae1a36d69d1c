"""iCalendar bytes from plain dataclasses: invites, feeds, the conference calendar.

Every instant is written in UTC (``…Z``). A one-off meeting needs no VTIMEZONE
then, and every client converts it to the reader's zone; icalendar's generated
VTIMEZONE is RDATE-based and Outlook misreads it (see ICALENDAR.md). The local
times people read are in DESCRIPTION, computed with :mod:`timezones`.

Downloads use ``METHOD:PUBLISH`` without attendees or RSVP: a delegate who saves
a file is not an iTIP recipient. A removed participant, or everybody once the
conference is cancelled, gets ``METHOD:CANCEL`` with ``STATUS:CANCELLED`` and a
SEQUENCE one above the revision, so that calendars do not ignore it as stale.

E-mailed invitations (:func:`itip`) are iTIP messages: REQUEST or CANCEL, one
event per calendar, the sending mailbox as ORGANIZER and the recipient as the
one ATTENDEE; same UIDs and SEQUENCEs as the downloads, so that a mailed
invitation and a downloaded file are the same event in a calendar.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from functools import cached_property

from icalendar import Alarm
from icalendar import Calendar
from icalendar import Event
from icalendar import vCalAddress
from icalendar import vText
from icalendar import vUri

from silkmeet.domain import fields
from silkmeet.domain import timewords as tw
from silkmeet.domain import timezones as tz
from silkmeet.domain import words
from silkmeet.domain.words import _
from silkmeet.domain.words import ngettext

PRODID = "-//silkmeet//silkmeet invites//EN"
MEETING_ALARM = timedelta(minutes=15)
SLOT_ALARM = timedelta(minutes=10)
FEED_REFRESH = timedelta(hours=1)
# How many of the first agenda items an invite's DESCRIPTION lists; the
# participant's own items are always listed as well, and a line points to the
# full agenda.
SHORT_AGENDA = 8

# A UID namespace of our own, so that silkmeet's UUIDs never collide with others'.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "uid.silkmeet.invalid")

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
# Any instant: a prefab's holes are filled before it is written.
_PLACEHOLDER = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Slot:
    """A speaker's own turn, or an agenda item."""

    uid: str
    title: str
    start: datetime
    end: datetime
    detail: str = ""
    # For a speaking slot: the UID of the agenda item it belongs to.
    item: str = ""


@dataclass(frozen=True)
class Meeting:
    """What every participant's invite of one conference shares."""

    uid: str
    title: str
    zone: str
    start: datetime
    end: datetime
    revision: int
    cancelled: bool = False
    description: str = ""
    platform: str = ""
    join_url: str = ""
    meeting_id: str = ""
    passcode: str = ""
    dial_in: str = ""
    organizer_name: str = ""
    organizer_email: str = ""
    agenda: tuple[Slot, ...] = ()
    # How many items the whole agenda has, when ``agenda`` holds only some of
    # them (an invite needs only the first few and the participant's own);
    # 0 means ``agenda`` is complete.
    agenda_total: int = 0

    # Computed once per meeting and shared by every event built from it (a
    # frozen dataclass still has a __dict__ for cached_property).

    @cached_property
    def safe_join_url(self) -> str:
        return safe_uri(self.join_url)

    @cached_property
    def organizer(self) -> vCalAddress | None:
        return _organizer(self)

    @cached_property
    def conference_property(self) -> vUri | None:
        join = self.safe_join_url
        if not join:
            return None
        # RFC 7986 CONFERENCE, as an extra. Parameters set by hand: icalendar's
        # Conference(feature=[...]) quotes the list as one value (ICALENDAR.md).
        conference = vUri(join)
        conference.params["VALUE"] = "URI"
        conference.params["FEATURE"] = ["AUDIO", "VIDEO"]
        conference.params["LABEL"] = param_text(self.platform or _("Video call"))
        return conference

    @cached_property
    def published_invite(self) -> Prefab:
        """Every PUBLISH invite's calendar and meeting event, but for the
        participant's DTSTAMP and DESCRIPTION; their slots go in before the
        calendar's END."""
        cal = _calendar(self.title, "PUBLISH")
        cal.add_component(_meeting_event(self, _PLACEHOLDER, "", False))
        return Prefab(
            cal,
            {"dtstamp": (2, "DTSTAMP"), "description": (2, "DESCRIPTION")},
        )

    @cached_property
    def published_slot(self) -> Prefab:
        """Every PUBLISH invite's speaking-slot event, but for its own lines."""
        return Prefab(
            _event(
                self,
                "",
                "",
                _PLACEHOLDER,
                _PLACEHOLDER,
                _PLACEHOLDER,
                self.revision,
                "",
                SLOT_ALARM,
                False,
            ),
            _OWN_LINES,
        )

    @cached_property
    def agenda_index(self) -> dict[str, int]:
        """Agenda item UID → its position in ``agenda``."""
        return {item.uid: n for n, item in enumerate(self.agenda)}


@dataclass(frozen=True)
class Invitee:
    name: str
    role: str
    zone: str
    email: str = ""
    delegation: str = ""
    removed: bool = False
    slots: tuple[Slot, ...] = ()
    # Where this participant reads the whole agenda in their own time.
    agenda_url: str = ""


DEFAULT_UID_DOMAIN = "silkmeet.invalid"


def legacy_conference_uid(slug: str, domain: str | None = None) -> str:
    """The meeting UID silkmeet derived from the slug before conferences had a
    ``uid`` of their own (``Conference.uid``): the migration gave it to every
    conference that existed then, and an import gives it to a document without
    a uid (an older backup), so that neither changes the UID people have."""
    domain = domain or DEFAULT_UID_DOMAIN
    return str(uuid.uuid5(NAMESPACE, f"{domain}/conference/{slug}"))


def derived_uid(parent: str, *parts: object) -> str:
    """A UID for a part of a meeting (a speaking slot, an agenda item)."""
    return str(uuid.uuid5(uuid.UUID(parent), "/".join(str(p) for p in parts)))


def one_line(text: str) -> str:
    """Text for a one-line property such as SUMMARY: control characters removed."""
    return _CONTROL.sub(" ", text or "").strip()


def param_text(text: str) -> str:
    """A parameter value (CN, LABEL): one line and no DQUOTE.

    Parameter values cannot escape a line break (RFC 5545 3.2) and DQUOTE ends
    a quoted value.
    """
    return one_line(text).replace('"', "'")


def safe_uri(url: str) -> str:
    """A join link as :func:`fields.join_url` takes it, else ``""``: what went
    into the database past it (an older row) never reaches a calendar."""
    try:
        return fields.join_url(url)
    except fields.FieldError:
        return ""


def utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("expected an aware instant")
    return instant.astimezone(UTC)


def _time_lines(
    meeting: Meeting,
    start: datetime,
    end: datetime | None = None,
    zone: str = "",
    _: Callable[..., str] = _,
) -> list[str]:
    """The participant's own time of ``start``–``end`` (when ``zone`` is
    given), then the conference's time and UTC of ``start``; ``_``: the
    caller's :func:`words.bound` translator."""
    lines = [
        _(
            "Conference time (%(zone)s): %(time)s",
            zone=meeting.zone,
            time=tw.when_words(start, meeting.zone),
        ),
        _("UTC: %(time)s", time=tw.when_words(start, "UTC")),
    ]
    if zone and end is not None:
        lines.insert(
            0,
            _(
                "Your time (%(zone)s): %(time)s",
                zone=zone,
                time=tw.range_words(start, end, zone),
            ),
        )
    return lines


def invite_text(meeting: Meeting, invitee: Invitee) -> str:
    """The invite's DESCRIPTION: role, times in three zones, how to join, agenda."""
    _ = words.bound()  # a dozen messages for every participant: one look-up
    lines = []
    if invitee.removed or meeting.cancelled:
        lines += [
            _("CANCELLED: this conference was cancelled.")
            if meeting.cancelled
            else _("CANCELLED: you are no longer on this conference's list."),
            "",
        ]
    role = invitee.role
    if invitee.delegation:
        # Translators: role is a participant's role (Speaker), delegation a country.
        role = _(
            "%(role)s, delegation of %(delegation)s",
            role=role,
            delegation=invitee.delegation,
        )
    lines.append(_("Your role: %(role)s", role=role))
    lines += _time_lines(meeting, meeting.start, meeting.end, invitee.zone, _)
    for slot in invitee.slots:
        lines.append(
            _(
                "You speak: %(time)s in %(title)s",
                time=tw.range_words(slot.start, slot.end, invitee.zone),
                title=one_line(slot.title),
            )
        )
    lines.append("")
    join = meeting.safe_join_url
    if join:
        lines.append(_join_line(meeting.platform, join, _))
    if meeting.meeting_id:
        lines.append(_("Meeting ID: %(id)s", id=meeting.meeting_id))
    if meeting.passcode:
        lines.append(_("Passcode: %(passcode)s", passcode=meeting.passcode))
    if meeting.dial_in:
        lines.append(_("Dial-in: %(numbers)s", numbers=meeting.dial_in))
    lines += _agenda_lines(meeting, invitee, _)
    return "\n".join(lines)


def _join_line(platform: str, join: str, _: Callable[..., str] = _) -> str:
    """``Join (Zoom): https://…``: how to join, in the reader's language."""
    if platform:
        return _("Join (%(platform)s): %(url)s", platform=platform, url=join)
    return _("Join: %(url)s", url=join)


def short_agenda(meeting: Meeting, invitee: Invitee) -> list[tuple[Slot, bool]]:
    """The agenda items an invite lists: the first :data:`SHORT_AGENDA`, then
    every item the participant speaks in, each with whether they speak in it."""
    agenda = meeting.agenda
    mine: set[int] = set()
    for slot in invitee.slots:
        if slot.item:
            position = meeting.agenda_index.get(slot.item)
            if position is not None:
                mine.add(position)
        else:
            # A slot that does not name its item: the item it falls in.
            mine.update(
                n
                for n, item in enumerate(agenda)
                if item.start <= slot.start < max(item.end, item.start + _MINUTE)
            )
    shown = sorted(set(range(min(SHORT_AGENDA, len(agenda)))) | mine)
    return [(agenda[n], n in mine) for n in shown]


_MINUTE = timedelta(minutes=1)


def _agenda_lines(
    meeting: Meeting, invitee: Invitee, _: Callable[..., str] = _
) -> list[str]:
    if not meeting.agenda:
        return []
    total = max(meeting.agenda_total, len(meeting.agenda))
    listed = short_agenda(meeting, invitee)
    lines = ["", _("Agenda (your time, %(zone)s):", zone=invitee.zone)]
    later = False
    for n, (item, speaking) in enumerate(listed):
        if n >= SHORT_AGENDA and not later:
            lines.append(_("Later, you speak in:"))
            later = True
        local = f"{tz.to_local(item.start, invitee.zone):%H:%M}"
        title = one_line(item.title)
        if speaking:
            line = _("%(time)s %(title)s (you speak)", time=local, title=title)
        else:
            line = f"{local} {title}"
        lines.append(line)
    more = total - len(listed)
    if more > 0:
        if invitee.agenda_url:
            lines.append(
                ngettext(
                    "… and %(num)d more item: %(url)s",
                    "… and %(num)d more items: %(url)s",
                    more,
                    url=invitee.agenda_url,
                )
            )
        else:
            lines.append(
                ngettext("… and %(num)d more item.", "… and %(num)d more items.", more)
            )
    return lines


def _calendar(name: str, method: str | None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    cal.add("name", vText(one_line(name)))
    cal.add("x-wr-calname", vText(one_line(name)))
    return cal


def calendar_address(name: str, email: str) -> vCalAddress | None:
    """``mailto:`` with a CN, for ORGANIZER and ATTENDEE; None for an address
    that cannot be one (empty, or with spaces)."""
    email = one_line(email)
    if not email or " " in email:
        return None
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = param_text(name)
    return address


def _organizer(meeting: Meeting) -> vCalAddress | None:
    return calendar_address(meeting.organizer_name, meeting.organizer_email)


def _attendee(invitee: Invitee, rsvp: bool) -> vCalAddress | None:
    """The participant as ATTENDEE; ``rsvp``: a REQUEST asking for a reply."""
    attendee = calendar_address(invitee.name, invitee.email)
    if attendee is not None and rsvp:
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["PARTSTAT"] = "NEEDS-ACTION"
        attendee.params["RSVP"] = "TRUE"
    return attendee


def _event(
    meeting: Meeting,
    uid: str,
    summary: str,
    start: datetime,
    end: datetime,
    stamp: datetime,
    sequence: int,
    description: str,
    alarm: timedelta | None,
    cancelled: bool,
    organizer: vCalAddress | None = None,
    attendee: vCalAddress | None = None,
) -> Event:
    """One event; ``organizer`` replaces the meeting's ORGANIZER (an e-mailed
    REQUEST names the mailbox that sends it and reads the replies)."""
    own = _own_values(uid, summary, start, end, stamp, description)
    event = Event()
    for name in ("uid", "dtstamp", "dtstart", "dtend"):
        event.add(name, own[name])
    event.add("sequence", sequence)
    event.add("summary", own["summary"])
    event.add("description", own["description"])
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    organizer = organizer if organizer is not None else meeting.organizer
    if organizer is not None:
        event.add("organizer", organizer)
    if attendee is not None:
        event.add("attendee", attendee)
    join = meeting.safe_join_url
    if join:
        event.add("location", join)
        event.add("url", vUri(join))
        event.add("conference", meeting.conference_property)
    if alarm is not None and not cancelled:
        reminder = Alarm()
        reminder.add("action", "DISPLAY")
        reminder.add("description", own["alarm"])
        reminder.add("trigger", -alarm)
        event.add_component(reminder)
    return event


def _own_values(
    uid: str,
    summary: str,
    start: datetime,
    end: datetime,
    stamp: datetime,
    description: str,
) -> dict[str, object]:
    """The values of an event's own lines (``alarm``: its alarm's DESCRIPTION)."""
    return {
        "uid": uid,
        "dtstamp": utc(stamp),
        "dtstart": utc(start),
        "dtend": utc(max(end, start + timedelta(minutes=1))),
        "summary": one_line(summary),
        "description": description,
        "alarm": summary,
    }


# Where each value of _own_values goes: (depth below the event, property).
_OWN_LINES = {
    "uid": (1, "UID"),
    "dtstamp": (1, "DTSTAMP"),
    "dtstart": (1, "DTSTART"),
    "dtend": (1, "DTEND"),
    "summary": (1, "SUMMARY"),
    "description": (1, "DESCRIPTION"),
    "alarm": (2, "DESCRIPTION"),
}


def _finish(cal: Calendar) -> bytes:
    return cal.to_ical()


def invite(meeting: Meeting, invitee: Invitee, stamp: datetime) -> bytes:
    """One participant's invite: the meeting, and each of their speaking slots.

    PUBLISH while they are expected; CANCEL (SEQUENCE raised above the
    revision) once they are removed or the conference is cancelled.

    A PUBLISH invite is written from the meeting's :class:`Prefab`: what every
    participant's file shares is serialised once per meeting, and only the
    participant's own lines (DTSTAMP, DESCRIPTION, their slots) each time. The
    bytes are those of :func:`invite_built` (tested equal).
    """
    if meeting.cancelled or invitee.removed:
        return invite_built(meeting, invitee, stamp)
    slot = meeting.published_slot
    slots = [
        slot.render(_own_values(*_slot_parts(meeting, invitee, each, stamp)))
        for each in invitee.slots
    ]
    return meeting.published_invite.render(
        {"dtstamp": utc(stamp), "description": invite_text(meeting, invitee)}, slots
    )


def invite_built(meeting: Meeting, invitee: Invitee, stamp: datetime) -> bytes:
    """:func:`invite`, every line built and serialised by icalendar."""
    cancel = meeting.cancelled or invitee.removed
    cal = _calendar(meeting.title, "CANCEL" if cancel else "PUBLISH")
    description = invite_text(meeting, invitee)
    # RFC 5546 CANCEL names the attendees it removes; no RSVP is asked.
    attendee = (
        _attendee(invitee, rsvp=False)
        if cancel and meeting.organizer is not None
        else None
    )
    cal.add_component(
        _meeting_event(meeting, stamp, description, cancel, attendee=attendee)
    )
    sequence = event_sequence(meeting, cancel)
    for slot in invitee.slots:
        cal.add_component(_slot_event(meeting, invitee, slot, stamp, sequence, cancel))
    return _finish(cal)


def _meeting_event(
    meeting: Meeting,
    stamp: datetime,
    description: str,
    cancel: bool,
    organizer: vCalAddress | None = None,
    attendee: vCalAddress | None = None,
) -> Event:
    return _event(
        meeting,
        meeting.uid,
        cancelled_summary(meeting.title) if cancel else meeting.title,
        meeting.start,
        meeting.end,
        stamp,
        event_sequence(meeting, cancel),
        description,
        MEETING_ALARM,
        cancel,
        organizer,
        attendee,
    )


def cancelled_summary(summary: str) -> str:
    """A cancelled event's SUMMARY: ``Cancelled: …`` in the reader's language."""
    return _("Cancelled: %(summary)s", summary=summary)


def event_sequence(meeting: Meeting, cancel: bool) -> int:
    """The SEQUENCE of the meeting's events: the invite revision, one above it
    for a cancellation (which calendars would otherwise ignore as stale)."""
    return meeting.revision + 1 if cancel else meeting.revision


class Prefab:
    """A component serialised once, with holes for the lines that change from
    file to file.

    Serialising is icalendar's own, line by line (``Component.content_line``,
    as ``to_ical`` does it); what is kept is the bytes of the lines that never
    change. ``render`` fills the holes (and puts ``inner`` bytes before the
    component's END line) and returns what ``to_ical`` would.

    ``holes``: value name → ``(depth, property)``; depth 1 is the component's
    own lines, 2 those of its subcomponents, and so on.
    """

    def __init__(self, component, holes: dict[str, tuple[int, str]]):
        where = {spot: key for key, spot in holes.items()}
        self._holes = set(holes)
        self._names = {key: spot[1] for key, spot in holes.items()}
        self._chunks: list[bytes | str] = []
        fixed = b""
        lines = _content_lines(component)
        for depth, name, line in lines[:-1]:
            key = where.get((depth, name))
            if key is not None:
                self._chunks += [fixed, key]
                fixed = b""
            else:
                fixed += line
        self._chunks.append(fixed)
        self._end = lines[-1][2]

    def render(self, values: dict[str, object], inner=()) -> bytes:
        if set(values) != self._holes:
            raise ValueError(f"expected values for {sorted(self._holes)}")
        parts = []
        for chunk in self._chunks:
            if isinstance(chunk, str):
                filler = Event()
                filler.add(self._names[chunk], values[chunk])
                name = self._names[chunk]
                chunk = _line(filler, name, filler[name])
            parts.append(chunk)
        parts += inner
        parts.append(self._end)
        return b"".join(parts)


def _line(component, name: str, value) -> bytes:
    return component.content_line(name, value).to_ical() + b"\r\n"


def _content_lines(component) -> list[tuple[int, str, bytes]]:
    """``(depth, name, bytes)`` of each line ``component.to_ical()`` writes."""
    lines = []
    depth = 0
    for name, value in component.property_items():
        if name == "END":
            depth -= 1
        lines.append((depth, name, _line(component, name, value)))
        if name == "BEGIN":
            depth += 1
    return lines


def _slot_event(
    meeting: Meeting,
    invitee: Invitee,
    slot: Slot,
    stamp: datetime,
    sequence: int,
    cancelled: bool,
    organizer: vCalAddress | None = None,
    attendee: vCalAddress | None = None,
) -> Event:
    uid, summary, start, end, stamp, description = _slot_parts(
        meeting, invitee, slot, stamp, cancelled
    )
    return _event(
        meeting,
        uid,
        summary,
        start,
        end,
        stamp,
        sequence,
        description,
        SLOT_ALARM,
        cancelled,
        organizer,
        attendee,
    )


def _slot_parts(
    meeting: Meeting,
    invitee: Invitee,
    slot: Slot,
    stamp: datetime,
    cancelled: bool = False,
) -> tuple[str, str, datetime, datetime, datetime, str]:
    """A speaking slot's UID, summary, start, end, stamp and description."""
    _ = words.bound()
    summary = _("You speak: %(title)s", title=slot.title)
    if cancelled:
        summary = cancelled_summary(summary)
    join = meeting.safe_join_url
    description = "\n".join(
        [
            _("Your speaking slot in %(title)s.", title=one_line(meeting.title)),
            *_time_lines(meeting, slot.start, slot.end, invitee.zone, _),
            *([slot.detail] if slot.detail else []),
            *([_("Join: %(url)s", url=join)] if join else []),
        ]
    )
    return slot.uid, summary, slot.start, slot.end, stamp, description


def feed(meeting: Meeting, invitee: Invitee, stamp: datetime) -> bytes:
    """A participant's subscription: the same events, re-read on every poll.

    No METHOD (a subscribed calendar is not a message); a cancellation shows as
    STATUS:CANCELLED events.
    """
    cancel = meeting.cancelled or invitee.removed
    sequence = event_sequence(meeting, cancel)
    cal = _calendar(meeting.title, None)
    cal.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    cal.add_component(
        _meeting_event(meeting, stamp, invite_text(meeting, invitee), cancel)
    )
    for slot in invitee.slots:
        cal.add_component(_slot_event(meeting, invitee, slot, stamp, sequence, cancel))
    return _finish(cal)


# -- e-mailed invitations (iTIP, RFC 5546) ------------------------------------------

REQUEST = "REQUEST"
CANCEL = "CANCEL"


@dataclass(frozen=True)
class Itip:
    """An e-mailed calendar: one event for one recipient. ``method`` is also the
    MIME part's ``method=``; ``uid`` and ``sequence`` tell which event it
    replaces."""

    method: str
    uid: str
    sequence: int
    data: bytes


def itip(
    meeting: Meeting,
    invitee: Invitee,
    stamp: datetime,
    *,
    method: str,
    organizer: tuple[str, str],
    slot: Slot | None = None,
) -> Itip:
    """A REQUEST or CANCEL for one participant, with one VEVENT: the meeting,
    or ``slot`` (one of their speaking slots) as its own event.

    UID, SEQUENCE, times, LOCATION, URL, CONFERENCE and DESCRIPTION are those
    of the participant's download; ORGANIZER is ``organizer`` (name, address:
    the mailbox that sends the invitation and reads the replies, never an
    organiser's login), and the participant is the one ATTENDEE, asked for a
    reply in a REQUEST. A removed participant or a cancelled conference gets
    only a CANCEL (STATUS:CANCELLED, SEQUENCE above the REQUESTs'): a REQUEST
    carrying STATUS:CANCELLED leaves the event in calendars.
    """
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"unknown iTIP method {method!r}")
    cancel = method == CANCEL
    gone = meeting.cancelled or invitee.removed
    if not cancel and gone:
        raise ValueError(
            "a removed participant or a cancelled conference gets a cancellation, "
            "not an invitation"
        )
    if cancel and slot is None and not gone:
        # The DESCRIPTION would not say why; the meeting still stands for them.
        raise ValueError(
            "the meeting is cancelled only for a removed participant or a "
            "cancelled conference"
        )
    sender = calendar_address(*organizer)
    attendee = _attendee(invitee, rsvp=not cancel)
    if sender is None or attendee is None:
        raise ValueError("an invitation needs the sender's and the recipient's address")
    sequence = event_sequence(meeting, cancel)
    cal = _calendar(meeting.title, method)
    if slot is None:
        description = invite_text(meeting, invitee)
        event = _meeting_event(meeting, stamp, description, cancel, sender, attendee)
    else:
        event = _slot_event(
            meeting, invitee, slot, stamp, sequence, cancel, sender, attendee
        )
    cal.add_component(event)
    return Itip(method, str(event["UID"]), sequence, _finish(cal))


def agenda_calendar(meeting: Meeting, stamp: datetime) -> bytes:
    """The whole conference: one event per agenda item (METHOD:PUBLISH)."""
    cal = _calendar(meeting.title, "PUBLISH")
    join = meeting.safe_join_url
    _ = words.bound()  # one event per item, each with its text
    for item in meeting.agenda:
        lines = [
            _("Part of %(title)s.", title=one_line(meeting.title)),
            *_time_lines(meeting, item.start, _=_),
        ]
        if item.detail:
            lines.append(one_line(item.detail))
        if join:
            lines.append(_("Join: %(url)s", url=join))
        cal.add_component(
            _event(
                meeting,
                item.uid,
                item.title,
                item.start,
                item.end,
                stamp,
                meeting.revision,
                "\n".join(lines),
                None,
                meeting.cancelled,
            )
        )
    return _finish(cal)


__all__ = [
    "CANCEL",
    "REQUEST",
    "Invitee",
    "Itip",
    "Meeting",
    "Slot",
    "agenda_calendar",
    "legacy_conference_uid",
    "derived_uid",
    "feed",
    "invite",
    "invite_built",
    "invite_text",
    "itip",
]
