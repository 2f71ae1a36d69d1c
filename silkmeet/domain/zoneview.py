"""Instants as each participant sees them: local time, date shift, band of the day.

Everything starts from UTC instants (``schedule.compute_schedule``) and converts
through ``timezones``; nothing here adds durations to wall times.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from functools import cached_property
from functools import lru_cache

from silkmeet.domain import hours
from silkmeet.domain import timewords as tw
from silkmeet.domain import timezones as tz
from silkmeet.domain import words
from silkmeet.domain.schedule import ScheduledItem


def city(zone: str) -> str:
    """``America/Argentina/Buenos_Aires`` → ``Buenos Aires``."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


@dataclass(frozen=True)
class ZonedTime:
    """One instant in one zone, ready to print."""

    instant: datetime
    zone: str
    wall: datetime
    abbreviation: str
    offset_minutes: int
    # Local date minus the reference date: +1 is "the next day" for this viewer.
    day_shift: int

    # Labels are cached on the instance: ``zoned`` shares one ZonedTime between
    # every cell that shows the same instant in the same zone.
    @cached_property
    def time_label(self) -> str:
        return f"{self.wall.hour:02d}:{self.wall.minute:02d}"

    @property
    def date_label(self) -> str:
        return _date_label(self.wall.date(), words.language())

    @property
    def short_date_label(self) -> str:
        return _date_label(self.wall.date(), words.language(), "short")

    @property
    def offset_label(self) -> str:
        return tz.format_offset(self.offset_minutes)

    @cached_property
    def zone_label(self) -> str:
        """``JST, UTC+09:00``; numeric abbreviations (``+0545``) are not repeated."""
        abbreviation = self.abbreviation
        if not abbreviation or abbreviation[0] in "+-":
            return self.offset_label
        return f"{abbreviation}, {self.offset_label}"

    @property
    def minute_of_day(self) -> int:
        return self.wall.hour * 60 + self.wall.minute

    @cached_property
    def day_marker(self) -> str:
        if self.day_shift == 0:
            return ""
        sign = "+" if self.day_shift > 0 else "\u2212"
        unit = "day" if abs(self.day_shift) == 1 else "days"
        return f"{sign}{abs(self.day_shift)} {unit}"


@lru_cache(maxsize=4096)
def _date_label(day: date, language: str, style: str = "long") -> str:
    """A day in the reader's language (kept per day and language)."""
    return tw.day_words(day, date_style=style, locale=language)


# Pages and exports convert the same instants over and over (an item's end is
# the next item's start, every row meets every column zone): ZonedTime is
# immutable, so one object serves them all.
@lru_cache(maxsize=1 << 16)
def zoned(instant: datetime, zone: str, reference_day: date) -> ZonedTime:
    local = tz.local_time(instant, zone)
    return ZonedTime(
        instant=instant,
        zone=zone,
        wall=local.wall.replace(tzinfo=None),
        abbreviation=local.abbreviation,
        offset_minutes=local.offset_minutes,
        day_shift=(local.wall.date() - reference_day).days,
    )


@dataclass(frozen=True)
class Span:
    """An interval seen in one zone, with how far it reaches into the night."""

    start: ZonedTime
    end: ZonedTime
    # ``hours.depth`` of the interval in the conference's day window, and
    # where it is reached.
    depth: int
    worst: ZonedTime

    @property
    def duration_minutes(self) -> int:
        return round((self.end.instant - self.start.instant).total_seconds() / 60)

    @property
    def outside(self) -> bool:
        """Whether any part falls outside the conference's day window."""
        return self.depth > 0

    @property
    def crosses_midnight(self) -> bool:
        return self.end.wall.date() != self.start.wall.date() and not (
            self.end.wall.time().hour == 0 and self.end.wall.time().minute == 0
        )


def span(
    start: datetime,
    end: datetime,
    zone: str,
    reference_day: date,
    day: hours.Window = hours.DAY_WINDOW,
) -> Span:
    """``start``-``end`` as read in ``zone``, measured against the day window
    ``day`` (the conference's)."""
    first = zoned(start, zone, reference_day)
    last = zoned(end, zone, reference_day)
    if tz.fast_zone(zone).offset_changes(start, end):
        depth, at = hours.worst_point(start, end, zone, day)
    else:
        # One offset throughout (the usual case): hours' rule for one piece,
        # from the wall time already converted.
        wall = first.wall
        la = wall.hour * 60 + wall.minute + wall.second / 60
        depth, at = hours.piece_depth(la, start, end, day)
    # The worst point is usually an end: reuse its conversion.
    if at == start:
        worst = first
    elif at == end:
        worst = last
    else:
        worst = zoned(at, zone, reference_day)
    return Span(start=first, end=last, depth=round(depth), worst=worst)


@dataclass(frozen=True)
class ZoneColumn:
    zone: str
    label: str
    countries: tuple[str, ...]
    # Abbreviation and offset at the meeting's start.
    at_start: ZonedTime


@dataclass(frozen=True)
class SpeakerLine:
    name: str
    country: str
    zone: str
    span: Span
    latin_name: str = ""


@dataclass(frozen=True)
class AgendaRow:
    position: int
    title: str
    kind: str
    duration_minutes: int
    reference: Span
    viewer: Span
    speakers: tuple[SpeakerLine, ...]
    # One span per column zone, in the order of the columns.
    columns: tuple[Span, ...]
    gap_minutes: float


def speaker_zones(scheduled: Iterable[ScheduledItem]) -> dict[str, list[str]]:
    """Each zone among the speakers, with the countries speaking from it."""
    zones: dict[str, list[str]] = {}
    for entry in scheduled:
        for slot in entry.item.speakers:
            countries = zones.setdefault(slot.timezone, [])
            if slot.country and slot.country not in countries:
                countries.append(slot.country)
    return zones


def zone_columns(
    zones: dict[str, list[str]],
    at: datetime,
    reference_day: date,
    skip: Iterable[str] = (),
) -> list[ZoneColumn]:
    """Columns for ``zones``, west to east by their offset at ``at``."""
    skipped = set(skip)
    columns = [
        ZoneColumn(
            zone=zone,
            label=city(zone),
            countries=tuple(countries),
            at_start=zoned(at, zone, reference_day),
        )
        for zone, countries in zones.items()
        if zone not in skipped
    ]
    columns.sort(key=lambda c: (c.at_start.offset_minutes, c.zone))
    return columns


def zone_spans(
    scheduled: Sequence[ScheduledItem],
    zone: str,
    reference_day: date,
    day: hours.Window = hours.DAY_WINDOW,
) -> tuple[Span, ...]:
    """Every entry's span in ``zone``, in lineup order, measured against the
    day window ``day`` (the conference's)."""
    return tuple(span(e.start, e.end, zone, reference_day, day) for e in scheduled)


def speaker_lines(
    scheduled: Sequence[ScheduledItem],
    reference_day: date,
    day: hours.Window = hours.DAY_WINDOW,
) -> list[tuple[SpeakerLine, ...]]:
    """Every entry's speakers, each with their turn in their own zone."""
    return [
        tuple(
            SpeakerLine(
                name=slot.speaker.name,
                latin_name=slot.speaker.latin_name,
                country=slot.speaker.country,
                zone=slot.speaker.timezone,
                span=span(
                    slot.start, slot.end, slot.speaker.timezone, reference_day, day
                ),
            )
            for slot in entry.slots
        )
        for entry in scheduled
    ]


def agenda_rows(
    scheduled: Sequence[ScheduledItem],
    reference_zone: str,
    viewer_zone: str,
    columns: Sequence[ZoneColumn],
    reference_day: date,
    day: hours.Window = hours.DAY_WINDOW,
    spans: Callable[[str], Sequence[Span]] | None = None,
    lines: Sequence[tuple[SpeakerLine, ...]] | None = None,
) -> list[AgendaRow]:
    """The agenda's rows for a viewer in ``viewer_zone``. ``spans(zone)``
    (:func:`zone_spans`) and ``lines`` (:func:`speaker_lines`), when given,
    are what every viewer shares: worked out once, not once per zone. Spans
    are measured against the day window ``day`` (the conference's)."""
    if spans is None or lines is None:
        return agenda_rows(
            scheduled,
            reference_zone,
            viewer_zone,
            columns,
            reference_day,
            day,
            spans=lambda zone: zone_spans(scheduled, zone, reference_day, day),
            lines=speaker_lines(scheduled, reference_day, day),
        )
    reference = spans(reference_zone)
    viewer = spans(viewer_zone)
    by_column = [spans(column.zone) for column in columns]
    return [
        AgendaRow(
            position=entry.position + 1,
            title=entry.item.title,
            kind=entry.item.kind,
            duration_minutes=entry.item.duration_minutes,
            reference=reference[n],
            viewer=viewer[n],
            speakers=lines[n],
            columns=tuple(column[n] for column in by_column),
            gap_minutes=entry.gap_minutes,
        )
        for n, entry in enumerate(scheduled)
    ]


def elsewhere(
    row: AgendaRow,
    columns: Sequence[ZoneColumn],
    reference_zone: str,
    viewer_zone: str,
) -> list[tuple[str, Span]]:
    """``(label, span)`` of a row in the zones a reader in ``viewer_zone`` sees
    only on demand: the conference's zone (when it is not theirs), then every
    column but the zones of the row's own speakers, which their lines show."""
    shown = {viewer_zone, *(line.zone for line in row.speakers)}
    out = []
    if reference_zone not in shown:
        label = words._("%(city)s (conference zone)", city=city(reference_zone))
        out.append((label, row.reference))
    out.extend(
        (column.label, s)
        for column, s in zip(columns, row.columns, strict=True)
        if column.zone not in shown
    )
    return out
