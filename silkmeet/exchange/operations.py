"""Documents into conferences: the import and the restore. Writers add and
flush; callers commit. The export is in :mod:`silkmeet.exchange.exports`."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import null
from sqlalchemy import select

from silkmeet.db import number_new_rows
from silkmeet.domain import conference_format as fmt
from silkmeet.domain.ics import legacy_conference_uid
from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import AgendaItemSpeaker
from silkmeet.models import Conference
from silkmeet.models import ConferenceHost
from silkmeet.models import ConferenceOrganiser
from silkmeet.models import ConferenceSlugAlias
from silkmeet.models import Organisation
from silkmeet.models import Organiser
from silkmeet.models import Participation
from silkmeet.models import Person
from silkmeet.models.conference import new_uid
from silkmeet.models.people import cancelled_slot


def import_conference(
    doc: fmt.ConferenceDoc, owner: Organiser | None = None
) -> Conference:
    """Create a conference and everything in it from a validated document.

    Refuses a slug (current or former), a uid or a token that is already
    taken, with a :class:`~silkmeet.domain.conference_format.FormatError`
    naming the field. A document without a uid (format 1) gets the UID silkmeet
    derived from its slug before conferences had one, so that restoring an
    older backup does not change the events people have.
    """
    _refuse_taken_slugs(doc)
    uid = doc.uid or legacy_conference_uid(
        doc.slug, current_app.config.get("INVITE_UID_DOMAIN")
    )
    owner_of_uid = db.session.scalar(
        select(Conference.slug).where(Conference.uid == uid)
    )
    if owner_of_uid is not None:
        if doc.uid is not None:
            raise fmt.FormatError(
                "conference.uid",
                f"conference {owner_of_uid!r} has this uid already; leave the uid "
                "out to import a copy as a new meeting",
            )
        uid = new_uid()
    if doc.agenda_share_token is not None and db.session.scalar(
        select(Conference.id).where(
            Conference.agenda_share_token == doc.agenda_share_token
        )
    ):
        raise fmt.FormatError(
            "conference.agenda_share_token", "already used by another conference"
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
        uid=uid,
        slug=doc.slug,
        former_slugs=[ConferenceSlugAlias(slug=s) for s in doc.former_slugs],
        title=doc.title,
        description=doc.description,
        title_translations=dict(doc.title_translations),
        description_translations=dict(doc.description_translations),
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
        mail_from=doc.mail_from,
        mail_reply_to=doc.mail_reply_to,
        reminder_offsets=list(doc.reminder_offsets),
        # null(): None is "no nudge", not "the column's default nudge" (the
        # ORM leaves a None out of the INSERT when the column has a default).
        nudge_offset=null() if doc.nudge_offset is None else doc.nudge_offset,
        day_start_hour=doc.day_window[0],
        day_end_hour=doc.day_window[1],
        speaking_minutes=doc.speaking_minutes,
    )
    if doc.agenda_share_token is not None:
        conference.agenda_share_token = doc.agenda_share_token
    db.session.add(conference)
    # The conference's row first: this transaction writes from here on, and
    # on SQLite nobody else does until it commits (number_new_rows).
    db.session.flush()

    # Nothing is flushed before every new row has its id (number_new_rows):
    # appending to the conference's collections would load them, and flush.
    with db.session.no_autoflush:
        organisations = {
            o.key: Organisation(
                name=o.name, short_name=o.short_name, country=o.country, kind=o.kind
            )
            for o in doc.organisations
        }
        db.session.add_all(organisations.values())
        hosts = [
            ConferenceHost(
                organisation=organisations[host.organisation],
                role=host.role,
                position=position,
            )
            for position, host in enumerate(doc.hosts)
        ]
        conference.hosts.extend(hosts)

        participations: dict[str, Participation] = {}
        people: list[Person] = []
        for p in doc.participants:
            person = Person(
                full_name=p.person.full_name,
                latin_name=p.person.latin_name,
                honorific=p.person.honorific,
                position=p.person.position,
                organisation=(
                    organisations[p.person.organisation]
                    if p.person.organisation
                    else None
                ),
                country=p.person.country,
                timezone=p.person.timezone,
                email=p.person.email,
                languages=list(p.person.languages),
                pronunciation=p.person.pronunciation,
                preferred_language=p.person.preferred_language,
            )
            participation = Participation(
                person=person,
                role=p.role,
                delegation_country=p.delegation_country,
                removed_at=p.removed_at,
                cancelled_slots=[
                    cancelled_slot(s.title, s.start, s.end) for s in p.cancelled_slots
                ],
                rsvp=p.rsvp,
                rsvp_comment=p.rsvp_comment,
                rsvp_at=p.rsvp_at,
                rsvp_source=p.rsvp_source,
            )
            if p.uid:
                participation.uid = p.uid
            if p.token:
                participation.token = p.token
            conference.participations.append(participation)
            participations[p.key] = participation
            people.append(person)

        items = []
        for position, item in enumerate(doc.agenda):
            items.append(
                AgendaItem(
                    position=position,
                    **({"uid": item.uid} if item.uid else {}),
                    kind=item.kind,
                    title=item.title,
                    title_translations=dict(item.title_translations),
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
        conference.items.extend(items)
        if owner is not None:
            conference.organisers.append(
                ConferenceOrganiser(organiser=owner, access="owner")
            )
        number_new_rows(
            db.session,
            list(organisations.values()),
            hosts,
            people,
            list(participations.values()),
            items,
            [s for item in items for s in item.speakers],
        )
    db.session.flush()
    return conference


def _refuse_taken_slugs(doc: fmt.ConferenceDoc) -> None:
    """The document's slugs are nobody's, neither current nor former."""
    wanted = [doc.slug, *doc.former_slugs]
    current = dict(
        db.session.execute(
            select(Conference.slug, Conference.slug).where(Conference.slug.in_(wanted))
        ).all()
    )
    former = dict(
        db.session.execute(
            select(ConferenceSlugAlias.slug, Conference.slug)
            .join(Conference, Conference.id == ConferenceSlugAlias.conference_id)
            .where(ConferenceSlugAlias.slug.in_(wanted))
        ).all()
    )
    for n, slug in enumerate(wanted):
        field = "conference.slug" if n == 0 else f"conference.former_slugs[{n - 1}]"
        if slug in current:
            raise fmt.FormatError(
                field, f"a conference with slug {slug!r} already exists"
            )
        if slug in former:
            raise fmt.FormatError(
                field,
                f"conference {former[slug]!r} had slug {slug!r} before, and its "
                "old links still lead there",
            )
