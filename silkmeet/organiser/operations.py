"""Organisers' use cases that write. They add and flush; the view commits once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from silkmeet.db import utcnow
from silkmeet.domain import lineup as lu
from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v
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
from silkmeet.timetable import attach_speakers
from silkmeet.timetable import item_input
from silkmeet.timetable import schedule_for


class StaleLineup(Exception):
    """Another organiser saved the lineup since this one was loaded."""

    message = (
        "Another organiser changed this lineup since you loaded it, so your change "
        "was not saved. The lineup below is the current one; make your change again."
    )


def invite_snapshot(conference: Conference) -> tuple:
    """Everything an invite says; a change raises the invite revision."""
    slots = []
    for row in schedule_for(conference):
        slots.append(
            (
                row.item.id,
                row.item.title,
                row.start,
                row.end,
                tuple((s.speaker.participant_id, s.start, s.end) for s in row.slots),
            )
        )
    return (
        conference.title,
        conference.timezone,
        conference.start_at,
        conference.duration_minutes,
        conference.status,
        conference.video_platform,
        conference.join_url,
        conference.meeting_id,
        conference.passcode,
        conference.dial_in,
        tuple(slots),
    )


def raise_invite_revision_if_changed(conference: Conference, before: tuple) -> None:
    db.session.flush()
    for item in conference.items:
        db.session.expire(item, ["speakers"])
    db.session.expire(conference, ["items"])
    # Reloaded in two statements (items, then every item's speakers), not one
    # per item.
    attach_speakers(conference)
    if invite_snapshot(conference) != before:
        conference.invite_revision += 1


def claim_version(conference: Conference, version: int | None) -> None:
    """Raise ``lineup_version`` if it still is ``version``, atomically.

    The compare-and-set runs in the database, so two saves racing from two
    workers cannot both succeed.
    """
    if version is None or version != conference.lineup_version:
        raise StaleLineup
    result = db.session.execute(
        update(Conference)
        .where(Conference.id == conference.id, Conference.lineup_version == version)
        .values(lineup_version=version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleLineup
    set_committed_value(conference, "lineup_version", version + 1)


# Conferences ---------------------------------------------------------------


def create_conference(owner: Organiser, **fields) -> Conference:
    conference = Conference(**fields)
    conference.organisers.append(ConferenceOrganiser(organiser=owner, access="owner"))
    db.session.add(conference)
    db.session.flush()
    return conference


def update_conference(conference: Conference, **fields) -> None:
    before = invite_snapshot(conference)
    for name, value in fields.items():
        setattr(conference, name, value)
    raise_invite_revision_if_changed(conference, before)


def slug_taken(slug: str, except_id: int | None = None) -> bool:
    query = select(Conference.id).where(Conference.slug == slug)
    if except_id is not None:
        query = query.where(Conference.id != except_id)
    return db.session.scalar(query) is not None


class NoSuchOrganiser(Exception):
    pass


def add_organiser(conference: Conference, email: str, access: str) -> Organiser:
    organiser = db.session.scalar(
        select(Organiser).where(func.lower(Organiser.email) == email.strip().lower())
    )
    if organiser is None:
        raise NoSuchOrganiser(email)
    link = db.session.get(ConferenceOrganiser, (conference.id, organiser.id))
    if link is None:
        link = ConferenceOrganiser(conference=conference, organiser=organiser)
        db.session.add(link)
    link.access = access
    db.session.flush()
    return organiser


# Hosts and chairs ----------------------------------------------------------


def add_host(
    conference: Conference, name: str, country: str | None, kind: str, role: str
) -> ConferenceHost:
    organisation = Organisation(name=name, country=country or None, kind=kind)
    host = ConferenceHost(
        organisation=organisation, role=role, position=len(conference.hosts)
    )
    conference.hosts.append(host)
    db.session.flush()
    return host


def set_chairs(
    conference: Conference, chair_id: int | None, co_chair_id: int | None
) -> None:
    """Make one participant chair and one co-chair; the former ones become
    speakers."""
    for p in conference.participations:
        if p.role in v.CHAIR_ROLES and p.id not in (chair_id, co_chair_id):
            p.role = "speaker"
    for p in conference.participations:
        if p.id == chair_id:
            p.role = "chair"
        elif p.id == co_chair_id:
            p.role = "co_chair"
    db.session.flush()


# People ----------------------------------------------------------------------


def organisation_named(name: str, country: str | None) -> Organisation | None:
    name = (name or "").strip()
    if not name:
        return None
    found = db.session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == name.lower())
    )
    if found is None:
        found = Organisation(name=name, country=country or None)
        db.session.add(found)
    return found


def add_participant(conference: Conference, **fields) -> Participation:
    role = fields.pop("role")
    delegation_country = fields.pop("delegation_country", None) or fields["country"]
    organisation = organisation_named(fields.pop("organisation", ""), fields["country"])
    person = Person(organisation=organisation, **fields)
    participation = Participation(
        person=person, role=role, delegation_country=delegation_country
    )
    conference.participations.append(participation)
    db.session.flush()
    return participation


def update_participant(participation: Participation, **fields) -> None:
    conference = participation.conference
    before = invite_snapshot(conference)
    participation.role = fields.pop("role")
    participation.delegation_country = (
        fields.pop("delegation_country", None) or fields["country"]
    )
    person = participation.person
    person.organisation = organisation_named(
        fields.pop("organisation", ""), fields["country"]
    )
    for name, value in fields.items():
        setattr(person, name, value)
    raise_invite_revision_if_changed(conference, before)


def remove_participant(participation: Participation) -> None:
    """Mark removed (their link then serves a cancellation); drop their slots."""
    conference = participation.conference
    before = invite_snapshot(conference)
    participation.cancelled_slots = [
        {
            "title": row.item.title,
            "start": slot.start.isoformat(),
            "end": slot.end.isoformat(),
        }
        for row in schedule_for(conference)
        for slot in row.slots
        if slot.speaker.participant_id == participation.id
    ]
    participation.removed_at = utcnow()
    for speaker in list(participation.speaking):
        db.session.delete(speaker)
    raise_invite_revision_if_changed(conference, before)


def email_taken(conference: Conference, email: str, except_id: int | None) -> bool:
    email = email.strip().lower()
    return any(
        p.person.email
        and p.person.email.lower() == email
        and p.removed_at is None
        and p.id != except_id
        for p in conference.participations
    )


# Lineup ------------------------------------------------------------------------


def current_order(conference: Conference) -> list[int]:
    return [item.id for item in conference.items]


def apply_order(conference: Conference, order: list[int], version: int) -> None:
    """Save a whole new order after checking the version and the rules."""
    before_items = [item_input(i) for i in conference.items]
    by_id = {i.id: i for i in before_items}
    if set(order) - set(by_id):
        raise lu.LineupError(
            "The order names other items than the lineup holds; reload the page."
        )
    lu.check_order(before_items, [by_id[i] for i in order])
    claim_version(conference, version)
    _write_positions(conference, order)


def apply_move(
    conference: Conference,
    item_id: int,
    action: str,
    version: int,
    position: int | None = None,
) -> str:
    """One move from the editor's buttons; returns the sentence to announce."""
    items = [item_input(i) for i in conference.items]
    index = next((n for n, i in enumerate(items) if i.id == item_id), None)
    if index is None:
        raise lu.LineupError("That item is not in this lineup any more; reload.")
    if action == "up":
        new = lu.move_item(items, index, -1)
    elif action == "down":
        new = lu.move_item(items, index, +1)
    elif action == "block_up":
        new = lu.move_unit(items, index, -1)
    elif action == "block_down":
        new = lu.move_unit(items, index, +1)
    elif action == "to":
        if position is None:
            raise lu.LineupError("Give the position to move to.")
        new = lu.move_to(items, index, position - 1)
    else:
        raise lu.LineupError(f"Unknown move {action!r}.")
    claim_version(conference, version)
    _write_positions(conference, [i.id for i in new])
    unit = lu.unit_of(new, next(n for n, i in enumerate(new) if i.id == item_id))
    what = (
        f"The {tz.country_name(unit.country)} block"
        if unit.is_block and unit.size > 1 and action != "up" and action != "down"
        else f"“{items[index].title}”"
    )
    return f"{what} moved to position {unit.start + 1} of {len(new)}."


def apply_helper(conference: Conference, helper: str, version: int) -> list[int]:
    items = [item_input(i) for i in conference.items]
    new = lu.apply_helper(
        helper, items, conference.start_at or utcnow(), conference.buffer_minutes
    )
    claim_version(conference, version)
    order = [i.id for i in new]
    _write_positions(conference, order)
    return order


def _write_positions(conference: Conference, order: list[int]) -> None:
    before = invite_snapshot(conference)
    by_id = {item.id: item for item in conference.items}
    for position, item_id in enumerate(order):
        by_id[item_id].position = position
    raise_invite_revision_if_changed(conference, before)


def save_item(
    conference: Conference,
    item: AgendaItem | None,
    version: int,
    speakers: list[tuple[int, int | None]],
    **fields,
) -> AgendaItem:
    """Create or update an item and its speakers (participation id, minutes)."""
    before = invite_snapshot(conference)
    claim_version(conference, version)
    if item is None:
        item = AgendaItem(position=len(conference.items), **fields)
        conference.items.append(item)
    else:
        for name, value in fields.items():
            setattr(item, name, value)
    current = {s.participation_id: s for s in item.speakers}
    wanted = [pid for pid, _minutes in speakers]
    for pid, speaker in current.items():
        if pid not in wanted:
            item.speakers.remove(speaker)
    db.session.flush()
    for position, (pid, minutes) in enumerate(speakers):
        speaker = current.get(pid)
        if speaker is None:
            speaker = AgendaItemSpeaker(participation_id=pid)
            item.speakers.append(speaker)
        speaker.position = position
        speaker.minutes = minutes
    raise_invite_revision_if_changed(conference, before)
    return item


def remove_item(conference: Conference, item: AgendaItem, version: int) -> None:
    before = invite_snapshot(conference)
    claim_version(conference, version)
    conference.items.remove(item)
    db.session.flush()
    for position, other in enumerate(conference.items):
        other.position = position
    raise_invite_revision_if_changed(conference, before)


def fixed_start_problem(conference: Conference, fixed: datetime | None) -> str | None:
    if fixed is None:
        return None
    if conference.start_at is None:
        return "Set the conference's start before locking an item to a clock time."
    if fixed < conference.start_at:
        return "A fixed start cannot be before the conference starts."
    return None
