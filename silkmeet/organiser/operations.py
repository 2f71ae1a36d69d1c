"""Organisers' use cases that write: conferences, hosts and chairs, people, and
the invite revision every change to what an invite says raises. They add and
flush; the view commits once."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import null
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from silkmeet.db import utcnow
from silkmeet.domain import fields
from silkmeet.domain import vocabulary as v
from silkmeet.domain.schedule import ScheduledItem
from silkmeet.extensions import db
from silkmeet.i18n import lazy_gettext
from silkmeet.invites import sending
from silkmeet.models import Conference
from silkmeet.models import ConferenceHost
from silkmeet.models import ConferenceOrganiser
from silkmeet.models import ConferenceSlugAlias
from silkmeet.models import Organisation
from silkmeet.models import Organiser
from silkmeet.models import OutboxMessage
from silkmeet.models import Participation
from silkmeet.models import Person
from silkmeet.models.people import cancelled_slot
from silkmeet.models.people import violates_email_key
from silkmeet.models.versioning import bump
from silkmeet.timetable import attach_speakers
from silkmeet.timetable import schedule_for


def invite_snapshot(conference: Conference) -> tuple:
    """Everything an invite says; a change raises the invite revision."""
    slots = [invite_slot(row) for row in schedule_for(conference)]
    return (
        conference.title,
        # What participants read in their languages (languages.localised).
        conference.title_translations or {},
        conference.description_translations or {},
        tuple((item.id, item.title_translations or {}) for item in conference.items),
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


def invite_slot(row: ScheduledItem) -> tuple:
    """What an invite says of one scheduled item."""
    return (
        row.item.id,
        row.item.title,
        row.start,
        row.end,
        tuple((s.speaker.participant_id, s.start, s.end) for s in row.slots),
    )


def invites_may_be_held(conference: Conference, status: str | None = None) -> bool:
    """Whether anyone may hold an invite of the conference already: always once
    it is published (or cancelled), since its calendar and feeds are open
    then; while it is a draft, only once a personal invite was downloaded or
    an invitation mailed. ``status``: the one to judge by, if not the current.

    The invite revision (every invite's SEQUENCE, see ``domain/ics.py``) counts
    only changes made when this holds. A draft reworked seventeen times and
    published then sends its first invites at SEQUENCE 0, not 17; and the
    revision never goes down, so nobody who holds an invite ever gets a lower
    SEQUENCE. (An organiser's own download and a feed fetched during the draft
    are not recorded: a feed is replaced whole on every refresh, and the
    organisers know the draft is changing.)"""
    if (status or conference.status) != "draft":
        return True
    downloaded = select(Participation.id).where(
        Participation.conference_id == conference.id,
        Participation.invite_downloaded_at.is_not(None),
    )
    mailed = select(OutboxMessage.id).where(
        OutboxMessage.conference_id == conference.id,
        OutboxMessage.ics_sequence.is_not(None),
    )
    return bool(db.session.scalar(select(exists(downloaded) | exists(mailed))))


def raise_invite_revision_if_changed(
    conference: Conference, before: tuple, status: str | None = None
) -> None:
    """Raise the invite revision if what an invite says changed, and someone
    may hold one (:func:`invites_may_be_held`, judged by ``status`` if given:
    the status before this change)."""
    db.session.flush()
    for item in conference.items:
        db.session.expire(item, ["speakers"])
    db.session.expire(conference, ["items"])
    # Reloaded in two statements (items, then every item's speakers), not one
    # per item.
    attach_speakers(conference)
    if invite_snapshot(conference) != before and invites_may_be_held(
        conference, status
    ):
        raise_counter(conference, "invite_revision")


def raise_counter(conference: Conference, name: str) -> int:
    """Add one to a counter of the conference's row in SQL and return it.

    ``n = n + 1`` in the UPDATE, never a value computed here: two writers that
    read the same ``n`` (another worker's transaction) would both write
    ``n + 1``, and one raise would be lost. The row's content version goes up
    with it (:func:`silkmeet.models.versioning.bump`), as for any write made
    outside the ORM's flush.
    """
    column = getattr(Conference, name)
    value, content_version = db.session.execute(
        update(Conference)
        .where(Conference.id == conference.id)
        .values({name: column + 1, **bump()})
        .returning(column, Conference.content_version)
        .execution_options(synchronize_session=False)
    ).one()
    set_committed_value(conference, name, value)
    set_committed_value(conference, "content_version", content_version)
    return value


# Conferences ---------------------------------------------------------------


def create_conference(owner: Organiser, **fields) -> Conference:
    # null(): a None is "none" (no nudge, no sender of its own), not "the
    # column's default" (the ORM leaves a None out of the INSERT when the
    # column has a default).
    conference = Conference(
        **{name: null() if value is None else value for name, value in fields.items()}
    )
    conference.organisers.append(ConferenceOrganiser(organiser=owner, access="owner"))
    db.session.add(conference)
    db.session.flush()
    return conference


def update_conference(conference: Conference, **fields) -> None:
    """Save the conference's fields. Cancelling it queues a cancellation for
    everyone who was mailed an invitation, in this transaction."""
    before = invite_snapshot(conference)
    was = conference.status
    for name, value in fields.items():
        setattr(conference, name, value)
    # Publishing is judged as the draft it was: a draft nobody holds an invite
    # of is published at the revision it has.
    raise_invite_revision_if_changed(conference, before, was)
    if was != "cancelled" and conference.status == "cancelled":
        sending.queue_cancellations(conference)
    elif was == "cancelled" and conference.status != "cancelled":
        # The cancellation went out one above the revision (ics.event_sequence);
        # the invitation that restores the event must go above it, or calendars
        # ignore it.
        raise_counter(conference, "invite_revision")


def slug_taken(slug: str, except_id: int | None = None) -> str | None:
    """Whether another conference has ``slug``: ``"now"``, ``"before"`` (a
    former slug stays its conference's for good: its old links lead there),
    or None."""
    now = select(Conference.id).where(Conference.slug == slug)
    before = select(ConferenceSlugAlias.conference_id).where(
        ConferenceSlugAlias.slug == slug
    )
    if except_id is not None:
        now = now.where(Conference.id != except_id)
        before = before.where(ConferenceSlugAlias.conference_id != except_id)
    if db.session.scalar(now) is not None:
        return "now"
    if db.session.scalar(before) is not None:
        return "before"
    return None


def free_slug(title: str, except_id: int | None = None) -> str:
    """:func:`fields.suggest_slug` of ``title``, with ``-2``, ``-3``… when another
    conference has (or had) it; "" when the title gives nothing."""
    base = fields.suggest_slug(title)
    if not base:
        return ""
    candidate, n = base, 1
    while slug_taken(candidate, except_id):
        n += 1
        suffix = f"-{n}"
        candidate = base[: fields.MAX_LENGTH["conference.slug"] - len(suffix)]
        candidate = candidate.rstrip("-") + suffix
    return candidate


class NoSuchOrganiser(Exception):
    pass


def add_organiser(conference: Conference, email: str, access: str) -> Organiser:
    organiser = db.session.scalar(select(Organiser).where(Organiser.email_is(email)))
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


class EmailTaken(Exception):
    """Another current participant of the conference has this address: the
    database refused it (``Participation.email_key``), e.g. when two organisers
    added the same person at once."""

    message = lazy_gettext("Another participant already uses this email.")


def flush_people() -> None:
    """Flush; a second participant with one address becomes :class:`EmailTaken`
    (the session must then be rolled back)."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        if not violates_email_key(exc):
            raise
        raise EmailTaken from None


def organisation_key(name: str | None) -> str:
    """Organisations are matched by name, without regard to case."""
    return (name or "").strip().lower()


def organisations_named(
    wanted: Iterable[tuple[str, str | None]],
) -> dict[str, Organisation]:
    """``(name, country)`` pairs → the organisation of that name, matched
    without regard to case, found in one statement or added (with the first
    pair's country); keyed by :func:`organisation_key`."""
    names: dict[str, tuple[str, str | None]] = {}
    for name, country in wanted:
        if key := organisation_key(name):
            names.setdefault(key, ((name or "").strip(), country))
    if not names:
        return {}
    found: dict[str, Organisation] = {}
    for organisation in db.session.scalars(
        select(Organisation)
        .where(func.lower(Organisation.name).in_(list(names)))
        .order_by(Organisation.id)
    ):
        found.setdefault(organisation_key(organisation.name), organisation)
    for key, (name, country) in names.items():
        if key not in found:
            found[key] = Organisation(name=name, country=country or None)
            db.session.add(found[key])
    return found


def organisation_named(name: str, country: str | None) -> Organisation | None:
    return organisations_named([(name, country)]).get(organisation_key(name))


def new_participation(organisation: Organisation | None, **fields) -> Participation:
    """A participant and their person from the form's or a CSV row's fields,
    in no conference yet."""
    role = fields.pop("role")
    delegation_country = fields.pop("delegation_country", None) or fields["country"]
    return Participation(
        person=Person(organisation=organisation, **fields),
        role=role,
        delegation_country=delegation_country,
    )


def add_participant(conference: Conference, **fields) -> Participation:
    organisation = organisation_named(fields.pop("organisation", ""), fields["country"])
    participation = new_participation(organisation, **fields)
    conference.participations.append(participation)
    flush_people()
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
    flush_people()
    raise_invite_revision_if_changed(conference, before)


def remove_participant(participation: Participation) -> None:
    """Mark removed (their link then serves a cancellation); drop their slots.
    If they were mailed an invitation, a cancellation is queued for it (and
    for their speaking slots mailed on their own), in this transaction."""
    conference = participation.conference
    before = invite_snapshot(conference)
    participation.cancelled_slots = [
        cancelled_slot(row.item.title, slot.start, slot.end)
        for row in schedule_for(conference)
        for slot in row.slots
        if slot.speaker.participant_id == participation.id
    ]
    participation.removed_at = utcnow()
    for speaker in list(participation.speaking):
        db.session.delete(speaker)
    raise_invite_revision_if_changed(conference, before)
    sending.queue_cancellations(conference, [participation.id])


def roster(conference: Conference, except_id: int | None = None) -> fields.Roster:
    """The conference's current participants (but ``except_id``), in one
    statement, to find duplicates by :class:`~silkmeet.domain.fields.Roster`'s
    rule (the database has the last word on e-mails, :class:`EmailTaken`)."""
    query = (
        select(Person.email, Person.full_name, Person.country)
        .join(Participation, Participation.person_id == Person.id)
        .where(
            Participation.conference_id == conference.id,
            Participation.removed_at.is_(None),
        )
    )
    if except_id is not None:
        query = query.where(Participation.id != except_id)
    found = fields.Roster()
    for row in db.session.execute(query):
        found.add(fields.EXISTING, row.full_name, row.country, row.email)
    return found
