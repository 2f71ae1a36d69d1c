"""The day window: the one definition of local daytime, night and the bands of
the day, and the one algorithm that says whether (and how far) a span of time
reaches outside the day window where someone is.

Lineup warnings, the "fairest" ordering helper, the agenda and delegate pages,
the planner and the exports' ``outside_hours`` flags all ask :func:`depth`;
templates read the labels through the ``day_window`` and ``work_window``
globals. Times are minutes after local midnight; a span is two UTC instants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from silkmeet.domain import timezones as tz

DAY = 24 * 60


@dataclass(frozen=True)
class Window:
    """``start``-``end`` in minutes after local midnight; both ends are inside."""

    start: int
    end: int

    @staticmethod
    def _hm(minute: int) -> str:
        return f"{minute // 60:02d}:{minute % 60:02d}"

    @property
    def label(self) -> str:
        """``07:00–22:00``."""
        return f"{self._hm(self.start)}–{self._hm(self.end)}"

    @property
    def start_hour(self) -> str:
        """``07``."""
        return f"{self.start // 60:02d}"

    @property
    def end_hour(self) -> str:
        return f"{self.end // 60:02d}"

    @property
    def short_label(self) -> str:
        """``07–22``."""
        return f"{self.start_hour}–{self.end_hour}"

    @property
    def outside_label(self) -> str:
        """``22–07``: the rest of the day."""
        return f"{self.end_hour}–{self.start_hour}"


# Outside the day window is night: a warning for a speaker, a cost for the
# planner and the fairest order, a mark on the agenda.
DAY_WINDOW = Window(7 * 60, 22 * 60)
# Inside the day window, the working hours; the rest of it is "stretch".
WORK_WINDOW = Window(9 * 60, 18 * 60)

# The middle of the night (02:30): the furthest point from both ends of the day.
NIGHT_PEAK = (DAY_WINDOW.end + DAY_WINDOW.start + DAY) // 2 - DAY
NIGHT_PEAK_DEPTH = NIGHT_PEAK + DAY - DAY_WINDOW.end


def band(minute_of_day: int) -> str:
    """``work``, ``stretch`` or ``night`` for a local minute of the day."""
    m = minute_of_day % DAY
    if WORK_WINDOW.start <= m < WORK_WINDOW.end:
        return "work"
    if DAY_WINDOW.start <= m < DAY_WINDOW.end:
        return "stretch"
    return "night"


def night_depth(minute: float) -> float:
    """How far a local minute lies outside the day window, in minutes (0 inside)."""
    m = minute % DAY
    if DAY_WINDOW.start <= m <= DAY_WINDOW.end:
        return 0
    if m > DAY_WINDOW.end:
        return min(m - DAY_WINDOW.end, DAY + DAY_WINDOW.start - m)
    return min(m + DAY - DAY_WINDOW.end, DAY_WINDOW.start - m)


def piece_depth(
    wall_minute: float, start: datetime, end: datetime
) -> tuple[float, datetime]:
    """The largest night depth over ``start``-``end``, a piece of constant UTC
    offset that starts at local minute ``wall_minute``, and where it is reached.

    The depth is piecewise linear in local time, peaking at 02:30: its maximum
    is at an end of the piece or at a 02:30 inside it.
    """
    length = (end - start).total_seconds() / 60
    best = (night_depth(wall_minute), start)
    at_end = night_depth(wall_minute + length)
    if at_end > best[0]:
        best = (at_end, end)
    # The first 02:30 at or after the start.
    peak = (NIGHT_PEAK - wall_minute) % DAY
    if peak <= length and NIGHT_PEAK_DEPTH > best[0]:
        best = (NIGHT_PEAK_DEPTH, start + timedelta(minutes=peak))
    return best


def worst_point(start: datetime, end: datetime, zone: str) -> tuple[float, datetime]:
    """Max night depth over ``[start, end]`` in ``zone`` and where it happens.

    Offset changes split the interval into pieces of constant offset; each piece
    is measured in its own wall time, never by adding durations to wall times.
    """
    clock = tz.fast_zone(zone)
    edges = [start, *clock.offset_changes(start, end), end]
    best = (-1.0, start)
    for a, b in zip(edges, edges[1:], strict=False):
        wall = clock.wall(a)
        piece = piece_depth(wall.hour * 60 + wall.minute + wall.second / 60, a, b)
        if piece[0] > best[0]:
            best = piece
    return best


def depth(start: datetime, end: datetime, zone: str) -> int:
    """How far ``start``-``end`` reaches outside the day window in ``zone``, in
    whole minutes: 0 when it stays inside (ending at 22:00 is inside)."""
    return round(worst_point(start, end, zone)[0])


def is_outside(start: datetime, end: datetime, zone: str) -> bool:
    """Whether any part of ``start``-``end`` falls outside the day window."""
    return depth(start, end, zone) > 0
