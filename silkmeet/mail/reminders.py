"""Reminders and nudges: found due, queued once.

:func:`queue_due` runs in the mail worker on every poll (and once in ``flask
mail reminders``). For each published conference it asks
:func:`silkmeet.domain.reminders.due` what is due now, then queues that message
for each participant who should get it and has not got it yet:

- reminders go to the active participants with an e-mail address who were
  invited (an invitation or update of theirs is in the outbox, queued or sent)
  and have not declined;
- nudges to the same people while they have not answered at all.

What makes a message go once is a row of ``reminder_sent`` keyed by the
participant, the kind, the offset and the start it was for, inserted in the
transaction that queues the message with ``ON CONFLICT DO NOTHING``: two workers
(on two hosts) that find the same reminder due both try to insert the key, one
succeeds and queues the message, the other inserts nothing (on PostgreSQL it
waits for the first to commit or roll back) and goes on. A conference moved to
another start gets new keys, so its reminders are due again for the new start.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import Row
from sqlalchemy import Select
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from silkmeet.domain import reminders
from silkmeet.domain import vocabulary as v
from silkmeet.extensions import db
from silkmeet.i18n import gettext as _
from silkmeet.invites import rows
from silkmeet.invites.plan import agenda_url_template
from silkmeet.mail import messages
from silkmeet.mail.queueing import queue_message
from silkmeet.models import Conference
from silkmeet.models import OutboxMessage
from silkmeet.models import Participation
from silkmeet.models import Person
from silkmeet.models import ReminderSent

# A participant counts as invited once an invitation or update of theirs is in
# the outbox and not failed: queued before the reminder, it is sent first.
INVITED_KINDS = (messages.INVITATION, messages.UPDATE)
INVITED_STATUSES = ("queued", "sending", "sent")
# The dialects whose INSERT can skip a row that breaks a unique constraint.
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class NoLinks(ValueError):
    """Messages are due but their links cannot be built."""

    def __init__(self):
        super().__init__(
            "reminders are due but their links need the site's address: "
            "set SILKMEET_SERVER_NAME (and SILKMEET_PREFERRED_URL_SCHEME=https)"
        )


class CannotNudge(ValueError):
    """No nudge can go now; the text says why."""


@dataclass(frozen=True)
class Planned:
    """A message due now for one conference's start."""

    conference_id: int
    slug: str
    start: datetime
    due: reminders.Due


def recipients_condition(kind: str) -> list:
    """Who gets a reminder (``kind`` REMINDER) or a nudge (NUDGE): the WHERE
    clauses over a participation joined to its person."""
    invited = exists().where(
        OutboxMessage.participation_id == Participation.id,
        OutboxMessage.kind.in_(INVITED_KINDS),
        OutboxMessage.status.in_(INVITED_STATUSES),
    )
    answer = (
        Participation.rsvp == v.NO_ANSWER
        if kind == reminders.NUDGE
        else Participation.rsvp != v.DECLINED
    )
    return [
        Participation.removed_at.is_(None),
        Person.email.is_not(None),
        func.trim(Person.email) != "",
        invited,
        answer,
    ]


def recipients(conference_id: int, kind: str, offset: int, start: datetime) -> Select:
    """The personal rows of those who should get this message and have not."""
    sent = exists().where(
        ReminderSent.participation_id == Participation.id,
        ReminderSent.kind == kind,
        ReminderSent.offset_minutes == offset,
        ReminderSent.start_at == start,
    )
    return rows.personal_rows(
        Participation.conference_id == conference_id,
        *recipients_condition(kind),
        ~sent,
    ).order_by(Participation.id)


def planned(now: datetime) -> list[Planned]:
    """What is due at ``now``, conference by conference, in one statement."""
    found = db.session.execute(
        select(
            Conference.id,
            Conference.slug,
            Conference.start_at,
            Conference.reminder_offsets,
            Conference.nudge_offset,
        )
        .where(
            Conference.status == "published",
            Conference.start_at > now,
            # No offset reaches further (domain/reminders.py).
            Conference.start_at <= now + timedelta(minutes=reminders.MAX_OFFSET),
        )
        .order_by(Conference.start_at, Conference.id)
    ).all()
    return [
        Planned(c.id, c.slug, c.start_at, due)
        for c in found
        for due in reminders.due(
            c.start_at, now, c.reminder_offsets or (), c.nudge_offset
        )
    ]


def due_messages(now: datetime) -> Iterator[tuple[Planned, Row]]:
    """Each message due at ``now`` and its recipient's personal row (what
    ``--dry-run`` lists). Nothing is written."""
    for plan in planned(now):
        query = recipients(
            plan.conference_id, plan.due.kind, plan.due.offset, plan.start
        )
        for row in db.session.execute(query).all():
            yield plan, row


def queue_due(now: datetime) -> int:
    """Queue every reminder and nudge due at ``now`` that no one queued yet;
    returns how many. Commits after each message (with its key), so that a
    long run holds no lock for long and another worker's run skips what this
    one queued. Raises :class:`NoLinks` when messages are due and the site's
    address is not configured."""
    count = 0
    links_checked = False
    for plan, row in due_messages(now):
        if not links_checked:
            if not agenda_url_template():
                raise NoLinks()
            links_checked = True
        due = plan.due
        if claim_and_queue(row, due.kind, due.offset, plan.start, due.lead):
            count += 1
        db.session.commit()
    return count


def claim_and_queue(
    row: Row, kind: str, offset: int, start: datetime, lead: timedelta
) -> bool:
    """Take the key ``(participant, kind, offset, start)`` and queue the message
    for ``row``, in the caller's transaction (flushed, not committed). False
    when the key was taken already (by another worker, another press of the
    button) or when the message cannot be built (the key then keeps why)."""
    values = {
        "conference_id": row.conference_id,
        "participation_id": row.id,
        "kind": kind,
        "offset_minutes": offset,
        "start_at": start,
    }
    insert = _INSERTS[db.session.get_bind().dialect.name]
    key_id = db.session.execute(
        insert(ReminderSent)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(ReminderSent.id)
    ).scalar_one_or_none()
    if key_id is None:
        return False
    outcome: dict = {}
    try:
        message = queue_message(row, kind, lead=lead)
    except ValueError as error:  # CannotSend, or an address the outbox refuses
        outcome["problem"] = str(error)
    else:
        outcome["outbox_message_id"] = message.id
    db.session.execute(
        update(ReminderSent).where(ReminderSent.id == key_id).values(**outcome)
    )
    return "outbox_message_id" in outcome


def nudge_now(conference: Conference, now: datetime) -> int:
    """Queue a nudge to everyone invited who has not answered, now (the
    organisers' button); returns how many. Added and flushed: the caller
    commits. Raises :class:`CannotNudge` when there is no start to come."""
    if conference.status != "published":
        raise CannotNudge(_("Only a published conference can send nudges."))
    start = conference.start_at
    if start is None or start <= now:
        raise CannotNudge(_("Nudges need a start that is still to come."))
    offset = reminders.manual_offset(start, now)
    people = db.session.execute(
        recipients(conference.id, reminders.NUDGE, offset, start)
    ).all()
    count = 0
    for row in people:
        if claim_and_queue(row, reminders.NUDGE, offset, start, start - now):
            count += 1
    db.session.flush()
    return count


def nudge_reach(conference_id: int) -> int:
    """How many a nudge would reach now."""
    return db.session.scalar(
        select(func.count(Participation.id))
        .join(Person, Person.id == Participation.person_id)
        .where(
            Participation.conference_id == conference_id,
            *recipients_condition(reminders.NUDGE),
        )
    )
