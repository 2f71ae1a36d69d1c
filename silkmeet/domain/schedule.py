"""Schedule arithmetic: when each item and each speaker starts and ends.

All instants are aware UTC datetimes. An end is always its start plus a duration,
computed in UTC and converted for display afterwards: never wall-clock arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta

from silkmeet.domain import names

_ZERO = timedelta(0)


@dataclass(frozen=True)
class SpeakerIn:
    participant_id: int
    name: str
    country: str
    timezone: str
    # This speaker's share of the item; None shares the rest equally.
    minutes: int | None = None
    # The name in Latin script the organiser gave, if any (domain.names).
    latin_name: str = ""

    @property
    def display_name(self) -> str:
        return names.display_name(self.name, self.latin_name)


@dataclass(frozen=True)
class ItemIn:
    id: int
    title: str
    kind: str
    duration_minutes: int
    fixed_start: datetime | None = None
    pinned: bool = False
    country: str | None = None
    target_minutes: int | None = None
    speakers: tuple[SpeakerIn, ...] = ()
    # The item's stable public name (kept by export and import); "" if none.
    uid: str = ""
    # The title in other languages, ((code, text), …): what the schedule
    # exports carry beside ``title`` (languages.translation_pairs).
    title_translations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SpeakerSlot:
    speaker: SpeakerIn
    start: datetime
    end: datetime


@dataclass(frozen=True)
class ScheduledItem:
    item: ItemIn
    position: int
    start: datetime
    end: datetime
    # Minutes between the previous item's end (plus buffer) and this start:
    # positive is a gap, negative an overlap; only a fixed start makes either.
    gap_minutes: float = 0
    slots: tuple[SpeakerSlot, ...] = field(default=())

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


def speaker_slots(item: ItemIn, start: datetime) -> tuple[SpeakerSlot, ...]:
    """Split an item among its speakers, in their order.

    Speakers with their own minutes get them; the rest of the item's duration is
    shared equally by the others. Explicit minutes that add up to more than the
    item run past its end (the lineup warns about that).
    """
    speakers = item.speakers
    if not speakers:
        return ()
    # One pass, no intermediate lists: the invite plan calls this for every
    # item of the largest conferences.
    explicit = shared = 0
    for s in speakers:
        if s.minutes is None:
            shared += 1
        else:
            explicit += s.minutes
    rest = max(timedelta(minutes=item.duration_minutes - explicit), _ZERO)
    share = rest / shared if shared else _ZERO
    slots = []
    cursor = start
    for speaker in speakers:
        minutes = speaker.minutes
        end = cursor + (timedelta(minutes=minutes) if minutes else share)
        slots.append(SpeakerSlot(speaker, cursor, end))
        cursor = end
    return tuple(slots)


def compute_schedule(
    start: datetime, items: Sequence[ItemIn], buffer_minutes: int = 0
) -> list[ScheduledItem]:
    """Lay items end to end from ``start``, with ``buffer_minutes`` between them.

    An item with a fixed start begins at that instant whatever came before; the
    items after it flow from it.
    """
    if start.tzinfo is None:
        raise ValueError("start must be an aware instant")
    buffer = timedelta(minutes=buffer_minutes)
    cursor = start
    scheduled = []
    for position, item in enumerate(items):
        begin = cursor
        gap = 0.0
        if item.fixed_start is not None:
            begin = item.fixed_start
            gap = (begin - cursor).total_seconds() / 60
        end = begin + timedelta(minutes=item.duration_minutes)
        scheduled.append(
            ScheduledItem(
                item=item,
                position=position,
                start=begin,
                end=end,
                gap_minutes=gap,
                slots=speaker_slots(item, begin),
            )
        )
        cursor = end + buffer
    return scheduled


@dataclass(frozen=True)
class Before:
    """What comes just before a speaker's turn: an item, with its last speaker
    (``None`` when nobody speaks in it)."""

    title: str
    speaker: str | None
    country: str | None
    # The turn before is the same speaker's own.
    is_me: bool
    speaker_latin: str = ""


@dataclass(frozen=True)
class Turn:
    """One of a speaker's turns, and what comes just before it (``None``: the
    turn opens the conference)."""

    item: ItemIn
    slot: SpeakerSlot
    before: Before | None


def turns_of(scheduled: Sequence[ScheduledItem], participant_id: int) -> list[Turn]:
    """A participant's speaking turns in lineup order, each with what precedes
    it: the turn before in the same item, else the previous item's last
    speaker, or the previous item itself when nobody speaks in it."""
    turns = []
    previous = None
    for entry in scheduled:
        for slot in entry.slots or (None,):
            mine = slot is not None and slot.speaker.participant_id == participant_id
            if mine:
                turns.append(Turn(entry.item, slot, previous))
            previous = Before(
                title=entry.item.title,
                speaker=slot.speaker.name if slot is not None else None,
                country=slot.speaker.country if slot is not None else None,
                is_me=mine,
                speaker_latin=slot.speaker.latin_name if slot is not None else "",
            )
    return turns


def schedule_end(scheduled: Sequence[ScheduledItem], start: datetime) -> datetime:
    """When the last item ends (``start`` for an empty lineup)."""
    return max((s.end for s in scheduled), default=start)


def planned_end(start: datetime, duration_minutes: int) -> datetime:
    """The end the organisers planned: the start plus the conference's length,
    whatever the lineup holds. Run-of-show back-times count down to it (and go
    negative past it); the lineup's overrun warning compares with it."""
    return start + timedelta(minutes=duration_minutes)


def meeting_end(
    start: datetime, duration_minutes: int, scheduled: Sequence[ScheduledItem]
) -> datetime:
    """When the meeting ends: its planned end, or the last item's end when the
    lineup runs longer. What invites, the agenda and the exports announce."""
    return max(planned_end(start, duration_minutes), schedule_end(scheduled, start))
