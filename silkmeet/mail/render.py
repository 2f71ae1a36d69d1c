"""Pending messages, rendered just before they are sent.

A participant's invitation, update or cancellation may be queued as a row that
only names it (:func:`silkmeet.mail.operations.enqueue_pending`). The worker
renders it when its turn comes (:func:`prepare`), so that it says what holds
then, and records with it what it said (the snapshot, :mod:`.invitation_state`)
and the calendar SEQUENCE it carries. The Invites page's preview renders the
same way (:func:`render`), so that it shows the message that is then sent.

No recipient's calendar goes backwards, whatever order things happen in:

- a calendar message is dropped ("superseded") when a later one for the same
  participant and event is queued or sent: the later one says the current
  state (or cancels) and carries a SEQUENCE at least as high;
- one whose SEQUENCE is below what the recipient already holds is dropped too
  (a retried update after the cancellation that followed it);
- an update that would say nothing new, a cancellation of an invitation that
  never went out, and an invitation to someone no longer expected are dropped
  with the reason.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from flask import current_app
from sqlalchemy import Row
from sqlalchemy import exists
from sqlalchemy import select

from silkmeet.domain import ics
from silkmeet.domain import invitation_state as istate
from silkmeet.extensions import db
from silkmeet.invites import rows
from silkmeet.invites.operations import personal_parts
from silkmeet.invites.operations import reading_as
from silkmeet.invites.plan import slot_uid
from silkmeet.mail import messages
from silkmeet.mail.operations import SUBJECT_LENGTH
from silkmeet.mail.operations import WIRE_POLICY
from silkmeet.mail.operations import sendable_address
from silkmeet.mail.queueing import SLOT_INVITATION
from silkmeet.mail.queueing import message_origin
from silkmeet.models import Conference
from silkmeet.models import OutboxMessage
from silkmeet.models import Participation

# What may reach a recipient: the statuses that count as "they hold it".
DELIVERED = ("sending", "sent")
# What stands to reach them: a later row in these replaces an earlier one.
STANDING = ("queued", "sending", "sent")


@dataclass(frozen=True)
class Held:
    """What a participant's calendar holds of one event: the highest SEQUENCE
    that may have reached them, and what the last such message said."""

    sequence: int | None = None
    state: istate.InviteState | None = None


NOTHING_HELD = Held()


def held(participation_id: int, uid: str, exclude: int | None = None) -> Held:
    """What the participant holds of the event ``uid`` (leaving out the
    message ``exclude``, the one being sent), in one statement."""
    query = (
        select(OutboxMessage.ics_sequence, OutboxMessage.snapshot)
        .where(
            OutboxMessage.participation_id == participation_id,
            OutboxMessage.ics_uid == uid,
            OutboxMessage.status.in_(DELIVERED),
        )
        .order_by(OutboxMessage.id.desc())
    )
    if exclude is not None:
        query = query.where(OutboxMessage.id != exclude)
    found = db.session.execute(query).all()
    sequences = [r.ics_sequence for r in found if r.ics_sequence is not None]
    snapshot = next((r.snapshot for r in found if r.snapshot), None)
    return Held(
        max(sequences, default=None),
        istate.InviteState.from_json(snapshot) if snapshot else None,
    )


class Rendered(NamedTuple):
    """A pending message rendered: its outbox ``kind``, the message and what it
    says, or ``skipped``: why it is not to be sent."""

    kind: str
    built: messages.Built | None = None
    state: istate.InviteState | None = None
    skipped: str | None = None


def render(
    person: Row,
    kind: str,
    slot: int | None,
    holds: Held,
    *,
    stamp: datetime | None = None,
) -> Rendered:
    """The ``kind`` message (``slot``: about that speaking slot) for the
    participant of ``person`` (:func:`silkmeet.invites.rows.personal_row`),
    who holds ``holds`` of its event, in the language they read. Raises what
    the builders raise (:class:`~silkmeet.mail.messages.CannotSend`,
    ``NoStartError``)."""
    with reading_as(person):
        return _render(person, kind, slot, holds, stamp)


def _render(
    person: Row, kind: str, slot: int | None, holds: Held, stamp: datetime | None
) -> Rendered:
    meeting, invitee = personal_parts(person)
    build_kind = messages.INVITATION if kind == SLOT_INVITATION else kind
    gone = meeting.cancelled or invitee.removed
    if build_kind == messages.UPDATE and holds.sequence is None:
        # They never received the invitation: this is it.
        build_kind = messages.INVITATION
    if build_kind == messages.CANCELLATION:
        if holds.sequence is None:
            return Rendered(kind, skipped="they never received what it would cancel")
        if slot is None and not gone:
            return Rendered(kind, skipped="the invitation stands again")
    elif gone:
        return Rendered(kind, skipped="the conference is cancelled, or they left it")
    state = istate.state_of(meeting, invitee, link=person.token)
    changes: list[str] = []
    if build_kind == messages.UPDATE:
        if holds.state == state:
            return Rendered(kind, skipped="nothing changed since what they hold")
        if holds.state is not None:
            changes = istate.changes(holds.state, state, invitee.zone)
    former = None
    if slot is not None and slot > len(invitee.slots) and not gone:
        # A slot the lineup no longer gives them: cancel the event they have.
        if build_kind != messages.CANCELLATION:
            return Rendered(kind, skipped=f"they have no speaking slot {slot} now")
        if holds.state is None or slot > len(holds.state.slots):
            return Rendered(kind, skipped=f"what they hold has no speaking slot {slot}")
        was = holds.state.slots[slot - 1]
        former = ics.Slot(
            uid=slot_uid(meeting.uid, person.uid, slot),
            title=was.title,
            start=was.start,
            end=was.end,
        )
    conference = db.session.get(Conference, person.conference_id)
    built = messages.build_invitation(
        person,
        kind=build_kind,
        changes=changes,
        slot=slot,
        stamp=stamp,
        former_slot=former,
        **message_origin(conference),
    )
    if holds.sequence is not None and built.ics_sequence < holds.sequence:
        return Rendered(
            kind,
            skipped=f"they hold this event at SEQUENCE {holds.sequence} already",
        )
    if build_kind == messages.INVITATION and slot is not None:
        build_kind = SLOT_INVITATION
    return Rendered(build_kind, built, state)


def superseded(row_id: int, participation_id: int, uid: str) -> bool:
    """Whether a later message for the same participant and event stands."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    OutboxMessage.participation_id == participation_id,
                    OutboxMessage.ics_uid == uid,
                    OutboxMessage.id > row_id,
                    OutboxMessage.status.in_(STANDING),
                )
            )
        )
    )


class Outcome(NamedTuple):
    """What the worker does with a claimed row: send ``raw``, or record
    ``status`` ("superseded", "failed") with ``reason``; ``values`` are the
    columns a rendering fills in."""

    raw: bytes | None
    status: str | None = None
    reason: str | None = None
    values: dict | None = None


def prepare(row) -> Outcome:
    """Decide on a claimed row (:data:`silkmeet.mail.worker.CLAIMED` columns)
    just before it is sent: drop it when it is superseded, render it when it is
    pending. Reads only; the worker records the outcome under its lease."""
    person_message = row.participation_id is not None and row.ics_uid is not None
    if person_message and superseded(row.id, row.participation_id, row.ics_uid):
        return Outcome(None, "superseded", "a later message replaces it")
    if row.raw is not None:
        if person_message and row.ics_sequence is not None:
            holds = held(row.participation_id, row.ics_uid, exclude=row.id)
            if holds.sequence is not None and row.ics_sequence < holds.sequence:
                return Outcome(
                    None,
                    "superseded",
                    f"they hold this event at SEQUENCE {holds.sequence} already",
                )
        return Outcome(row.raw)
    if not person_message:
        return Outcome(None, "failed", "nothing to send: the message was never built")
    try:
        with _site(row.site_url):
            return _render_pending(row)
    except messages.CannotSend as error:
        return Outcome(None, "failed", str(error))
    except ValueError as error:  # NoStartError, or a value the builders refuse
        return Outcome(None, "failed", f"cannot be built: {error}")


def preview_pending(row: OutboxMessage) -> bytes | None:
    """The bytes a pending row would be sent as now, or None when it would not
    be sent (superseded, or it cannot be built). Nothing is stored."""
    outcome = prepare(row)
    return outcome.raw


def _render_pending(row) -> Outcome:
    person = rows.personal_row(Participation.id == row.participation_id)
    if person is None:
        return Outcome(None, "failed", "the participant no longer exists")
    holds = held(row.participation_id, row.ics_uid, exclude=row.id)
    done = render(person, row.kind, row.slot, holds)
    if done.skipped is not None:
        return Outcome(None, "superseded", done.skipped)
    if done.built.ics_uid != row.ics_uid:
        # A row written by hand (or a bug): never let it touch another event.
        return Outcome(None, "failed", "the message is about another calendar event")
    message = done.built.message
    # The Message-ID given at queueing: the same through retries and resends.
    message.replace_header("Message-ID", row.message_id)
    raw = message.as_bytes(policy=WIRE_POLICY)
    return Outcome(
        raw,
        values={
            "raw": raw,
            "kind": done.kind,
            "recipient": sendable_address(person.email),
            "subject": str(message["Subject"] or "")[:SUBJECT_LENGTH],
            "ics_uid": done.built.ics_uid,
            "ics_sequence": done.built.ics_sequence,
            "snapshot": done.state.to_json(),
        },
    )


def _site(site_url: str | None):
    """Where links point: the request that queued the message, unless the
    configuration names the site."""
    app = current_app._get_current_object()
    if site_url and not app.config.get("SERVER_NAME"):
        return app.test_request_context(base_url=site_url)
    return nullcontext()
