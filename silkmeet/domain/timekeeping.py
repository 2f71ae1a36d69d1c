"""Speaking time during the meeting: each speaker's limit, each block's budget,
overruns, and when everyone still waiting is now expected to speak.

A **turn** is one speaker's slot in an item, or an item nobody speaks in. Turns
belong to a **budget group**: a country block (:func:`silkmeet.domain.lineup.units`),
else their own item. A group's **budget** is the sum of its turns' planned
lengths: its items' durations, when their speakers' minutes fill them.

- A turn's **limit** is its planned length, unless the turns of its group before
  it used more than theirs: the shortfall is then taken from the turns still to
  come in the group, each in proportion to what it has above :data:`MIN_TURN`,
  so that the group still ends on time. What they cannot give (all of them down
  to :data:`MIN_TURN`) moves the rest of the meeting. Time saved early in a
  group is not handed out: the group ends early.
- A limit is fixed when its turn starts. While a turn runs past its limit, the
  limits of the turns after it in its group shrink with every second.
- After the current turn, the meeting is laid out as planned: each waiting turn
  for its limit, with the planned pauses between turns (buffers, fixed starts,
  the part of an item its speakers' minutes leave free).

Followers (the stage screen, a speaker's page) receive a :class:`Follow`: the
projection at a few instants between which every expected time and limit is
linear in the clock, so that a browser draws the right numbers second by second
from a state that changes only when the chair records something.

Pure: instants are aware UTC; local times are for the callers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta

ZERO = timedelta(0)
# An overrun never takes a later speaker below this (nor below their own
# planned length, when that is shorter).
MIN_TURN = timedelta(minutes=1)
# Countdowns turn amber when this much is left, red once past zero.
AMBER = timedelta(minutes=1)
# How far past the last kink a Follow samples, to give the final slope.
_SLOPE = timedelta(minutes=1)


@dataclass(frozen=True)
class Turn:
    # Index of its item in the lineup, and of its speaker in the item (None:
    # nobody speaks in the item).
    item: int
    speaker: int | None
    group: int
    start: datetime
    # Planned length: the speaker's minutes.
    planned: timedelta
    # Planned time after it before the next turn (or the meeting's end).
    pause: timedelta = ZERO
    actual_start: datetime | None = None
    actual_end: datetime | None = None
    # Its item has ended: a turn not held by then was skipped.
    closed: bool = False

    @property
    def done(self) -> bool:
        return self.actual_end is not None or self.closed

    @property
    def running(self) -> bool:
        return self.actual_start is not None and not self.done

    @property
    def waiting(self) -> bool:
        return self.actual_start is None and not self.closed

    @property
    def held(self) -> timedelta | None:
        """How long it lasted, once over (None: not over, or skipped)."""
        if self.actual_start is None or self.actual_end is None:
            return None
        return self.actual_end - self.actual_start


def share_out(left: timedelta, planned: Sequence[timedelta]) -> list[timedelta]:
    """The limits of a group's next turns when ``left`` of its budget remains.

    Their planned lengths while ``left`` covers them; otherwise the shortfall is
    taken from each in proportion to what it has above its floor (MIN_TURN, or
    its planned length if shorter). Below the floors nothing more is taken: the
    group runs long.
    """
    need = sum(planned, ZERO)
    if left >= need:
        return list(planned)
    floors = [min(p, MIN_TURN) for p in planned]
    room = sum((p - f for p, f in zip(planned, floors, strict=True)), ZERO)
    if room <= ZERO:
        return list(planned)
    take = min(need - left, room)
    return [p - take * ((p - f) / room) for p, f in zip(planned, floors, strict=True)]


def countdown_status(left: timedelta) -> str:
    """``ok``, ``amber`` (a minute or less left) or ``over``: also the CSS class."""
    if left < ZERO:
        return "over"
    if left <= AMBER:
        return "amber"
    return "ok"


@dataclass(frozen=True)
class Expected:
    """A turn still to come (or running) as the projection sees it."""

    index: int
    start: datetime
    end: datetime
    limit: timedelta


@dataclass(frozen=True)
class Block:
    """The budget group of the current turn (or of the next one, between turns)."""

    group: int
    budget: timedelta
    # Held by its turns that are over.
    used: timedelta
    # When its budget runs out, while one of its turns runs.
    deadline: datetime | None = None

    def left(self, now: datetime) -> timedelta:
        if self.deadline is None:
            return self.budget - self.used
        return self.deadline - now


@dataclass(frozen=True)
class Timeline:
    now: datetime
    phase: str  # "before", "running", "between", "finished"
    # Index of the running turn, and of the next turn to start.
    current: int | None
    following: int | None
    # The running turn's limit and when it runs out.
    limit: timedelta | None
    deadline: datetime | None
    block: Block | None
    # The turns still to come after the current one (or after the last one
    # held), in order.
    expected: tuple[Expected, ...] = field(default=())
    # When the last turn and its pause are expected to end, and the plan's.
    end: datetime | None = None
    planned_end: datetime | None = None

    @property
    def time_left(self) -> timedelta | None:
        return None if self.deadline is None else self.deadline - self.now

    @property
    def drift(self) -> timedelta:
        if self.end is None or self.planned_end is None:
            return ZERO
        return self.end - self.planned_end

    def expected_of(self, index: int) -> Expected | None:
        return next((e for e in self.expected if e.index == index), None)


def budgets(turns: Sequence[Turn]) -> dict[int, timedelta]:
    totals: dict[int, timedelta] = {}
    for turn in turns:
        totals[turn.group] = totals.get(turn.group, ZERO) + turn.planned
    return totals


def used_before(turns: Sequence[Turn], index: int) -> timedelta:
    """What the turns of ``turns[index]``'s group before it held."""
    group = turns[index].group
    return sum(
        (t.held for t in turns[:index] if t.group == group and t.held is not None),
        ZERO,
    )


def limit_at_start(
    turns: Sequence[Turn], index: int, budget: timedelta | None = None
) -> timedelta:
    """The limit ``turns[index]`` had (or has) from the moment it started."""
    turn = turns[index]
    if budget is None:
        budget = budgets(turns)[turn.group]
    later = [t.planned for t in turns[index + 1 :] if t.group == turn.group]
    left = budget - used_before(turns, index)
    return share_out(left, [turn.planned, *later])[0]


def over_limit(turns: Sequence[Turn], index: int) -> timedelta | None:
    """How far a turn that is over ran past its limit (zero: within it)."""
    held = turns[index].held
    if held is None:
        return None
    return max(held - limit_at_start(turns, index), ZERO)


def _over_at(turn: Turn) -> datetime:
    """When a turn that is over ended (a skipped one: when it started)."""
    return turn.actual_end or turn.actual_start


def _state(turns: Sequence[Turn]) -> tuple[str, int | None, int | None]:
    """(phase, the running turn, the last turn started) from the record alone."""
    running = [i for i, t in enumerate(turns) if t.running]
    started = [i for i, t in enumerate(turns) if t.actual_start is not None]
    if running:
        return "running", running[-1], running[-1]
    if not started:
        return "before", None, None
    last = started[-1]
    if any(t.waiting for t in turns[last + 1 :]):
        return "between", None, last
    return "finished", None, last


def project(turns: Sequence[Turn], now: datetime) -> Timeline:
    """Where the meeting stands at ``now`` given what the chair recorded."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware instant")
    if not turns:
        return Timeline(now, "before", None, None, None, None, None)
    last_turn = turns[-1]
    planned_end = last_turn.start + last_turn.planned + last_turn.pause
    phase, current, last = _state(turns)
    totals = budgets(turns)
    after = 0 if last is None else last + 1
    waiting = [i for i in range(after, len(turns)) if turns[i].waiting]

    limit = deadline = None
    block = None
    limits: dict[int, timedelta] = {}
    if phase == "running":
        turn = turns[current]
        group = turn.group
        left = totals[group] - used_before(turns, current)
        later = [i for i in waiting if turns[i].group == group]
        limit = share_out(left, [turn.planned] + [turns[i].planned for i in later])[0]
        deadline = turn.actual_start + limit
        ends = max(now, deadline)
        used_now = ends - turn.actual_start
        for i, share in zip(
            later,
            share_out(left - used_now, [turns[i].planned for i in later]),
            strict=True,
        ):
            limits[i] = share
        block = Block(
            group, totals[group], totals[group] - left, turn.actual_start + left
        )
        cursor = ends + turn.pause
    elif phase == "before":
        cursor = max(turns[0].start, now)
    else:
        cursor = _over_at(turns[last])
        if phase == "between":
            cursor = max(cursor + turns[last].pause, now)
    if phase in ("before", "between") and waiting:
        group = turns[waiting[0]].group
        spent = sum(
            (t.held for t in turns if t.group == group and t.held is not None),
            ZERO,
        )
        later = [i for i in waiting if turns[i].group == group]
        left = totals[group] - spent
        for i, share in zip(
            later, share_out(left, [turns[i].planned for i in later]), strict=True
        ):
            limits[i] = share
        block = Block(group, totals[group], spent)

    expected = []
    for i in waiting:
        turn = turns[i]
        length = limits.get(i, turn.planned)
        expected.append(Expected(i, cursor, cursor + length, length))
        cursor += length + turn.pause
    return Timeline(
        now=now,
        phase=phase,
        current=current,
        following=waiting[0] if waiting else None,
        limit=limit,
        deadline=deadline,
        block=block,
        expected=tuple(expected),
        end=cursor,
        planned_end=planned_end,
    )


# --- followers -------------------------------------------------------------------


def kinks(turns: Sequence[Turn]) -> tuple[datetime, ...]:
    """The instants at which the projection's slope in the clock can change.

    Before the first of them nothing depends on the clock; between two of them,
    and after the last, every expected start, end and limit is linear in it.
    """
    if not turns:
        return ()
    phase, current, last = _state(turns)
    if phase == "finished":
        return (_over_at(turns[last]),)
    if phase == "before":
        return (turns[0].start,)
    if phase == "between":
        return (_over_at(turns[last]) + turns[last].pause,)
    turn = turns[current]
    group = turn.group
    left = budgets(turns)[group] - used_before(turns, current)
    later = [t.planned for t in turns[current + 1 :] if t.group == group and t.waiting]
    deadline = turn.actual_start + share_out(left, [turn.planned, *later])[0]
    need = sum(later, ZERO)
    room = sum((p - min(p, MIN_TURN) for p in later), ZERO)
    # The shortfall starts once the turn has used all but ``need`` of what is
    # left, and stops growing when the later turns are down to their floors.
    starts = turn.actual_start + left - need
    points = {deadline, max(deadline, starts), max(deadline, starts + room)}
    return tuple(sorted(points))


@dataclass(frozen=True)
class Follow:
    """The projection at each sample instant (:func:`kinks` plus one more for
    the final slope): a follower evaluates any value at any instant with
    :func:`at`."""

    samples: tuple[datetime, ...]
    timelines: tuple[Timeline, ...]


def follow(turns: Sequence[Turn]) -> Follow:
    points = list(kinks(turns))
    if not points:
        return Follow((), ())
    points.append(points[-1] + _SLOPE)
    return Follow(tuple(points), tuple(project(turns, p) for p in points))


def at(samples: Sequence[float], values: Sequence[float], t: float) -> float:
    """A value sampled at ``samples`` (ascending), at ``t``: constant before the
    first sample, linear between two, and along the last slope after the last.
    static/js/follow.js evaluates the same way."""
    if t <= samples[0] or len(samples) == 1:
        return values[0]
    for i in range(1, len(samples)):
        if t <= samples[i] or i == len(samples) - 1:
            x0, x1, y0, y1 = samples[i - 1], samples[i], values[i - 1], values[i]
            return y0 + (y1 - y0) * (t - x0) / (x1 - x0)
    raise AssertionError("unreachable")  # pragma: no cover
