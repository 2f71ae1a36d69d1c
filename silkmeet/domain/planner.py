"""The organiser's planner: a 24-hour strip per zone and the fairest start times.

Candidates start every 15 minutes of the reference zone's days. Each is ranked by
how many people would be outside the day window at some point of the meeting, then
by how far the worst-off person is into their night, then by the total of those
distances over everyone (``hours.depth``), then by the earlier start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import timedelta

from silkmeet.domain import fields
from silkmeet.domain import hours
from silkmeet.domain import timewords as tw
from silkmeet.domain import timezones as tz
from silkmeet.domain import zoneview as zv
from silkmeet.domain.words import _
from silkmeet.domain.words import ngettext

STEP = timedelta(minutes=15)
MAX_DAYS = 31
WARN_BEFORE = timedelta(days=7)


class PlannerError(ValueError):
    """A planner request that is refused, with a message for the organiser."""


@dataclass(frozen=True)
class Attendee:
    name: str
    country: str
    zone: str


@dataclass(frozen=True)
class ZoneGroup:
    """The people of one country in one zone: one row of the strip."""

    country: str
    zone: str
    names: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.names)


def group_attendees(attendees: Sequence[Attendee]) -> list[ZoneGroup]:
    """Group by (country, zone), ordered by country then zone."""
    groups: dict[tuple[str, str], list[str]] = {}
    for person in attendees:
        groups.setdefault((person.country or "", person.zone), []).append(person.name)
    return [
        ZoneGroup(country=country, zone=zone, names=tuple(names))
        for (country, zone), names in sorted(groups.items())
    ]


def check_request(first_day: date, last_day: date, duration_minutes: int) -> None:
    """Refuse ranges over 31 days or outside ``fields.day``, and durations
    outside ``fields.DURATION``."""
    if last_day < first_day:
        raise PlannerError(_("The last day comes before the first day."))
    days = (last_day - first_day).days + 1
    if days > MAX_DAYS:
        raise PlannerError(
            _(
                "Choose at most %(most)s days at once; that range has %(days)s.",
                most=MAX_DAYS,
                days=days,
            )
        )
    try:
        fields.day(first_day)
        fields.day(last_day)
        fields.minutes(duration_minutes)
    except fields.FieldError as exc:
        raise PlannerError(str(exc)) from None


def candidate_starts(first_day: date, last_day: date, zone: str) -> list[datetime]:
    """Every 15 minutes of the local days ``first_day``..``last_day`` in ``zone``.

    Stepping in UTC from each local midnight: a day of 23 or 25 hours gets 92 or
    100 candidates, and no candidate is a time that does not exist.
    """
    starts = []
    cursor = tz.start_of_day(first_day, zone)
    stop = tz.start_of_day(last_day + timedelta(days=1), zone)
    while cursor < stop:
        starts.append(cursor)
        cursor += STEP
    return starts


@dataclass(frozen=True)
class Affected:
    group: ZoneGroup
    span: zv.Span


@dataclass(frozen=True)
class Candidate:
    start: datetime
    end: datetime
    outside_people: int
    worst_depth: int
    total_depth: int
    reference: zv.Span
    # Every group, worst first; ``affected`` keeps those outside the day window.
    spans: tuple[Affected, ...] = field(default=())

    @property
    def affected(self) -> tuple[Affected, ...]:
        return tuple(a for a in self.spans if a.span.outside)

    @property
    def worst(self) -> Affected | None:
        return self.spans[0] if self.spans else None

    @property
    def rank_key(self) -> tuple:
        return (self.outside_people, self.worst_depth, self.total_depth, self.start)


def _depths(
    start: datetime, end: datetime, groups: Sequence[ZoneGroup], day: hours.Window
):
    by_zone = {}
    for group in groups:
        if group.zone not in by_zone:
            by_zone[group.zone] = hours.depth(start, end, group.zone, day)
    return by_zone


def evaluate(
    start: datetime,
    duration_minutes: int,
    groups: Sequence[ZoneGroup],
    reference_zone: str,
    reference_day: date | None = None,
    window: hours.Window = hours.DAY_WINDOW,
) -> Candidate:
    """Score one start time against the day window ``window``, with every
    group's local span."""
    end = start + timedelta(minutes=duration_minutes)
    day = reference_day or tz.to_local(start, reference_zone).date()
    spans = [
        Affected(group=g, span=zv.span(start, end, g.zone, day, window)) for g in groups
    ]
    spans.sort(key=lambda a: (-a.span.depth, a.group.country, a.group.zone))
    return Candidate(
        start=start,
        end=end,
        outside_people=sum(a.group.count for a in spans if a.span.outside),
        worst_depth=max((a.span.depth for a in spans), default=0),
        total_depth=sum(a.span.depth * a.group.count for a in spans),
        reference=zv.span(start, end, reference_zone, day, window),
        spans=tuple(spans),
    )


def rank(
    first_day: date,
    last_day: date,
    duration_minutes: int,
    groups: Sequence[ZoneGroup],
    reference_zone: str,
    limit: int = 10,
    window: hours.Window = hours.DAY_WINDOW,
) -> list[Candidate]:
    """The best ``limit`` starts over the days, best first."""
    check_request(first_day, last_day, duration_minutes)
    length = timedelta(minutes=duration_minutes)
    scored = []
    for start in candidate_starts(first_day, last_day, reference_zone):
        depths = _depths(start, start + length, groups, window)
        per_group = [depths[g.zone] for g in groups]
        key = (
            sum(g.count for g, d in zip(groups, per_group, strict=True) if d > 0),
            max(per_group, default=0),
            sum(d * g.count for g, d in zip(groups, per_group, strict=True)),
            start,
        )
        scored.append(key)
    scored.sort()
    return [
        evaluate(key[3], duration_minutes, groups, reference_zone, window=window)
        for key in scored[:limit]
    ]


@dataclass(frozen=True)
class Cell:
    start: datetime
    local: zv.ZonedTime
    in_meeting: bool
    in_choice: bool
    window: hours.Window = hours.DAY_WINDOW

    @property
    def band(self) -> str:
        return hours.band(self.local.minute_of_day, self.window)

    @property
    def hour_label(self) -> str:
        """The local hour at a full hour, else empty."""
        if self.local.wall.minute == 0:
            return f"{self.local.wall.hour:02d}"
        return ""

    @property
    def is_midnight(self) -> bool:
        return self.local.minute_of_day == 0


@dataclass(frozen=True)
class StripRow:
    group: ZoneGroup | None
    zone: str
    label: str
    at_noon: zv.ZonedTime
    cells: tuple[Cell, ...]


def strip(
    day: date,
    reference_zone: str,
    groups: Sequence[ZoneGroup],
    meeting: tuple[datetime, datetime] | None = None,
    choice: tuple[datetime, datetime] | None = None,
    window: hours.Window = hours.DAY_WINDOW,
) -> list[StripRow]:
    """96 quarter-hour cells from the reference zone's midnight, one row per group.

    The first row is the reference zone itself. ``meeting`` (the current start)
    and ``choice`` (the start being evaluated) are marked on every row.
    """
    origin = tz.start_of_day(day, reference_zone)
    instants = [origin + STEP * n for n in range(96)]

    def inside(instant: datetime, interval) -> bool:
        return interval is not None and interval[0] <= instant < interval[1]

    def row(zone: str, label: str, group: ZoneGroup | None) -> StripRow:
        return StripRow(
            group=group,
            zone=zone,
            label=label,
            at_noon=zv.zoned(origin + timedelta(hours=12), zone, day),
            cells=tuple(
                Cell(
                    start=instant,
                    local=zv.zoned(instant, zone, day),
                    in_meeting=inside(instant, meeting),
                    in_choice=inside(instant, choice),
                    window=window,
                )
                for instant in instants
            ),
        )

    rows = [row(reference_zone, zv.city(reference_zone), None)]
    rows.extend(row(g.zone, zv.city(g.zone), g) for g in groups)
    return rows


_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class DstWarning:
    """A zone's clock change near the meeting, as the people there live it."""

    transition: tz.Transition
    # The meeting, UTC instants.
    start: datetime
    end: datetime
    people: int
    conference_zone: bool = False

    @property
    def zone(self) -> str:
        return self.transition.zone

    @property
    def inside(self) -> bool:
        """The change falls during the meeting (not at its very start: then the
        whole meeting is on the new time)."""
        return self.start < self.transition.instant < self.end

    @property
    def change_day(self) -> date:
        """The local date the change belongs to: the clocks' last day on the old
        time, so a change at midnight is the previous day's 24:00."""
        return tz.to_local(self.transition.instant - _SECOND, self.zone).date()

    @property
    def meeting_day(self) -> date:
        """The meeting's local date where these people are."""
        return tz.to_local(self.start, self.zone).date()

    @property
    def when(self) -> str:
        """``"during"`` the meeting, on the ``"meeting_day"`` before it starts,
        or ``"earlier"`` (:attr:`days_before` days before the meeting day)."""
        if self.inside:
            return "during"
        return "meeting_day" if self.days_before <= 0 else "earlier"

    @property
    def days_before(self) -> int:
        return (self.meeting_day - self.change_day).days

    @property
    def clocks(self) -> str:
        """The local clock before and after: ``02:00 → 03:00``; a date where
        the change crosses midnight (``24:00 → Sun 06 Sep 2026, 01:00``)."""
        t = self.transition
        before = t.before.wall + _SECOND  # the old offset's wall at the change
        after = tz.to_local(t.instant, self.zone)
        old = "24:00" if before.date() != self.change_day else f"{before:%H:%M}"
        new = f"{after:%H:%M}"
        if after.date() != self.change_day:
            new = f"{tw.date_words(t.instant, self.zone)}, {new}"
        return f"{old} → {new}"

    @property
    def amount(self) -> str:
        hours_, minutes = divmod(abs(self.transition.delta_minutes), 60)
        parts = []
        if hours_:
            parts.append(ngettext("%(num)d hour", "%(num)d hours", hours_))
        if minutes:
            parts.append(ngettext("%(num)d minute", "%(num)d minutes", minutes))
        return " ".join(parts)

    @property
    def message(self) -> str:
        t = self.transition
        who = []
        if self.conference_zone:
            who.append(_("the conference's zone"))
        if self.people:
            who.append(ngettext("%(num)d person", "%(num)d people", self.people))
        zone = f"{self.zone} ({', '.join(who)})" if who else self.zone
        change = dict(
            zone=zone,
            amount=self.amount,
            day=tw.date_words(t.instant - _SECOND, self.zone),
            clocks=self.clocks,
            before=t.before.offset_label,
            after=t.after.offset_label,
        )
        if t.delta_minutes > 0:
            head = _(
                "%(zone)s: clocks go forward %(amount)s on %(day)s, %(clocks)s local"
                " time (%(before)s → %(after)s)",
                **change,
            )
        else:
            head = _(
                "%(zone)s: clocks go back %(amount)s on %(day)s, %(clocks)s local"
                " time (%(before)s → %(after)s)",
                **change,
            )
        meeting = tw.range_words(
            self.start,
            self.end,
            self.zone,
            # A change days before: say which day the meeting is.
            date_style="short" if self.when == "earlier" else "auto",
            zone_style="short",
        )
        if self.when == "during":
            tail = _(
                "during the meeting (%(meeting)s there): its local end is not its"
                " local start plus its duration.",
                meeting=meeting,
            )
        elif self.when == "meeting_day":
            tail = _(
                "on the meeting day, before it starts (%(meeting)s there): the gap"
                " to other zones is not what it was the days before, so check what"
                " everyone's calendar shows.",
                meeting=meeting,
            )
        elif self.days_before == 1:
            tail = _(
                "the day before the meeting day (%(meeting)s there): the gap to"
                " other zones is not what it was the days before, so check what"
                " everyone's calendar shows.",
                meeting=meeting,
            )
        else:
            # Both forms carry the number: a language with one plural form
            # (Chinese, Japanese) writes every count with its only form.
            tail = ngettext(
                "%(num)d day before the meeting day (%(meeting)s there): the gap"
                " to other zones is not what it was the days before, so check what"
                " everyone's calendar shows.",
                "%(num)d days before the meeting day (%(meeting)s there): the gap"
                " to other zones is not what it was the days before, so check what"
                " everyone's calendar shows.",
                self.days_before,
                meeting=meeting,
            )
        return f"{head}, {tail}"


def dst_warnings(
    start: datetime, end: datetime, groups: Sequence[ZoneGroup], reference_zone: str
) -> list[DstWarning]:
    """Offset changes in every participant's zone, and the conference's, during
    the meeting or within the week before it."""
    people: dict[str, int] = {reference_zone: 0}
    for group in groups:
        people[group.zone] = people.get(group.zone, 0) + group.count
    warnings = [
        DstWarning(
            transition=t,
            start=start,
            end=end,
            people=people[zone],
            conference_zone=zone == reference_zone,
        )
        for zone in sorted(people)
        for t in tz.transitions(zone, start - WARN_BEFORE, end)
    ]
    warnings.sort(key=lambda w: (not w.inside, w.transition.instant, w.zone))
    return warnings


@dataclass(frozen=True)
class TypedStart:
    """A wall time typed by the organiser, read in the reference zone."""

    readings: tuple[datetime, ...]
    message: str = ""

    @property
    def ok(self) -> bool:
        return len(self.readings) == 1


def read_typed_start(wall: datetime, zone: str) -> TypedStart:
    """Read a typed start; a skipped or repeated wall time is explained, not guessed."""
    readings = tuple(tz.wall_time_readings(wall, zone))
    if not readings:
        return TypedStart(
            readings=(),
            message=_(
                "%(wall)s does not exist in %(zone)s: the clocks skip it when "
                "summer time starts. Choose another time.",
                wall=format(wall, "%Y-%m-%d %H:%M"),
                zone=zone,
            ),
        )
    if len(readings) > 1:
        options = _(" or ").join(
            f"{tz.format_instant(r)} ({tz.local_time(r, zone).abbreviation})"
            for r in readings
        )
        return TypedStart(
            readings=readings,
            message=_(
                "%(wall)s happens twice in %(zone)s: the clocks go back. It can "
                "mean %(options)s; choose one.",
                wall=format(wall, "%Y-%m-%d %H:%M"),
                zone=zone,
                options=options,
            ),
        )
    return TypedStart(readings=readings)
