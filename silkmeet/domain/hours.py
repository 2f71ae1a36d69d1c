"""The day window: the one definition of local daytime, night and the bands of
the day, and the one algorithm that says whether (and how far) a span of time
reaches outside the day window where someone is.

Each conference sets its own day window (``Conference.day_window``, default
:data:`DAY_WINDOW`, 07:00–22:00; :func:`window` builds one from the hours
``domain/fields.py`` checked). Lineup warnings, the "fairest" ordering helper,
the agenda and delegate pages, the planner and the exports' ``outside_hours``
flags all ask :func:`depth` with that window; templates read its labels from
``conference.day_window``. Times are minutes after local midnight; a span is
two UTC instants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from silkmeet.domain import timezones as tz
from silkmeet.domain.words import _

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
    def start_time(self) -> str:
        """``07:00``."""
        return self._hm(self.start)

    @property
    def end_time(self) -> str:
        """``22:00`` (``24:00`` for the end of the day)."""
        return self._hm(self.end)

    @property
    def label(self) -> str:
        """``07:00–22:00``."""
        return f"{self.start_time}–{self.end_time}"

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

    @property
    def night_peak(self) -> int:
        """The middle of the night (02:30 for 07–22), as a minute of the day
        (negative before midnight): the furthest point from both ends."""
        return (self.end + self.start + DAY) // 2 - DAY

    @property
    def night_peak_depth(self) -> int:
        return self.night_peak + DAY - self.end


# Outside the day window is night: a warning for a speaker, a cost for the
# planner and the fairest order, a mark on the agenda. The default of every
# conference's own window (:func:`window`).
DEFAULT_START_HOUR = 7
DEFAULT_END_HOUR = 22
DAY_WINDOW = Window(DEFAULT_START_HOUR * 60, DEFAULT_END_HOUR * 60)
# Inside the day window, the working hours; the rest of it is "stretch".
WORK_WINDOW = Window(9 * 60, 18 * 60)


class WindowError(ValueError):
    """Hours that make no day window; the message says why."""


def window(start_hour: int, end_hour: int) -> Window:
    """The day window from ``start_hour``:00 to ``end_hour``:00 (24 is the end
    of the day). It must hold at least one hour and leave at least one hour of
    night: a window of the whole day would hide every night warning."""
    if not 0 <= start_hour <= 23 or not 1 <= end_hour <= 24:
        raise WindowError(
            _("the day starts at an hour from 0 to 23 and ends at one from 1 to 24")
        )
    if end_hour <= start_hour:
        start, end = f"{start_hour:02d}:00", f"{end_hour:02d}:00"
        raise WindowError(
            _(
                "the day must end after it starts (%(start)s–%(end)s)",
                start=start,
                end=end,
            )
        )
    if end_hour - start_hour > 23:
        raise WindowError(_("leave at least one hour of night"))
    return Window(start_hour * 60, end_hour * 60)


def band(minute_of_day: int, day: Window = DAY_WINDOW) -> str:
    """``work``, ``stretch`` or ``night`` for a local minute of the day."""
    m = minute_of_day % DAY
    if not day.start <= m < day.end:
        return "night"
    if WORK_WINDOW.start <= m < WORK_WINDOW.end:
        return "work"
    return "stretch"


def night_depth(minute: float, day: Window = DAY_WINDOW) -> float:
    """How far a local minute lies outside the day window, in minutes (0 inside)."""
    m = minute % DAY
    if day.start <= m <= day.end:
        return 0
    if m > day.end:
        return min(m - day.end, DAY + day.start - m)
    return min(m + DAY - day.end, day.start - m)


def piece_depth(
    wall_minute: float, start: datetime, end: datetime, day: Window = DAY_WINDOW
) -> tuple[float, datetime]:
    """The largest night depth over ``start``-``end``, a piece of constant UTC
    offset that starts at local minute ``wall_minute``, and where it is reached.

    The depth is piecewise linear in local time, peaking at 02:30: its maximum
    is at an end of the piece or at a 02:30 inside it.
    """
    length = (end - start).total_seconds() / 60
    best = (night_depth(wall_minute, day), start)
    at_end = night_depth(wall_minute + length, day)
    if at_end > best[0]:
        best = (at_end, end)
    # The first night peak (02:30 for 07–22) at or after the start.
    peak = (day.night_peak - wall_minute) % DAY
    if peak <= length and day.night_peak_depth > best[0]:
        best = (day.night_peak_depth, start + timedelta(minutes=peak))
    return best


def worst_point(
    start: datetime, end: datetime, zone: str, day: Window = DAY_WINDOW
) -> tuple[float, datetime]:
    """Max night depth over ``[start, end]`` in ``zone`` and where it happens.

    Offset changes split the interval into pieces of constant offset; each piece
    is measured in its own wall time, never by adding durations to wall times.
    """
    clock = tz.fast_zone(zone)
    edges = [start, *clock.offset_changes(start, end), end]
    best = (-1.0, start)
    for a, b in zip(edges, edges[1:], strict=False):
        wall = clock.wall(a)
        piece = piece_depth(wall.hour * 60 + wall.minute + wall.second / 60, a, b, day)
        if piece[0] > best[0]:
            best = piece
    return best


def depth(start: datetime, end: datetime, zone: str, day: Window = DAY_WINDOW) -> int:
    """How far ``start``-``end`` reaches outside the day window in ``zone``, in
    whole minutes: 0 when it stays inside (ending at 22:00 is inside)."""
    return round(worst_point(start, end, zone, day)[0])


def is_outside(
    start: datetime, end: datetime, zone: str, day: Window = DAY_WINDOW
) -> bool:
    """Whether any part of ``start``-``end`` falls outside the day window."""
    return depth(start, end, zone, day) > 0
