"""Load a conference's lineup in a constant number of queries and hand it to the
domain as plain dataclasses. Shared by every feature that shows times."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from silkmeet.domain.schedule import ItemIn
from silkmeet.domain.schedule import ScheduledItem
from silkmeet.domain.schedule import SpeakerIn
from silkmeet.domain.schedule import compute_schedule
from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import AgendaItemSpeaker
from silkmeet.models import Conference
from silkmeet.models import ConferenceHost
from silkmeet.models import Participation
from silkmeet.models import Person


# The lineup comes in one joined statement from its single conference: selectinload
# below the items would send one statement per 500 items, so a large lineup would
# cost more statements than a small one. Results need .unique() (see load()).
def graph_options():
    """Eager loads for a whole conference: items, speakers, people, hosts."""
    return (
        joinedload(Conference.items)
        .joinedload(AgendaItem.speakers)
        .joinedload(AgendaItemSpeaker.participation, innerjoin=True)
        .joinedload(Participation.person, innerjoin=True)
        .joinedload(Person.organisation),
        selectinload(Conference.participations)
        .joinedload(Participation.person, innerjoin=True)
        .joinedload(Person.organisation),
        selectinload(Conference.hosts).joinedload(
            ConferenceHost.organisation, innerjoin=True
        ),
    )


def lineup_options():
    """Eager loads for the lineup alone: items, their speakers with person (one
    joined query), hosts. Other participants are not loaded: pages that show the
    schedule need the speakers, not the whole conference's people."""
    return (
        joinedload(Conference.items)
        .joinedload(AgendaItem.speakers)
        .joinedload(AgendaItemSpeaker.participation, innerjoin=True)
        .joinedload(Participation.person, innerjoin=True),
        selectinload(Conference.hosts).joinedload(
            ConferenceHost.organisation, innerjoin=True
        ),
    )


def load_conference(slug: str, everyone: bool = True) -> Conference | None:
    """A conference with its whole graph, or with only its lineup and hosts
    (``everyone=False``, see :func:`lineup_options`)."""
    options = graph_options() if everyone else lineup_options()
    return load(select(Conference).where(Conference.slug == slug).options(*options))


def load(statement) -> Conference | None:
    """One conference from a statement that may carry joined collection loads."""
    return db.session.execute(statement).unique().scalar_one_or_none()


def active_people(conference_id: int, roles: tuple[str, ...] | None = None):
    """Rows (one query, no ORM objects) of a conference's active participations,
    in participation order: id, role, delegation_country, full_name, latin_name,
    country, timezone. ``roles`` keeps only those roles."""
    query = (
        select(
            Participation.id,
            Participation.role,
            Participation.delegation_country,
            Person.full_name,
            Person.latin_name,
            Person.country,
            Person.timezone,
        )
        .join(Person, Participation.person_id == Person.id)
        .where(
            Participation.conference_id == conference_id,
            Participation.removed_at.is_(None),
        )
        .order_by(Participation.id)
    )
    if roles is not None:
        query = query.where(Participation.role.in_(roles))
    return db.session.execute(query).all()


def item_input(item: AgendaItem) -> ItemIn:
    return ItemIn(
        id=item.id,
        title=item.title,
        kind=item.kind,
        duration_minutes=item.duration_minutes,
        fixed_start=item.fixed_start_at,
        pinned=item.pinned,
        country=item.country,
        target_minutes=item.target_minutes,
        speakers=tuple(
            SpeakerIn(
                participant_id=s.participation_id,
                name=s.participation.person.full_name,
                country=s.participation.delegation_country
                or s.participation.person.country,
                timezone=s.participation.person.timezone,
                minutes=s.minutes,
            )
            for s in item.speakers
            if s.participation.removed_at is None
        ),
    )


def schedule_for(conference: Conference) -> list[ScheduledItem]:
    """The computed lineup; empty while the conference has no start."""
    if conference.start_at is None:
        return []
    return compute_schedule(
        conference.start_at,
        [item_input(item) for item in conference.items],
        conference.buffer_minutes,
    )
