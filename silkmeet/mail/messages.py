"""What each participant receives by e-mail, built from their personal row.

Invitations, updates and cancellations carry an iTIP calendar with the event
of their download (:func:`silkmeet.domain.ics.itip`); reminders and nudges
carry none. Outlook adds an event from the message's body, not from its
DESCRIPTION, so every body repeats the essentials: the recipient's local date
and time, the conference's time, their speaking slots with who speaks before
them, how to join, their personal link and the agenda.

Bodies and subjects are templates (``templates/mail/``), so that they can be
translated; the HTML ones are autoescaped. Local times arrive in them as text,
computed here (:mod:`silkmeet.domain.timewords`).

Every builder takes one row of :func:`silkmeet.invites.rows.personal_row`
and the sender's ``(name, address)``, and builds; nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from email.message import EmailMessage
from typing import NamedTuple

from flask import render_template
from flask import url_for
from sqlalchemy import case
from sqlalchemy import select

from silkmeet.cache import cached
from silkmeet.cache import content_key
from silkmeet.db import utcnow
from silkmeet.domain import ics
from silkmeet.domain import mail
from silkmeet.domain import reminders
from silkmeet.domain import timewords as tw
from silkmeet.domain.schedule import Before
from silkmeet.domain.schedule import turns_of
from silkmeet.extensions import db
from silkmeet.i18n import html_lang
from silkmeet.i18n import ngettext
from silkmeet.invites.operations import personal_parts
from silkmeet.invites.operations import reading_as
from silkmeet.invites.plan import reader_of
from silkmeet.models import Conference
from silkmeet.models import ConferenceOrganiser
from silkmeet.models import Organiser
from silkmeet.timetable import read_schedule

INVITATION = "invitation"
UPDATE = "update"
CANCELLATION = "cancellation"
# The kinds without a calendar are the reminders' (domain/reminders.py).
REMINDER = reminders.REMINDER
NUDGE = reminders.NUDGE
# The kinds that carry a calendar, and its method.
CALENDAR_KINDS = {
    INVITATION: ics.REQUEST,
    UPDATE: ics.REQUEST,
    CANCELLATION: ics.CANCEL,
}


class CannotSend(ValueError):
    """This message cannot be built for this participant; the text says why."""


class Built(NamedTuple):
    """A message, and the calendar event it carries (``None`` without one)."""

    message: EmailMessage
    ics_uid: str | None
    ics_sequence: int | None


@dataclass(frozen=True)
class SlotLine:
    """A speaking slot as the body gives it."""

    when: str
    start: str
    title: str
    # What comes just before (None: they open the conference); ``known`` is
    # False when the lineup no longer has the slot (a cancellation).
    before: Before | None
    known: bool = True


@dataclass(frozen=True)
class Essentials:
    """What every message's body says, in the recipient's time."""

    title: str
    name: str
    role: str
    zone: str
    your_time: str
    your_start: str
    conference_zone: str
    conference_time: str
    slots: tuple[SlotLine, ...]
    platform: str
    join_url: str
    meeting_id: str
    passcode: str
    dial_in: str
    personal_url: str
    agenda_url: str


def build_invitation(
    row,
    *,
    sender: tuple[str, str],
    kind: str = INVITATION,
    changes: Sequence[str] = (),
    slot: int | None = None,
    stamp: datetime | None = None,
    sent: Mapping[str, int] | None = None,
    reply_to: Sequence[tuple[str, str]] | None = None,
    domain: str | None = None,
    former_slot: ics.Slot | None = None,
) -> Built:
    """An invitation (REQUEST), an update (REQUEST, the same UID with the
    current SEQUENCE; ``changes`` say what changed) or a cancellation (CANCEL)
    for the participant of ``row``.

    ``slot`` (1 for their first speaking slot…) makes it about that slot, as
    an event of its own, instead of the meeting; a cancellation of a slot the
    lineup no longer gives them names it as ``former_slot`` (its UID, title and
    times as they were). ``sender`` is the mailbox it
    comes from, also the calendar's ORGANIZER, which receives the replies.
    ``sent``: calendar UID → the highest SEQUENCE of that event the recipient
    got already; calendars ignore an update that does not go above it, and any
    message below it. ``reply_to`` (default: the conference's organisers) and
    ``domain`` (of the Message-ID; default: the sender's) go to
    :func:`silkmeet.domain.mail.compose`.
    Raises :class:`CannotSend`, or :class:`~silkmeet.invites.plan.NoStartError`
    while the conference has no start.
    """
    method = CALENDAR_KINDS.get(kind)
    if method is None:
        raise ValueError(f"{kind!r} carries no calendar")
    with reading_as(row):
        return _build_invitation(
            row,
            method,
            sender=sender,
            kind=kind,
            changes=changes,
            slot=slot,
            stamp=stamp or utcnow(),
            sent=sent,
            reply_to=reply_to,
            domain=domain,
            former_slot=former_slot,
        )


def _build_invitation(
    row,
    method: str,
    *,
    sender: tuple[str, str],
    kind: str,
    changes: Sequence[str],
    slot: int | None,
    stamp: datetime,
    sent: Mapping[str, int] | None,
    reply_to: Sequence[tuple[str, str]] | None,
    domain: str | None,
    former_slot: ics.Slot | None,
) -> Built:
    """:func:`build_invitation`, in the recipient's language."""
    parts = _Parts(row, personal_link=method == ics.REQUEST)
    meeting, invitee = parts.meeting, parts.invitee
    speaking = event_slot = None
    if slot is not None and former_slot is not None:
        if method != ics.CANCEL:
            raise ValueError("a former speaking slot can only be cancelled")
        event_slot = former_slot
        speaking = _slot_line(
            former_slot.start,
            former_slot.end,
            invitee.zone,
            former_slot.title,
            None,
            known=False,
        )
    elif slot is not None:
        if not 1 <= slot <= len(invitee.slots):
            raise CannotSend(f"{invitee.name} has no speaking slot {slot}")
        speaking = parts.essentials.slots[slot - 1]
        event_slot = invitee.slots[slot - 1]
    try:
        calendar = ics.itip(
            meeting,
            invitee,
            stamp,
            method=method,
            organizer=sender,
            slot=event_slot,
        )
    except ValueError as error:
        raise CannotSend(f"{invitee.name}: {error}") from None
    before = (sent or {}).get(calendar.uid)
    if before is not None and (
        calendar.sequence < before or (kind == UPDATE and calendar.sequence == before)
    ):
        raise CannotSend(
            f"{invitee.name} has this event at SEQUENCE {before} already: "
            "nothing in the invitation changed since, and calendars would ignore it"
        )
    context = {
        "speaking": speaking,
        "changes": [mail.header_text(c) for c in changes if c.strip()],
        "conference_cancelled": meeting.cancelled,
    }
    message = parts.compose(kind, stamp, context, calendar, sender, reply_to, domain)
    return Built(message, calendar.uid, calendar.sequence)


def build_reminder(
    row,
    *,
    sender: tuple[str, str],
    lead: timedelta,
    stamp: datetime | None = None,
    reply_to: Sequence[tuple[str, str]] | None = None,
    domain: str | None = None,
) -> Built:
    """A reminder that the meeting starts in ``lead`` (1 day, 1 hour), with
    the essentials again; no calendar."""
    context = {"lead": in_words(lead)}
    return _plain(row, REMINDER, stamp, context, sender, reply_to, domain)


def build_nudge(
    row,
    *,
    sender: tuple[str, str],
    stamp: datetime | None = None,
    reply_to: Sequence[tuple[str, str]] | None = None,
    domain: str | None = None,
) -> Built:
    """A request to say whether they come, on their personal page; no
    calendar."""
    return _plain(row, NUDGE, stamp, {}, sender, reply_to, domain)


def _plain(row, kind: str, stamp: datetime | None, context: dict, *origin) -> Built:
    with reading_as(row):
        parts = _Parts(row, personal_link=True)
        if parts.meeting.cancelled or parts.invitee.removed:
            raise CannotSend(f"{parts.invitee.name} is not expected at this conference")
        message = parts.compose(kind, stamp or utcnow(), context, None, *origin)
    return Built(message, None, None)


def in_words(span: timedelta) -> str:
    """``1 day``, ``2 hours``, ``1 day 6 hours``, ``30 minutes``."""
    minutes = max(0, round(span.total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    words = []
    if days:
        words.append(ngettext("%(num)d day", "%(num)d days", days))
    if hours:
        words.append(ngettext("%(num)d hour", "%(num)d hours", hours))
    if minutes:
        words.append(ngettext("%(num)d minute", "%(num)d minutes", minutes))
    return " ".join(words[:2]) or ngettext("%(num)d minute", "%(num)d minutes", 0)


class _Parts:
    """One participant's meeting, invitee and body essentials."""

    def __init__(self, row, personal_link: bool):
        self.row = row
        self.meeting, self.invitee = personal_parts(row)
        if not (row.email or "").strip():
            raise CannotSend(f"{self.invitee.name} has no e-mail address")
        # The personal link is the page the invite's DESCRIPTION points to;
        # it is empty without an address to build it on (and for a removed
        # participant, whom the callers refuse such a message).
        removed = self.invitee.removed
        if personal_link and not removed and not self.invitee.agenda_url:
            raise CannotSend(
                "Links in e-mail need the site's address: set SILKMEET_SERVER_NAME"
            )
        self.conference = db.session.get(Conference, row.conference_id)
        # The language it is built in (the caller's reading_as(row)).
        self.locale = reader_of(row)
        self.essentials = self._essentials()

    def _essentials(self) -> Essentials:
        meeting, invitee, zone = self.meeting, self.invitee, self.invitee.zone
        return Essentials(
            title=meeting.title,
            name=invitee.name,
            role=invitee.role,
            zone=zone,
            your_time=tw.range_words(meeting.start, meeting.end, zone),
            your_start=tw.when_words(meeting.start, zone),
            conference_zone=meeting.zone,
            conference_time=tw.when_words(meeting.start, meeting.zone),
            slots=self._slots(),
            platform=meeting.platform,
            join_url=meeting.safe_join_url,
            meeting_id=meeting.meeting_id,
            passcode=meeting.passcode,
            dial_in=meeting.dial_in,
            personal_url=self.invitee.agenda_url,
            agenda_url=self._agenda_url(),
        )

    def _slots(self) -> tuple[SlotLine, ...]:
        zone, slots = self.invitee.zone, self.invitee.slots
        if self.invitee.removed or not slots:
            # Out of the lineup: the slots their invite had, nothing before.
            return tuple(
                _slot_line(s.start, s.end, zone, s.title, None, known=False)
                for s in slots
            )
        return tuple(
            _slot_line(t.slot.start, t.slot.end, zone, t.item.title, t.before)
            for t in turns_of(self._schedule(), self.row.id)
        )

    def _schedule(self):
        row = self.row
        key = content_key(
            row.conference_id, row.conference_created_at, row.content_version
        )
        return cached(
            "mail-schedule",
            key,
            self.locale,
            lambda: read_schedule(self.conference, self.locale),
        )

    def _agenda_url(self) -> str:
        """The conference's agenda in the recipient's zone, where they may open
        it: not while it is a draft, with the share key when it is shared by
        link only."""
        conference = self.conference
        if conference.status == "draft":
            return ""
        key = (
            conference.agenda_share_token
            if conference.agenda_visibility != "public"
            else None
        )
        try:
            return url_for(
                "agenda.show_agenda",
                slug=conference.slug,
                key=key,
                tz=self.invitee.zone,
                _external=True,
            )
        except RuntimeError:
            return ""

    def compose(
        self,
        kind: str,
        stamp: datetime,
        context: dict,
        calendar: ics.Itip | None,
        sender: tuple[str, str],
        reply_to: Sequence[tuple[str, str]] | None,
        domain: str | None,
    ) -> EmailMessage:
        context = {"kind": kind, "e": self.essentials, **context}
        if reply_to is None:
            reply_to = organiser_mailboxes(self.row.conference_id)
        try:
            return mail.compose(
                sender=sender,
                to=(self.invitee.name, self.row.email),
                reply_to=reply_to,
                subject=render_template("mail/subject.txt", **context),
                text=_tidy(render_template(f"mail/{kind}.txt", **context)),
                html=render_template(f"mail/{kind}.html", **context),
                stamp=stamp,
                calendar=calendar,
                domain=domain,
                language=html_lang(self.locale),
            )
        except mail.InvalidAddress as error:
            raise CannotSend(str(error)) from None


def _slot_line(
    start: datetime,
    end: datetime,
    zone: str,
    title: str,
    before: Before | None,
    known: bool = True,
) -> SlotLine:
    return SlotLine(
        when=tw.range_words(start, end, zone),
        start=tw.when_words(start, zone),
        title=title,
        before=before,
        known=known,
    )


def _tidy(text: str) -> str:
    """Plain text as templates leave it, without trailing spaces and runs of
    blank lines."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def organiser_mailboxes(conference_id: int) -> list[tuple[str, str]]:
    """The conference's organisers as ``(name, address)``, owners first: where
    a participant's reply goes."""
    rows = db.session.execute(
        select(Organiser.name, Organiser.email)
        .join(ConferenceOrganiser, ConferenceOrganiser.organiser_id == Organiser.id)
        .where(ConferenceOrganiser.conference_id == conference_id)
        .order_by(
            case((ConferenceOrganiser.access == "owner", 0), else_=1), Organiser.id
        )
    ).all()
    return [(row.name, row.email) for row in rows]
