"""What an invitation said, and what changed since.

Each e-mailed invitation, update or cancellation records the essentials it
carried (:class:`InviteState`, stored as JSON beside the message in the
outbox). Comparing that record with the participant's essentials now tells
whether the invitation they hold is outdated, and :func:`changes` says how, in
sentences for the organiser's page and the update's body.

The essentials are what a participant acts on: the conference's title, its
times, how to join (platform, link, meeting ID, passcode, dial-in) and their
own speaking slots. A change elsewhere in the lineup raises the invite revision
but leaves their essentials, and so their invitation, as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from silkmeet.domain import ics
from silkmeet.domain import timewords as tw
from silkmeet.domain.words import _


@dataclass(frozen=True)
class SlotState:
    """A speaking slot as an invitation gave it."""

    title: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class InviteState:
    """The essentials of one participant's invitation."""

    title: str
    start: datetime
    end: datetime
    platform: str = ""
    join_url: str = ""
    meeting_id: str = ""
    passcode: str = ""
    dial_in: str = ""
    slots: tuple[SlotState, ...] = ()
    # A cancellation: the conference is off, or they are off its list.
    cancelled: bool = False
    # The token of the personal link it gave ("" when unknown): a revoked link
    # makes the invitation outdated.
    link: str = ""

    def to_json(self) -> dict:
        return {
            "title": self.title,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "platform": self.platform,
            "join_url": self.join_url,
            "meeting_id": self.meeting_id,
            "passcode": self.passcode,
            "dial_in": self.dial_in,
            "slots": [
                {
                    "title": s.title,
                    "start": s.start.isoformat(),
                    "end": s.end.isoformat(),
                }
                for s in self.slots
            ],
            "cancelled": self.cancelled,
            "link": self.link,
        }

    @classmethod
    def from_json(cls, data: Mapping) -> InviteState:
        return cls(
            title=data["title"],
            start=datetime.fromisoformat(data["start"]),
            end=datetime.fromisoformat(data["end"]),
            platform=data.get("platform", ""),
            join_url=data.get("join_url", ""),
            meeting_id=data.get("meeting_id", ""),
            passcode=data.get("passcode", ""),
            dial_in=data.get("dial_in", ""),
            slots=tuple(
                SlotState(
                    s["title"],
                    datetime.fromisoformat(s["start"]),
                    datetime.fromisoformat(s["end"]),
                )
                for s in data.get("slots", ())
            ),
            cancelled=bool(data.get("cancelled", False)),
            link=data.get("link", ""),
        )


def state_of(meeting: ics.Meeting, invitee: ics.Invitee, link: str = "") -> InviteState:
    """The essentials of ``invitee``'s invitation to ``meeting`` as it stands;
    ``link``: the token of their personal link."""
    return InviteState(
        title=meeting.title,
        start=ics.utc(meeting.start),
        end=ics.utc(meeting.end),
        platform=meeting.platform,
        # What the invitation shows: a link that is not http(s) is left out.
        join_url=meeting.safe_join_url,
        meeting_id=meeting.meeting_id,
        passcode=meeting.passcode,
        dial_in=meeting.dial_in,
        slots=tuple(
            SlotState(s.title, ics.utc(s.start), ics.utc(s.end)) for s in invitee.slots
        ),
        cancelled=meeting.cancelled or invitee.removed,
        link=link,
    )


def changes(held: InviteState, now: InviteState, zone: str) -> list[str]:
    """What changed from the invitation a participant ``held`` to ``now``, one
    sentence each, times read in their ``zone``; empty when nothing did."""
    found = []
    if held.cancelled != now.cancelled:
        found.append(
            _("The invitation is cancelled")
            if now.cancelled
            else _("The invitation stands again")
        )
    if held.title != now.title:
        found.append(
            _("Title changed: “%(was)s” → “%(now)s”", was=held.title, now=now.title)
        )
    if (held.start, held.end) != (now.start, now.end):
        moved = tw.moved_words(held.start, held.end, now.start, now.end, zone)
        found.append(_("The conference moved: %(moved)s", moved=moved))
    if held.platform != now.platform:
        found.append(
            _(
                "Video platform changed: %(change)s",
                change=_was_is(held.platform, now.platform),
            )
        )
    if held.join_url != now.join_url:
        found.append(_("Join link changed") if now.join_url else _("Join link removed"))
    if held.meeting_id != now.meeting_id:
        found.append(
            _(
                "Meeting ID changed: %(change)s",
                change=_was_is(held.meeting_id, now.meeting_id),
            )
        )
    if held.passcode != now.passcode:
        found.append(_("Passcode changed") if now.passcode else _("Passcode removed"))
    if held.dial_in != now.dial_in:
        found.append(_("Dial-in changed") if now.dial_in else _("Dial-in removed"))
    found += _slot_changes(held.slots, now.slots, zone)
    if held.link and now.link and held.link != now.link:
        found.append(_("Your personal link changed: the old one no longer opens"))
    return found


def _was_is(was: str, now: str) -> str:
    # Translators: a value that was set is now "none".
    none = _("none")
    return f"{was or none} → {now or none}"


def _slot_changes(
    held: tuple[SlotState, ...], now: tuple[SlotState, ...], zone: str
) -> list[str]:
    # Slots pair by rank, as their calendar events do (the UID names the rank).
    found = []
    several = max(len(held), len(now)) > 1
    for rank in range(max(len(held), len(now))):
        name = (
            _("Your speaking slot %(number)s", number=rank + 1)
            if several
            else _("Your speaking slot")
        )
        if rank >= len(held):
            slot = now[rank]
            when = tw.range_words(slot.start, slot.end, zone)
            found.append(
                _(
                    "New speaking slot: %(time)s, in “%(title)s”",
                    time=when,
                    title=slot.title,
                )
            )
            continue
        old = held[rank]
        if rank >= len(now):
            when = tw.range_words(old.start, old.end, zone)
            found.append(
                # Translators: slot is "Your speaking slot" or "Your speaking slot 2".
                _(
                    "%(slot)s is cancelled: %(time)s, in “%(title)s”",
                    slot=name,
                    time=when,
                    title=old.title,
                )
            )
            continue
        new = now[rank]
        if (old.start, old.end) != (new.start, new.end):
            moved = tw.moved_words(old.start, old.end, new.start, new.end, zone)
            found.append(_("%(slot)s moved: %(moved)s", slot=name, moved=moved))
        if old.title != new.title:
            found.append(
                _(
                    "%(slot)s is now in “%(now)s” (was “%(was)s”)",
                    slot=name,
                    now=new.title,
                    was=old.title,
                )
            )
    return found
