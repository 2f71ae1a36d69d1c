"""The outbox: mail queued in the transaction of the change it announces.

:func:`enqueue` adds the message to the current session and flushes; the caller
commits (or rolls back, and then the message never existed). The worker
(:mod:`silkmeet.mail.worker`) sends what was committed.
"""

from __future__ import annotations

import email
from collections.abc import Sequence
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import format_datetime
from email.utils import getaddresses
from email.utils import make_msgid
from typing import NamedTuple

from flask import current_app
from flask import has_request_context
from flask import request
from sqlalchemy import Row
from sqlalchemy import Select
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import null
from sqlalchemy import select
from sqlalchemy import update

from silkmeet.db import utcnow
from silkmeet.domain import mail
from silkmeet.domain import vocabulary as v
from silkmeet.domain.mailbox import parse_mailbox
from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.models import OutboxMessage

DEFAULT_SENDER_NAME = "silkmeet"
# What is stored and sent: the default policy with CRLF line ends, as SMTP wants.
WIRE_POLICY = policy.SMTP
SUBJECT_LENGTH = OutboxMessage.__table__.c.subject.type.length
# What may be queued pending (the invitation of a speaking slot is "slot").
PENDING_KINDS = ("invitation", "update", "cancellation", "slot")


def configured_sender() -> tuple[str, str]:
    """``(name, address)`` of ``SILKMEET_MAIL_FROM``; also the envelope sender
    (where bounces go) of every message."""
    return parse_mailbox(current_app.config["MAIL_FROM"])


def sender_address(conference: Conference | None) -> tuple[str, str]:
    """``(name, address)`` for a message's From.

    The conference's ``mail_from`` when set, named after the conference unless
    it gives a name; otherwise ``SILKMEET_MAIL_FROM`` with the conference's
    title as the name. System mail (no conference) is ``SILKMEET_MAIL_FROM`` as
    given, named "silkmeet" when it gives no name.
    """
    name, address = configured_sender()
    if conference is None:
        return name or DEFAULT_SENDER_NAME, address
    if conference.mail_from:
        own_name, address = parse_mailbox(conference.mail_from)
        return own_name or conference.title, address
    return conference.title, address


def reply_to_address(conference: Conference | None) -> tuple[str, str] | None:
    """``(name, address)`` for Reply-To (the conference's ``mail_reply_to``), or
    None to leave replies going to the sender."""
    if conference is None or not conference.mail_reply_to:
        return None
    return parse_mailbox(conference.mail_reply_to)


def message_id_domain() -> str:
    return (
        current_app.config.get("MAIL_MESSAGE_ID_DOMAIN")
        or configured_sender()[1].rpartition("@")[2]
    )


def enqueue(
    message: EmailMessage,
    *,
    kind: str,
    conference_id: int | None,
    participation_id: int | None = None,
    ics_uid: str | None = None,
    ics_sequence: int | None = None,
    slot: int | None = None,
) -> OutboxMessage:
    """Queue ``message`` in the current transaction (add and flush, no commit).

    The message needs a From and exactly one address in To (plus any Cc), all
    ASCII (no SMTPUTF8); Bcc is refused, since the stored bytes are sent as
    they are. ValueError says what is wrong. It gains a
    Message-ID and a Date when it has none; both are kept through retries, so
    a copy sent twice is recognisable as one message.
    """
    if kind not in v.values(v.MAIL_KINDS):
        raise ValueError(f"unknown mail kind {kind!r}")
    if message["From"] is None:
        raise ValueError("the message has no From")
    if message["Bcc"] is not None:
        raise ValueError("Bcc is not supported: the stored message is sent as is")
    recipients = getaddresses(message.get_all("To", []))
    if len(recipients) != 1 or "@" not in recipients[0][1]:
        raise ValueError("the message needs exactly one To address")
    for _name, address in recipients + getaddresses(message.get_all("Cc", [])):
        if not address.isascii():
            # The header would carry it as an encoded word, which is not an
            # address, and the envelope cannot carry it without SMTPUTF8.
            raise ValueError(f"{address!r}: non-ASCII addresses cannot be sent")
    if message["Message-ID"] is None:
        message["Message-ID"] = make_msgid(domain=message_id_domain())
    if message["Date"] is None:
        message["Date"] = format_datetime(utcnow())
    row = OutboxMessage(
        conference_id=conference_id,
        participation_id=participation_id,
        kind=kind,
        recipient=recipients[0][1],
        subject=str(message["Subject"] or "")[:SUBJECT_LENGTH],
        message_id=str(message["Message-ID"]),
        raw=message.as_bytes(policy=WIRE_POLICY),
        ics_uid=ics_uid,
        ics_sequence=ics_sequence,
        slot=slot,
        status="queued",
        attempts=0,
        next_attempt_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    return row


class Pending(NamedTuple):
    """A participant's calendar message to render when it is sent: which
    message (``kind``; ``slot`` for a speaking slot as its own event), to whom,
    and the calendar event it is about."""

    kind: str
    participation_id: int
    recipient: str
    ics_uid: str
    slot: int | None = None


def sendable_address(address: str | None) -> str | None:
    """``address`` as a message's To carries it (an internationalised domain
    in its ASCII form), or None when no message can be sent to it: the
    builders' one rule (:func:`silkmeet.domain.mail.address`)."""
    try:
        return mail.address(("", address or "")).addr_spec
    except mail.InvalidAddress:
        return None


def site_url() -> str | None:
    """The site address a pending message's links are built on: the request's,
    unless ``SILKMEET_SERVER_NAME`` names the site (None outside a request)."""
    if current_app.config.get("SERVER_NAME") or not has_request_context():
        return None
    return request.host_url


def enqueue_pending(conference_id: int, messages: Sequence[Pending]) -> int:
    """Queue participants' messages to be rendered by the worker just before
    sending (:mod:`silkmeet.mail.render`), all in one INSERT in the current
    transaction (no commit); returns how many.

    Nothing is built here, so queuing thousands stays well within a request;
    what each message says is decided when it is sent, and recorded then.
    Each gets its Message-ID now, kept through rendering and retries.
    ValueError for a kind that carries no calendar or an address that cannot
    be sent to.
    """
    if not messages:
        return 0
    domain = message_id_domain()
    site = site_url()
    now = utcnow()
    values = []
    for pending in messages:
        if pending.kind not in PENDING_KINDS:
            raise ValueError(f"{pending.kind!r} cannot be queued pending")
        recipient = sendable_address(pending.recipient)
        if recipient is None:
            raise ValueError(f"{pending.recipient!r} cannot be sent to")
        values.append(
            {
                "conference_id": conference_id,
                "participation_id": pending.participation_id,
                "kind": pending.kind,
                "recipient": recipient,
                "subject": "",
                "message_id": make_msgid(domain=domain),
                "ics_uid": pending.ics_uid,
                "slot": pending.slot,
                "site_url": site,
                "status": "queued",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        )
    # Core executemany: one statement (or one per page of rows), no ORM objects.
    db.session.execute(insert(OutboxMessage.__table__), values)
    return len(values)


def envelope_recipients(raw: bytes) -> list[str]:
    """The SMTP RCPT addresses of a stored message: its To and Cc."""
    headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
    fields = headers.get_all("To", []) + headers.get_all("Cc", [])
    return [address for _name, address in getaddresses(fields) if address]


# -- reading the outbox ------------------------------------------------------------


def outbox_for(
    conference_id: int | None,
    *,
    status: str | None = None,
    kind: str | None = None,
    participation_id: int | None = None,
) -> Select:
    """A conference's messages, newest first, without their bytes: a select for
    ``db.paginate()`` or ``db.session.scalars()``. ``conference_id=None`` is
    the system mail."""
    query = select(OutboxMessage).where(
        OutboxMessage.conference_id.is_(None)
        if conference_id is None
        else OutboxMessage.conference_id == conference_id
    )
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    if participation_id is not None:
        query = query.where(OutboxMessage.participation_id == participation_id)
    return query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())


def status_counts(conference_id: int | None = None) -> dict[str, int]:
    """Messages per status (every status, zeros included), for one conference
    or, with None, the whole outbox."""
    query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    if conference_id is not None:
        query = query.where(OutboxMessage.conference_id == conference_id)
    counts = dict.fromkeys(v.values(v.OUTBOX_STATUSES), 0)
    counts.update(db.session.execute(query).all())
    return counts


def failed_count(conference_id: int) -> int:
    """How many of a conference's messages failed (the organisers' tab shows it)."""
    return status_counts(conference_id)["failed"]


def latest_per_participation(conference_id: int) -> dict[int, Row]:
    """``{participation id: its newest message}`` over a conference's mail, in one
    statement: rows of id, status, kind, last_error, created_at, sent_at."""
    newest = (
        func.row_number()
        .over(
            partition_by=OutboxMessage.participation_id,
            order_by=(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
        )
        .label("newest")
    )
    ranked = (
        select(
            OutboxMessage.participation_id,
            OutboxMessage.id,
            OutboxMessage.status,
            OutboxMessage.kind,
            OutboxMessage.last_error,
            OutboxMessage.created_at,
            OutboxMessage.sent_at,
            newest,
        )
        .where(
            OutboxMessage.conference_id == conference_id,
            OutboxMessage.participation_id.is_not(None),
        )
        .subquery()
    )
    rows = db.session.execute(select(ranked).where(ranked.c.newest == 1))
    return {row.participation_id: row for row in rows}


def sequences_sent(conference_id: int) -> dict[tuple[int, str], int]:
    """``{(participation id, calendar UID): highest SEQUENCE}`` over the messages
    that may have reached their recipient (sent, or being sent): what each
    participant's calendar holds, so that an update can go out with a higher
    SEQUENCE."""
    rows = db.session.execute(
        select(
            OutboxMessage.participation_id,
            OutboxMessage.ics_uid,
            func.max(OutboxMessage.ics_sequence),
        )
        .where(
            OutboxMessage.conference_id == conference_id,
            OutboxMessage.participation_id.is_not(None),
            OutboxMessage.ics_uid.is_not(None),
            OutboxMessage.ics_sequence.is_not(None),
            OutboxMessage.status.in_(("sending", "sent")),
        )
        .group_by(OutboxMessage.participation_id, OutboxMessage.ics_uid)
    )
    return {(pid, uid): seq for pid, uid, seq in rows}


def requeue_failed(conference_id: int | None, ids: list[int] | None = None) -> int:
    """Put failed messages back in the queue (all of a conference's, or those
    ``ids``), due now with their attempts reset; returns how many. Flushes.

    A message that was queued pending is rendered again when it is sent, so
    that it says what holds then, at the address the participant has then."""
    condition = and_(
        OutboxMessage.status == "failed",
        OutboxMessage.conference_id.is_(None)
        if conference_id is None
        else OutboxMessage.conference_id == conference_id,
    )
    if ids is not None:
        condition = and_(condition, OutboxMessage.id.in_(ids))
    result = db.session.execute(
        update(OutboxMessage)
        .where(condition)
        .values(
            status="queued",
            attempts=0,
            next_attempt_at=utcnow(),
            # Rendered from pending (it has a snapshot): render it again.
            raw=case((OutboxMessage.snapshot.is_(None), OutboxMessage.raw)),
            ics_sequence=case(
                (OutboxMessage.snapshot.is_(None), OutboxMessage.ics_sequence)
            ),
            snapshot=null(),
        )
    )
    return result.rowcount


class Attachment(NamedTuple):
    filename: str | None
    content_type: str
    data: bytes


class MessageParts(NamedTuple):
    headers: list[tuple[str, str]]
    text: str | None
    html: str | None
    calendar: bytes | None
    attachments: list[Attachment]


def _lines(part) -> str | None:
    # Stored with CRLF for SMTP; shown with the ends Python text has.
    return None if part is None else part.get_content().replace("\r\n", "\n")


NO_PARTS = MessageParts(headers=[], text=None, html=None, calendar=None, attachments=[])


def message_parts(row: OutboxMessage) -> MessageParts:
    """A stored message taken apart for display (:func:`parts_of`). A pending
    message not rendered yet is rendered for the occasion, as it would be sent
    now (nothing stored); one that would not be sent has no parts."""
    raw = row.raw
    if raw is None:
        from silkmeet.mail.render import preview_pending

        raw = preview_pending(row)
    return NO_PARTS if raw is None else parts_of(raw)


def parts_of(raw: bytes) -> MessageParts:
    """A message taken apart for display: its headers (decoded, in order), text
    and HTML bodies, the calendar it carries (the inline ``text/calendar``
    part, else a calendar attachment) and its attachments. Nothing here is
    escaped: templates escape as usual, and HTML from a message is shown only
    in a sandboxed frame."""
    message = email.message_from_bytes(raw, policy=policy.default)
    headers = [(name, str(value)) for name, value in message.items()]
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    calendar = None
    attachments = []
    for part in message.walk():
        if part.is_multipart():
            continue
        is_attachment = part.is_attachment()
        if part.get_content_type() == "text/calendar" and not is_attachment:
            calendar = calendar or part.get_payload(decode=True)
        elif is_attachment:
            attachments.append(
                Attachment(
                    part.get_filename(),
                    part.get_content_type(),
                    part.get_payload(decode=True),
                )
            )
    if calendar is None:
        calendar = next(
            (a.data for a in attachments if a.content_type == "text/calendar"), None
        )
    return MessageParts(
        headers=headers,
        text=_lines(text),
        html=_lines(html),
        calendar=calendar,
        attachments=attachments,
    )
