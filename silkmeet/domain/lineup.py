"""The lineup: units that move, moves that respect pinned items, ordering helpers
and warnings. Pure functions over :mod:`silkmeet.domain.schedule` dataclasses.

Vocabulary:

- A **country block** is a run of consecutive ``country_presentation`` items with
  the same ``country``; it moves as one.
- A **unit** is what a move moves: a country block, or any other single item.
- A **pinned** item never changes position. Pinned items split the lineup into
  **segments**; units move only inside their segment, so that reordering the
  blocks between the opening speeches and the closing one never moves those.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from silkmeet.domain import hours
from silkmeet.domain import timewords as tw
from silkmeet.domain import timezones as tz
from silkmeet.domain.schedule import ItemIn
from silkmeet.domain.schedule import ScheduledItem
from silkmeet.domain.schedule import compute_schedule
from silkmeet.domain.schedule import planned_end
from silkmeet.domain.schedule import schedule_end
from silkmeet.domain.words import N_
from silkmeet.domain.words import _

COUNTRY_KIND = "country_presentation"
HELPERS = (
    ("alphabetical", N_("Alphabetical by country name")),
    ("east_to_west", N_("UTC offset, east to west")),
    ("west_to_east", N_("UTC offset, west to east")),
    ("fairest", N_("Fairest to the speakers' local hours")),
)


class LineupError(ValueError):
    """A move or an order that the lineup rules refuse; the message says why."""


@dataclass(frozen=True)
class Unit:
    """Items ``start`` to ``end`` (exclusive) that move together."""

    start: int
    end: int
    country: str | None
    pinned: bool

    @property
    def size(self) -> int:
        return self.end - self.start

    @property
    def is_block(self) -> bool:
        return self.country is not None


def is_country_item(item: ItemIn) -> bool:
    return item.kind == COUNTRY_KIND and bool(item.country)


def units(items: Sequence[ItemIn]) -> list[Unit]:
    """Split the lineup into units. A pinned item is always a unit of its own."""
    result: list[Unit] = []
    i = 0
    while i < len(items):
        item = items[i]
        j = i + 1
        if is_country_item(item) and not item.pinned:
            while (
                j < len(items)
                and is_country_item(items[j])
                and not items[j].pinned
                and items[j].country == item.country
            ):
                j += 1
            result.append(Unit(i, j, item.country, False))
        else:
            country = item.country if is_country_item(item) else None
            result.append(Unit(i, j, country, item.pinned))
        i = j
    return result


def unit_of(items: Sequence[ItemIn], index: int) -> Unit:
    _check_index(items, index)
    for unit in units(items):
        if unit.start <= index < unit.end:
            return unit
    raise AssertionError("every index belongs to a unit")  # pragma: no cover


def _check_index(items: Sequence[ItemIn], index: int) -> None:
    if not 0 <= index < len(items):
        raise LineupError(
            _("There is no item at position %(position)s.", position=index + 1)
        )


def _segment(all_units: list[Unit], k: int) -> tuple[int, int]:
    """The range of unit indices around unit ``k`` bounded by pinned units."""
    lo = k
    while lo > 0 and not all_units[lo - 1].pinned:
        lo -= 1
    hi = k + 1
    while hi < len(all_units) and not all_units[hi].pinned:
        hi += 1
    return lo, hi


def _flatten(items: Sequence[ItemIn], order: list[Unit]) -> list[ItemIn]:
    return [items[i] for unit in order for i in range(unit.start, unit.end)]


def _describe(items: Sequence[ItemIn], unit: Unit) -> str:
    # Translators: the subject of the lineup's messages ("the France block is
    # already first"); the quotes around an item's title are typographic.
    if unit.is_block and unit.size > 1:
        return _("the %(country)s block", country=tz.country_name(unit.country))
    return _("“%(title)s”", title=items[unit.start].title)


def move_unit(items: Sequence[ItemIn], index: int, delta: int) -> list[ItemIn]:
    """Move the unit holding item ``index`` up (-1) or down (+1) past one unit."""
    all_units = units(items)
    unit = unit_of(items, index)
    k = all_units.index(unit)
    if unit.pinned:
        raise LineupError(
            _(
                "%(what)s is pinned to its position; unpin it to move it.",
                what=_describe(items, unit),
            )
        )
    target = k + delta
    if target < 0:
        raise LineupError(_("%(what)s is already first.", what=_describe(items, unit)))
    if target >= len(all_units):
        raise LineupError(_("%(what)s is already last.", what=_describe(items, unit)))
    if all_units[target].pinned:
        raise LineupError(
            _(
                "%(what)s cannot move past the pinned item “%(pinned)s”.",
                what=_describe(items, unit),
                pinned=items[all_units[target].start].title,
            )
        )
    order = list(all_units)
    order[k], order[target] = order[target], order[k]
    return _flatten(items, order)


def move_item(items: Sequence[ItemIn], index: int, delta: int) -> list[ItemIn]:
    """Move one item up (-1) or down (+1).

    Inside a country block of several items it swaps with its neighbour in the
    block; it never leaves its block (move the block instead). Any other item
    moves past the whole neighbouring unit, so blocks stay together.
    """
    unit = unit_of(items, index)
    if unit.size == 1:
        return move_unit(items, index, delta)
    target = index + delta
    if not unit.start <= target < unit.end:
        message = (
            _(
                "“%(title)s” is the first item of %(block)s; move the whole block "
                "instead.",
                title=items[index].title,
                block=_describe(items, unit),
            )
            if delta < 0
            else _(
                "“%(title)s” is the last item of %(block)s; move the whole block "
                "instead.",
                title=items[index].title,
                block=_describe(items, unit),
            )
        )
        raise LineupError(message)
    result = list(items)
    result[index], result[target] = result[target], result[index]
    return result


def move_to(items: Sequence[ItemIn], index: int, position: int) -> list[ItemIn]:
    """Move the unit holding item ``index`` so that it starts at ``position``
    (0-based), staying between the pinned items around it."""
    all_units = units(items)
    unit = unit_of(items, index)
    if unit.pinned:
        raise LineupError(
            _(
                "%(what)s is pinned to its position; unpin it to move it.",
                what=_describe(items, unit),
            )
        )
    if not 0 <= position < len(items):
        raise LineupError(
            _(
                "Position %(position)s does not exist: choose 1 to %(last)s.",
                position=position + 1,
                last=len(items),
            )
        )
    k = all_units.index(unit)
    lo, hi = _segment(all_units, k)
    first, last = all_units[lo].start, all_units[hi - 1].end - unit.size
    if not first <= position <= last:
        side = all_units[lo - 1] if position < first else all_units[hi]
        raise LineupError(
            _(
                "%(what)s cannot move past the pinned item “%(pinned)s”: choose a "
                "position from %(first)s to %(last)s.",
                what=_describe(items, unit),
                pinned=items[side.start].title,
                first=first + 1,
                last=last + 1,
            )
        )
    rest = all_units[lo:k] + all_units[k + 1 : hi]
    best = None
    for slot in range(len(rest) + 1):
        start = first + sum(u.size for u in rest[:slot])
        distance = abs(start - position)
        if best is None or distance < best[0]:
            best = (distance, slot)
    segment = rest[: best[1]] + [unit] + rest[best[1] :]
    return _flatten(items, all_units[:lo] + segment + all_units[hi:])


def check_order(before: Sequence[ItemIn], after: Sequence[ItemIn]) -> None:
    """Refuse a whole new order (from drag and drop) that breaks the rules:
    other items than before, a pinned item moved, a country block split."""
    if sorted(i.id for i in before) != sorted(i.id for i in after) or len(
        {i.id for i in after}
    ) != len(after):
        raise LineupError(
            _("The order names other items than the lineup holds; reload the page.")
        )
    for n, item in enumerate(before):
        if item.pinned and after[n].id != item.id:
            raise LineupError(
                _(
                    "“%(title)s” is pinned at position %(position)s.",
                    title=item.title,
                    position=n + 1,
                )
            )
    block_of = {}
    for unit in units(before):
        if unit.is_block and unit.size > 1:
            for i in range(unit.start, unit.end):
                block_of[before[i].id] = unit
    positions = {item.id: n for n, item in enumerate(after)}
    seen = set()
    for unit in block_of.values():
        if unit in seen:
            continue
        seen.add(unit)
        ids = [before[i].id for i in range(unit.start, unit.end)]
        places = sorted(positions[i] for i in ids)
        if places[-1] - places[0] != len(places) - 1:
            raise LineupError(
                _(
                    "The %(country)s block must stay together.",
                    country=tz.country_name(unit.country),
                )
            )


# Ordering helpers ---------------------------------------------------------


def _reorder_blocks(items: Sequence[ItemIn], arrange) -> list[ItemIn]:
    """Reorder the country blocks of each segment with ``arrange(blocks,
    segment_units)``; other units keep their places among the units."""
    all_units = units(items)
    result: list[Unit] = []
    k = 0
    while k < len(all_units):
        if all_units[k].pinned:
            result.append(all_units[k])
            k += 1
            continue
        lo, hi = _segment(all_units, k)
        segment = all_units[lo:hi]
        blocks = [u for u in segment if u.is_block]
        arranged = iter(arrange(blocks, segment, len(_flatten(items, result))))
        result.extend(next(arranged) if u.is_block else u for u in segment)
        k = hi
    return _flatten(items, result)


def _speakers_offset(items: Sequence[ItemIn], unit: Unit, at: datetime):
    offsets = [
        tz.local_time(at, s.timezone).offset_minutes
        for i in range(unit.start, unit.end)
        for s in items[i].speakers
    ]
    return sum(offsets) / len(offsets) if offsets else None


def order_alphabetical(items: Sequence[ItemIn]) -> list[ItemIn]:
    """Country blocks by country name (English, as pytz names them)."""

    def arrange(blocks, _segment, _offset):
        return sorted(blocks, key=lambda u: (tz.country_name(u.country), u.start))

    return _reorder_blocks(items, arrange)


def order_by_offset(
    items: Sequence[ItemIn], at: datetime, east_first: bool = True
) -> list[ItemIn]:
    """Country blocks by their speakers' mean UTC offset at ``at`` (the meeting
    start: offsets change with summer time). Ties go alphabetical; blocks with
    no speaker go last."""

    def arrange(blocks, _segment, _offset):
        def key(u):
            offset = _speakers_offset(items, u, at)
            if offset is None:
                return (1, 0, tz.country_name(u.country))
            return (0, -offset if east_first else offset, tz.country_name(u.country))

        return sorted(blocks, key=key)

    return _reorder_blocks(items, arrange)


def fairness(
    scheduled: Sequence[ScheduledItem], day: hours.Window = hours.DAY_WINDOW
) -> tuple[int, int]:
    """(speakers outside the day window ``day`` in their own zone, how far the
    worst placed one is into their night, in minutes): what a night warning
    counts."""
    count = worst = 0
    for row in scheduled:
        for slot in row.slots:
            depth = hours.depth(slot.start, slot.end, slot.speaker.timezone, day)
            if depth:
                count += 1
                worst = max(worst, depth)
    return count, worst


def is_fairer(new: tuple[int, int], now: tuple[int, int]) -> bool:
    """Whether ``new`` is better than ``now`` and worse in nothing: no more
    speakers in the night and no deeper worst case."""
    return new != now and new[0] <= now[0] and new[1] <= now[1]


MAX_EXACT_BLOCKS = 14


def order_fairest(
    items: Sequence[ItemIn],
    start: datetime,
    buffer_minutes: int = 0,
    day: hours.Window = hours.DAY_WINDOW,
) -> list[ItemIn]:
    """The order of the country blocks that puts the fewest speakers outside the
    day window in their own zone (:func:`fairness`, the night warnings' rule);
    among those, the one whose worst-placed speaker is least far into their
    night; then alphabetical.

    It never proposes an order that :func:`is_fairer` does not prefer to the
    current one: when none is, the current order comes back unchanged.
    """
    proposed = _search_fairest(items, start, buffer_minutes, day)
    now = fairness(compute_schedule(start, items, buffer_minutes), day)
    new = fairness(compute_schedule(start, proposed, buffer_minutes), day)
    return proposed if is_fairer(new, now) else list(items)


def _search_fairest(
    items: Sequence[ItemIn], start: datetime, buffer_minutes: int, day: hours.Window
) -> list[ItemIn]:
    """Exact (dynamic programming over sets of blocks) for up to 14 blocks per
    segment; beyond that it keeps the current order. The timing model lays
    blocks end to end from the segment's start; a fixed clock time inside a
    segment is honoured by the final schedule but not by the search, which is
    why :func:`order_fairest` checks the result against the current order.
    """
    current = {s.item.id: s for s in compute_schedule(start, items, buffer_minutes)}
    buffer = timedelta(minutes=buffer_minutes)

    def arrange(blocks, segment, first_index):
        if len(blocks) > MAX_EXACT_BLOCKS or len(blocks) < 2:
            return blocks
        seg_start = current[items[segment[0].start].id].start
        length = {
            u: sum(
                (
                    timedelta(minutes=items[i].duration_minutes) + buffer
                    for i in range(u.start, u.end)
                ),
                timedelta(0),
            )
            for u in segment
        }
        # Non-block units keep their place among the units: the k-th block slot
        # starts after the blocks placed so far and the other units before it.
        slots = [n for n, u in enumerate(segment) if u.is_block]
        fixed_before = []
        for n in slots:
            fixed_before.append(
                sum(
                    (length[u] for u in segment[:n] if not u.is_block),
                    timedelta(0),
                )
            )
        names = [tz.country_name(u.country) for u in blocks]

        def cost(b: int, at: datetime) -> tuple[int, int]:
            unit = blocks[b]
            sched = compute_schedule(
                at, [items[i] for i in range(unit.start, unit.end)], buffer_minutes
            )
            return fairness(sched, day)

        n = len(blocks)
        best: dict[int, tuple] = {0: (0, 0, ())}
        for mask in range(1 << n):
            if mask not in best:
                continue
            count, worst, seq = best[mask]
            k = len(seq)
            if k == n:
                continue
            placed = sum((length[blocks[b]] for b in seq), timedelta(0))
            at = seg_start + fixed_before[k] + placed
            for b in range(n):
                if mask & (1 << b):
                    continue
                c, w = cost(b, at)
                value = (count + c, max(worst, w), seq + (b,))
                key = mask | (1 << b)
                old = best.get(key)
                if old is None or _rank(value, names) < _rank(old, names):
                    best[key] = value
        return [blocks[b] for b in best[(1 << n) - 1][2]]

    return _reorder_blocks(items, arrange)


def _rank(value: tuple, names: list[str]) -> tuple:
    count, worst, seq = value
    return (count, worst, tuple(names[b] for b in seq))


def apply_helper(
    helper: str,
    items: Sequence[ItemIn],
    start: datetime,
    buffer_minutes: int = 0,
    day: hours.Window = hours.DAY_WINDOW,
) -> list[ItemIn]:
    if helper == "alphabetical":
        return order_alphabetical(items)
    if helper == "east_to_west":
        return order_by_offset(items, start, east_first=True)
    if helper == "west_to_east":
        return order_by_offset(items, start, east_first=False)
    if helper == "fairest":
        return order_fairest(items, start, buffer_minutes, day)
    raise LineupError(_("Unknown ordering helper %(helper)s.", helper=repr(helper)))


@dataclass(frozen=True)
class HelperPreview:
    """What an ordering helper would do, before anything is saved."""

    scheduled: list[ScheduledItem]  # the proposed order, timed
    unchanged: bool  # for "fairest": no order is fairer than the current one
    fairness_now: tuple[int, int]
    fairness_new: tuple[int, int]


def preview_helper(
    helper: str,
    items: Sequence[ItemIn],
    start: datetime,
    buffer_minutes: int = 0,
    day: hours.Window = hours.DAY_WINDOW,
) -> HelperPreview:
    proposed = apply_helper(helper, items, start, buffer_minutes, day)
    scheduled = compute_schedule(start, proposed, buffer_minutes)
    return HelperPreview(
        scheduled=scheduled,
        unchanged=[i.id for i in proposed] == [i.id for i in items],
        fairness_now=fairness(compute_schedule(start, items, buffer_minutes), day),
        fairness_new=fairness(scheduled, day),
    )


# Warnings -----------------------------------------------------------------


@dataclass(frozen=True)
class LineupWarning:
    code: str
    message: str
    item_id: int | None = None


def _hm(instant: datetime, zone: str) -> str:
    return tz.to_local(instant, zone).strftime("%H:%M")


def lineup_warnings(
    start: datetime,
    planned_minutes: int,
    zone: str,
    scheduled: Sequence[ScheduledItem],
    has_chair: bool = True,
    day: hours.Window = hours.DAY_WINDOW,
) -> list[LineupWarning]:
    """Everything the organisers should look at, in lineup order; night is
    outside the conference's day window ``day``."""
    warnings: list[LineupWarning] = []
    if not has_chair:
        warnings.append(
            LineupWarning("no_chair", _("No chair is named for this conference."))
        )
    planned = planned_end(start, planned_minutes)
    end = schedule_end(scheduled, start)
    if end > planned:
        over = round((end - planned).total_seconds() / 60)
        warnings.append(
            LineupWarning(
                "overrun",
                _(
                    "The lineup ends at %(end)s, %(minutes)s min after the planned "
                    "end (%(planned)s).",
                    end=_hm(end, zone),
                    minutes=over,
                    planned=_hm(planned, zone),
                ),
            )
        )
    all_units_items = [row.item for row in scheduled]
    for unit in units(all_units_items):
        if not unit.is_block:
            continue
        rows = scheduled[unit.start : unit.end]
        name = tz.country_name(unit.country)
        if not any(row.item.speakers for row in rows):
            warnings.append(
                LineupWarning(
                    "empty_block",
                    _("The %(country)s block has no speaker.", country=name),
                    rows[0].item.id,
                )
            )
        target = next(
            (r.item.target_minutes for r in rows if r.item.target_minutes), None
        )
        total = sum(r.item.duration_minutes for r in rows)
        if target and total > target:
            warnings.append(
                LineupWarning(
                    "over_target",
                    _(
                        "The %(country)s block lasts %(total)s min, %(over)s min "
                        "more than its target of %(target)s min.",
                        country=name,
                        total=total,
                        over=total - target,
                        target=target,
                    ),
                    rows[0].item.id,
                )
            )
    for row in scheduled:
        if row.gap_minutes >= 1:
            warnings.append(
                LineupWarning(
                    "gap",
                    _(
                        "“%(title)s” is fixed at %(time)s: %(minutes)s min gap "
                        "before it.",
                        title=row.item.title,
                        time=_hm(row.start, zone),
                        minutes=round(row.gap_minutes),
                    ),
                    row.item.id,
                )
            )
        elif row.gap_minutes <= -1:
            warnings.append(
                LineupWarning(
                    "overlap",
                    _(
                        "“%(title)s” is fixed at %(time)s: it overlaps the item "
                        "before by %(minutes)s min.",
                        title=row.item.title,
                        time=_hm(row.start, zone),
                        minutes=round(-row.gap_minutes),
                    ),
                    row.item.id,
                )
            )
        if row.item.fixed_start is not None and row.item.fixed_start < start:
            warnings.append(
                LineupWarning(
                    "fixed_before_start",
                    _(
                        "“%(title)s” is fixed before the conference starts.",
                        title=row.item.title,
                    ),
                    row.item.id,
                )
            )
        explicit = sum(s.minutes or 0 for s in row.item.speakers)
        if explicit > row.item.duration_minutes:
            warnings.append(
                LineupWarning(
                    "speakers_too_long",
                    _(
                        "The speakers of “%(title)s” have %(minutes)s min between "
                        "them, more than the item's %(duration)s min.",
                        title=row.item.title,
                        minutes=explicit,
                        duration=row.item.duration_minutes,
                    ),
                    row.item.id,
                )
            )
        for slot in row.slots:
            if hours.is_outside(slot.start, slot.end, slot.speaker.timezone, day):
                when = tw.range_words(
                    slot.start,
                    slot.end,
                    slot.speaker.timezone,
                    date_style="short",
                    zone_style="short",
                )
                warnings.append(
                    LineupWarning(
                        "night",
                        _(
                            "%(name)s speaks %(when)s in their own zone %(zone)s:"
                            " outside %(window)s.",
                            name=slot.speaker.display_name,
                            when=when,
                            zone=slot.speaker.timezone,
                            window=day.label,
                        ),
                        row.item.id,
                    )
                )
    warnings.extend(_double_booked(scheduled))
    return warnings


def _double_booked(scheduled: Sequence[ScheduledItem]) -> list[LineupWarning]:
    by_person: dict[int, list[ScheduledItem]] = {}
    for row in scheduled:
        for pid in {s.participant_id for s in row.item.speakers}:
            by_person.setdefault(pid, []).append(row)
    found = []
    for pid, rows in by_person.items():
        for n, a in enumerate(rows):
            for b in rows[n + 1 :]:
                if a.start < b.end and b.start < a.end:
                    name = next(
                        s.display_name
                        for s in a.item.speakers
                        if s.participant_id == pid
                    )
                    found.append(
                        LineupWarning(
                            "double_booked",
                            _(
                                "%(name)s is in two overlapping items: “%(first)s” "
                                "and “%(second)s”.",
                                name=name,
                                first=a.item.title,
                                second=b.item.title,
                            ),
                            b.item.id,
                        )
                    )
    return found


# Display rows -------------------------------------------------------------


@dataclass(frozen=True)
class SpeakerRow:
    participant_id: int
    name: str
    country: str
    zone: str
    start: str  # "23:45"
    end: str
    date: str  # "Fri 20 Nov"
    abbreviation: str
    when: str  # "23:45–00:05 JST", "02:30 CEST – 02:30 CET"
    day_shift: int  # -1, 0, +1 relative to the reference date of the item start
    night: bool
    latin_name: str = ""


@dataclass(frozen=True)
class Row:
    item: ItemIn
    position: int
    start: str
    end: str
    date: str
    day_shift: int  # relative to the conference's first day, reference zone
    when: str  # "14:00–14:20"; each end's abbreviation across a clock change
    gap_minutes: int
    unit_start: bool
    unit_size: int
    unit_country: str | None
    speakers: tuple[SpeakerRow, ...]
    start_utc: datetime
    end_utc: datetime


def _day_shift(local: datetime, reference: datetime) -> int:
    return (local.date() - reference.date()).days


def display_rows(
    start: datetime,
    zone: str,
    scheduled: Sequence[ScheduledItem],
    day: hours.Window = hours.DAY_WINDOW,
) -> list[Row]:
    """Ready-to-show rows: times in the reference zone and in each speaker's."""
    first_day = tz.to_local(start, zone)
    unit_at = {}
    for unit in units([row.item for row in scheduled]):
        for i in range(unit.start, unit.end):
            unit_at[i] = unit
    rows = []
    for row in scheduled:
        ref = tz.to_local(row.start, zone)
        speakers = []
        for slot in row.slots:
            local = tz.to_local(slot.start, slot.speaker.timezone)
            local_end = tz.to_local(slot.end, slot.speaker.timezone)
            speakers.append(
                SpeakerRow(
                    participant_id=slot.speaker.participant_id,
                    name=slot.speaker.name,
                    latin_name=slot.speaker.latin_name,
                    country=slot.speaker.country,
                    zone=slot.speaker.timezone,
                    start=local.strftime("%H:%M"),
                    end=local_end.strftime("%H:%M"),
                    date=tw.date_words(
                        slot.start, slot.speaker.timezone, date_style="short"
                    ),
                    abbreviation=local.tzname() or "",
                    when=tw.range_words(
                        slot.start,
                        slot.end,
                        slot.speaker.timezone,
                        date_style="none",
                        zone_style="short",
                    ),
                    day_shift=_day_shift(local, ref),
                    night=hours.is_outside(
                        slot.start, slot.end, slot.speaker.timezone, day
                    ),
                )
            )
        unit = unit_at[row.position]
        rows.append(
            Row(
                item=row.item,
                position=row.position,
                start=ref.strftime("%H:%M"),
                end=tz.to_local(row.end, zone).strftime("%H:%M"),
                date=tw.date_words(row.start, zone, date_style="short"),
                day_shift=_day_shift(ref, first_day),
                when=tw.range_words(
                    row.start, row.end, zone, date_style="none", zone_style="auto"
                ),
                gap_minutes=round(row.gap_minutes),
                unit_start=unit.start == row.position,
                unit_size=unit.size,
                unit_country=unit.country,
                speakers=tuple(speakers),
                start_utc=row.start,
                end_utc=row.end,
            )
        )
    return rows
