"""Invites: conference models to :mod:`silkmeet.domain.ics` dataclasses, and the
writes around them (download records, token reissue)."""

from __future__ import annotations

import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Sequence
from datetime import datetime
from datetime import timedelta
from urllib.parse import quote

from flask import current_app
from flask import has_request_context
from flask import request
from flask import url_for
from sqlalchemy import Result
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from silkmeet.cache import cached
from silkmeet.cache import conference_key
from silkmeet.cache import content_key
from silkmeet.db import UTCDateTime
from silkmeet.db import utcnow
from silkmeet.domain import ics
from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v
from silkmeet.domain.schedule import ItemIn
from silkmeet.domain.schedule import SpeakerIn
from silkmeet.domain.schedule import speaker_slots
from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import AgendaItemSpeaker
from silkmeet.models import Conference
from silkmeet.models import ConferenceHost
from silkmeet.models import ConferenceOrganiser
from silkmeet.models import Organisation
from silkmeet.models import Organiser
from silkmeet.models import Participation
from silkmeet.models import Person
from silkmeet.models.conference import new_token

DEFAULT_UID_DOMAIN = "silkmeet.invalid"
FALLBACK_ORGANIZER = "invites@silkmeet.invalid"
# A ZIP larger than this goes to a temporary file instead of memory.
ZIP_IN_MEMORY = 4 * 1024 * 1024
# Participants' rows read at a time for the ZIP.
PEOPLE_BATCH = 1000
_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


class NoStartError(ValueError):
    """The conference has no start yet, so there is nothing to put in a calendar."""


def uid_domain() -> str:
    return current_app.config.get("INVITE_UID_DOMAIN") or DEFAULT_UID_DOMAIN


def organizer(conference: Conference) -> tuple[str, str]:
    """``(name, address)`` for ORGANIZER, in one statement: the first host (else
    the conference's title), and the configured address, else the conference's
    first owner's."""
    first_host = (
        select(Organisation.name)
        .join(ConferenceHost, ConferenceHost.organisation_id == Organisation.id)
        .where(ConferenceHost.conference_id == conference.id)
        .order_by(ConferenceHost.position, ConferenceHost.id)
        .limit(1)
        .scalar_subquery()
    )
    first_owner = (
        select(Organiser.email)
        .join(ConferenceOrganiser)
        .where(
            ConferenceOrganiser.conference_id == conference.id,
            ConferenceOrganiser.access == "owner",
        )
        .order_by(ConferenceOrganiser.organiser_id)
        .limit(1)
        .scalar_subquery()
    )
    name, email = db.session.execute(select(first_host, first_owner)).one()
    configured = current_app.config.get("INVITE_ORGANIZER_EMAIL")
    return name or conference.title, configured or email or FALLBACK_ORGANIZER


def _conference_uid(conference: Conference) -> str:
    return ics.conference_uid(conference.slug, uid_domain())


# -- the lineup, loaded as plain rows --------------------------------------------
#
# An invite needs the items' timing columns (every item: times flow from the
# start), the speakers of the items its participant speaks in (their shares
# split the item), and the titles of the few items its short agenda lists. It
# never needs the lineup as ORM objects, so it reads tuples in a fixed number of
# statements, whatever the size of the conference.


def _item_rows(conference_id: int) -> list:
    return db.session.execute(
        select(
            AgendaItem.id,
            AgendaItem.uid,
            AgendaItem.title,
            AgendaItem.duration_minutes,
            AgendaItem.fixed_start_at,
        )
        .where(AgendaItem.conference_id == conference_id)
        .order_by(AgendaItem.position, AgendaItem.id)
    ).all()


def _speaker_rows(conference_id: int, names: bool = False) -> list:
    """Every item's speaker links, in item and speaking order."""
    columns = [
        AgendaItemSpeaker.item_id,
        AgendaItemSpeaker.participation_id,
        AgendaItemSpeaker.minutes,
        Participation.removed_at,
        Participation.uid.label("participation_uid"),
    ]
    if names:
        columns.append(Person.full_name)
    query = (
        select(*columns)
        .join(Participation, Participation.id == AgendaItemSpeaker.participation_id)
        .join(AgendaItem, AgendaItem.id == AgendaItemSpeaker.item_id)
        .where(AgendaItem.conference_id == conference_id)
    )
    if names:
        query = query.join(Person, Person.id == Participation.person_id)
    query = query.order_by(
        AgendaItemSpeaker.item_id, AgendaItemSpeaker.position, AgendaItemSpeaker.id
    )
    return db.session.execute(query).all()


def item_times(
    start: datetime, rows: Sequence, buffer_minutes: int
) -> list[tuple[datetime, datetime]]:
    """Each item's ``(start, end)``: the arithmetic of
    :func:`silkmeet.domain.schedule.compute_schedule`, on ``(…, duration,
    fixed_start)`` rows, without building the whole schedule."""
    buffer = timedelta(minutes=buffer_minutes)
    cursor = start
    times = []
    for row in rows:
        begin = cursor if row.fixed_start_at is None else row.fixed_start_at
        end = begin + timedelta(minutes=row.duration_minutes)
        times.append((begin, end))
        cursor = end + buffer
    return times


def slot_uid(conference_uid: str, participation_uid: str, rank: int) -> str:
    """The UID of a participant's ``rank``-th speaking slot (from 1); from the
    participation's uid, which export and import keep."""
    return ics.derived_uid(conference_uid, "slot", participation_uid, rank)


class _Lineup:
    """Items, their times and speaking slots, from rows; shared by every invite
    built from it."""

    def __init__(self, conference: Conference, items: list, speakers: list):
        self.uid = _conference_uid(conference)
        self.items = items
        self.times = item_times(conference.start_at, items, conference.buffer_minutes)
        self.position = {row.id: n for n, row in enumerate(items)}
        self.by_item: dict[int, list] = {}
        for row in speakers:
            self.by_item.setdefault(row.item_id, []).append(row)
        self._item_uids: dict[int, str] = {}
        self._row_uids = {row.id: row.uid for row in items}
        # Participation id → its uid, for every speaker.
        self.speaker_uids = {
            row.participation_id: row.participation_uid for row in speakers
        }

    def item_uid(self, item_id: int) -> str:
        uid = self._item_uids.get(item_id)
        if uid is None:
            uid = self._item_uids[item_id] = ics.derived_uid(
                self.uid, "item", self._row_uids[item_id]
            )
        return uid

    def end(self, conference: Conference) -> datetime:
        start = conference.start_at
        return max(
            [start + timedelta(minutes=conference.duration_minutes)]
            + [end for _begin, end in self.times]
        )

    def agenda_slot(self, n: int, detail: str = "") -> ics.Slot:
        row = self.items[n]
        begin, end = self.times[n]
        return ics.Slot(
            uid=self.item_uid(row.id),
            title=row.title,
            start=begin,
            end=end,
            detail=detail,
        )

    def speaking_slots(self) -> dict[int, list[ics.Slot]]:
        """Participation id → its speaking slots, in lineup order (removed
        speakers are out of the lineup, as in :func:`schedule_for`).

        A slot's UID names the participant and the slot's rank among theirs
        (first, second…), not the item: a speaker moved to another item, or
        whose item moves, gets the same event updated in their calendar rather
        than a second one beside the first."""
        slots: dict[int, list[ics.Slot]] = {}
        ordered = sorted(self.position[i] for i in self.by_item if i in self.position)
        for n in ordered:
            row = self.items[n]
            speakers = tuple(
                SpeakerIn(
                    participant_id=s.participation_id,
                    name="",
                    country="",
                    timezone="",
                    minutes=s.minutes,
                )
                for s in self.by_item.get(row.id, ())
                if s.removed_at is None
            )
            item = ItemIn(
                id=row.id,
                title=row.title,
                kind="",
                duration_minutes=row.duration_minutes,
                speakers=speakers,
            )
            item_uid = self.item_uid(row.id)
            for turn in speaker_slots(item, self.times[n][0]):
                pid = turn.speaker.participant_id
                mine = slots.setdefault(pid, [])
                mine.append(
                    ics.Slot(
                        uid=slot_uid(self.uid, self.speaker_uids[pid], len(mine) + 1),
                        title=row.title,
                        start=turn.start,
                        end=turn.end,
                        item=item_uid,
                    )
                )
        return slots

    def removed_slots(
        self,
        participation_id: int,
        participation_uid: str,
        cancelled: Sequence[dict] = (),
    ) -> list[ics.Slot]:
        """A removed speaker's former slots, under the UIDs their invite gave
        them, so that the cancel reaches them: those recorded at their removal
        (``cancelled``), else those of the items they are still linked to."""
        if cancelled:
            return [
                ics.Slot(
                    uid=slot_uid(self.uid, participation_uid, rank),
                    title=slot["title"],
                    start=datetime.fromisoformat(slot["start"]),
                    end=datetime.fromisoformat(slot["end"]),
                )
                for rank, slot in enumerate(cancelled, start=1)
            ]
        slots = []
        for item_id, links in self.by_item.items():
            n = self.position.get(item_id)
            if n is None or not any(
                s.participation_id == participation_id for s in links
            ):
                continue
            slots.append((n, item_id))
        found = []
        for rank, (n, item_id) in enumerate(sorted(slots), start=1):
            begin, end = self.times[n]
            found.append(
                ics.Slot(
                    uid=slot_uid(self.uid, participation_uid, rank),
                    title=self.items[n].title,
                    start=begin,
                    end=end,
                    item=self.item_uid(item_id),
                )
            )
        return found


def _meeting(
    conference: Conference,
    lineup: _Lineup,
    agenda: tuple[ics.Slot, ...],
    agenda_total: int = 0,
) -> ics.Meeting:
    organizer_name, organizer_email = organizer(conference)
    return ics.Meeting(
        uid=lineup.uid,
        title=conference.title,
        zone=conference.timezone,
        start=conference.start_at,
        end=lineup.end(conference),
        revision=conference.invite_revision,
        cancelled=conference.status == "cancelled",
        description=conference.description,
        platform=conference.video_platform,
        join_url=conference.join_url,
        meeting_id=conference.meeting_id,
        passcode=conference.passcode,
        dial_in=conference.dial_in,
        organizer_name=organizer_name,
        organizer_email=organizer_email,
        agenda=agenda,
        agenda_total=agenda_total,
    )


def _agenda_url_template() -> str:
    """The delegate page's address with ``{token}`` to fill in; ``""`` where no
    address can be built (the CLI without ``SERVER_NAME``). Built once per host
    a request came in by."""
    if not has_request_context():
        return _build_agenda_url_template()
    templates = current_app.extensions.setdefault("silkmeet_agenda_urls", {})
    host = request.host_url
    if host not in templates:
        if len(templates) >= 16:
            templates.clear()  # Host is the client's to choose: stay bounded
        templates[host] = _build_agenda_url_template()
    return templates[host]


def _build_agenda_url_template() -> str:
    try:
        url = url_for(
            "agenda.delegate_page", slug="SLUG", token="TOKEN", _external=True
        )
    except RuntimeError:
        return ""
    return url.replace("TOKEN", "{token}").replace("SLUG", "{slug}")


def _invitee(
    person,
    participation,
    slots: Sequence[ics.Slot],
    agenda_url: str,
) -> ics.Invitee:
    """``person`` and ``participation`` may be ORM objects or rows with the
    same attribute names."""
    delegation = participation.delegation_country
    removed = participation.removed_at is not None
    return ics.Invitee(
        name=Person.display_name.fget(person),
        role=v.label(v.PARTICIPANT_ROLES, participation.role),
        zone=person.timezone,
        email=person.email or "",
        delegation=tz.country_name(delegation) if delegation else "",
        removed=removed,
        slots=tuple(slots),
        agenda_url="" if removed else agenda_url,
    )


# -- one participant's calendar ----------------------------------------------------


class InvitePlan:
    """Everything the invites of one conference version share: the meeting with
    its whole agenda, and every speaker's slots. Built once per content version
    and kept by the worker (:mod:`silkmeet.cache`); an invite then costs only
    its participant's row and its own events."""

    def __init__(self, conference: Conference, items: list, speakers: list):
        self.lineup = _Lineup(conference, items, speakers)
        agenda = tuple(self.lineup.agenda_slot(n) for n in range(len(items)))
        self.meeting = _meeting(conference, self.lineup, agenda)
        self.slots = self.lineup.speaking_slots()
        self.cache_size = 2048 + 1024 * len(items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InvitePlan) and (self.meeting, self.slots) == (
            other.meeting,
            other.slots,
        )

    __hash__ = None  # type: ignore[assignment]

    def slots_of(
        self,
        participation_id: int,
        participation_uid: str,
        removed: bool,
        cancelled: Sequence[dict] = (),
    ) -> Sequence[ics.Slot]:
        if removed:
            return self.lineup.removed_slots(
                participation_id, participation_uid, cancelled
            )
        return self.slots.get(participation_id, ())


def invite_plan(conference_id: int, key: tuple) -> InvitePlan:
    """The conference's :class:`InvitePlan` at the version ``key`` names
    (:func:`silkmeet.cache.conference_key`), built at most once per version by
    this worker."""

    def build() -> InvitePlan:
        conference = db.session.get(Conference, conference_id)
        if conference.start_at is None:
            raise NoStartError(conference.slug)
        return InvitePlan(
            conference, _item_rows(conference_id), _speaker_rows(conference_id)
        )

    return cached("invite-plan", key, None, build)


# What an invite needs of its participant, their person and their conference.
_PARTICIPATION_COLUMNS = (
    Participation.id,
    Participation.uid,
    Participation.token,
    Participation.role,
    Participation.delegation_country,
    Participation.removed_at,
    Participation.cancelled_slots,
    Participation.conference_id,
)
_PERSON_COLUMNS = (
    Person.full_name,
    Person.latin_name,
    Person.timezone,
    Person.email,
)
_CONFERENCE_COLUMNS = (
    Conference.slug,
    Conference.created_at.label("conference_created_at"),
    Conference.content_version,
)
PERSONAL_COLUMNS = _PARTICIPATION_COLUMNS + _PERSON_COLUMNS + _CONFERENCE_COLUMNS


def _personal_rows():
    return (
        select(*PERSONAL_COLUMNS)
        .join(Person, Person.id == Participation.person_id)
        .join(Conference, Conference.id == Participation.conference_id)
    )


def personal_row(*where):
    """One participant's :data:`PERSONAL_COLUMNS` row, in one statement, or None."""
    return db.session.execute(_personal_rows().where(*where)).one_or_none()


# Built once: a download is the hottest request there is.
_BY_TOKEN = _personal_rows().where(Participation.token == bindparam("token"))
_participation = Participation.__table__
_DOWNLOAD_VALUES = {
    "invite_downloaded_at": bindparam("now", type_=UTCDateTime()),
    "invite_download_count": func.coalesce(_participation.c.invite_download_count, 0)
    + 1,
}
_RECORD_DOWNLOAD = (
    update(_participation)
    .where(_participation.c.id == bindparam("participation_id"))
    .values(**_DOWNLOAD_VALUES)
)


def personal_row_by_token(token: str):
    """:func:`personal_row` of the participant whose link holds ``token``."""
    # Core on the session's connection: rows, no ORM objects to load.
    return db.session.connection().execute(_BY_TOKEN, {"token": token}).one_or_none()


def _downloaded_by_token():
    """PostgreSQL: the download recorded and the row read in one statement (a
    data-modifying WITH), one round trip fewer on the hottest request."""
    downloaded = (
        update(_participation)
        # Not "token": in an UPDATE, a bind named after a column sets it.
        .where(_participation.c.token == bindparam("link_token"))
        .values(**_DOWNLOAD_VALUES)
        .returning(
            *(_participation.c[c.key] for c in _PARTICIPATION_COLUMNS),
            _participation.c.person_id,
        )
        .cte("downloaded")
    )
    return (
        select(
            *(downloaded.c[c.key] for c in _PARTICIPATION_COLUMNS),
            *_PERSON_COLUMNS,
            *_CONFERENCE_COLUMNS,
        )
        .join(Person, Person.id == downloaded.c.person_id)
        .join(Conference, Conference.id == downloaded.c.conference_id)
    )


def download_row_by_token(token: str):
    """:func:`personal_row_by_token`, with the download recorded (it stands
    only if the caller commits: a refused request rolls it back)."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        return connection.execute(
            _DOWNLOADED_BY_TOKEN, {"link_token": token, "now": utcnow()}
        ).one_or_none()
    row = connection.execute(_BY_TOKEN, {"token": token}).one_or_none()
    if row is not None:
        record_download(row.id)
    return row


def _personal(row, build, stamp: datetime | None) -> bytes:
    """``build(meeting, invitee, stamp)`` for one participant's row. On a
    conference version this worker has seen, no statement at all."""
    plan = invite_plan(
        row.conference_id,
        content_key(row.conference_id, row.conference_created_at, row.content_version),
    )
    removed = row.removed_at is not None
    url = _agenda_url_template().format(slug=row.slug, token=row.token)
    invitee = _invitee(
        row,
        row,
        plan.slots_of(row.id, row.uid, removed, row.cancelled_slots or ()),
        url,
    )
    return build(plan.meeting, invitee, stamp or utcnow())


def personal_invite(row, stamp: datetime | None = None) -> tuple[bytes, str]:
    """``(bytes, filename)`` of one participant's invite (or cancellation);
    ``row`` from :func:`personal_row`."""
    return _personal(row, ics.invite, stamp), invite_filename(row.slug, row.full_name)


def personal_feed(row, stamp: datetime | None = None) -> bytes:
    return _personal(row, ics.feed, stamp)


def conference_calendar(conference: Conference, stamp: datetime | None = None):
    """``(bytes, filename)``: one event per agenda item."""
    if conference.start_at is None:
        raise NoStartError(conference.slug)
    lineup = _Lineup(
        conference,
        _item_rows(conference.id),
        _speaker_rows(conference.id, names=True),
    )
    agenda = tuple(
        lineup.agenda_slot(
            n,
            ", ".join(
                s.full_name
                for s in lineup.by_item.get(row.id, ())
                if s.removed_at is None
            ),
        )
        for n, row in enumerate(lineup.items)
    )
    meeting = _meeting(conference, lineup, agenda)
    return ics.agenda_calendar(meeting, stamp or utcnow()), f"{conference.slug}.ics"


_DOWNLOADED_BY_TOKEN = _downloaded_by_token()


def record_download(participation_id: int) -> None:
    """One UPDATE, counted in the database (two downloads at once both count);
    no ORM object is loaded or refreshed for it."""
    db.session.connection().execute(
        _RECORD_DOWNLOAD, {"participation_id": participation_id, "now": utcnow()}
    )


def reissue_token(participation: Participation) -> str:
    """Give a new personal link; the old one answers 404 from now on."""
    participation.token = new_token()
    participation.token_issued_at = utcnow()
    db.session.flush()
    return participation.token


def safe_filename(name: str) -> str:
    """A file name any OS accepts; non-ASCII letters are kept."""
    name = unicodedata.normalize("NFC", name)
    name = _UNSAFE_FILENAME.sub("-", name)
    name = re.sub(r"\s+", " ", name).strip(" .-")
    return name[:120].rstrip(" .-")


def ascii_filename(name: str) -> str:
    """The ASCII-only form used inside ZIPs and as the ``filename`` fallback."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip(".-")
    return re.sub(r"-{2,}", "-", text)[:80].strip(".-")


def invite_filename(slug: str, full_name: str) -> str:
    name = safe_filename(full_name) or "invite"
    return f"{slug} - {name}.ics"


def content_disposition(filename: str, kind: str = "attachment") -> str:
    """RFC 6266: an ASCII ``filename`` and, when it differs, ``filename*``."""
    filename = safe_filename(filename) or "download"
    stem, dot, ext = filename.rpartition(".")
    fallback = (ascii_filename(stem) or "download") + dot + ext if dot else ""
    fallback = fallback or ascii_filename(filename) or "download"
    header = f'{kind}; filename="{fallback}"'
    if fallback != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def zip_names(people: Sequence) -> list[str]:
    """One unique ASCII file name per participant, in list order.

    ``people``: rows (or objects) with ``id``, ``full_name`` and ``latin_name``.
    """
    width = _zip_width(len(people))
    return [_zip_name(n, width, p) for n, p in enumerate(people, start=1)]


def _zip_width(count: int) -> int:
    return max(2, len(str(count)))


def _zip_name(n: int, width: int, p) -> str:
    base = ascii_filename(p.latin_name or "") or ascii_filename(p.full_name)
    return f"{n:0{width}d}-{base or f'participant-{p.id}'}.ics"


def _current_people(conference_id: int) -> tuple[int, Result]:
    """How many current participants there are, and their rows, read a batch
    at a time as they are taken: a large conference's people never sit in
    memory whole."""
    current = (
        Participation.conference_id == conference_id,
        Participation.removed_at.is_(None),
    )
    count = db.session.scalar(select(func.count(Participation.id)).where(*current))
    rows = db.session.execute(
        select(*PERSONAL_COLUMNS)
        .join(Person, Person.id == Participation.person_id)
        .join(Conference, Conference.id == Participation.conference_id)
        .where(*current)
        .order_by(Participation.id)
        .execution_options(yield_per=PEOPLE_BATCH)
    )
    return count, rows


def all_invites(conference: Conference, stamp: datetime | None = None):
    """``(file name, bytes)`` of every current participant's invite.

    The lineup and the shared meeting are loaded and built once; each invite
    then costs only its own DESCRIPTION and events. A fixed number of
    statements, whatever the number of items and people.
    """
    plan = invite_plan(conference.id, conference_key(conference))
    stamp = stamp or utcnow()
    count, people = _current_people(conference.id)
    width = _zip_width(count)
    template = _agenda_url_template()
    # "with": a ZIP given up halfway closes the cursor at once.
    with people:
        for n, person in enumerate(people, start=1):
            name = _zip_name(n, width, person)
            url = template.format(slug=conference.slug, token=person.token)
            invitee = _invitee(
                person, person, plan.slots_of(person.id, person.uid, False), url
            )
            yield name, ics.invite(plan.meeting, invitee, stamp)


def invites_zip(conference: Conference, stamp: datetime | None = None):
    """Every current participant's invite, one file each, in one ZIP.

    Returns an open temporary file positioned at its start (the caller closes
    it): a large conference's ZIP is spooled to disk, not held in memory.
    """
    spool = tempfile.SpooledTemporaryFile(max_size=ZIP_IN_MEMORY)
    try:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in all_invites(conference, stamp):
                archive.writestr(name, data)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool
