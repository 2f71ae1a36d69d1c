"""Run-of-show arithmetic: the chair's rows, revision marks and the live projection.

Pure: takes the computed schedule (:mod:`silkmeet.domain.schedule`) and plain facts
about each item, returns frozen rows. Instants are aware UTC; local times come from
:mod:`silkmeet.domain.timezones` only.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import datetime
from datetime import timedelta

from silkmeet.domain import names
from silkmeet.domain import timekeeping as tk
from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v
from silkmeet.domain.lineup import units
from silkmeet.domain.schedule import ScheduledItem
from silkmeet.domain.schedule import schedule_end
from silkmeet.domain.words import N_
from silkmeet.domain.words import _

# Within this much of the plan the meeting is "on time".
ON_TIME = timedelta(seconds=30)
# The wrap-up warning starts this long before an item's planned length runs out.
WRAP_UP_MAX = timedelta(minutes=2)
WRAP_UP_MIN = timedelta(minutes=1)

# The fields a printed sheet shows for each item, compared between revisions.
PRINTED_FIELDS = (
    "cue",
    "start",
    "duration",
    "title",
    "speakers",
    "notes",
    "technical",
    "handover",
)
# What changed on a row since the printed revision, as the sheet names it
# (translated where it is shown: Row.changed_labels).
FIELD_LABELS = {
    "cue": N_("cue"),
    "start": N_("start"),
    "duration": N_("duration"),
    "title": N_("item"),
    "speakers": N_("speaker"),
    "notes": N_("notes"),
    "technical": N_("technical cue"),
    "handover": N_("handover"),
    "new": N_("new item"),
}


@dataclass(frozen=True)
class Introduction:
    """A speaker as the chair introduces them."""

    full_name: str
    latin_name: str = ""
    honorific: str = ""
    position: str = ""
    organisation: str = ""
    country: str = ""
    pronunciation: str = ""

    @property
    def own_name(self) -> str:
        """``Ms ნინო ბერიძე``: the honorific and the name in its own script."""
        return " ".join(p for p in (self.honorific, self.full_name) if p)

    @property
    def shown_latin(self) -> str:
        return names.latin_shown(self.full_name, self.latin_name)

    @property
    def name(self) -> str:
        """``Ms ნინო ბერიძე (Nino Beridze)``: own script first, Latin form after."""
        latin = self.shown_latin
        return f"{self.own_name} ({latin})" if latin else self.own_name

    @property
    def short_name(self) -> str:
        """The name the chair says aloud: the Latin form when there is one."""
        spoken = self.latin_name or self.full_name
        return " ".join(p for p in (self.honorific, spoken) if p)

    @property
    def country_name(self) -> str:
        return tz.country_name(self.country) if self.country else ""

    @property
    def credentials(self) -> str:
        """``Mayor, City of Lyon, France``."""
        return ", ".join(
            p for p in (self.position, self.organisation, self.country_name) if p
        )


# A recorded (start, end); either may be missing.
Span = tuple[datetime | None, datetime | None]
NO_SPAN: Span = (None, None)


@dataclass(frozen=True)
class ItemFacts:
    """What the run-of-show needs beyond the schedule, read from one agenda item."""

    notes: str = ""
    technical_cue: str = "none"
    technical_note: str = ""
    interpretation_language: str | None = None
    speakers: tuple[Introduction, ...] = ()
    actual_start: datetime | None = None
    actual_end: datetime | None = None


@dataclass(frozen=True)
class Slot:
    """A speaker's planned turn in an item (:func:`schedule.speaker_slots`)."""

    participant_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Record:
    """What the chair recorded: items' and speakers' actual (start, end), by item
    id and by (item id, participant id)."""

    items: Mapping[int, Span] = field(default_factory=dict)
    speakers: Mapping[tuple[int, int], Span] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    cue: str
    item_id: int
    position: int
    kind: str
    title: str
    country: str | None
    start: datetime
    end: datetime
    start_reference: tz.LocalTime
    start_chair: tz.LocalTime
    # Planned time from the first item's start to this item's start and end.
    elapsed: timedelta
    cumulative: timedelta
    # Planned time left until the conference's planned end when this item starts;
    # negative once the lineup runs past the end.
    back_time: timedelta
    speakers: tuple[Introduction, ...]
    notes: str
    technical: str
    handover: str
    interpretation_language: str | None = None
    actual_start: datetime | None = None
    actual_end: datetime | None = None
    # Printed fields that differ from the compared revision ("new" for a new item).
    changed: tuple[str, ...] = ()
    # The speakers' planned turns and recorded times, in the order of ``speakers``.
    slots: tuple[Slot, ...] = ()
    speaker_times: tuple[Span, ...] = ()
    # Its budget group (a country block, else the item alone) and whether that
    # group is a country block.
    group: int = 0
    block: bool = False

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def duration_minutes(self) -> float:
        return self.duration.total_seconds() / 60

    @property
    def country_name(self) -> str:
        return tz.country_name(self.country) if self.country else ""

    @property
    def changed_labels(self) -> tuple[str, ...]:
        return tuple(
            _(FIELD_LABELS[name]) if name in FIELD_LABELS else name
            for name in self.changed
        )

    @property
    def running(self) -> bool:
        return self.actual_start is not None and self.actual_end is None

    @property
    def done(self) -> bool:
        return self.actual_end is not None


def technical_text(cue: str, note: str) -> str:
    if cue == "none":
        return note
    label = v.label(v.TECHNICAL_CUES, cue)
    return _("%(cue)s: %(note)s", cue=label, note=note) if note else label


def handover_text(
    speakers: Sequence[Introduction],
    following_title: str | None,
    following_speakers: Sequence[Introduction] = (),
) -> str:
    """What the chair says to close one item and open the next."""
    thanks = ", ".join(s.short_name for s in speakers)
    if following_title is None:
        if thanks:
            return _("Thank %(names)s; close the conference.", names=thanks)
        return _("close the conference.")
    if following_speakers:
        names = ", ".join(s.short_name for s in following_speakers)
        if thanks:
            return _(
                "Thank %(names)s; give the floor to %(next)s: %(title)s.",
                names=thanks,
                next=names,
                title=following_title,
            )
        return _(
            "give the floor to %(next)s: %(title)s.", next=names, title=following_title
        )
    if thanks:
        return _(
            "Thank %(names)s; announce: %(title)s.", names=thanks, title=following_title
        )
    return _("announce: %(title)s.", title=following_title)


def build_rows(
    scheduled: Sequence[ScheduledItem],
    facts: Mapping[int, ItemFacts],
    reference_zone: str,
    chair_zone: str,
    planned_end: datetime | None = None,
) -> list[Row]:
    """One row per scheduled item, in order, with cues 1, 2, 3…

    ``planned_end`` is the conference's planned end (start + its length); back-times
    count down to it. Without it, they count down to the lineup's last end.
    """
    if not scheduled:
        return []
    first = scheduled[0].start
    end = planned_end or schedule_end(scheduled, first)
    people = [_introductions(s, facts.get(s.item.id, ItemFacts())) for s in scheduled]
    groups = {}
    for number, unit in enumerate(units([s.item for s in scheduled])):
        for index in range(unit.start, unit.end):
            groups[index] = (number, unit.is_block)
    rows = []
    for index, item in enumerate(scheduled):
        following = scheduled[index + 1] if index + 1 < len(scheduled) else None
        fact = facts.get(item.item.id, ItemFacts())
        rows.append(
            Row(
                cue=str(index + 1),
                item_id=item.item.id,
                position=item.position,
                kind=item.item.kind,
                title=item.item.title,
                country=item.item.country,
                start=item.start,
                end=item.end,
                start_reference=tz.local_time(item.start, reference_zone),
                start_chair=tz.local_time(item.start, chair_zone),
                elapsed=item.start - first,
                cumulative=item.end - first,
                back_time=end - item.start,
                speakers=people[index],
                notes=fact.notes,
                technical=technical_text(fact.technical_cue, fact.technical_note),
                handover=handover_text(
                    people[index],
                    following.item.title if following else None,
                    people[index + 1] if following else (),
                ),
                interpretation_language=fact.interpretation_language,
                actual_start=fact.actual_start,
                actual_end=fact.actual_end,
                slots=tuple(
                    Slot(slot.speaker.participant_id, slot.start, slot.end)
                    for slot in item.slots
                ),
                group=groups[index][0],
                block=groups[index][1],
            )
        )
    return rows


def with_record(rows: Sequence[Row], record: Record) -> list[Row]:
    """``rows`` with the recorded times of ``record`` (and no others)."""
    return [
        replace(
            row,
            actual_start=record.items.get(row.item_id, NO_SPAN)[0],
            actual_end=record.items.get(row.item_id, NO_SPAN)[1],
            speaker_times=tuple(
                record.speakers.get((row.item_id, slot.participant_id), NO_SPAN)
                for slot in row.slots
            ),
        )
        for row in rows
    ]


# --- rehearsals -------------------------------------------------------------------


def shifted(
    rows: Sequence[Row], start: datetime, reference_zone: str, chair_zone: str
) -> list[Row]:
    """``rows`` moved so that the first starts at ``start``: a rehearsal's plan.

    Every instant moves by the same span, so lengths, pauses, cumulative and
    back-times stay as planned (also across a clock change: instants, never
    wall-clock arithmetic); the local times are read again at the new instants.
    """
    if not rows:
        return []
    if start.tzinfo is None:
        raise ValueError("start must be an aware instant")
    by = start - rows[0].start
    return [
        replace(
            row,
            start=row.start + by,
            end=row.end + by,
            start_reference=tz.local_time(row.start + by, reference_zone),
            start_chair=tz.local_time(row.start + by, chair_zone),
            slots=tuple(
                replace(slot, start=slot.start + by, end=slot.end + by)
                for slot in row.slots
            ),
        )
        for row in rows
    ]


def meeting_day(
    planned_start: datetime, planned_end: datetime, now: datetime, zone: str
) -> bool:
    """Whether ``now`` falls on the meeting's day in the reference ``zone``
    (either day, for a meeting that runs past midnight): the only days on
    which Start records the meeting itself; on any other, the chair rehearses."""
    today = tz.local_time(now, zone).wall.date()
    return today in {
        tz.local_time(planned_start, zone).wall.date(),
        tz.local_time(planned_end, zone).wall.date(),
    }


def _turn_times(row: Row) -> list[Span]:
    """Each turn's recorded (start, end) in a row.

    An item recorded without its speakers' times (before they were recorded,
    or in a test) is read as one: its first turn starts with it, and once it
    is over its time is shared equally by its turns.
    """
    if not row.slots:
        return [(row.actual_start, row.actual_end)]
    count = len(row.slots)
    times = list(row.speaker_times[:count])
    times += [NO_SPAN] * (count - len(times))
    if row.actual_start is not None and all(s is None for s, _e in times):
        if row.actual_end is None:
            times[0] = (row.actual_start, None)
        else:
            share = (row.actual_end - row.actual_start) / count
            times = [
                (row.actual_start + share * n, row.actual_start + share * (n + 1))
                for n in range(count)
            ]
    if row.actual_end is not None:
        # A turn still open when its item ended ended with it.
        times = [
            (s, row.actual_end if s is not None and e is None else e) for s, e in times
        ]
    return times


def turns(rows: Sequence[Row]) -> list[tk.Turn]:
    """Every turn of the lineup in order (:mod:`silkmeet.domain.timekeeping`)."""
    result: list[tk.Turn] = []
    for index, row in enumerate(rows):
        spans = [(s.start, s.end) for s in row.slots] or [(row.start, row.end)]
        for n, ((start, end), (actual_start, actual_end)) in enumerate(
            zip(spans, _turn_times(row), strict=True)
        ):
            result.append(
                tk.Turn(
                    item=index,
                    speaker=n if row.slots else None,
                    group=row.group,
                    start=start,
                    planned=end - start,
                    actual_start=actual_start,
                    actual_end=actual_end,
                    closed=row.actual_end is not None,
                )
            )
    # The pause after a turn: until the next one's planned start, or after the
    # last one until the last item's planned end.
    ends = [t.start for t in result[1:]] + ([rows[-1].end] if rows else [])
    return [
        replace(t, pause=max(following - (t.start + t.planned), tk.ZERO))
        for t, following in zip(result, ends, strict=True)
    ]


def turn_speaker(rows: Sequence[Row], turn: tk.Turn) -> Introduction | None:
    row = rows[turn.item]
    if turn.speaker is None or turn.speaker >= len(row.speakers):
        return None
    return row.speakers[turn.speaker]


def _introductions(item: ScheduledItem, fact: ItemFacts) -> tuple[Introduction, ...]:
    if fact.speakers:
        return fact.speakers
    return tuple(
        Introduction(full_name=s.name, country=s.country) for s in item.item.speakers
    )


def format_span(span: timedelta, signed: bool = False) -> str:
    """``timedelta(minutes=75)`` → ``1:15``; signed: ``+1:15`` / ``−0:05``."""
    seconds = int(round(span.total_seconds()))
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes = rest // 60
    text = f"{hours}:{minutes:02d}"
    return f"{sign}{text}" if signed else text


def format_clock(span: timedelta) -> str:
    """A countdown: ``4:05`` (minutes:seconds), ``-0:30`` once over."""
    seconds = int(span.total_seconds())
    sign = "-" if seconds < 0 else ""
    minutes, secs = divmod(abs(seconds), 60)
    return f"{sign}{minutes}:{secs:02d}"


# --- revisions -------------------------------------------------------------------


def snapshot(rows: Sequence[Row]) -> dict[str, dict[str, str]]:
    """The printed fields of every row, keyed by item id (a JSON-ready mapping)."""
    return {str(row.item_id): printed_fields(row) for row in rows}


def printed_fields(row: Row) -> dict[str, str]:
    return {
        "cue": row.cue,
        "start": tz.format_instant(row.start),
        "duration": str(round(row.duration_minutes, 2)),
        "title": row.title,
        "speakers": "; ".join(f"{s.name} | {s.credentials}" for s in row.speakers),
        "notes": row.notes,
        "technical": row.technical,
        "handover": row.handover,
    }


@dataclass(frozen=True)
class Changes:
    rows: list[Row]
    # Titles of printed items that are no longer in the lineup.
    removed: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return sum(1 for row in self.rows if row.changed) + len(self.removed)


def mark_changes(
    rows: Sequence[Row], printed: Mapping[str, Mapping[str, str]] | None
) -> Changes:
    """Mark each row with the printed fields that differ from ``printed``.

    ``printed`` is a :func:`snapshot` of an earlier revision; ``None`` (nothing
    printed yet) marks nothing.
    """
    if printed is None:
        return Changes(rows=list(rows))
    marked = []
    for row in rows:
        before = printed.get(str(row.item_id))
        if before is None:
            marked.append(replace(row, changed=("new",)))
            continue
        now = printed_fields(row)
        changed = tuple(
            name for name in PRINTED_FIELDS if before.get(name) != now[name]
        )
        marked.append(replace(row, changed=changed))
    current = {str(row.item_id) for row in rows}
    removed = tuple(
        fields.get("title", key)
        for key, fields in printed.items()
        if key not in current
    )
    return Changes(rows=marked, removed=removed)


def same_as(
    rows: Sequence[Row], printed: Mapping[str, Mapping[str, str]] | None
) -> bool:
    return printed is not None and snapshot(rows) == dict(printed)


# --- live ------------------------------------------------------------------------


@dataclass(frozen=True)
class Projected:
    row: Row
    start: datetime
    end: datetime
    # Projected start minus planned start: positive is late.
    slip: timedelta


@dataclass(frozen=True)
class Live:
    now: datetime
    phase: str  # "before", "running", "between", "finished"
    current: Row | None
    following: Row | None
    time_left: timedelta | None
    wrap_up: bool
    # Projected end of the lineup minus its planned end: positive is over.
    drift: timedelta
    projected: tuple[Projected, ...] = field(default=())
    projected_end: datetime | None = None
    planned_end: datetime | None = None
    # The same moment turn by turn: speakers, limits, the block's budget.
    timeline: tk.Timeline | None = None

    @property
    def status(self) -> str:
        """``over``, ``under`` or ``on-time``: also the colour class."""
        return drift_status(self.drift)

    @property
    def words(self) -> str:
        if self.phase == "before":
            return before_words(self.drift)
        return drift_words(self.drift, finished=self.phase == "finished")

    @property
    def overrunning_item(self) -> bool:
        return self.time_left is not None and self.time_left < timedelta(0)


def drift_status(drift: timedelta) -> str:
    if drift > ON_TIME:
        return "over"
    if drift < -ON_TIME:
        return "under"
    return "on-time"


def _minutes_words(span: timedelta) -> str:
    minutes = int(round(abs(span).total_seconds() / 60))
    if minutes == 0:
        return _("less than a minute")
    if minutes < 60:
        return _("%(minutes)s min", minutes=minutes)
    hours, mins = divmod(minutes, 60)
    return _("%(hours)s h %(minutes)s min", hours=hours, minutes=format(mins, "02d"))


def drift_words(drift: timedelta, finished: bool = False) -> str:
    """``Running 4 min over``, ``Running 2 min under``, ``On time``."""
    status = drift_status(drift)
    if status == "on-time":
        return _("Finished on time") if finished else _("On time")
    amount = _minutes_words(drift)
    if finished and status == "over":
        return _("Finished %(time)s late", time=amount)
    if finished:
        return _("Finished %(time)s early", time=amount)
    if status == "over":
        return _("Running %(time)s over", time=amount)
    return _("Running %(time)s under", time=amount)


def slip_words(slip: timedelta) -> str:
    """``6 min later than planned``, ``2 min earlier than planned``, ``as planned``
    (static/js/follow.js words it the same way)."""
    status = drift_status(slip)
    if status == "on-time":
        return _("as planned")
    if status == "over":
        return _("%(time)s later than planned", time=_minutes_words(slip))
    return _("%(time)s earlier than planned", time=_minutes_words(slip))


def before_words(drift: timedelta) -> str:
    """Before the first start: late by how much, or ready (never "running")."""
    if drift <= ON_TIME:
        return _("Not started yet")
    if drift >= timedelta(days=1):
        return _("Not started: the planned start was more than a day ago")
    return _("Not started: %(time)s late", time=_minutes_words(drift))


# The chair's message on the stage screen: a few words, read from afar.
MESSAGE_MAX = 120
MESSAGE_PRESETS = (N_("One minute"), N_("Please wrap up"))


def clean_message(text: str) -> str:
    """The message as the stage screen shows it: one line; "" clears it."""
    message = " ".join(str(text).split())
    if len(message) > MESSAGE_MAX:
        raise ValueError(
            _(
                "A stage message holds at most %(most)s characters "
                "(this one has %(length)s): say it in fewer words.",
                most=MESSAGE_MAX,
                length=len(message),
            )
        )
    return message


def message_presets(next_country: str | None) -> list[str]:
    """What the chair may send with one press: the fixed ones, and the next
    country to speak."""
    presets = [_(preset) for preset in MESSAGE_PRESETS]
    if next_country:
        presets.append(_("Next: %(country)s", country=next_country))
    return presets


def next_country(rows: Sequence[Row], line: tk.Timeline) -> str | None:
    """The name of the next country block to speak after the current turn's
    block, if any ("Next: Japan")."""
    all_turns = turns(rows)
    group = all_turns[line.current].group if line.current is not None else None
    for expected in line.expected:
        turn = all_turns[expected.index]
        row = rows[turn.item]
        if turn.group != group and row.block and row.country:
            return row.country_name
    return None


def wrap_up_window(duration: timedelta) -> timedelta:
    return max(WRAP_UP_MIN, min(WRAP_UP_MAX, duration / 4))


def project(rows: Sequence[Row], now: datetime) -> Live:
    """Where the meeting stands at ``now`` given the actual times recorded.

    The items still to come are laid out by the turn-level projection
    (:func:`silkmeet.domain.timekeeping.project`): from the current turn's
    expected end (or from now, once it overran), each waiting turn for its
    limit, with the planned pauses between them.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware instant")
    if not rows:
        return Live(
            now=now,
            phase="before",
            current=None,
            following=None,
            time_left=None,
            wrap_up=False,
            drift=timedelta(0),
        )
    all_turns = turns(rows)
    line = tk.project(all_turns, now)
    current = next((r for r in reversed(rows) if r.running), None)
    time_left = None
    wrap_up = False
    if current is not None:
        time_left = current.actual_start + current.duration - now
        wrap_up = time_left <= wrap_up_window(current.duration)

    # Each item still to come, from its turns' expected times.
    spans: dict[int, list[tk.Expected]] = {}
    for expected in line.expected:
        spans.setdefault(all_turns[expected.index].item, []).append(expected)
    projected = tuple(
        Projected(
            row=rows[index],
            start=found[0].start,
            end=found[-1].end,
            slip=found[0].start - rows[index].start,
        )
        for index, found in spans.items()
        if rows[index].actual_start is None
    )
    phase = line.phase
    if phase in ("between", "finished") and current is not None:
        phase = "running"  # an item whose speakers are all over, not yet ended
    planned_end = rows[-1].end
    projected_end = line.end or planned_end
    return Live(
        now=now,
        phase=phase,
        current=current,
        following=projected[0].row if projected else None,
        time_left=time_left,
        wrap_up=wrap_up,
        drift=projected_end - planned_end,
        projected=projected,
        projected_end=projected_end,
        planned_end=planned_end,
        timeline=line,
    )


# --- planned versus actual -------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    label: str
    country: str
    planned: timedelta
    actual: timedelta | None
    planned_start: datetime | None = None
    actual_start: datetime | None = None
    # The limit it had (a speaker's from when they started; a block's budget).
    limit: timedelta | None = None

    @property
    def difference(self) -> timedelta | None:
        return None if self.actual is None else self.actual - self.planned

    @property
    def over(self) -> timedelta | None:
        """How far past its limit it ran (zero: within it)."""
        if self.actual is None or self.limit is None:
            return None
        return max(self.actual - self.limit, timedelta(0))

    @property
    def country_name(self) -> str:
        return tz.country_name(self.country) if self.country else _("Hosts and chair")


def _actual(row: Row) -> timedelta | None:
    if row.actual_start is None or row.actual_end is None:
        return None
    return row.actual_end - row.actual_start


def _row_country(row: Row) -> str:
    if row.country:
        return row.country
    return row.speakers[0].country if len(row.speakers) == 1 else ""


def per_speaker(rows: Sequence[Row]) -> list[Comparison]:
    """Planned versus actual per speaker (an item nobody speaks in: the item),
    with the limit each had when they started."""
    all_turns = turns(rows)
    totals = tk.budgets(all_turns)
    result = []
    for index, turn in enumerate(all_turns):
        row = rows[turn.item]
        person = turn_speaker(rows, turn)
        label = f"{row.cue}. {row.title}"
        if person is not None:
            label += f" — {person.name}"
        started = turn.actual_start is not None
        result.append(
            Comparison(
                label=label,
                country=person.country if person else _row_country(row),
                planned=turn.planned,
                actual=turn.held,
                planned_start=turn.start,
                actual_start=turn.actual_start,
                limit=tk.limit_at_start(all_turns, index, totals[turn.group])
                if started
                else None,
            )
        )
    return result


def per_country(rows: Sequence[Row]) -> list[Comparison]:
    """Planned versus actual summed per country block, in lineup order."""
    totals: dict[str, list] = {}
    for row in rows:
        country = _row_country(row)
        entry = totals.setdefault(country, [timedelta(0), timedelta(0), True])
        entry[0] += row.duration
        actual = _actual(row)
        if actual is None:
            entry[2] = False
        else:
            entry[1] += actual
    return [
        Comparison(
            label=tz.country_name(code) if code else _("Hosts and chair"),
            country=code,
            planned=planned,
            actual=actual if complete else None,
            limit=planned,
        )
        for code, (planned, actual, complete) in totals.items()
    ]
