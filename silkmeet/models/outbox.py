from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from silkmeet.db import Base
from silkmeet.db import UTCDateTime
from silkmeet.db import utcnow
from silkmeet.domain import vocabulary as v
from silkmeet.models._checks import one_of


class OutboxMessage(Base):
    """One e-mail to one recipient, stored as the bytes that will be sent.

    A row is written in the same transaction as the change it announces
    (:func:`silkmeet.mail.operations.enqueue`), and a worker sends it after that
    transaction commits (:mod:`silkmeet.mail.worker`). Rows stay after sending:
    they are the record of what each recipient was sent, and with no mail
    server configured they are the local mailbox itself.

    A participant's invitation, update or cancellation may be queued *pending*
    (:func:`silkmeet.mail.operations.enqueue_pending`): the row names what to
    send (kind, participant, speaking slot) and ``raw`` stays empty until the
    worker renders the message just before sending it
    (:mod:`silkmeet.mail.render`), so that it says what holds then.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (
        one_of("status", v.OUTBOX_STATUSES),
        # The worker's claim: queued rows by due time, and rows whose lease ran out.
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        # The outbox page of a conference, newest first.
        Index("ix_outbox_message_conference", "conference_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for system mail. A deleted conference leaves its mail to be sent
    # (its cancellations, say) rather than taking back what was committed.
    conference_id: Mapped[int | None] = mapped_column(
        ForeignKey("conference.id", ondelete="SET NULL")
    )
    participation_id: Mapped[int | None] = mapped_column(
        ForeignKey("participation.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    # The To address (addr-spec only), for listing and the SMTP envelope.
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300), default="")
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    # The whole RFC 5322 message, CRLF line ends, exactly as it is sent. Not
    # loaded with the row: listings never need it. None while a pending
    # message waits to be rendered.
    raw: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # The calendar UID and SEQUENCE the message carries, if any: what the
    # recipient holds once it is sent. A pending message has its UID from the
    # start, its SEQUENCE once rendered.
    ics_uid: Mapped[str | None] = mapped_column(String(255))
    ics_sequence: Mapped[int | None]
    # A pending message about a speaking slot as an event of its own: its rank
    # among the participant's slots (1, 2…).
    slot: Mapped[int | None]
    # The site address a pending message's links are built on (the request
    # that queued it), when SILKMEET_SERVER_NAME does not give one.
    site_url: Mapped[str | None] = mapped_column(String(300))
    # What a rendered invitation, update or cancellation said
    # (silkmeet.domain.invitation_state.InviteState as JSON): what the
    # recipient holds, to tell later whether it is outdated.
    snapshot: Mapped[dict | None] = mapped_column(
        JSON(none_as_null=True), deferred=True
    )

    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A worker's lease on a "sending" row; once past, another worker may take it.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The server's reply to the last failed attempt (or the connection error).
    last_error: Mapped[str | None] = mapped_column(Text)
    # How it went out: "smtp", "smtps", or "local" (kept here, not sent).
    transport: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"


class ReminderSent(Base):
    """A reminder or nudge one participant was sent (or could not be) for one
    start of their conference: the key that makes a reminder go once.

    Inserted in the transaction that queues the message, and only if no row
    has the same key (:mod:`silkmeet.mail.reminders`): two workers that find
    the same reminder due queue it once. The start is part of the key, so a
    conference moved to another time reminds its people again.
    """

    __tablename__ = "reminder_sent"
    __table_args__ = (
        UniqueConstraint("participation_id", "kind", "offset_minutes", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    participation_id: Mapped[int] = mapped_column(
        ForeignKey("participation.id", ondelete="CASCADE")
    )
    # "reminder" or "nudge" (domain/reminders.py).
    kind: Mapped[str] = mapped_column(String(16))
    # Minutes before the start it was due (a nudge sent by hand: the minutes
    # that were left).
    offset_minutes: Mapped[int]
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL")
    )
    # Why no message was queued (no usable address…); the key stays taken, so
    # that the worker does not try again on every poll.
    problem: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return (
            f"<ReminderSent {self.kind} {self.offset_minutes} {self.participation_id}>"
        )
