"""Time-zone facts and conversions. The only module that touches pytz.

Rules: instants are aware UTC datetimes; zones are IANA names; a wall time typed by
a person is localised with ``is_dst=None`` so that a time that does not exist, or
exists twice, is refused rather than guessed.
"""

from __future__ import annotations

import bisect
import os
import unicodedata
import zoneinfo
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from functools import cache
from functools import lru_cache
from importlib import resources

import babel
import pytz

from silkmeet.domain import words

ZONE_DATA_VERSION = pytz.OLSON_VERSION


def use_packaged_tzdata() -> None:
    """Make zoneinfo, and icalendar through it, read the pinned ``tzdata`` package.

    zoneinfo prefers the system's copy, which can be years behind pytz (Debian's
    2025b here, against 2026f: Vancouver, Winnipeg, Chisinau… differ), so invites
    and pages would disagree. An operator's explicit PYTHONTZPATH still wins.
    """
    if "PYTHONTZPATH" not in os.environ:
        zoneinfo.reset_tzpath(to=())
        zoneinfo.ZoneInfo.clear_cache()


use_packaged_tzdata()


class TimeZoneError(ValueError):
    """A zone name, or a wall time in a zone, that cannot be used."""


class NonExistentWallTime(TimeZoneError):
    """A wall time the clocks skip (spring forward)."""


class AmbiguousWallTime(TimeZoneError):
    """A wall time that happens twice (fall back)."""


def is_known_zone(name: str) -> bool:
    return isinstance(name, str) and name in pytz.all_timezones_set


@cache
def _links() -> dict[str, str]:
    """Map each backward-compatible alias (Europe/Kiev) to its zone (Europe/Kyiv)."""
    text = resources.files("tzdata").joinpath("zoneinfo", "tzdata.zi").read_text()
    links = {}
    for line in text.splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            links[alias] = target
    return links


def canonical_zone(name: str) -> str:
    """Return the canonical IANA name for ``name``, or raise :class:`TimeZoneError`.

    Accepts any name pytz knows, in any letter case, and resolves aliases such as
    ``Europe/Kiev`` or ``Asia/Calcutta`` so that only canonical names are stored.
    """
    if not isinstance(name, str) or not name.strip():
        raise TimeZoneError("a time zone is required")
    try:
        zone = pytz.timezone(name.strip()).zone
    except (pytz.UnknownTimeZoneError, ValueError):
        raise TimeZoneError(f"unknown time zone {name!r}") from None
    seen = set()
    while zone in _links() and zone not in seen:
        seen.add(zone)
        zone = _links()[zone]
    return zone


def is_known_country(code: str) -> bool:
    return isinstance(code, str) and code in pytz.country_names


# Country names are written in the reader's language (the one messages are
# said in now: silkmeet.domain.words.language), English outside the app.


@cache
def _country_names(locale: str) -> dict[str, str]:
    # CLDR's names ("United Kingdom", "Turks & Caicos Islands"), not the time
    # zone database's abbreviations ("Britain (UK)", "Turks & Caicos Is").
    return dict(babel.Locale.parse(locale).territories)


def country_name(code: str, locale: str | None = None) -> str:
    """The name of the country with ISO 3166-1 code ``code``; the only place a
    code becomes a name (``locale`` picks the language; by default the
    reader's)."""
    names = _country_names(locale or words.language())
    return names.get(code) or pytz.country_names.get(code, code)


def country_choices(locale: str | None = None) -> list[tuple[str, str]]:
    """Every ISO 3166-1 alpha-2 code pytz knows, sorted by country name
    (accents aside: Åland Islands among the A's)."""
    locale = locale or words.language()
    return sorted(
        ((code, country_name(code, locale)) for code in pytz.country_names),
        key=lambda item: _sort_key(item[1]),
    )


def _sort_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def country_zones(code: str) -> list[str]:
    return list(pytz.country_timezones.get(code, ()))


def default_zone_for_country(code: str) -> str | None:
    """The zone of a country that has exactly one, else ``None``.

    Never the first of several: Brazil's first listed zone is America/Noronha,
    two hours from São Paulo.
    """
    zones = country_zones(code)
    return zones[0] if len(zones) == 1 else None


def localize(wall: datetime, zone: str) -> datetime:
    """Attach ``zone`` to a naive wall time and return the UTC instant.

    Raises :class:`TimeZoneError` when the wall time does not exist (spring
    forward) or is ambiguous (fall back) in that zone.
    """
    if wall.tzinfo is not None:
        raise TimeZoneError("expected a wall time without an offset")
    tz = pytz.timezone(zone)
    try:
        local = tz.localize(wall, is_dst=None)
    except pytz.NonExistentTimeError:
        raise NonExistentWallTime(
            f"{wall:%Y-%m-%d %H:%M} does not exist in {zone}: "
            "the clocks skip it when summer time starts"
        ) from None
    except pytz.AmbiguousTimeError:
        raise AmbiguousWallTime(
            f"{wall:%Y-%m-%d %H:%M} happens twice in {zone}: "
            "the clocks go back; choose a time outside that hour"
        ) from None
    try:
        return local.astimezone(UTC)
    except OverflowError:
        raise TimeZoneError(f"{wall:%Y-%m-%d %H:%M} is out of range") from None


def to_local(instant: datetime, zone: str) -> datetime:
    """Convert an aware instant to an aware wall time in ``zone`` (pytz tzinfo).

    The same value, and the same tzinfo object, as pytz's
    ``normalize(instant.astimezone(tz))``, found by :class:`FastZone`.
    """
    if instant.tzinfo is None:
        raise TimeZoneError("expected an aware instant")
    return fast_zone(zone).wall(instant)


class FastZone:
    """One zone's pytz transition table, read once, for many conversions.

    pytz converts an instant by bisecting ``_utc_transition_times`` and taking
    the matching ``_transition_info`` (offset, DST, abbreviation) and tzinfo
    (its ``fromutc``); this does exactly that without pytz's per-call name
    lookup and its ``astimezone`` + ``normalize`` round trip. Zones with a
    fixed offset (UTC, Etc/GMT-14) have no table and go through pytz itself.
    """

    __slots__ = ("zone", "tz", "times", "infos", "tzinfos", "_described")

    def __init__(self, zone: str):
        self.zone = zone
        self.tz = pytz.timezone(zone)
        self.times = getattr(self.tz, "_utc_transition_times", None) or None
        self.infos = getattr(self.tz, "_transition_info", None)
        self.tzinfos = getattr(self.tz, "_tzinfos", None)
        # tzinfo object -> (UTC offset in minutes, abbreviation)
        self._described: dict = {}

    def wall(self, instant: datetime) -> datetime:
        """The aware wall time (pytz tzinfo) of an aware instant."""
        if self.times is None:
            return self.tz.normalize(instant.astimezone(self.tz))
        naive = _naive_utc(instant)
        info = self.infos[max(0, bisect.bisect_right(self.times, naive) - 1)]
        return (naive + info[0]).replace(tzinfo=self.tzinfos[info])

    def describe(self, wall: datetime) -> tuple[int, str]:
        """(UTC offset in minutes, abbreviation) of a wall time from :meth:`wall`."""
        tzinfo = wall.tzinfo
        found = self._described.get(tzinfo)
        if found is None:
            offset = wall.utcoffset()
            minutes = int(offset.total_seconds() // 60) if offset is not None else 0
            found = self._described[tzinfo] = (minutes, wall.tzname() or "")
        return found

    def local_time(self, instant: datetime) -> LocalTime:
        wall = self.wall(instant)
        minutes, abbreviation = self.describe(wall)
        return LocalTime(
            wall=wall, zone=self.zone, abbreviation=abbreviation, offset_minutes=minutes
        )

    def offset_changes(self, start: datetime, end: datetime) -> list[datetime]:
        """The instants in ``(start, end)`` where the UTC offset really changes
        (those :func:`transitions` reports), as aware UTC datetimes."""
        if self.times is None:
            return []
        naive_start = _naive_utc(start)
        naive_end = _naive_utc(end)
        index = max(bisect.bisect_right(self.times, naive_start), 1)
        if index >= len(self.times) or self.times[index] >= naive_end:
            return []
        found = []
        while index < len(self.times) and self.times[index] < naive_end:
            before, after = self.infos[index - 1][0], self.infos[index][0]
            if before // _MINUTE != after // _MINUTE:
                found.append(self.times[index].replace(tzinfo=UTC))
            index += 1
        return found


_MINUTE = timedelta(minutes=1)


def _naive_utc(instant: datetime) -> datetime:
    offset = instant.utcoffset()
    naive = instant.replace(tzinfo=None)
    return naive - offset if offset else naive


@lru_cache(maxsize=1024)
def fast_zone(zone: str) -> FastZone:
    """The :class:`FastZone` of ``zone`` (raises pytz's error when unknown)."""
    return FastZone(zone)


@dataclass(frozen=True)
class LocalTime:
    """An instant as seen in one zone."""

    wall: datetime
    zone: str
    abbreviation: str
    offset_minutes: int

    @property
    def offset_label(self) -> str:
        return format_offset(self.offset_minutes)


def local_time(instant: datetime, zone: str) -> LocalTime:
    if instant.tzinfo is None:
        raise TimeZoneError("expected an aware instant")
    return fast_zone(zone).local_time(instant)


def format_offset(minutes: int) -> str:
    """``330`` → ``UTC+05:30``; ``-180`` → ``UTC-03:00``; ``0`` → ``UTC``."""
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def parse_datetime(text: str) -> datetime:
    """An ISO 8601 date-time as written: aware with an offset or ``Z``, else a
    naive wall time."""
    if not isinstance(text, str):
        raise TimeZoneError("expected an ISO 8601 date-time string")
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        shown = repr(text) if len(text) <= 40 else repr(text[:37]) + "…"
        raise TimeZoneError(f"{shown} is not an ISO 8601 date-time") from None


def parse_instant(text: str, zone: str | None = None) -> datetime:
    """Parse an ISO 8601 date-time into a UTC instant.

    With an offset or ``Z`` it is an instant; without one it is a wall time in
    ``zone`` (refused if ``zone`` is missing, or the wall time is impossible).
    """
    value = parse_datetime(text)
    if value.tzinfo is not None:
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise TimeZoneError(f"{text!r} is out of range") from None
    if zone is None:
        raise TimeZoneError(f"{text!r} has no UTC offset and no zone to read it in")
    return localize(value, zone)


def format_instant(instant: datetime) -> str:
    """An aware instant as ``2020-11-20T13:00:00Z``."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_offset_minutes(instant: datetime, zone: str) -> int:
    return local_time(instant, zone).offset_minutes


def wall_time_readings(wall: datetime, zone: str) -> list[datetime]:
    """Every UTC instant a naive wall time can mean in ``zone``.

    One for an ordinary time, none for a time the clocks skip, two (earlier
    first) for a time that happens twice.
    """
    if wall.tzinfo is not None:
        raise TimeZoneError("expected a wall time without an offset")
    tz = pytz.timezone(zone)
    readings = set()
    for is_dst in (True, False):
        instant = tz.localize(wall, is_dst=is_dst).astimezone(UTC)
        # A skipped time localises to an instant whose wall time differs.
        if tz.normalize(instant.astimezone(tz)).replace(tzinfo=None) == wall:
            readings.add(instant)
    return sorted(readings)


def start_of_day(day: date, zone: str) -> datetime:
    """The first instant of a local date in ``zone``, as UTC.

    Midnight itself does not exist on some days (São Paulo started summer time
    at 00:00 until 2018); then the day starts when the clocks resume.
    """
    readings = wall_time_readings(datetime.combine(day, time()), zone)
    if readings:
        return readings[0]
    tz = pytz.timezone(zone)
    # is_dst=False reads the skipped midnight with the offset before the jump,
    # which is exactly the instant the clocks jump at.
    return tz.localize(datetime.combine(day, time()), is_dst=False).astimezone(UTC)


@dataclass(frozen=True)
class Transition:
    """A change of a zone's UTC offset (summer time, or a change of rules)."""

    zone: str
    instant: datetime
    before: LocalTime
    after: LocalTime

    @property
    def delta_minutes(self) -> int:
        return self.after.offset_minutes - self.before.offset_minutes


def transitions(zone: str, start: datetime, end: datetime) -> list[Transition]:
    """The offset changes of ``zone`` in ``[start, end)``, read from pytz's table.

    pytz has no table past 2037 (its documented limit); zones with a fixed
    offset have none.
    """
    table = _transition_table(zone)
    naive_start = start.astimezone(UTC).replace(tzinfo=None)
    naive_end = end.astimezone(UTC).replace(tzinfo=None)
    found = []
    # The first entry is the zone's beginning (LMT), not a change.
    index = max(bisect.bisect_left(table, naive_start), 1)
    while index < len(table) and table[index] < naive_end:
        instant = table[index].replace(tzinfo=UTC)
        before = local_time(instant - timedelta(seconds=1), zone)
        after = local_time(instant, zone)
        # The table also lists changes of abbreviation only; keep real ones.
        if before.offset_minutes != after.offset_minutes:
            found.append(Transition(zone, instant, before, after))
        index += 1
    return found


@cache
def _transition_table(zone: str) -> list[datetime]:
    return list(getattr(pytz.timezone(zone), "_utc_transition_times", None) or [])


@cache
def offered_zones() -> tuple[str, ...]:
    """The zones a viewer can pick: pytz's common list, by region and city.

    Links such as Europe/Amsterdam stay: people look for their own city, and
    the link has the same rules as its target. Old names (US/Eastern) go.
    """
    return tuple(
        sorted(
            name
            for name in pytz.common_timezones
            if name == "UTC"
            or ("/" in name and not name.startswith(("US/", "Canada/")))
        )
    )


def known_zone_name(name: str) -> str:
    """``name`` as pytz spells it (any letter case accepted), without resolving
    links; raise :class:`TimeZoneError` when unknown."""
    if not isinstance(name, str) or not name.strip() or len(name) > 64:
        raise TimeZoneError("a time zone is required")
    try:
        return pytz.timezone(name.strip()).zone
    except (pytz.UnknownTimeZoneError, ValueError):
        raise TimeZoneError(f"unknown time zone {name!r}") from None
