"""One validation per field: what a valid slug, language tag, e-mail, country,
time zone, date, duration or text of each column is, and when two participants
are the same person.

Every way in calls these: the organiser forms (through
``organiser.forms.checked``), the CSV import (``people_csv``), the JSON import
(``conference_format``) and the commands. Each function returns the value as it
is stored, or raises :class:`FieldError` whose message every way in shows as it
is, after its own idea of where (a form field, ``languages:`` in a CSV row,
``participants[3].person.languages[0]:`` in JSON).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from anyascii import anyascii
from email_validator import EmailNotValidError
from email_validator import validate_email

from silkmeet.domain import answers
from silkmeet.domain import hours
from silkmeet.domain import languages
from silkmeet.domain import reminders
from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v
from silkmeet.domain.emails import email_key
from silkmeet.domain.mailbox import MailboxError
from silkmeet.domain.mailbox import parse_mailbox
from silkmeet.domain.words import N_
from silkmeet.domain.words import _


class FieldError(ValueError):
    """A value that a field does not take; the message says why."""


def too_long(length: int, limit: int) -> str:
    return _("%(length)s characters; at most %(limit)s", length=length, limit=limit)


def shown(value: Any) -> str:
    """A refused value as a message quotes it: its repr, cut at 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


# -- texts -----------------------------------------------------------------------

# The longest text each column takes, named "table.column" after the models. A
# String column's limit is its length (tests/domain/test_fields.py checks that
# they agree); a Text column has none in the database, so the limit is ours.
MAX_LENGTH = {
    "conference.slug": 80,
    "conference.title": 300,
    "conference.description": 20000,  # Text
    "conference.timezone": 64,
    "conference.video_platform": 100,
    "conference.join_url": 2000,
    "conference.meeting_id": 100,
    "conference.passcode": 100,
    "conference.dial_in": 2000,  # Text
    "organisation.name": 300,
    "organisation.short_name": 100,
    "person.full_name": 300,
    "person.latin_name": 300,
    "person.honorific": 50,
    "person.position": 300,
    "person.timezone": 64,
    "person.email": 320,
    "person.pronunciation": 300,
    "agenda_item.title": 300,
    "agenda_item.notes": 20000,  # Text
    "agenda_item.technical_note": 500,
    "agenda_item.interpretation_language": 35,
    "organiser.email": 320,
    "conference.mail_from": 320,
    "conference.mail_reply_to": 320,
}


def text(value: Any, column: str, required: bool = False) -> str:
    """A text for ``column`` (a key of :data:`MAX_LENGTH`), spaces around it
    removed; no NUL (PostgreSQL cannot store one)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise FieldError(_("expected text, found %(type)s", type=type(value).__name__))
    value = value.strip()
    if required and not value:
        raise FieldError(_("must not be empty"))
    limit = MAX_LENGTH[column]
    if len(value) > limit:
        raise FieldError(too_long(len(value), limit))
    if "\x00" in value:
        raise FieldError(_("contains a NUL character"))
    return value


# -- identifiers -----------------------------------------------------------------

# Whole-value patterns: always used with fullmatch (``$`` would let a final
# newline through).
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LANGUAGE_RE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
# What separates language tags typed in one box or one CSV cell.
LANGUAGE_SEPARATORS = re.compile(r"[,;]")


def slug(value: Any) -> str:
    """A conference's short name for links and file names, taken as typed:
    ``silk-cities-2020``. Nothing is stripped: a slug with a space or a final
    newline is refused, not silently changed."""
    if not isinstance(value, str) or not value:
        raise FieldError(_("required: lower-case letters, digits and single hyphens"))
    if len(value) > MAX_LENGTH["conference.slug"]:
        raise FieldError(too_long(len(value), MAX_LENGTH["conference.slug"]))
    if not SLUG_RE.fullmatch(value):
        raise FieldError(
            _(
                "%(value)s must be lower-case letters, digits and single hyphens, "
                "like silk-cities-2020",
                value=shown(value),
            )
        )
    return value


def suggest_slug(title: str) -> str:
    """A :func:`slug` made from a title: ASCII letters and digits joined by
    single hyphens, cut at a word to the maximum length. Other scripts are
    transliterated (``Шёлковый путь 2027`` → ``shelkovyy-put-2027``, ``絲綢之路``
    → ``sichouzhilu``); "" when nothing is left."""
    words = re.findall(r"[a-z0-9]+", anyascii(title or "").lower())
    limit = MAX_LENGTH["conference.slug"]
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or (words[0][:limit] if words else "")


def language_tag(value: Any) -> str:
    """One language tag: ``en``, ``pt-BR``, ``zh-Hant``."""
    if (
        not isinstance(value, str)
        or len(value) > MAX_LENGTH["agenda_item.interpretation_language"]
        or not LANGUAGE_RE.fullmatch(value)
    ):
        raise FieldError(
            _("%(value)s is not a language tag like en or pt-BR", value=shown(value))
        )
    return value


def interpretation_language(value: Any) -> str | None:
    """An item's one interpretation language; None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return language_tag(value.strip() if isinstance(value, str) else value)


def language_list(value: Any) -> tuple[str, ...]:
    """Language tags typed in one box or cell, separated by ``,`` or ``;``:
    ``en, pt-BR`` or ``zh;en``."""
    if value is None:
        return ()
    if not isinstance(value, str):
        raise FieldError(_("expected text, found %(type)s", type=type(value).__name__))
    return language_tags(
        part.strip() for part in LANGUAGE_SEPARATORS.split(value) if part.strip()
    )


def language_tags(values: Iterable[Any]) -> tuple[str, ...]:
    """Each of ``values`` checked by :func:`language_tag`."""
    return tuple(language_tag(tag) for tag in values)


def preferred_language(value: Any) -> str | None:
    """The language a participant reads silkmeet in: one silkmeet speaks,
    stored as its code (``fr``, ``zh_Hans``; any tag that reads it is taken:
    ``zh-CN``, ``pt``); None when blank (:func:`languages.reader_locale`
    then decides)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    code = languages.supported_locale(value if isinstance(value, str) else None)
    if code is None:
        raise FieldError(
            f"{shown(value)} is not a language silkmeet speaks; use one of "
            + ", ".join(languages.SUPPORTED)
        )
    return code


def translations(value: Any, column: str) -> dict[str, str]:
    """A text's translations, ``{"fr": "…", "zh_Hans": "…"}``: each key a
    language silkmeet speaks (any tag that reads it, stored as its code), each
    value a text for ``column`` (:func:`text`); blank ones are left out."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FieldError(f"expected an object of language: text, found {shown(value)}")
    found: dict[str, str] = {}
    for tag, translated in value.items():
        code = languages.supported_locale(tag) if isinstance(tag, str) else None
        if code is None:
            raise FieldError(f"{shown(tag)} is not a language silkmeet speaks")
        try:
            translated = text(translated, column)
        except FieldError as exc:
            raise FieldError(f"{code}: {exc}") from None
        if not translated:
            continue
        if code in found:
            raise FieldError(f"{shown(tag)}: {code} is given twice")
        found[code] = translated
    return dict(languages.translation_pairs(found))


def country(value: Any, required: bool = False) -> str | None:
    """An ISO 3166-1 alpha-2 code, upper-cased; None when blank and optional."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise FieldError(_("required: a country code such as FR"))
        return None
    code = value.strip().upper() if isinstance(value, str) else value
    if not tz.is_known_country(code):
        raise FieldError(
            _(
                "unknown country %(value)s; use an ISO 3166-1 alpha-2 code such as FR",
                value=shown(value),
            )
        )
    return code


def zone(value: Any) -> str:
    """An IANA time zone, stored under its canonical name (Europe/Kiev →
    Europe/Kyiv)."""
    if isinstance(value, str) and len(value) > MAX_LENGTH["person.timezone"]:
        raise FieldError(_("unknown time zone %(value)s", value=shown(value)))
    try:
        return tz.canonical_zone(value)
    except tz.TimeZoneError as exc:
        raise FieldError(str(exc)) from None


def person_zone(country_code: str, value: Any) -> str:
    """A person's zone, which must be one of their country's; left blank, the
    country's only zone."""
    zones = tz.country_zones(country_code)
    if value is None or (isinstance(value, str) and not value.strip()):
        only = tz.default_zone_for_country(country_code)
        if only is not None:
            return only
        if not zones:
            raise FieldError(_("a time zone is required"))
        more = ", …" if len(zones) > 4 else ""
        raise FieldError(
            _(
                "required: %(country)s has %(count)s time zones (%(zones)s); "
                "choose the person's own",
                country=tz.country_name(country_code),
                count=len(zones),
                zones=", ".join(zones[:4]) + more,
            )
        )
    canonical = zone(value)
    if zones and canonical not in zones and value.strip() not in zones:
        raise FieldError(
            _(
                "%(zone)s is not a time zone of %(country)s",
                zone=canonical,
                country=tz.country_name(country_code),
            )
        )
    return canonical


def email(value: Any) -> str | None:
    """An e-mail address in its normalised form; None when blank."""
    value = text(value, "person.email")
    if not value:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise FieldError(str(exc)) from None


def mailbox(value: Any, column: str) -> str | None:
    """A conference's sender or reply-to (``column``): ``Name <address>`` or
    an address, as :func:`~silkmeet.domain.mailbox.parse_mailbox` reads it;
    None when blank."""
    value = text(value, column)
    if not value:
        return None
    try:
        parse_mailbox(value)
    except MailboxError as exc:
        raise FieldError(str(exc)) from None
    return value


def join_url(value: Any) -> str:
    """A video call's join link: a full http(s) address, no spaces; blank is
    none."""
    value = text(value, "conference.join_url")
    if not value:
        return ""
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() or ord(c) < 32 for c in value)
    ):
        raise FieldError(_("must be a full https:// link without spaces"))
    return value


def choice(value: Any, choices: tuple[tuple[str, str], ...]) -> str:
    """One of the values of a :mod:`~silkmeet.domain.vocabulary` list."""
    allowed = v.values(choices)
    if value not in allowed:
        raise FieldError(
            _(
                "%(value)s is not one of %(allowed)s",
                value=shown(value),
                allowed=", ".join(allowed),
            )
        )
    return value


# -- numbers ---------------------------------------------------------------------

DURATION = (v.MIN_DURATION, v.MAX_DURATION)
BUFFER = (0, 240)
SPEAKING = v.SPEAKING_MINUTES
INVITE_REVISION = (0, 10**9)


def minutes(value: Any, bounds: tuple[int, int] = DURATION) -> int:
    """A whole number of minutes within ``bounds`` (both included)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(_("expected a whole number of minutes"))
    low, high = bounds
    if not low <= value <= high:
        raise FieldError(
            _(
                "%(value)s is out of range: give a number of minutes from %(low)s "
                "to %(high)s",
                value=value,
                low=low,
                high=high,
            )
        )
    return value


def whole_number(value: Any, bounds: tuple[int, int]) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(_("expected a whole number"))
    low, high = bounds
    if not low <= value <= high:
        raise FieldError(
            _(
                "%(value)s is out of range; allowed %(low)s to %(high)s",
                value=value,
                low=low,
                high=high,
            )
        )
    return value


def reminder_offsets(values: Any) -> tuple[int, ...]:
    """Reminders' minutes before the start, as stored (largest first):
    :func:`~silkmeet.domain.reminders.check_offsets`'s rule."""
    if not isinstance(values, list | tuple) or any(
        isinstance(n, bool) or not isinstance(n, int) for n in values
    ):
        raise FieldError(_("expected a list of whole numbers of minutes"))
    try:
        return reminders.check_offsets(values)
    except reminders.OffsetError as exc:
        raise FieldError(str(exc)) from None


def nudge_offset(value: Any) -> int | None:
    """The nudge's minutes before the start, or None for no nudge:
    :func:`~silkmeet.domain.reminders.check_offset`'s rule."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(_("expected a whole number of minutes"))
    try:
        return reminders.check_offset(value)
    except reminders.OffsetError as exc:
        raise FieldError(str(exc)) from None


# -- the day window --------------------------------------------------------------

HOUR_RE = re.compile(r"([01]\d|2[0-4]):00")


def day_hour(value: Any) -> int:
    """A whole hour of the day, 0 to 24: a number (the form) or ``"07:00"``
    (the JSON, as :func:`day_window_text` writes it)."""
    if isinstance(value, str):
        if not HOUR_RE.fullmatch(value.strip()):
            raise FieldError(
                _("%(value)s is not a whole hour written HH:00", value=shown(value))
            )
        return int(value.strip()[:2])
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(_("expected a whole hour written HH:00"))
    if not 0 <= value <= 24:
        raise FieldError(
            _("%(value)s is not an hour of the day (0 to 24)", value=value)
        )
    return value


def day_window(start: Any, end: Any) -> tuple[int, int]:
    """The conference's day window as (start hour, end hour): outside it is
    night (:func:`silkmeet.domain.hours.window`'s rule)."""
    first, last = day_hour(start), day_hour(end)
    try:
        hours.window(first, last)
    except hours.WindowError as exc:
        raise FieldError(str(exc)) from None
    return first, last


def day_window_text(start_hour: int, end_hour: int) -> dict[str, str]:
    """``{"start": "07:00", "end": "22:00"}``: the window as documents write it."""
    window = hours.window(start_hour, end_hour)
    return {"start": window.start_time, "end": window.end_time}


# -- answers ---------------------------------------------------------------------


def answer(value: Any) -> str:
    """An answer to the invitation (an RSVP word): :func:`answers.check_answer`."""
    try:
        return answers.check_answer(value)
    except ValueError as exc:
        raise FieldError(str(exc)) from None


def answer_comment(value: Any) -> str:
    """The comment beside an answer: :func:`answers.clean_comment`."""
    if value is not None and not isinstance(value, str):
        raise FieldError(_("expected text"))
    try:
        return answers.clean_comment(value)
    except ValueError as exc:
        raise FieldError(str(exc)) from None


# -- dates -----------------------------------------------------------------------

# Every date a conference, an item or a planner query may take, where the
# conference is. Past these, times no longer convert (year 1 and 9999 overflow
# a datetime as soon as an offset is applied) and no meeting is real.
FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(2200, 12, 31)


def outside_range(day: date) -> str:
    """The message for a date outside :data:`FIRST_DAY` to :data:`LAST_DAY`."""
    return _(
        "dates go from %(first)s to %(last)s; %(day)s is outside",
        first=FIRST_DAY.isoformat(),
        last=LAST_DAY.isoformat(),
        day=day.isoformat(),
    )


def day(value: date) -> date:
    """A date within :data:`FIRST_DAY` to :data:`LAST_DAY`."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise FieldError(outside_range(value))
    return value


def wall_time(value: datetime) -> datetime:
    """A naive clock time typed in a zone, on a date within the range."""
    day(value.date())
    return value


def instant(value: datetime, zone_name: str) -> datetime:
    """An aware instant whose date in ``zone_name`` is within the range, in
    UTC."""
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        raise FieldError(outside_range(value.date())) from None
    # No offset reaches a day: a UTC date this far inside converts safely.
    margin = timedelta(days=1)
    if not FIRST_DAY - margin <= utc.date() <= LAST_DAY + margin:
        raise FieldError(outside_range(utc.date()))
    day(tz.to_local(utc, zone_name).date())
    return utc


def local_instant(wall: datetime, zone_name: str) -> datetime:
    """A clock time typed in ``zone_name`` as a UTC instant: on a date within
    the range, and one that exists exactly once there."""
    wall_time(wall)
    try:
        return tz.localize(wall, zone_name)
    except tz.TimeZoneError as exc:
        raise FieldError(str(exc)) from None


def parse_instant(value: Any, zone_name: str) -> datetime:
    """An ISO 8601 date-time (with an offset, or a clock time in
    ``zone_name``) as a UTC instant within the range."""
    try:
        parsed = tz.parse_datetime(value)
    except tz.TimeZoneError as exc:
        raise FieldError(str(exc)) from None
    if parsed.tzinfo is None:
        return local_instant(parsed, zone_name)
    return instant(parsed, zone_name)


# -- who is who ------------------------------------------------------------------


def name_key(full_name: str, country_code: str | None) -> tuple[str, str]:
    return (full_name or "").strip().casefold(), country_code or ""


# Who a duplicate repeats when it is not in the same file: marked here,
# translated when the message is built (Roster.duplicate).
EXISTING = N_("a participant already in the conference")


class Roster:
    """The participants seen so far, to tell a newcomer who is already there.

    Two participants are one person when they share an e-mail address (in any
    letter case), or a name and a country while one of them has no address:
    two people of one name need their addresses to be told apart.
    """

    def __init__(self) -> None:
        self._emails: dict[str, str] = {}
        # name key -> (who had it first, whether everyone with it has an address)
        self._names: dict[tuple[str, str], tuple[str, bool]] = {}

    def add(
        self, where: str, full_name: str, country_code: str | None, address: str | None
    ) -> None:
        """Remember a participant; ``where`` names them in a later message
        (``line 4``, ``participants[2]``, :data:`EXISTING`)."""
        key = email_key(address)
        if key:
            self._emails.setdefault(key, where)
        name = name_key(full_name, country_code)
        first, everyone = self._names.get(name, (where, True))
        self._names[name] = (first, everyone and bool(key))

    def duplicate(
        self, full_name: str, country_code: str | None, address: str | None
    ) -> tuple[str, str] | None:
        """``(field, why)`` when this participant is one already in the roster
        (``field`` is ``email`` or ``full_name``), else None."""
        key = email_key(address)
        if key and key in self._emails:
            return "email", _(
                "duplicate: the same e-mail address as %(who)s",
                who=_(EXISTING) if self._emails[key] == EXISTING else self._emails[key],
            )
        seen = self._names.get(name_key(full_name, country_code))
        if seen is not None and not (key and seen[1]):
            return "full_name", _(
                "duplicate: the same name and country as %(who)s (give both "
                "their e-mail addresses if they are two people)",
                who=_(EXISTING) if seen[0] == EXISTING else seen[0],
            )
        return None
