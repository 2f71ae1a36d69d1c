"""The conference JSON format (``"format": 2``): parse, validate and write.

A document is read into frozen dataclasses, or refused with a :class:`FormatError`
naming the field (``participants[3].person.timezone``) and the problem. Writing is
the exact inverse, so export → import → export gives identical bytes. Keys that
start with ``_`` are comments, ignored anywhere; any other unknown key is an error,
so that typos do not silently lose data. See README.md, "Conference JSON format".

Format 2 adds what a restored conference needs to keep every link and calendar:
the conference's ``uid``, and in backups its ``agenda_share_token``, its
``former_slugs`` and its removed participants (``removed_at``,
``cancelled_slots``). Format 1 documents still import: they are format 2
without those fields.

Format 2 documents may also carry the conference's mail and reminder settings
(``mail_from``, ``mail_reply_to``, ``reminder_offsets``, ``nudge_offset``; every
export writes them), its day window (``day_window``: ``{"start": "07:00",
"end": "22:00"}``, outside it is night) and each speaker's default time in the
items the lineup builder creates (``speaking_minutes``) and, in backups, each
participant's answer (``rsvp``, ``rsvp_comment``, ``rsvp_at``, ``rsvp_source``).
A document without them imports with the defaults, as it did before they
existed.

Titles and descriptions may be given in other languages
(``title_translations``, ``description_translations`` of the conference,
``title_translations`` of an item: ``{"fr": "…", "zh_Hans": "…"}``), and a
person their ``preferred_language``; each is written only when given, so a
document without them reads and writes as before.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
import uuid
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import replace
from datetime import datetime
from typing import Any

from silkmeet.domain import fields
from silkmeet.domain import hours
from silkmeet.domain import reminders
from silkmeet.domain import vocabulary as v
from silkmeet.domain.jsonstream import Lazy
from silkmeet.domain.jsonstream import iter_json
from silkmeet.domain.timezones import format_instant

FORMAT_VERSION = 2
# The versions this silkmeet reads; version 2 added the ``*_2`` fields.
READABLE_VERSIONS = (1, 2)
CONFERENCE_FIELDS = (
    "slug",
    "title",
    "description",
    "timezone",
    "start",
    "duration_minutes",
    "buffer_minutes",
    "status",
    "agenda_visibility",
    "invite_revision",
    "languages",
    "interpretation_channels",
    "video_call",
    # Optional in every version: older documents simply have none.
    "title_translations",
    "description_translations",
)
CONFERENCE_FIELDS_2 = (
    "uid",
    "agenda_share_token",
    "former_slugs",
    "mail_from",
    "mail_reply_to",
    "reminder_offsets",
    "nudge_offset",
    "day_window",
    "speaking_minutes",
)
PARTICIPANT_FIELDS_2 = (
    "removed_at",
    "cancelled_slots",
    "rsvp",
    "rsvp_comment",
    "rsvp_at",
    "rsvp_source",
)
# The format's own identifiers, matched whole (fullmatch: "$" would let a final
# newline through, into a calendar UID or a link).
KEY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{22,64}")
UID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class FormatError(ValueError):
    """A document that cannot be imported; ``field`` says where."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}" if field else problem)
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class VideoCall:
    platform: str = ""
    join_url: str = ""
    meeting_id: str = ""
    passcode: str = ""
    dial_in: str = ""


@dataclass(frozen=True)
class OrganisationDoc:
    key: str
    name: str
    short_name: str
    country: str | None
    kind: str


@dataclass(frozen=True)
class HostDoc:
    organisation: str
    role: str


@dataclass(frozen=True)
class PersonDoc:
    full_name: str
    latin_name: str
    honorific: str
    position: str
    organisation: str | None
    country: str
    timezone: str
    email: str | None
    languages: tuple[str, ...]
    pronunciation: str
    # The language they read silkmeet in (a code); None: from their languages.
    preferred_language: str | None = None


@dataclass(frozen=True)
class CancelledSlot:
    """A speaking slot a removed participant had: their cancellation names it."""

    title: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class ParticipantDoc:
    key: str
    role: str
    delegation_country: str | None
    person: PersonDoc
    token: str | None = None
    # Names their speaking slots in calendar UIDs; None: a new one on import.
    uid: str | None = None
    # Backups only: a removed participant, whose link serves a cancellation.
    removed_at: datetime | None = None
    cancelled_slots: tuple[CancelledSlot, ...] = ()
    # Backups only: their answer to the invitation (no answer: the defaults).
    rsvp: str = v.NO_ANSWER
    rsvp_comment: str = ""
    rsvp_at: datetime | None = None
    rsvp_source: str | None = None

    @property
    def answered(self) -> bool:
        """Whether the answer differs from no answer at all (a backup writes it)."""
        return (self.rsvp, self.rsvp_comment, self.rsvp_at, self.rsvp_source) != (
            v.NO_ANSWER,
            "",
            None,
            None,
        )


@dataclass(frozen=True)
class SpeakerDoc:
    participant: str
    minutes: int | None


@dataclass(frozen=True)
class ItemDoc:
    kind: str
    title: str
    duration_minutes: int
    fixed_start: datetime | None
    pinned: bool
    country: str | None
    target_minutes: int | None
    notes: str
    technical_cue: str
    technical_note: str
    interpretation_language: str | None
    speakers: tuple[SpeakerDoc, ...]
    # Names the item in calendar UIDs; None: a new one on import.
    uid: str | None = None
    # The title in other languages: ((code, text), …) in SUPPORTED order.
    title_translations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ConferenceDoc:
    slug: str
    title: str
    description: str
    timezone: str
    start: datetime | None
    duration_minutes: int
    buffer_minutes: int
    status: str
    agenda_visibility: str
    invite_revision: int
    languages: tuple[str, ...]
    interpretation_channels: tuple[str, ...]
    video_call: VideoCall
    organisations: tuple[OrganisationDoc, ...]
    hosts: tuple[HostDoc, ...]
    participants: tuple[ParticipantDoc, ...]
    agenda: tuple[ItemDoc, ...]
    # The meeting's calendar UID (a UUID); None: the one silkmeet derived from
    # the slug before conferences had one (an older document).
    uid: str | None = None
    # Backups only: the secret of the link-only agenda, and the slugs the
    # conference had before (their links redirect to the current one).
    agenda_share_token: str | None = None
    former_slugs: tuple[str, ...] = ()
    # Settings, in every export: the conference's own sender and reply-to
    # (None: silkmeet's), its reminders and nudge (minutes before the start).
    mail_from: str | None = None
    mail_reply_to: str | None = None
    reminder_offsets: tuple[int, ...] = reminders.DEFAULT_REMINDER_OFFSETS
    nudge_offset: int | None = reminders.DEFAULT_NUDGE_OFFSET
    # (start hour, end hour): outside is night. Each speaker's default minutes.
    day_window: tuple[int, int] = (hours.DEFAULT_START_HOUR, hours.DEFAULT_END_HOUR)
    speaking_minutes: int = v.DEFAULT_SPEAKING_MINUTES
    # The title and description in other languages, as ItemDoc's.
    title_translations: tuple[tuple[str, str], ...] = ()
    description_translations: tuple[tuple[str, str], ...] = ()


# -- reading ---------------------------------------------------------------------


def loads(text: str | bytes) -> ConferenceDoc:
    """Parse JSON text into a validated document."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FormatError("", f"the file is not UTF-8 ({exc.reason})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            "", f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        # The parser recurses once per [ or {: a few thousand of them exhaust
        # the stack long before any field could be checked.
        raise FormatError("", "not valid JSON: nested too deeply") from None
    except ValueError:
        # Python refuses to convert integers this long (quadratic in their
        # length): json.loads says so with a plain ValueError.
        limit = sys.get_int_max_str_digits()
        raise FormatError(
            "", f"not valid JSON: a number has more than {limit} digits"
        ) from None
    return parse(data)


def parse(data: Any) -> ConferenceDoc:
    """Validate a decoded JSON document."""
    top = _Object(
        data,
        "",
        ("format", "conference", "organisations", "hosts", "participants", "agenda"),
    )
    version = top.raw("format", required=True)
    if (
        isinstance(version, bool)
        or not isinstance(version, int)
        or version not in READABLE_VERSIONS
    ):
        readable = " and ".join(map(str, READABLE_VERSIONS))
        raise FormatError(
            "format",
            f"unsupported format version {version!r}; this silkmeet reads {readable}",
        )
    since_2 = version >= 2
    conf = _Object(
        top.raw("conference", required=True),
        "conference",
        CONFERENCE_FIELDS + (CONFERENCE_FIELDS_2 if since_2 else ()),
    )
    slug = conf.rule("slug", fields.slug)
    zone = conf.rule("timezone", fields.zone)
    video = _Object(
        conf.raw("video_call", default={}),
        "conference.video_call",
        ("platform", "join_url", "meeting_id", "passcode", "dial_in"),
    )
    join_url = video.rule("join_url", fields.join_url)

    organisations = tuple(
        _organisation(item, f"organisations[{i}]")
        for i, item in enumerate(top.list("organisations"))
    )
    org_keys = _unique_keys(organisations, "organisations")
    hosts = tuple(
        _host(item, f"hosts[{i}]", org_keys) for i, item in enumerate(top.list("hosts"))
    )
    seen_hosts: set[str] = set()
    for i, host in enumerate(hosts):
        if host.organisation in seen_hosts:
            raise FormatError(
                f"hosts[{i}].organisation", f"{host.organisation!r} is listed twice"
            )
        seen_hosts.add(host.organisation)
    participants = tuple(
        _participant(item, f"participants[{i}]", org_keys, zone, since_2)
        for i, item in enumerate(top.list("participants"))
    )
    participant_keys = _unique_keys(participants, "participants")
    tokens: set[str] = set()
    for i, p in enumerate(participants):
        if p.token is not None:
            if p.token in tokens:
                raise FormatError(f"participants[{i}].token", "used twice")
            tokens.add(p.token)
    _no_duplicate_people(participants)
    removed_keys = {p.key for p in participants if p.removed_at is not None}
    agenda = tuple(
        _item(item, f"agenda[{i}]", zone, participant_keys, removed_keys)
        for i, item in enumerate(top.list("agenda"))
    )
    _unique_uids(participants, "participants")
    _unique_uids(agenda, "agenda")
    share_token = _token(conf, "agenda_share_token")
    return ConferenceDoc(
        uid=_conference_uid(conf),
        agenda_share_token=share_token,
        former_slugs=_former_slugs(conf, slug),
        mail_from=conf.rule(
            "mail_from", fields.mailbox, "conference.mail_from", default=None
        ),
        mail_reply_to=conf.rule(
            "mail_reply_to", fields.mailbox, "conference.mail_reply_to", default=None
        ),
        # Left out: the defaults; null: no reminder, no nudge.
        reminder_offsets=(
            conf.rule("reminder_offsets", fields.reminder_offsets, default=())
            if "reminder_offsets" in conf.data
            else reminders.DEFAULT_REMINDER_OFFSETS
        ),
        nudge_offset=(
            conf.rule("nudge_offset", fields.nudge_offset, default=None)
            if "nudge_offset" in conf.data
            else reminders.DEFAULT_NUDGE_OFFSET
        ),
        day_window=_day_window(conf),
        speaking_minutes=conf.rule(
            "speaking_minutes",
            fields.minutes,
            fields.SPEAKING,
            default=v.DEFAULT_SPEAKING_MINUTES,
        ),
        slug=slug,
        title=conf.text("title", "conference.title", required=True),
        description=conf.text("description", "conference.description"),
        title_translations=conf.translations("title_translations", "conference.title"),
        description_translations=conf.translations(
            "description_translations", "conference.description"
        ),
        timezone=zone,
        start=conf.instant("start", zone),
        duration_minutes=conf.rule("duration_minutes", fields.minutes),
        buffer_minutes=conf.rule(
            "buffer_minutes", fields.minutes, fields.BUFFER, default=0
        ),
        status=conf.choice("status", v.CONFERENCE_STATUSES, default="draft"),
        agenda_visibility=conf.choice(
            "agenda_visibility", v.AGENDA_VISIBILITIES, default="public"
        ),
        invite_revision=conf.rule(
            "invite_revision", fields.whole_number, fields.INVITE_REVISION, default=0
        ),
        languages=conf.languages("languages"),
        interpretation_channels=conf.languages("interpretation_channels"),
        video_call=VideoCall(
            platform=video.text("platform", "conference.video_platform"),
            join_url=join_url,
            meeting_id=video.text("meeting_id", "conference.meeting_id"),
            passcode=video.text("passcode", "conference.passcode"),
            dial_in=video.text("dial_in", "conference.dial_in"),
        ),
        organisations=organisations,
        hosts=hosts,
        participants=participants,
        agenda=agenda,
    )


def _day_window(conf: _Object) -> tuple[int, int]:
    """``{"start": "07:00", "end": "22:00"}``; left out: the default window."""
    window = _Object(
        conf.raw("day_window", default={}), "conference.day_window", ("start", "end")
    )
    start = window.raw("start", default=f"{hours.DEFAULT_START_HOUR:02d}:00")
    end = window.raw("end", default=f"{hours.DEFAULT_END_HOUR:02d}:00")
    try:
        return fields.day_window(start, end)
    except fields.FieldError as exc:
        raise FormatError(conf.field("day_window"), str(exc)) from None


def _conference_uid(conf: _Object) -> str | None:
    value = conf.raw("uid", default=None)
    if value is None:
        return None
    try:
        canonical = str(uuid.UUID(value)) if isinstance(value, str) else None
    except ValueError:
        canonical = None
    if canonical != value:
        raise FormatError(
            "conference.uid",
            "must be a UUID in lower case (8-4-4-4-12 hexadecimal digits), or left out",
        )
    return value


def _token(obj: _Object, key: str) -> str | None:
    value = obj.raw(key, default=None)
    if value is not None and (
        not isinstance(value, str) or not TOKEN_RE.fullmatch(value)
    ):
        raise FormatError(
            obj.field(key), "must be 22 to 64 URL-safe characters, or left out"
        )
    return value


def _former_slugs(conf: _Object, slug: str) -> tuple[str, ...]:
    slugs: list[str] = []
    for i, value in enumerate(conf.list("former_slugs")):
        field = f"conference.former_slugs[{i}]"
        try:
            fields.slug(value)
        except fields.FieldError as exc:
            raise FormatError(field, str(exc)) from None
        if value == slug or value in slugs:
            raise FormatError(field, f"{value!r} is listed twice")
        slugs.append(value)
    return tuple(slugs)


def _no_duplicate_people(participants: tuple[ParticipantDoc, ...]) -> None:
    """One person listed twice among the current participants
    (:class:`fields.Roster`'s rule, the forms' and the CSV's) is refused."""
    roster = fields.Roster()
    for i, p in enumerate(participants):
        if p.removed_at is not None:
            continue
        person = p.person
        duplicate = roster.duplicate(person.full_name, person.country, person.email)
        if duplicate:
            field, why = duplicate
            raise FormatError(f"participants[{i}].person.{field}", why)
        roster.add(f"participants[{i}]", person.full_name, person.country, person.email)


def _unique_keys(entries, section: str) -> set[str]:
    keys: set[str] = set()
    for i, entry in enumerate(entries):
        if entry.key in keys:
            raise FormatError(f"{section}[{i}].key", f"{entry.key!r} is used twice")
        keys.add(entry.key)
    return keys


def _organisation(data: Any, path: str) -> OrganisationDoc:
    obj = _Object(data, path, ("key", "name", "short_name", "country", "kind"))
    return OrganisationDoc(
        key=obj.key("key"),
        name=obj.text("name", "organisation.name", required=True),
        short_name=obj.text("short_name", "organisation.short_name"),
        country=obj.country("country"),
        kind=obj.choice("kind", v.ORGANISATION_KINDS, required=True),
    )


def _host(data: Any, path: str, org_keys: set[str]) -> HostDoc:
    obj = _Object(data, path, ("organisation", "role"))
    return HostDoc(
        organisation=obj.reference("organisation", org_keys, "organisations"),
        role=obj.choice("role", v.HOST_ROLES, default="host"),
    )


def _unique_uids(records, path: str) -> None:
    seen: set[str] = set()
    for i, record in enumerate(records):
        if record.uid is not None:
            if record.uid in seen:
                raise FormatError(f"{path}[{i}].uid", f"{record.uid!r} is used twice")
            seen.add(record.uid)


def _participant(
    data: Any, path: str, org_keys: set[str], zone: str, since_2: bool
) -> ParticipantDoc:
    obj = _Object(
        data,
        path,
        ("key", "uid", "role", "delegation_country", "person", "token")
        + (PARTICIPANT_FIELDS_2 if since_2 else ()),
    )
    token = _token(obj, "token")
    removed_at = obj.instant("removed_at", zone)
    slots = []
    for i, entry in enumerate(obj.list("cancelled_slots")):
        slot = _Object(entry, f"{path}.cancelled_slots[{i}]", ("title", "start", "end"))
        start = slot.instant("start", zone)
        end = slot.instant("end", zone)
        if start is None or end is None:
            missing = "start" if start is None else "end"
            raise FormatError(slot.field(missing), "required")
        slots.append(
            CancelledSlot(
                title=slot.text("title", "agenda_item.title", required=True),
                start=start,
                end=end,
            )
        )
    if slots and removed_at is None:
        raise FormatError(
            f"{path}.cancelled_slots", "only a removed participant (removed_at) has any"
        )
    return ParticipantDoc(
        key=obj.key("key"),
        role=obj.choice("role", v.PARTICIPANT_ROLES, required=True),
        delegation_country=obj.country("delegation_country"),
        person=_person(obj.raw("person", required=True), f"{path}.person", org_keys),
        token=token,
        uid=obj.uid(),
        removed_at=removed_at,
        cancelled_slots=tuple(slots),
        rsvp=obj.rule("rsvp", fields.answer, default=v.NO_ANSWER),
        rsvp_comment=obj.rule("rsvp_comment", fields.answer_comment, default=""),
        rsvp_at=obj.instant("rsvp_at", zone),
        rsvp_source=obj.rule(
            "rsvp_source", fields.choice, v.RSVP_SOURCES, default=None
        ),
    )


def _person(data: Any, path: str, org_keys: set[str]) -> PersonDoc:
    obj = _Object(
        data,
        path,
        (
            "full_name",
            "latin_name",
            "honorific",
            "position",
            "organisation",
            "country",
            "timezone",
            "email",
            "languages",
            "pronunciation",
            "preferred_language",
        ),
    )
    country = obj.country("country", required=True)
    zone = obj.rule("timezone", lambda value: fields.person_zone(country, value))
    email = obj.rule("email", fields.email)
    org = obj.raw("organisation", default=None)
    return PersonDoc(
        full_name=obj.text("full_name", "person.full_name", required=True),
        latin_name=obj.text("latin_name", "person.latin_name"),
        honorific=obj.text("honorific", "person.honorific"),
        position=obj.text("position", "person.position"),
        organisation=(
            None
            if org is None
            else obj.reference("organisation", org_keys, "organisations")
        ),
        country=country,
        timezone=zone,
        email=email,
        languages=obj.languages("languages"),
        pronunciation=obj.text("pronunciation", "person.pronunciation"),
        preferred_language=obj.rule(
            "preferred_language", fields.preferred_language, default=None
        ),
    )


def _item(
    data: Any,
    path: str,
    zone: str,
    participant_keys: set[str],
    removed_keys: frozenset[str] | set[str] = frozenset(),
) -> ItemDoc:
    obj = _Object(
        data,
        path,
        (
            "uid",
            "kind",
            "title",
            "title_translations",
            "duration_minutes",
            "fixed_start",
            "pinned",
            "country",
            "target_minutes",
            "notes",
            "technical_cue",
            "technical_note",
            "interpretation_language",
            "speakers",
        ),
    )
    speakers = []
    seen: set[str] = set()
    for i, entry in enumerate(obj.list("speakers")):
        spath = f"{path}.speakers[{i}]"
        sp = _Object(entry, spath, ("participant", "minutes"))
        key = sp.reference("participant", participant_keys, "participants")
        if key in removed_keys:
            raise FormatError(
                f"{spath}.participant",
                f"{key!r} was removed: a removed participant speaks nowhere",
            )
        if key in seen:
            raise FormatError(f"{spath}.participant", f"{key!r} speaks twice here")
        seen.add(key)
        minutes = sp.rule("minutes", fields.minutes, default=None)
        speakers.append(SpeakerDoc(participant=key, minutes=minutes))
    interpretation = obj.rule(
        "interpretation_language", fields.interpretation_language, default=None
    )
    return ItemDoc(
        kind=obj.choice("kind", v.ITEM_KINDS, required=True),
        title=obj.text("title", "agenda_item.title", required=True),
        title_translations=obj.translations("title_translations", "agenda_item.title"),
        duration_minutes=obj.rule("duration_minutes", fields.minutes),
        fixed_start=obj.instant("fixed_start", zone),
        pinned=obj.boolean("pinned"),
        country=obj.country("country"),
        target_minutes=obj.rule("target_minutes", fields.minutes, default=None),
        notes=obj.text("notes", "agenda_item.notes"),
        technical_cue=obj.choice("technical_cue", v.TECHNICAL_CUES, default="none"),
        technical_note=obj.text("technical_note", "agenda_item.technical_note"),
        interpretation_language=interpretation,
        speakers=tuple(speakers),
        uid=obj.uid(),
    )


_MISSING = object()


class _Object:
    """A JSON object being read, which knows its path for error messages."""

    def __init__(self, data: Any, path: str, allowed: tuple[str, ...]):
        if not isinstance(data, dict):
            raise FormatError(
                path or "(document)", f"expected an object, found {_kind(data)}"
            )
        for key in data:
            if not isinstance(key, str) or key.startswith("_"):
                continue
            if key not in allowed:
                raise FormatError(self._join(path, key), "unknown field")
        self.data = data
        self.path = path

    @staticmethod
    def _join(path: str, key: str) -> str:
        return f"{path}.{key}" if path else key

    def field(self, key: str) -> str:
        return self._join(self.path, key)

    def raw(self, key: str, required: bool = False, default: Any = _MISSING) -> Any:
        if key in self.data and self.data[key] is not None:
            return self.data[key]
        if required:
            raise FormatError(self.field(key), "required")
        return None if default is _MISSING else default

    def rule(self, key: str, rule, *args, default: Any = _MISSING) -> Any:
        """``key``'s value checked by a :mod:`silkmeet.domain.fields` rule (a
        missing or null value too, unless it has a ``default``)."""
        value = self.raw(key, default=None)
        if value is None and default is not _MISSING:
            return default
        try:
            return rule(value, *args)
        except fields.FieldError as exc:
            raise FormatError(self.field(key), str(exc)) from None

    def text(self, key: str, column: str, required: bool = False) -> str:
        """A text going to ``column`` (a key of ``fields.MAX_LENGTH``)."""
        value = self.raw(key, required=required, default="")
        if not isinstance(value, str):
            raise FormatError(self.field(key), f"expected text, found {_kind(value)}")
        return self.rule(key, fields.text, column, required, default="")

    def uid(self) -> str | None:
        """An optional ``uid``: 1 to 64 letters, digits, ``_ . -``."""
        value = self.raw("uid", default=None)
        if value is not None and (
            not isinstance(value, str) or not UID_RE.fullmatch(value)
        ):
            raise FormatError(
                self.field("uid"),
                "must be 1 to 64 letters, digits, '_', '.' or '-', or left out",
            )
        return value

    def _identifier(self, key: str) -> str:
        value = self.raw(key, required=True)
        if not isinstance(value, str):
            raise FormatError(self.field(key), f"expected text, found {_kind(value)}")
        return value.strip()

    def key(self, key: str) -> str:
        value = self._identifier(key)
        if not KEY_RE.fullmatch(value):
            raise FormatError(
                self.field(key),
                f"{fields.shown(value)} must be letters, digits, '-', '_' or '.'",
            )
        return value

    def reference(self, key: str, known: set[str], section: str) -> str:
        value = self._identifier(key)
        if value not in known:
            raise FormatError(
                self.field(key), f"{fields.shown(value)} is not a key in {section}"
            )
        return value

    def boolean(self, key: str) -> bool:
        value = self.raw(key, default=False)
        if not isinstance(value, bool):
            raise FormatError(
                self.field(key), f"expected true or false, found {_kind(value)}"
            )
        return value

    def choice(
        self, key: str, choices, required: bool = False, default: str | None = None
    ) -> str:
        self.raw(key, required=required)
        fallback = _MISSING if default is None else default
        return self.rule(key, fields.choice, choices, default=fallback)

    def country(self, key: str, required: bool = False) -> str | None:
        return self.rule(key, fields.country, required)

    def instant(self, key: str, zone: str) -> datetime | None:
        return self.rule(key, fields.parse_instant, zone, default=None)

    def list(self, key: str) -> list:
        value = self.raw(key, default=[])
        if not isinstance(value, list):
            raise FormatError(self.field(key), f"expected a list, found {_kind(value)}")
        return value

    def translations(self, key: str, column: str) -> tuple[tuple[str, str], ...]:
        """A text's translations (:func:`fields.translations`), as pairs."""
        return tuple(self.rule(key, fields.translations, column, default={}).items())

    def languages(self, key: str) -> tuple[str, ...]:
        tags = []
        for i, tag in enumerate(self.list(key)):
            try:
                tags.append(fields.language_tag(tag))
            except fields.FieldError as exc:
                raise FormatError(f"{self.field(key)}[{i}]", str(exc)) from None
        return tuple(tags)


def _kind(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


# -- writing ---------------------------------------------------------------------


def to_data(doc: ConferenceDoc) -> dict:
    """The JSON-ready form of a document; :func:`parse` reads it back unchanged."""
    head = {"slug": doc.slug}
    if doc.former_slugs:
        head["former_slugs"] = list(doc.former_slugs)
    if doc.uid is not None:
        head["uid"] = doc.uid
    share = {}
    if doc.agenda_share_token is not None:
        share["agenda_share_token"] = doc.agenda_share_token
    return {
        "format": FORMAT_VERSION,
        "conference": head
        | {
            "title": doc.title,
            "description": doc.description,
        }
        | _given("title_translations", dict(doc.title_translations))
        | _given("description_translations", dict(doc.description_translations))
        | {
            "timezone": doc.timezone,
            "start": format_instant(doc.start) if doc.start else None,
            "duration_minutes": doc.duration_minutes,
            "buffer_minutes": doc.buffer_minutes,
            "status": doc.status,
            "agenda_visibility": doc.agenda_visibility,
        }
        | share
        | {
            "invite_revision": doc.invite_revision,
            "languages": list(doc.languages),
            "interpretation_channels": list(doc.interpretation_channels),
            "video_call": {
                "platform": doc.video_call.platform,
                "join_url": doc.video_call.join_url,
                "meeting_id": doc.video_call.meeting_id,
                "passcode": doc.video_call.passcode,
                "dial_in": doc.video_call.dial_in,
            },
            "mail_from": doc.mail_from,
            "mail_reply_to": doc.mail_reply_to,
            "reminder_offsets": list(doc.reminder_offsets),
            "nudge_offset": doc.nudge_offset,
            "day_window": fields.day_window_text(*doc.day_window),
            "speaking_minutes": doc.speaking_minutes,
        },
        "organisations": [
            {
                "key": o.key,
                "name": o.name,
                "short_name": o.short_name,
                "country": o.country,
                "kind": o.kind,
            }
            for o in doc.organisations
        ],
        "hosts": [{"organisation": h.organisation, "role": h.role} for h in doc.hosts],
        "participants": [_participant_data(p) for p in doc.participants],
        "agenda": [_item_data(item) for item in doc.agenda],
    }


def _given(key: str, value) -> dict:
    """``{key: value}`` when there is one: what came later to the format is
    written only when given, so older documents keep their bytes."""
    return {key: value} if value else {}


def _participant_data(p: ParticipantDoc) -> dict:
    person = p.person
    data = {"key": p.key}
    if p.uid is not None:
        data["uid"] = p.uid
    data |= {
        "role": p.role,
        "delegation_country": p.delegation_country,
        "person": {
            "full_name": person.full_name,
            "latin_name": person.latin_name,
            "honorific": person.honorific,
            "position": person.position,
            "organisation": person.organisation,
            "country": person.country,
            "timezone": person.timezone,
            "email": person.email,
            "languages": list(person.languages),
            "pronunciation": person.pronunciation,
        }
        | _given("preferred_language", person.preferred_language),
    }
    if p.token is not None:
        data["token"] = p.token
    if p.removed_at is not None:
        data["removed_at"] = format_instant(p.removed_at)
        data["cancelled_slots"] = [
            {
                "title": slot.title,
                "start": format_instant(slot.start),
                "end": format_instant(slot.end),
            }
            for slot in p.cancelled_slots
        ]
    if p.answered:
        data |= {
            "rsvp": p.rsvp,
            "rsvp_comment": p.rsvp_comment,
            "rsvp_at": format_instant(p.rsvp_at) if p.rsvp_at else None,
            "rsvp_source": p.rsvp_source,
        }
    return data


def _item_data(item: ItemDoc) -> dict:
    data = {} if item.uid is None else {"uid": item.uid}
    return (
        data
        | {
            "kind": item.kind,
            "title": item.title,
        }
        | _given("title_translations", dict(item.title_translations))
        | {
            "duration_minutes": item.duration_minutes,
            "fixed_start": format_instant(item.fixed_start)
            if item.fixed_start
            else None,
            "pinned": item.pinned,
            "country": item.country,
            "target_minutes": item.target_minutes,
            "notes": item.notes,
            "technical_cue": item.technical_cue,
            "technical_note": item.technical_note,
            "interpretation_language": item.interpretation_language,
            "speakers": [
                {"participant": s.participant, "minutes": s.minutes}
                for s in item.speakers
            ],
        }
    )


def dumps(doc: ConferenceDoc) -> str:
    return json.dumps(to_data(doc), ensure_ascii=False, indent=2) + "\n"


def iter_dumps(
    doc: ConferenceDoc,
    participants: Iterable[ParticipantDoc],
    agenda: Iterable[ItemDoc],
) -> Iterator[str]:
    """:func:`dumps` in pieces, ``participants`` and ``agenda`` standing for
    ``doc``'s own and read one entry at a time, as they are written."""
    data = to_data(replace(doc, participants=(), agenda=()))
    data["participants"] = Lazy(_participant_data(p) for p in participants)
    data["agenda"] = Lazy(_item_data(item) for item in agenda)
    yield from iter_json(data)
    yield "\n"


def make_key(text: str, taken: set[str], fallback: str) -> str:
    """A readable, unique key from a name: ``Valérie De Rosa`` → ``valerie-de-rosa``."""
    ascii_text = (
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    )
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or fallback
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key
