"""Turn conferences into documents and back. Writers add and flush; callers commit."""

from __future__ import annotations

from sqlalchemy import select

from silkmeet.domain import conference_format as fmt
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


def import_conference(
    doc: fmt.ConferenceDoc, owner: Organiser | None = None
) -> Conference:
    """Create a conference and everything in it from a validated document.

    Refuses a slug or a participant token that is already taken, with a
    :class:`~silkmeet.domain.conference_format.FormatError` naming the field.
    """
    if db.session.scalar(select(Conference.id).where(Conference.slug == doc.slug)):
        raise fmt.FormatError(
            "conference.slug", f"a conference with slug {doc.slug!r} already exists"
        )
    tokens = [p.token for p in doc.participants if p.token]
    if tokens:
        taken = set(
            db.session.scalars(
                select(Participation.token).where(Participation.token.in_(tokens))
            )
        )
        for i, p in enumerate(doc.participants):
            if p.token in taken:
                raise fmt.FormatError(
                    f"participants[{i}].token", "already used by another participant"
                )

    conference = Conference(
        slug=doc.slug,
        title=doc.title,
        description=doc.description,
        timezone=doc.timezone,
        start_at=doc.start,
        duration_minutes=doc.duration_minutes,
        buffer_minutes=doc.buffer_minutes,
        status=doc.status,
        agenda_visibility=doc.agenda_visibility,
        invite_revision=doc.invite_revision,
        languages=list(doc.languages),
        interpretation_channels=list(doc.interpretation_channels),
        video_platform=doc.video_call.platform,
        join_url=doc.video_call.join_url,
        meeting_id=doc.video_call.meeting_id,
        passcode=doc.video_call.passcode,
        dial_in=doc.video_call.dial_in,
    )
    db.session.add(conference)

    organisations = {
        o.key: Organisation(
            name=o.name, short_name=o.short_name, country=o.country, kind=o.kind
        )
        for o in doc.organisations
    }
    db.session.add_all(organisations.values())
    for position, host in enumerate(doc.hosts):
        conference.hosts.append(
            ConferenceHost(
                organisation=organisations[host.organisation],
                role=host.role,
                position=position,
            )
        )

    participations: dict[str, Participation] = {}
    for p in doc.participants:
        person = Person(
            full_name=p.person.full_name,
            latin_name=p.person.latin_name,
            honorific=p.person.honorific,
            position=p.person.position,
            organisation=(
                organisations[p.person.organisation] if p.person.organisation else None
            ),
            country=p.person.country,
            timezone=p.person.timezone,
            email=p.person.email,
            languages=list(p.person.languages),
            pronunciation=p.person.pronunciation,
        )
        participation = Participation(
            person=person, role=p.role, delegation_country=p.delegation_country
        )
        if p.token:
            participation.token = p.token
        conference.participations.append(participation)
        participations[p.key] = participation

    for position, item in enumerate(doc.agenda):
        conference.items.append(
            AgendaItem(
                position=position,
                kind=item.kind,
                title=item.title,
                duration_minutes=item.duration_minutes,
                fixed_start_at=item.fixed_start,
                pinned=item.pinned,
                country=item.country,
                target_minutes=item.target_minutes,
                notes=item.notes,
                technical_cue=item.technical_cue,
                technical_note=item.technical_note,
                interpretation_language=item.interpretation_language,
                speakers=[
                    AgendaItemSpeaker(
                        participation=participations[s.participant],
                        position=n,
                        minutes=s.minutes,
                    )
                    for n, s in enumerate(item.speakers)
                ],
            )
        )
    if owner is not None:
        conference.organisers.append(
            ConferenceOrganiser(organiser=owner, access="owner")
        )
    db.session.flush()
    return conference


def export_conference(
    conference: Conference, include_tokens: bool = False
) -> fmt.ConferenceDoc:
    """The document for a conference. Removed participants are left out.

    Tokens are secrets: only a backup (``include_tokens``) carries them, so that
    a restored database keeps every delegate's link working.
    """
    org_keys: dict[int, str] = {}
    taken: set[str] = set()
    organisations = []

    def organisation_key(org: Organisation) -> str:
        if org.id not in org_keys:
            key = fmt.make_key(org.short_name or org.name, taken, "organisation")
            org_keys[org.id] = key
            organisations.append(
                fmt.OrganisationDoc(
                    key=key,
                    name=org.name,
                    short_name=org.short_name,
                    country=org.country,
                    kind=org.kind,
                )
            )
        return org_keys[org.id]

    hosts = tuple(
        fmt.HostDoc(organisation=organisation_key(h.organisation), role=h.role)
        for h in conference.hosts
    )
    people_keys: dict[int, str] = {}
    participant_taken: set[str] = set()
    participants = []
    for p in conference.participations:
        if p.removed_at is not None:
            continue
        person = p.person
        key = fmt.make_key(
            person.latin_name or person.full_name, participant_taken, "participant"
        )
        people_keys[p.id] = key
        participants.append(
            fmt.ParticipantDoc(
                key=key,
                role=p.role,
                delegation_country=p.delegation_country,
                token=p.token if include_tokens else None,
                person=fmt.PersonDoc(
                    full_name=person.full_name,
                    latin_name=person.latin_name,
                    honorific=person.honorific,
                    position=person.position,
                    organisation=(
                        organisation_key(person.organisation)
                        if person.organisation
                        else None
                    ),
                    country=person.country,
                    timezone=person.timezone,
                    email=person.email,
                    languages=tuple(person.languages or ()),
                    pronunciation=person.pronunciation,
                ),
            )
        )
    agenda = tuple(
        fmt.ItemDoc(
            kind=item.kind,
            title=item.title,
            duration_minutes=item.duration_minutes,
            fixed_start=item.fixed_start_at,
            pinned=item.pinned,
            country=item.country,
            target_minutes=item.target_minutes,
            notes=item.notes,
            technical_cue=item.technical_cue,
            technical_note=item.technical_note,
            interpretation_language=item.interpretation_language,
            speakers=tuple(
                fmt.SpeakerDoc(
                    participant=people_keys[s.participation_id], minutes=s.minutes
                )
                for s in item.speakers
                if s.participation_id in people_keys
            ),
        )
        for item in conference.items
    )
    return fmt.ConferenceDoc(
        slug=conference.slug,
        title=conference.title,
        description=conference.description,
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
        organisations=tuple(organisations),
        hosts=hosts,
        participants=tuple(participants),
        agenda=agenda,
    )
