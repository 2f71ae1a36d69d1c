"""When reminders and nudges are due, and how their offsets are written.

A conference sends reminders at chosen offsets before its start ("1d, 1h") and
a nudge to those who have not answered ("3d"). Offsets are whole minutes,
positive, at most :data:`MAX_OFFSET`, at most :data:`MAX_REMINDERS` of them.

Which one is due is decided from instants alone (the start and now, both UTC):
among the reminders whose time has come, only the latest counts, the ones
before it being superseded; it goes while it is still useful (within
:func:`grace` of its time), or late if it is the last reminder before the
start. A 1-day reminder found two hours before the start is skipped, the
1-hour one will follow; with no reminder after it, it goes, saying "2 hours".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from silkmeet.domain.words import _
from silkmeet.domain.words import ngettext

DEFAULT_REMINDER_OFFSETS = (1440, 60)
DEFAULT_NUDGE_OFFSET = 3 * 1440
MAX_OFFSET = 30 * 1440
MAX_REMINDERS = 5

REMINDER = "reminder"
NUDGE = "nudge"

_UNITS = {"d": 1440, "h": 60, "m": 1}
# One part of an offset: a number and its unit (minutes when it has none).
_PART = re.compile(
    r"\s*(\d{1,6})\s*(days?|d|hours?|h|minutes?|mins?|m)?(?![a-z])\s*", re.IGNORECASE
)


class OffsetError(ValueError):
    """An offset or a list of them that cannot be used; the text says why."""


def parse_offset(text: str) -> int:
    """Minutes from ``1d``, ``2h``, ``30m``, ``1d 6h``, ``2 days``, ``90``
    (minutes); OffsetError if it is no such thing or out of bounds."""
    position, minutes = 0, 0
    if not text.strip():
        raise OffsetError(_("Give a time before the start, such as 1d or 2h."))
    # A negative time is read, to be refused by check_offset as every way in
    # (the JSON import's minutes too) refuses it.
    body = text.strip()
    sign = -1 if body.startswith("-") else 1
    body = body[1:] if sign < 0 else body
    while position < len(body):
        found = _PART.match(body, position)
        if found is None:
            raise OffsetError(
                _(
                    "“%(text)s” is not a time before the start: write it as "
                    "1d, 6h, 30m or 1d 6h.",
                    text=text.strip(),
                )
            )
        minutes += int(found[1]) * _UNITS[(found[2] or "m")[0].lower()]
        position = found.end()
    return check_offset(sign * minutes)


def check_offset(minutes: int) -> int:
    if not 1 <= minutes <= MAX_OFFSET:
        shown = (
            format_offset(minutes)
            if minutes > 0
            else f"-{format_offset(-minutes)}"
            if minutes < 0
            else "0"
        )
        raise OffsetError(
            _(
                "%(offset)s is out of range: "
                "from 1 minute to %(days)d days before the start.",
                offset=shown,
                days=MAX_OFFSET // 1440,
            )
        )
    return minutes


def check_offsets(values: Iterable[int]) -> tuple[int, ...]:
    """The offsets as stored: each in range, no repeats, largest first, at most
    :data:`MAX_REMINDERS`."""
    offsets = sorted({check_offset(int(value)) for value in values}, reverse=True)
    if len(offsets) > MAX_REMINDERS:
        raise OffsetError(
            ngettext(
                "At most %(num)d reminder.", "At most %(num)d reminders.", MAX_REMINDERS
            )
        )
    return tuple(offsets)


def parse_offsets(text: str) -> tuple[int, ...]:
    """``1d, 1h`` → ``(1440, 60)``; empty text is no reminder at all."""
    parts = [part for part in (text or "").split(",") if part.strip()]
    return check_offsets(parse_offset(part) for part in parts)


def format_offset(minutes: int) -> str:
    """``1440`` → ``1d``, ``90`` → ``1h 30m``: what :func:`parse_offset` reads."""
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (mins, "m")) if n]
    return " ".join(parts) or "0m"


def format_offsets(values: Iterable[int]) -> str:
    return ", ".join(format_offset(value) for value in values)


def grace(offset: int) -> timedelta:
    """How late a message sent ``offset`` minutes before the start is still
    worth sending: a quarter of its offset (6 hours for a day), at least 5
    minutes."""
    return timedelta(minutes=max(5, offset // 4))


def rounded(span: timedelta) -> timedelta:
    """``span`` as a message says it: to the hour from a day on, to 5 minutes
    from 3 hours on, else to the minute (at least one). A worker polling every
    few seconds finds a 1-day reminder at 23:59:55: that is "1 day"."""
    minutes = span.total_seconds() / 60
    step = 60 if minutes >= 1440 - 30 else 5 if minutes >= 180 else 1
    return timedelta(minutes=max(1, round(minutes / step) * step))


@dataclass(frozen=True)
class Due:
    """A message due now: its kind, its offset (the key it is recorded under)
    and the time left before the start, as the message says it."""

    kind: str
    offset: int
    lead: timedelta


def due(
    start: datetime,
    now: datetime,
    offsets: Sequence[int],
    nudge_offset: int | None,
) -> list[Due]:
    """What is due at ``now`` for a conference starting at ``start``: at most
    one reminder and one nudge. Nothing once the conference has started."""
    if now >= start:
        return []
    found = []
    came = [offset for offset in offsets if start - timedelta(minutes=offset) <= now]
    if came:
        latest = min(came)
        on_time = now - (start - timedelta(minutes=latest)) <= grace(latest)
        if on_time or latest == min(offsets):
            found.append(Due(REMINDER, latest, rounded(start - now)))
    if nudge_offset:
        at = start - timedelta(minutes=nudge_offset)
        if at <= now <= at + grace(nudge_offset):
            found.append(Due(NUDGE, nudge_offset, rounded(start - now)))
    return found


def manual_offset(start: datetime, now: datetime) -> int:
    """The offset a nudge sent by hand at ``now`` is recorded under: the whole
    minutes left before the start. Two presses in the same minute are one
    nudge."""
    return max(0, int((start - now).total_seconds() // 60))
