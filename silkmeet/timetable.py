"""Load a conference's lineup in a constant number of queries and hand it to the
domain as plain dataclasses. Shared by every feature that shows times."""

from __future__ import annotations

from sqlalchemy import select
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


def graph_options():
    """Eager loads for a whole conference: items, speakers, people, hosts."""
    return (
        selectinload(Conference.items)
        .selectinload(AgendaItem.speakers)
        .selectinload(AgendaItemSpeaker.participation)
        .selectinload(Participation.person)
        .selectinload(Person.organisation),
        selectinload(Conference.participations)
        .selectinload(Participation.person)
        .selectinload(Person.organisation),
        selectinload(Conference.hosts).selectinload(ConferenceHost.organisation),
    )


def load_conference(slug: str) -> Conference | None:
    return db.session.scalar(
        select(Conference).where(Conference.slug == slug).options(*graph_options())
    )


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
