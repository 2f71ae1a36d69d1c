"""Instants and intervals in words, as a reader in one zone reads them.

The one place that turns a time into text people read: warnings, pages,
invite descriptions, e-mails, the planner. Every text keeps the zone's
abbreviation or UTC offset beside the time, and an interval names both ends
whole: an end on another local date carries its date, an end in another
offset (the clocks changed in between) carries its own abbreviation::

    Sun 28 Mar 2027, 10:00–12:30 CEST (UTC+02:00)
    Sun 25 Oct 2026, 02:30 CEST (UTC+02:00) – 02:30 CET (UTC+01:00)
    Sun 25 Oct, 23:30 – Mon 26 Oct, 00:15 CET

Dates and times follow the reader's locale through Babel's CLDR data
(``ven. 20 novembre 2020, 14:00``, ``2020年11月20日(金) 21:00``), with the
zone's localised name where CLDR has one. English keeps the house form above,
with the tz database's abbreviations, which CLDR's English lacks for most
zones. Times are always on the 24-hour clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from functools import lru_cache
from typing import Literal

from babel import Locale
from babel import UnknownLocaleError
from babel import dates as cldr

from silkmeet.domain import timezones as tz
from silkmeet.domain import words

# "long": weekday, date and year; "short": without the year; "auto": no date
# unless the ends' dates differ (then both carry the short one); "none": no
# date ever (the caller marks a change of date otherwise, as the agenda's
# "+1 day" does).
DateStyle = Literal["long", "short", "auto", "none"]
# "full": name and offset, "CEST (UTC+02:00)"; "short": the name, or the offset
# when the zone has none, "CEST", "UTC+05:45"; "auto": no zone unless the ends'
# offsets differ (then both carry the short one).
ZoneStyle = Literal["full", "short", "auto"]

DEFAULT_LOCALE = "en"
# Without a ``locale``, every function here writes in the language messages
# are said in now (:func:`silkmeet.domain.words.language`): the request's, or
# the participant's under ``force_locale``; English outside the application.


@dataclass(frozen=True)
class _Reader:
    """How one locale writes dates, times and intervals."""

    locale: Locale
    english: bool
    long_date: cldr.DateTimePattern  # with weekday and year
    short_date: cldr.DateTimePattern  # with weekday, no year
    clock: cldr.DateTimePattern  # 24-hour hours and minutes
    date_time: str  # "{1}, {0}": date, then time
    interval: str  # "{0} – {1}" between two whole ends
    tight: str  # "{0}–{1}" between two times of one date and offset
    zone_names: dict = field(default_factory=dict, compare=False, hash=False)
    # Pages say the same dates and times over and over; Babel's formatting is
    # the slow part, so each text is made once per locale.
    texts: dict = field(default_factory=dict, compare=False, hash=False)

    def apply(self, pattern: cldr.DateTimePattern, value) -> str:
        key = (pattern.pattern, value)
        text = self.texts.get(key)
        if text is None:
            if len(self.texts) >= _TEXTS_KEPT:
                self.texts.clear()
            text = self.texts[key] = pattern.apply(value, self.locale)
        return text


_TEXTS_KEPT = 20_000


def _skeleton(locale: Locale, skeleton: str) -> cldr.DateTimePattern:
    found = cldr.match_skeleton(skeleton, locale.datetime_skeletons)
    return locale.datetime_skeletons[found]


@lru_cache(maxsize=64)
def _reader_for(tag: str) -> _Reader:
    try:
        locale = Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse(DEFAULT_LOCALE)
    return _reader_of(locale)


@lru_cache(maxsize=64)
def _reader_of(locale: Locale) -> _Reader:
    if locale.language == "en":
        # The house form, which every English text and test has used.
        return _Reader(
            locale=locale,
            english=True,
            long_date=cldr.parse_pattern("EEE dd MMM y"),
            short_date=cldr.parse_pattern("EEE dd MMM"),
            clock=cldr.parse_pattern("HH:mm"),
            date_time="{1}, {0}",
            interval="{0} – {1}",
            tight="{0}–{1}",
        )
    fallback = locale.interval_formats.get(None) or "{0} – {1}"
    return _Reader(
        locale=locale,
        english=False,
        long_date=_skeleton(locale, "yMMMMEd"),
        short_date=_skeleton(locale, "MMMEd"),
        clock=_skeleton(locale, "Hm"),
        # CLDR quotes literal text in the pattern ("{1} 'à' {0}").
        date_time=str(locale.datetime_formats["medium"]).replace("'", ""),
        interval=fallback,
        tight=fallback,
    )


def _reader(locale: Locale | str | None) -> _Reader:
    if isinstance(locale, Locale):
        return _reader_of(locale)
    return _reader_for(locale or words.language())


def _fill(pattern: str, first: str, second: str) -> str:
    return pattern.replace("{0}", first).replace("{1}", second)


def _numeric(name: str) -> bool:
    """``+0545``, ``GMT+05:45``: a name that is only an offset."""
    return not name or any(c.isdigit() for c in name)


def _zone_name(reader: _Reader, local: tz.LocalTime, width: str) -> str:
    """The zone's name at ``local``, or ``""`` when only its offset names it."""
    if reader.english:
        return "" if _numeric(local.abbreviation) else local.abbreviation
    # CLDR names a zone by its standard or summer variant, whatever the date.
    key = (local.zone, bool(local.wall.dst()), width)
    name = reader.zone_names.get(key)
    if name is None:
        try:
            name = cldr.get_timezone_name(local.wall, width=width, locale=reader.locale)
        except (LookupError, ValueError):
            name = ""
        # Without a name CLDR writes the offset ("UTC+5:45"): ours is beside it.
        name = reader.zone_names[key] = "" if _numeric(name) else name
    return name


def _zone_text(reader: _Reader, local: tz.LocalTime, style: str) -> str:
    """``CEST (UTC+02:00)`` (full) or ``CEST`` (short); the offset alone when
    the zone has no name but its offset (``UTC+05:45``)."""
    offset = local.offset_label
    name = _zone_name(reader, local, "long" if style == "full" else "short")
    if not name or name == offset:
        return offset
    return f"{name} ({offset})" if style == "full" else name


def _date_text(reader: _Reader, local: tz.LocalTime, style: str) -> str:
    pattern = reader.long_date if style == "long" else reader.short_date
    return reader.apply(pattern, local.wall.date())


def _clock_text(reader: _Reader, local: tz.LocalTime) -> str:
    return reader.apply(
        reader.clock, local.wall.time().replace(second=0, microsecond=0)
    )


def _moment(reader: _Reader, local: tz.LocalTime, date_style: str) -> str:
    clock = _clock_text(reader, local)
    if date_style not in ("long", "short"):
        return clock
    return _fill(reader.date_time, clock, _date_text(reader, local, date_style))


def _with_zone(text: str, reader: _Reader, local: tz.LocalTime, style: str) -> str:
    if style not in ("full", "short"):
        return text
    return f"{text} {_zone_text(reader, local, style)}"


def _same_offset(a: tz.LocalTime, b: tz.LocalTime) -> bool:
    return (a.abbreviation, a.offset_minutes) == (b.abbreviation, b.offset_minutes)


def when_words(
    instant: datetime,
    zone: str,
    *,
    date_style: DateStyle = "long",
    zone_style: ZoneStyle = "full",
    locale: Locale | str | None = None,
) -> str:
    """An instant as read in ``zone``: ``Fri 20 Nov 2020, 14:00 CET (UTC+01:00)``.

    With ``date_style`` "auto" or "none" the time has no date; with
    ``zone_style`` "auto", no zone.
    """
    reader = _reader(locale)
    local = tz.local_time(instant, zone)
    return _with_zone(_moment(reader, local, date_style), reader, local, zone_style)


def range_words(
    start: datetime,
    end: datetime,
    zone: str,
    *,
    date_style: DateStyle = "long",
    zone_style: ZoneStyle = "full",
    locale: Locale | str | None = None,
) -> str:
    """The interval ``start``–``end`` as read in ``zone``.

    ``Fri 20 Nov 2020, 14:00–16:00 CET (UTC+01:00)``. An end on another local
    date carries its date (unless ``date_style`` is "none"); an end in another
    offset carries its own zone, whatever the ``zone_style``: the text never
    reads "02:30–02:30 CEST" across a clock change.
    """
    reader = _reader(locale)
    first = tz.local_time(start, zone)
    last = tz.local_time(end, zone)
    one_date = first.wall.date() == last.wall.date()
    one_offset = _same_offset(first, last)
    shown = date_style
    if date_style == "auto":
        shown = "none" if one_date else "short"
    opening = _moment(reader, first, shown)
    if one_date and one_offset:
        text = _fill(reader.tight, opening, _clock_text(reader, last))
        return _with_zone(text, reader, first, zone_style)
    closing = _moment(reader, last, "none" if one_date else shown)
    if one_offset:
        return _with_zone(
            _fill(reader.interval, opening, closing), reader, first, zone_style
        )
    style = "short" if zone_style == "auto" else zone_style
    return _fill(
        reader.interval,
        _with_zone(opening, reader, first, style),
        _with_zone(closing, reader, last, style),
    )


def moved_words(
    old_start: datetime,
    old_end: datetime,
    new_start: datetime,
    new_end: datetime,
    zone: str,
    *,
    locale: Locale | str | None = None,
) -> str:
    """An interval that moved, as read in ``zone``: ``Fri 20 Nov 2020,
    14:20–14:25 → 14:40–14:45 CET (UTC+01:00)`` when all four ends lie on one
    local date and offset, else the two :func:`range_words` texts."""
    reader = _reader(locale)
    points = [tz.local_time(t, zone) for t in (old_start, old_end, new_start, new_end)]
    first = points[0]
    if all(
        p.wall.date() == first.wall.date() and _same_offset(p, first) for p in points
    ):
        a, b, c, d = (_clock_text(reader, p) for p in points)
        day = _date_text(reader, first, "long")
        moved = f"{_fill(reader.tight, a, b)} → {_fill(reader.tight, c, d)}"
        text = _fill(reader.date_time, moved, day)
        return _with_zone(text, reader, first, "full")
    return (
        f"{range_words(old_start, old_end, zone, locale=locale)} → "
        f"{range_words(new_start, new_end, zone, locale=locale)}"
    )


def date_words(
    instant: datetime,
    zone: str,
    *,
    date_style: Literal["long", "short"] = "long",
    locale: Locale | str | None = None,
) -> str:
    """The local date of ``instant`` in ``zone``: ``Sun 28 Mar 2027``."""
    return _date_text(_reader(locale), tz.local_time(instant, zone), date_style)


def day_words(
    day: date,
    *,
    date_style: Literal["long", "short"] = "long",
    locale: Locale | str | None = None,
) -> str:
    """A calendar day, no time nor zone (``Fri 20 Nov 2020``; ``Fri 20 Nov``
    short): a local day already worked out (a column's, a strip's)."""
    reader = _reader(locale)
    return reader.apply(
        reader.long_date if date_style == "long" else reader.short_date, day
    )
