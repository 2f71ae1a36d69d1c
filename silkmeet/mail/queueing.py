"""Participants' messages into the outbox: build one and queue it in the
caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from silkmeet.extensions import db
from silkmeet.mail import messages
from silkmeet.mail import operations as outbox
from silkmeet.models import Conference

# The outbox's kind for a speaking slot's own invitation (vocabulary.MAIL_KINDS).
SLOT_INVITATION = "slot"


def message_origin(conference: Conference) -> dict:
    """The ``sender``, ``reply_to`` and ``domain`` of a conference's messages,
    as the builders of :mod:`~silkmeet.mail.messages` take them."""
    configured = outbox.reply_to_address(conference)
    return {
        "sender": outbox.sender_address(conference),
        # A conference's own reply address, else its organisers.
        "reply_to": [configured] if configured else None,
        "domain": outbox.message_id_domain(),
    }


def queue_message(
    row,
    kind: str,
    *,
    changes: Sequence[str] = (),
    slot: int | None = None,
    lead: timedelta | None = None,
):
    """Build the ``kind`` message for the participant of ``row`` (a
    :func:`silkmeet.invites.rows.personal_row`) and add it to the
    outbox, in the caller's transaction (added and flushed, not committed).
    Raises :class:`~silkmeet.mail.messages.CannotSend` as the builders do."""
    conference = db.session.get(Conference, row.conference_id)
    origin = message_origin(conference)
    if kind == messages.REMINDER:
        if lead is None:
            raise ValueError("a reminder needs its lead time")
        built = messages.build_reminder(row, lead=lead, **origin)
    elif kind == messages.NUDGE:
        built = messages.build_nudge(row, **origin)
    else:
        sent = {
            uid: sequence
            for (pid, uid), sequence in outbox.sequences_sent(conference.id).items()
            if pid == row.id
        }
        built = messages.build_invitation(
            row, kind=kind, changes=changes, slot=slot, sent=sent, **origin
        )
        if slot is not None and kind == messages.INVITATION:
            kind = SLOT_INVITATION
    return outbox.enqueue(
        built.message,
        kind=kind,
        conference_id=row.conference_id,
        participation_id=row.id,
        ics_uid=built.ics_uid,
        ics_sequence=built.ics_sequence,
        slot=slot,
    )
