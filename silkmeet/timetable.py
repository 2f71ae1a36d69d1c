"""Load a conference's lineup in a constant number of queries and hand it to the
domain as plain dataclasses. Shared by every feature that shows times."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from silkmeet import access
from silkmeet.domain import planner
from silkmeet.domain.languages import localised
from silkmeet.domain.languages import translation_pairs
from silkmeet.domain.names import display_name
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


# Every collection is loaded from its single conference, so each costs one
# statement whatever the size: the items by selectinload (one parent), the
# speakers of all items by one explicit query (attach_speakers). A selectinload
# below the items would send one statement per 500 items instead.
def conference_options(everyone: bool = True) -> tuple:
    options = [
        selectinload(Conference.items),
        selectinload(Conference.hosts).joinedload(
            ConferenceHost.organisation, innerjoin=True
        ),
    ]
    if everyone:
        options.append(
            selectinload(Conference.participations)
            .joinedload(Participation.person, innerjoin=True)
            .joinedload(Person.organisation)
        )
    return tuple(options)


def graph_options() -> tuple:
    """Eager loads for a whole conference; follow with :func:`attach_speakers`."""
    return conference_options(everyone=True)


def lineup_options() -> tuple:
    """Eager loads for the lineup and hosts only (not every participant)."""
    return conference_options(everyone=False)


def attach_speakers(conference: Conference) -> Conference:
    """Load every item's speakers, with participation and person, in one
    statement, and set them as the items' ``speakers`` collections."""
    links = db.session.scalars(
        select(AgendaItemSpeaker)
        .join(AgendaItem, AgendaItem.id == AgendaItemSpeaker.item_id)
        .where(AgendaItem.conference_id == conference.id)
        .order_by(
            AgendaItemSpeaker.item_id, AgendaItemSpeaker.position, AgendaItemSpeaker.id
        )
        .options(
            joinedload(AgendaItemSpeaker.participation, innerjoin=True)
            .joinedload(Participation.person, innerjoin=True)
            .joinedload(Person.organisation)
        )
    ).all()
    by_item: dict[int, list[AgendaItemSpeaker]] = {}
    for link in links:
        by_item.setdefault(link.item_id, []).append(link)
    for item in conference.items:
        set_committed_value(item, "speakers", by_item.get(item.id, []))
    return conference


def lineup_of(conference: Conference) -> Conference:
    """``conference`` (loaded already) with its lineup and hosts loaded, in a
    fixed number of statements (none when this request loaded them already)."""
    if _lineup_loaded(conference):
        return conference
    db.session.execute(
        select(Conference)
        .where(Conference.id == conference.id)
        .options(*lineup_options())
    ).unique().scalar_one()
    return attach_speakers(conference)


def _lineup_loaded(conference: Conference) -> bool:
    state = inspect(conference)
    if {"items", "hosts"} & state.unloaded:
        return False
    return all("speakers" not in inspect(item).unloaded for item in conference.items)


def for_organiser(slug: str, everyone: bool = True) -> Conference:
    """:func:`silkmeet.access.organiser_conference` (404, 403) loaded as
    :func:`load_conference` loads it."""
    conference = access.organiser_conference(slug, conference_options(everyone))
    return attach_speakers(conference)


def load_conference(slug: str, everyone: bool = True) -> Conference | None:
    """A conference with its whole graph, or with only its lineup and hosts
    (``everyone=False``)."""
    conference = db.session.scalar(
        select(Conference)
        .where(Conference.slug == slug)
        .options(*conference_options(everyone))
    )
    return attach_speakers(conference) if conference is not None else None


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


def has_chair(conference_id: int) -> bool:
    """Whether the conference names a chair, asked of the database."""
    return (
        db.session.scalar(
            select(Participation.id)
            .where(
                Participation.conference_id == conference_id,
                Participation.role == "chair",
                Participation.removed_at.is_(None),
            )
            .limit(1)
        )
        is not None
    )


def planner_attendees(conference_id: int) -> list[planner.Attendee]:
    """Everyone taking part, as the planner counts them, read as rows."""
    return [
        planner.Attendee(
            name=display_name(r.full_name, r.latin_name),
            country=r.delegation_country or r.country or "",
            zone=r.timezone,
        )
        for r in active_people(conference_id)
    ]


def item_input(item: AgendaItem, locale: str | None = None) -> ItemIn:
    """The item as the domain takes it; its title in ``locale`` where the
    organisers gave one (:func:`~silkmeet.domain.languages.localised`)."""
    return ItemIn(
        id=item.id,
        title=localised(item.title, item.title_translations, locale),
        kind=item.kind,
        duration_minutes=item.duration_minutes,
        fixed_start=item.fixed_start_at,
        pinned=item.pinned,
        country=item.country,
        target_minutes=item.target_minutes,
        uid=item.uid or "",
        title_translations=translation_pairs(item.title_translations),
        speakers=tuple(
            SpeakerIn(
                participant_id=s.participation_id,
                name=s.participation.person.full_name,
                latin_name=s.participation.person.latin_name,
                country=s.participation.delegation_country
                or s.participation.person.country,
                timezone=s.participation.person.timezone,
                minutes=s.minutes,
            )
            for s in item.speakers
            if s.participation.removed_at is None
        ),
    )


def lineup_items(conference: Conference, locale: str | None = None) -> list[ItemIn]:
    """The loaded lineup, in order, as the domain takes it (titles in
    ``locale``: see :func:`item_input`)."""
    return [item_input(item, locale) for item in conference.items]


def schedule_for(
    conference: Conference, locale: str | None = None
) -> list[ScheduledItem]:
    """The computed lineup; empty while the conference has no start. Titles
    in ``locale`` where given (a participant's pages), else as typed."""
    if conference.start_at is None:
        return []
    return compute_schedule(
        conference.start_at,
        lineup_items(conference, locale),
        conference.buffer_minutes,
    )


def lineup_inputs(conference_id: int, locale: str | None = None) -> list[ItemIn]:
    """What :func:`item_input` makes of every item of a loaded lineup, read as
    rows in two statements: no ORM object for the items, speakers or people."""
    items = db.session.execute(
        select(
            AgendaItem.id,
            AgendaItem.uid,
            AgendaItem.title,
            AgendaItem.title_translations,
            AgendaItem.kind,
            AgendaItem.duration_minutes,
            AgendaItem.fixed_start_at,
            AgendaItem.pinned,
            AgendaItem.country,
            AgendaItem.target_minutes,
        )
        .where(AgendaItem.conference_id == conference_id)
        .order_by(AgendaItem.position, AgendaItem.id)
    ).all()
    speakers = db.session.execute(
        select(
            AgendaItemSpeaker.item_id,
            AgendaItemSpeaker.participation_id,
            AgendaItemSpeaker.minutes,
            Participation.delegation_country,
            Person.full_name,
            Person.latin_name,
            Person.country,
            Person.timezone,
        )
        .join(AgendaItem, AgendaItem.id == AgendaItemSpeaker.item_id)
        .join(Participation, Participation.id == AgendaItemSpeaker.participation_id)
        .join(Person, Person.id == Participation.person_id)
        .where(
            AgendaItem.conference_id == conference_id,
            Participation.removed_at.is_(None),
        )
        .order_by(
            AgendaItemSpeaker.item_id, AgendaItemSpeaker.position, AgendaItemSpeaker.id
        )
    ).all()
    by_item: dict[int, list[SpeakerIn]] = {}
    for s in speakers:
        by_item.setdefault(s.item_id, []).append(
            SpeakerIn(
                participant_id=s.participation_id,
                name=s.full_name,
                country=s.delegation_country or s.country,
                timezone=s.timezone,
                minutes=s.minutes,
                latin_name=s.latin_name,
            )
        )
    return [
        ItemIn(
            id=row.id,
            title=localised(row.title, row.title_translations, locale),
            kind=row.kind,
            duration_minutes=row.duration_minutes,
            fixed_start=row.fixed_start_at,
            pinned=row.pinned,
            country=row.country,
            target_minutes=row.target_minutes,
            speakers=tuple(by_item.get(row.id, ())),
            uid=row.uid,
            title_translations=translation_pairs(row.title_translations),
        )
        for row in items
    ]


def read_schedule(
    conference: Conference, locale: str | None = None
) -> list[ScheduledItem]:
    """:func:`schedule_for` of a conference whose lineup is not loaded: read as
    rows, never as ORM objects (a large conference's exports)."""
    if conference.start_at is None:
        return []
    return compute_schedule(
        conference.start_at,
        lineup_inputs(conference.id, locale),
        conference.buffer_minutes,
    )
