"""Conferences into documents: the export and the backup (read only)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select

from silkmeet.domain import conference_format as fmt
from silkmeet.domain.languages import translation_pairs
from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import AgendaItemSpeaker
from silkmeet.models import Conference
from silkmeet.models import ConferenceHost
from silkmeet.models import ConferenceSlugAlias
from silkmeet.models import Organisation
from silkmeet.models import Participation
from silkmeet.models import Person


def _cancelled_slots(participation) -> tuple[fmt.CancelledSlot, ...]:
    if participation.removed_at is None:
        return ()
    return tuple(
        fmt.CancelledSlot(
            title=slot["title"],
            start=datetime.fromisoformat(slot["start"]),
            end=datetime.fromisoformat(slot["end"]),
        )
        for slot in participation.cancelled_slots or ()
    )


def _organisation_doc(key: str, org) -> fmt.OrganisationDoc:
    """``org``: an :class:`Organisation` or a row with the same attribute names."""
    return fmt.OrganisationDoc(
        key=key,
        name=org.name,
        short_name=org.short_name,
        country=org.country,
        kind=org.kind,
    )


def _participant_doc(
    key: str,
    participation,
    person,
    organisation: str | None,
    include_tokens: bool,
) -> fmt.ParticipantDoc:
    """``participation`` and ``person`` may be ORM objects or rows with the same
    attribute names; ``organisation`` is the person's organisation's key. A
    backup (``include_tokens``) has their answer too."""
    answer = {}
    if include_tokens:
        answer = {
            "rsvp": participation.rsvp,
            "rsvp_comment": participation.rsvp_comment or "",
            "rsvp_at": participation.rsvp_at,
            "rsvp_source": participation.rsvp_source,
        }
    return fmt.ParticipantDoc(
        **answer,
        key=key,
        uid=participation.uid,
        role=participation.role,
        delegation_country=participation.delegation_country,
        token=participation.token if include_tokens else None,
        removed_at=participation.removed_at,
        cancelled_slots=_cancelled_slots(participation),
        person=fmt.PersonDoc(
            full_name=person.full_name,
            latin_name=person.latin_name,
            honorific=person.honorific,
            position=person.position,
            organisation=organisation,
            country=person.country,
            timezone=person.timezone,
            email=person.email,
            languages=tuple(person.languages or ()),
            pronunciation=person.pronunciation,
            preferred_language=person.preferred_language,
        ),
    )


def _item_doc(item, speakers: tuple[fmt.SpeakerDoc, ...]) -> fmt.ItemDoc:
    """``item``: an :class:`AgendaItem` or a row with the same attribute names."""
    return fmt.ItemDoc(
        uid=item.uid,
        kind=item.kind,
        title=item.title,
        title_translations=translation_pairs(item.title_translations),
        duration_minutes=item.duration_minutes,
        fixed_start=item.fixed_start_at,
        pinned=item.pinned,
        country=item.country,
        target_minutes=item.target_minutes,
        notes=item.notes,
        technical_cue=item.technical_cue,
        technical_note=item.technical_note,
        interpretation_language=item.interpretation_language,
        speakers=speakers,
    )


def _participant_key(person, taken: set[str]) -> str:
    return fmt.make_key(person.latin_name or person.full_name, taken, "participant")


def _head(
    conference: Conference,
    organisations,
    hosts,
    include_tokens: bool,
    former_slugs=(),
) -> fmt.ConferenceDoc:
    """The document without participants and agenda. A backup
    (``include_tokens``) has the agenda's share token and the former slugs;
    every export has the mail and reminder settings."""
    return fmt.ConferenceDoc(
        uid=conference.uid,
        agenda_share_token=conference.agenda_share_token if include_tokens else None,
        former_slugs=tuple(former_slugs) if include_tokens else (),
        slug=conference.slug,
        title=conference.title,
        description=conference.description,
        title_translations=translation_pairs(conference.title_translations),
        description_translations=translation_pairs(conference.description_translations),
        timezone=conference.timezone,
        start=conference.start_at,
        duration_minutes=conference.duration_minutes,
        buffer_minutes=conference.buffer_minutes,
        status=conference.status,
        agenda_visibility=conference.agenda_visibility,
        invite_revision=conference.invite_revision,
        languages=tuple(conference.languages or ()),
        interpretation_channels=tuple(conference.interpretation_channels or ()),
        video_call=fmt.VideoCall(
            platform=conference.video_platform,
            join_url=conference.join_url,
            meeting_id=conference.meeting_id,
            passcode=conference.passcode,
            dial_in=conference.dial_in,
        ),
        mail_from=conference.mail_from,
        mail_reply_to=conference.mail_reply_to,
        reminder_offsets=tuple(conference.reminder_offsets or ()),
        nudge_offset=conference.nudge_offset,
        day_window=(conference.day_start_hour, conference.day_end_hour),
        speaking_minutes=conference.speaking_minutes,
        organisations=tuple(organisations),
        hosts=tuple(hosts),
        participants=(),
        agenda=(),
    )


def export_conference(
    conference: Conference, include_tokens: bool = False
) -> fmt.ConferenceDoc:
    """The document for a conference loaded whole (``timetable.load_conference``).

    Tokens are secrets: only a backup (``include_tokens``) carries them, with
    all else a link or a calendar depends on (the agenda's share token, the
    former slugs, the removed participants with what their cancellation says)
    and the participants' answers,
    so that a restored database keeps every link working. Other exports leave
    removed participants out. :func:`export_chunks` writes the same document
    without loading it.
    """
    org_keys: dict[int, str] = {}
    taken: set[str] = set()
    organisations = []

    def organisation_key(org: Organisation) -> str:
        if org.id not in org_keys:
            key = fmt.make_key(org.short_name or org.name, taken, "organisation")
            org_keys[org.id] = key
            organisations.append(_organisation_doc(key, org))
        return org_keys[org.id]

    hosts = [
        fmt.HostDoc(organisation=organisation_key(h.organisation), role=h.role)
        for h in conference.hosts
    ]
    people_keys: dict[int, str] = {}
    participant_taken: set[str] = set()
    participants = []
    for p in conference.participations:
        if p.removed_at is not None and not include_tokens:
            continue
        person = p.person
        key = _participant_key(person, participant_taken)
        if p.removed_at is None:
            people_keys[p.id] = key
        organisation = (
            organisation_key(person.organisation) if person.organisation else None
        )
        participants.append(
            _participant_doc(key, p, person, organisation, include_tokens)
        )
    agenda = tuple(
        _item_doc(
            item,
            tuple(
                fmt.SpeakerDoc(
                    participant=people_keys[s.participation_id], minutes=s.minutes
                )
                for s in item.speakers
                if s.participation_id in people_keys
            ),
        )
        for item in conference.items
    )
    former_slugs = [alias.slug for alias in conference.former_slugs]
    return dataclasses.replace(
        _head(conference, organisations, hosts, include_tokens, former_slugs),
        participants=tuple(participants),
        agenda=agenda,
    )


class ChangedDuringExport(RuntimeError):
    """A person was given an organisation after :func:`export_chunks` wrote the
    organisations; exporting again gives a consistent document."""


# Rows read at a time: a large conference's people never sit in memory whole.
EXPORT_BATCH = 1000
ORGANISATION_COLUMNS = (
    Organisation.id,
    Organisation.name,
    Organisation.short_name,
    Organisation.country,
    Organisation.kind,
)
PARTICIPANT_COLUMNS = (
    Participation.id,
    Participation.uid,
    Participation.role,
    Participation.delegation_country,
    Participation.token,
    Participation.removed_at,
    Participation.cancelled_slots,
    Participation.rsvp,
    Participation.rsvp_comment,
    Participation.rsvp_at,
    Participation.rsvp_source,
    Person.full_name,
    Person.latin_name,
    Person.honorific,
    Person.position,
    Person.organisation_id,
    Person.country,
    Person.timezone,
    Person.email,
    Person.languages,
    Person.pronunciation,
    Person.preferred_language,
)
ITEM_COLUMNS = (
    AgendaItem.id,
    AgendaItem.uid,
    AgendaItem.kind,
    AgendaItem.title,
    AgendaItem.title_translations,
    AgendaItem.duration_minutes,
    AgendaItem.fixed_start_at,
    AgendaItem.pinned,
    AgendaItem.country,
    AgendaItem.target_minutes,
    AgendaItem.notes,
    AgendaItem.technical_cue,
    AgendaItem.technical_note,
    AgendaItem.interpretation_language,
)


def export_chunks(
    conference: Conference, include_tokens: bool = False
) -> Iterator[str]:
    """The text of ``fmt.dumps(export_conference(...))``, in pieces, for a
    conference of which only the row is loaded.

    People and items are read as rows, a batch at a time, while they are
    written: a fixed number of statements, and memory that does not grow with
    the conference. They are read as the pieces are taken, so the application
    context must stay until the last one. Raises :class:`ChangedDuringExport`
    rather than write a document that does not import.
    """
    # A backup has the removed participants too.
    listed = (
        [Participation.conference_id == conference.id]
        if include_tokens
        else [
            Participation.conference_id == conference.id,
            Participation.removed_at.is_(None),
        ]
    )
    first_use = (
        select(
            Person.organisation_id,
            func.min(Participation.id).label("first_participation"),
        )
        .join(Participation, Participation.person_id == Person.id)
        .where(*listed, Person.organisation_id.is_not(None))
        .group_by(Person.organisation_id)
        .subquery()
    )
    host_rows = db.session.execute(
        select(ConferenceHost.role, *ORGANISATION_COLUMNS)
        .join(Organisation, Organisation.id == ConferenceHost.organisation_id)
        .where(ConferenceHost.conference_id == conference.id)
        .order_by(ConferenceHost.position, ConferenceHost.id)
    ).all()
    people_orgs = db.session.execute(
        select(*ORGANISATION_COLUMNS)
        .join(first_use, first_use.c.organisation_id == Organisation.id)
        .order_by(first_use.c.first_participation)
    ).all()
    # Keys in order of first use, as export_conference gives them: the hosts,
    # then the people's organisations in participant order.
    org_keys: dict[int, str] = {}
    taken: set[str] = set()
    organisations = []
    for org in [*host_rows, *people_orgs]:
        if org.id not in org_keys:
            key = fmt.make_key(org.short_name or org.name, taken, "organisation")
            org_keys[org.id] = key
            organisations.append(_organisation_doc(key, org))
    hosts = [fmt.HostDoc(organisation=org_keys[h.id], role=h.role) for h in host_rows]
    people_keys: dict[int, str] = {}

    def participants() -> Iterator[fmt.ParticipantDoc]:
        participant_taken: set[str] = set()
        # "with": a stream given up halfway closes its cursor (on PostgreSQL,
        # a server-side one) at once.
        with db.session.execute(
            select(*PARTICIPANT_COLUMNS)
            .join(Person, Person.id == Participation.person_id)
            .where(*listed)
            .order_by(Participation.id)
            .execution_options(yield_per=EXPORT_BATCH)
        ) as rows:
            for row in rows:
                key = _participant_key(row, participant_taken)
                if row.removed_at is None:
                    people_keys[row.id] = key
                organisation = None
                if row.organisation_id is not None:
                    organisation = org_keys.get(row.organisation_id)
                    if organisation is None:
                        raise ChangedDuringExport(conference.slug)
                yield _participant_doc(key, row, row, organisation, include_tokens)

    def agenda() -> Iterator[fmt.ItemDoc]:
        speakers: dict[int, list[fmt.SpeakerDoc]] = {}
        for link in db.session.execute(
            select(
                AgendaItemSpeaker.item_id,
                AgendaItemSpeaker.participation_id,
                AgendaItemSpeaker.minutes,
            )
            .join(AgendaItem, AgendaItem.id == AgendaItemSpeaker.item_id)
            .where(AgendaItem.conference_id == conference.id)
            .order_by(
                AgendaItemSpeaker.item_id,
                AgendaItemSpeaker.position,
                AgendaItemSpeaker.id,
            )
        ):
            # A removed participant speaks nowhere (a backup lists them apart).
            if link.participation_id in people_keys:
                speakers.setdefault(link.item_id, []).append(
                    fmt.SpeakerDoc(
                        participant=people_keys[link.participation_id],
                        minutes=link.minutes,
                    )
                )
        with db.session.execute(
            select(*ITEM_COLUMNS)
            .where(AgendaItem.conference_id == conference.id)
            .order_by(AgendaItem.position, AgendaItem.id)
            .execution_options(yield_per=EXPORT_BATCH)
        ) as rows:
            for row in rows:
                yield _item_doc(row, tuple(speakers.pop(row.id, ())))

    former_slugs = ()
    if include_tokens:
        former_slugs = db.session.scalars(
            select(ConferenceSlugAlias.slug)
            .where(ConferenceSlugAlias.conference_id == conference.id)
            .order_by(ConferenceSlugAlias.slug)
        ).all()
    head = _head(conference, organisations, hosts, include_tokens, former_slugs)
    return fmt.iter_dumps(head, participants(), agenda())
