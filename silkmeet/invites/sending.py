"""Invitations by e-mail: the use cases that queue invitations, updates and
cancellations, in the caller's transaction.

Messages are queued pending (:func:`silkmeet.mail.operations.enqueue_pending`)
and rendered by the worker when they are sent (:mod:`silkmeet.mail.render`):
queuing a whole conference is a few statements, whatever its size. Who holds
what is read by :mod:`.audience`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import NamedTuple

from sqlalchemy import select

from silkmeet.domain.words import N_
from silkmeet.extensions import db
from silkmeet.i18n import gettext as _
from silkmeet.invites.audience import Audience
from silkmeet.invites.audience import Standing
from silkmeet.invites.plan import slot_uid
from silkmeet.mail import messages
from silkmeet.mail import render
from silkmeet.mail.operations import Pending
from silkmeet.mail.operations import enqueue_pending
from silkmeet.mail.operations import requeue_failed
from silkmeet.mail.operations import sendable_address
from silkmeet.mail.queueing import SLOT_INVITATION
from silkmeet.models import Conference
from silkmeet.models import OutboxMessage
from silkmeet.models import Participation
from silkmeet.models import Person

# How the Invites page chooses recipients.
EVERYONE_NOT_INVITED = "not_invited"
BY_ROLE = "role"
BY_COUNTRY = "country"
CHOSEN = "chosen"
# Labels marked for translation; the form translates them where it shows them.
AUDIENCES = (
    (EVERYONE_NOT_INVITED, N_("Everyone not yet invited")),
    (BY_ROLE, N_("Those not yet invited, of one role")),
    (BY_COUNTRY, N_("Those not yet invited, of one delegation")),
    (CHOSEN, N_("Those ticked in the list (sends again to anyone already invited)")),
)


class CannotQueue(ValueError):
    """Nothing can be queued for this conference now; the text says why."""


class Queued(NamedTuple):
    """What a send queued: the people reached, the messages, and those left
    out for want of an address."""

    people: list[Standing]
    messages: int
    unreachable: list[Standing]


def _check_sendable(conference: Conference) -> None:
    if conference.start_at is None:
        raise CannotQueue(
            _(
                "The conference has no date and time yet: invitations can be "
                "sent once it has them."
            )
        )
    if conference.status == "cancelled":
        raise CannotQueue(
            _(
                "The conference is cancelled: its participants get a "
                "cancellation, not an invitation."
            )
        )


def queue_invitations(
    found: Audience,
    *,
    who: str = EVERYONE_NOT_INVITED,
    role: str | None = None,
    country: str | None = None,
    chosen: Collection[int] = (),
    slots: bool = False,
) -> Queued:
    """Queue an invitation (REQUEST) for each chosen participant, in the
    current transaction; ``slots``: each speaking slot too, as an event of its
    own. ``who`` is one of :data:`AUDIENCES`: people not yet invited (all, of
    ``role``, of the delegation ``country``), or those ``chosen`` by id, who
    get one again if they have one already."""
    conference = found.conference
    _check_sendable(conference)
    if who == EVERYONE_NOT_INVITED:
        people = [p for p in found.current if not p.invited]
    elif who == BY_ROLE:
        people = [p for p in found.current if not p.invited and p.row.role == role]
    elif who == BY_COUNTRY:
        people = [
            p
            for p in found.current
            if not p.invited and p.row.delegation_country == country
        ]
    elif who == CHOSEN:
        wanted = set(chosen)
        people = [p for p in found.current if p.id in wanted]
    else:
        raise ValueError(f"unknown audience {who!r}")
    meeting_uid = found.plan.meeting.uid
    pending = []
    for person in people:
        if not person.reachable:
            continue
        pending.append(
            Pending(messages.INVITATION, person.id, person.address, meeting_uid)
        )
        if slots:
            for rank in range(1, len(found.plan.slots_of(person.row)) + 1):
                uid = slot_uid(meeting_uid, person.row.uid, rank)
                pending.append(
                    Pending(SLOT_INVITATION, person.id, person.address, uid, rank)
                )
    return _queued(conference, people, pending)


def queue_updates(found: Audience) -> Queued:
    """Queue an update (REQUEST, same UID, higher SEQUENCE) for each participant
    whose invitation is outdated, and for the speaking slots they were mailed
    as events of their own (a slot they no longer have is cancelled, a new one
    sent)."""
    conference = found.conference
    _check_sendable(conference)
    meeting_uid = found.plan.meeting.uid
    pending = []
    people = found.outdated
    for person in people:
        if not person.reachable:
            continue
        pending.append(Pending(messages.UPDATE, person.id, person.address, meeting_uid))
        if not person.slot_events:
            continue
        now = len(found.plan.slots_of(person.row))
        for rank in range(1, max(now, max(person.slot_events)) + 1):
            uid = slot_uid(meeting_uid, person.row.uid, rank)
            held = person.slot_events.get(rank)
            if rank > now:
                kind = messages.CANCELLATION
            elif held is None or held.status == "failed":
                kind = SLOT_INVITATION
            else:
                kind = messages.UPDATE
            if kind == messages.CANCELLATION and (
                held is None or held.kind == messages.CANCELLATION
            ):
                continue
            pending.append(Pending(kind, person.id, person.address, uid, rank))
    return _queued(conference, people, pending)


def _queued(
    conference: Conference, people: list[Standing], pending: list[Pending]
) -> Queued:
    enqueue_pending(conference.id, pending)
    return Queued(
        [p for p in people if p.reachable],
        len(pending),
        [p for p in people if not p.reachable],
    )


def queue_cancellations(
    conference: Conference, participation_ids: Collection[int] | None = None
) -> int:
    """Queue a cancellation (CANCEL, same UID, higher SEQUENCE) of every event
    the participants (``None``: everyone) hold or stand to receive: their
    meeting, and each speaking slot mailed on its own. In the current
    transaction, that of the removal or cancellation it announces; returns how
    many."""
    query = (
        select(
            OutboxMessage.participation_id,
            OutboxMessage.ics_uid,
            OutboxMessage.slot,
            Person.email,
        )
        .join(Participation, Participation.id == OutboxMessage.participation_id)
        .join(Person, Person.id == Participation.person_id)
        .where(
            OutboxMessage.conference_id == conference.id,
            OutboxMessage.ics_uid.is_not(None),
            OutboxMessage.status.in_(render.STANDING),
            OutboxMessage.kind != messages.CANCELLATION,
        )
        .distinct()
    )
    if participation_ids is not None:
        query = query.where(OutboxMessage.participation_id.in_(participation_ids))
    else:
        # Those removed before had theirs when they were removed.
        query = query.where(Participation.removed_at.is_(None))
    # The meeting's cancellation first, then the slots', as they were sent.
    query = query.order_by(
        OutboxMessage.participation_id,
        OutboxMessage.slot.nulls_first(),
        OutboxMessage.ics_uid,
    )
    pending = []
    for row in db.session.execute(query):
        address = sendable_address(row.email) if row.email else None
        if address is None:
            continue  # no address left to reach them with
        pending.append(
            Pending(
                messages.CANCELLATION,
                row.participation_id,
                address,
                row.ics_uid,
                row.slot,
            )
        )
    return enqueue_pending(conference.id, pending)


def retry_failed(conference: Conference, participation_id: int | None = None) -> int:
    """Queue again the failed messages of one participant (or of everyone);
    returns how many."""
    query = select(OutboxMessage.id).where(
        OutboxMessage.conference_id == conference.id,
        OutboxMessage.status == "failed",
    )
    if participation_id is not None:
        query = query.where(OutboxMessage.participation_id == participation_id)
    ids = db.session.scalars(query).all()
    return requeue_failed(conference.id, ids) if ids else 0
