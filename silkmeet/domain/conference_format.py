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

from email_validator import EmailNotValidError
from email_validator import validate_email

from silkmeet.domain import vocabulary as v
from silkmeet.domain.emails import email_key
from silkmeet.domain.jsonstream import Lazy
from silkmeet.domain.jsonstream import iter_json
from silkmeet.domain.timezones import TimeZoneError
from silkmeet.domain.timezones import canonical_zone
from silkmeet.domain.timezones import country_name
from silkmeet.domain.timezones import country_zones
from silkmeet.domain.timezones import default_zone_for_country
from silkmeet.domain.timezones import format_instant
from silkmeet.domain.timezones import is_known_country
from silkmeet.domain.timezones import parse_instant

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
)
CONFERENCE_FIELDS_2 = ("uid", "agenda_share_token", "former_slugs")
PARTICIPANT_FIELDS_2 = ("removed_at", "cancelled_slots")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
UID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


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
    slug = conf.text("slug", required=True, max_len=80)
    if not SLUG_RE.match(slug):
        raise FormatError(
            "conference.slug",
            f"{slug!r} must be lower-case letters, digits and single hyphens",
        )
    zone = conf.zone("timezone", required=True)
    video = _Object(
        conf.raw("video_call", default={}),
        "conference.video_call",
        ("platform", "join_url", "meeting_id", "passcode", "dial_in"),
    )
    join_url = video.text("join_url", max_len=2000)
    if join_url and not re.match(r"^https?://\S+$", join_url):
        raise FormatError(
            "conference.video_call.join_url",
            "must be an http:// or https:// address without spaces",
        )

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
    _unique_emails(participants)
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
        slug=slug,
        title=conf.text("title", required=True, max_len=300),
        description=conf.text("description", max_len=20000),
        timezone=zone,
        start=conf.instant("start", zone),
        duration_minutes=conf.integer(
            "duration_minutes", v.MIN_DURATION, v.MAX_DURATION, required=True
        ),
        buffer_minutes=conf.integer("buffer_minutes", 0, 240, default=0),
        status=conf.choice("status", v.CONFERENCE_STATUSES, default="draft"),
        agenda_visibility=conf.choice(
            "agenda_visibility", v.AGENDA_VISIBILITIES, default="public"
        ),
        invite_revision=conf.integer("invite_revision", 0, 10**9, default=0),
        languages=conf.languages("languages"),
        interpretation_channels=conf.languages("interpretation_channels"),
        video_call=VideoCall(
            platform=video.text("platform", max_len=100),
            join_url=join_url,
            meeting_id=video.text("meeting_id", max_len=100),
            passcode=video.text("passcode", max_len=100),
            dial_in=video.text("dial_in", max_len=2000),
        ),
        organisations=organisations,
        hosts=hosts,
        participants=participants,
        agenda=agenda,
    )


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
    if value is not None and (not isinstance(value, str) or not TOKEN_RE.match(value)):
        raise FormatError(
            obj.field(key), "must be 22 to 64 URL-safe characters, or left out"
        )
    return value


def _former_slugs(conf: _Object, slug: str) -> tuple[str, ...]:
    slugs: list[str] = []
    for i, value in enumerate(conf.list("former_slugs")):
        field = f"conference.former_slugs[{i}]"
        if not isinstance(value, str) or len(value) > 80 or not SLUG_RE.match(value):
            raise FormatError(
                field, f"{value!r} is not a slug (lower-case letters, digits, hyphens)"
            )
        if value == slug or value in slugs:
            raise FormatError(field, f"{value!r} is listed twice")
        slugs.append(value)
    return tuple(slugs)


def _unique_emails(participants: tuple[ParticipantDoc, ...]) -> None:
    """One address per current participant, as the database keeps it."""
    owner: dict[str, int] = {}
    for i, p in enumerate(participants):
        key = email_key(p.person.email)
        if key is None or p.removed_at is not None:
            continue
        if key in owner:
            raise FormatError(
                f"participants[{i}].person.email",
                f"{p.person.email} is participants[{owner[key]}]'s too; "
                "one address per participant",
            )
        owner[key] = i


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
        name=obj.text("name", required=True, max_len=300),
        short_name=obj.text("short_name", max_len=100),
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
                title=slot.text("title", required=True, max_len=300),
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
        ),
    )
    country = obj.country("country", required=True)
    assert country is not None
    if obj.raw("timezone", default=None) is None:
        zone = default_zone_for_country(country)
        if zone is None:
            zones = country_zones(country)
            raise FormatError(
                f"{path}.timezone",
                f"required: {country_name(country)} has {len(zones)} time zones "
                f"({', '.join(zones[:4])}{', …' if len(zones) > 4 else ''}); "
                "choose the person's own",
            )
    else:
        zone = obj.zone("timezone", required=True)
    email = obj.text("email", max_len=320) or None
    if email is not None:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise FormatError(f"{path}.email", str(exc)) from None
    org = obj.raw("organisation", default=None)
    return PersonDoc(
        full_name=obj.text("full_name", required=True, max_len=300),
        latin_name=obj.text("latin_name", max_len=300),
        honorific=obj.text("honorific", max_len=50),
        position=obj.text("position", max_len=300),
        organisation=(
            None
            if org is None
            else obj.reference("organisation", org_keys, "organisations")
        ),
        country=country,
        timezone=zone,
        email=email,
        languages=obj.languages("languages"),
        pronunciation=obj.text("pronunciation", max_len=300),
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
        minutes = sp.integer("minutes", v.MIN_DURATION, v.MAX_DURATION, default=None)
        speakers.append(SpeakerDoc(participant=key, minutes=minutes))
    interpretation = obj.text("interpretation_language", max_len=35) or None
    if interpretation is not None and not LANGUAGE_RE.match(interpretation):
        raise FormatError(
            f"{path}.interpretation_language",
            f"{interpretation!r} is not a language tag such as 'fr'",
        )
    return ItemDoc(
        kind=obj.choice("kind", v.ITEM_KINDS, required=True),
        title=obj.text("title", required=True, max_len=300),
        duration_minutes=obj.integer(
            "duration_minutes", v.MIN_DURATION, v.MAX_DURATION, required=True
        ),
        fixed_start=obj.instant("fixed_start", zone),
        pinned=obj.boolean("pinned"),
        country=obj.country("country"),
        target_minutes=obj.integer(
            "target_minutes", v.MIN_DURATION, v.MAX_DURATION, default=None
        ),
        notes=obj.text("notes", max_len=20000),
        technical_cue=obj.choice("technical_cue", v.TECHNICAL_CUES, default="none"),
        technical_note=obj.text("technical_note", max_len=500),
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

    def text(self, key: str, required: bool = False, max_len: int = 300) -> str:
        value = self.raw(key, required=required, default="")
        if not isinstance(value, str):
            raise FormatError(self.field(key), f"expected text, found {_kind(value)}")
        value = value.strip()
        if required and not value:
            raise FormatError(self.field(key), "must not be empty")
        if len(value) > max_len:
            raise FormatError(
                self.field(key), f"{len(value)} characters; at most {max_len}"
            )
        if "\x00" in value:
            raise FormatError(self.field(key), "contains a NUL character")
        return value

    def uid(self) -> str | None:
        """An optional ``uid``: 1 to 64 letters, digits, ``_ . -``."""
        value = self.raw("uid", default=None)
        if value is not None and (
            not isinstance(value, str) or not UID_RE.match(value)
        ):
            raise FormatError(
                self.field("uid"),
                "must be 1 to 64 letters, digits, '_', '.' or '-', or left out",
            )
        return value

    def key(self, key: str) -> str:
        value = self.text(key, required=True, max_len=80)
        if not KEY_RE.match(value):
            raise FormatError(
                self.field(key), f"{value!r} must be letters, digits, '-', '_' or '.'"
            )
        return value

    def reference(self, key: str, known: set[str], section: str) -> str:
        value = self.text(key, required=True, max_len=80)
        if value not in known:
            raise FormatError(self.field(key), f"{value!r} is not a key in {section}")
        return value

    def integer(
        self,
        key: str,
        low: int,
        high: int,
        required: bool = False,
        default: Any = _MISSING,
    ) -> Any:
        value = self.raw(key, required=required, default=default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise FormatError(
                self.field(key), f"expected a whole number, found {_kind(value)}"
            )
        if not low <= value <= high:
            raise FormatError(
                self.field(key), f"{value} is out of range; allowed {low} to {high}"
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
        value = self.raw(key, required=required, default=default)
        allowed = v.values(choices)
        if value not in allowed:
            raise FormatError(
                self.field(key), f"{value!r} is not one of {', '.join(allowed)}"
            )
        return value

    def country(self, key: str, required: bool = False) -> str | None:
        value = self.raw(key, required=required, default=None)
        if value is None:
            return None
        if not isinstance(value, str) or not is_known_country(value.strip().upper()):
            raise FormatError(
                self.field(key),
                f"unknown country {value!r}; use an ISO 3166-1 "
                "alpha-2 code such as 'FR'",
            )
        return value.strip().upper()

    def zone(self, key: str, required: bool = False) -> str:
        value = self.raw(key, required=required, default=None)
        if not isinstance(value, str):
            raise FormatError(
                self.field(key),
                f"expected an IANA time zone name, found {_kind(value)}",
            )
        try:
            return canonical_zone(value)
        except TimeZoneError as exc:
            raise FormatError(self.field(key), str(exc)) from None

    def instant(self, key: str, zone: str) -> datetime | None:
        value = self.raw(key, default=None)
        if value is None:
            return None
        try:
            return parse_instant(value, zone)
        except TimeZoneError as exc:
            raise FormatError(self.field(key), str(exc)) from None

    def list(self, key: str) -> list:
        value = self.raw(key, default=[])
        if not isinstance(value, list):
            raise FormatError(self.field(key), f"expected a list, found {_kind(value)}")
        return value

    def languages(self, key: str) -> tuple[str, ...]:
        tags = []
        for i, tag in enumerate(self.list(key)):
            if not isinstance(tag, str) or not LANGUAGE_RE.match(tag):
                raise FormatError(
                    f"{self.field(key)}[{i}]",
                    f"{tag!r} is not a language tag such as 'fr'",
                )
            tags.append(tag)
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
        },
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
    return data


def _item_data(item: ItemDoc) -> dict:
    data = {} if item.uid is None else {"uid": item.uid}
    return data | {
        "kind": item.kind,
        "title": item.title,
        "duration_minutes": item.duration_minutes,
        "fixed_start": format_instant(item.fixed_start) if item.fixed_start else None,
        "pinned": item.pinned,
        "country": item.country,
        "target_minutes": item.target_minutes,
        "notes": item.notes,
        "technical_cue": item.technical_cue,
        "technical_note": item.technical_note,
        "interpretation_language": item.interpretation_language,
        "speakers": [
            {"participant": s.participant, "minutes": s.minutes} for s in item.speakers
        ],
    }


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
