"""The delivery worker: claims due messages, sends them, records the outcome.

A batch goes in three steps, none of which holds a transaction open while the
network is used:

1. **Claim**, in one short transaction: due rows (queued and due, or "sending"
   with a lease that ran out) become "sending" with ``claimed_until`` set to
   this worker's lease. On PostgreSQL the candidates are locked with ``FOR
   UPDATE SKIP LOCKED``, so concurrent workers take disjoint rows without
   waiting on each other. SQLite has one writer at a time, and the UPDATE
   repeats the due condition, so a row another worker took in between is not
   taken again (a compare-and-set).
2. **Send** each message over one SMTP connection, outside any transaction.
3. **Record** each outcome in its own transaction, guarded by the lease: 250
   makes it "sent"; a 4xx reply, a refused or lost connection or a timeout
   puts it back in the queue with exponential backoff (and "failed" after
   ``SILKMEET_MAIL_MAX_ATTEMPTS``); a 5xx reply makes it "failed" with the
   reply kept in ``last_error``.

A worker that dies loses nothing: its rows stay "sending" until their lease
runs out, then any worker takes them again. What it can do is send one message
twice: the one whose 250 arrived just before the crash, before its row said
"sent" (at-least-once delivery; its Message-ID is the same both times).
A worker never starts a send so late in its lease that the lease could run
out during it: it hands the rest of the batch back instead.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import fields
from datetime import datetime
from datetime import timedelta

from flask import Flask
from flask import current_app
from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError

from silkmeet.db import utcnow
from silkmeet.extensions import db
from silkmeet.mail import reminders as due_reminders
from silkmeet.mail import render
from silkmeet.mail.operations import configured_sender
from silkmeet.mail.operations import envelope_recipients
from silkmeet.mail.transport import DeliveryError
from silkmeet.mail.transport import Unreachable
from silkmeet.mail.transport import transport_from_config
from silkmeet.models import OutboxMessage

OUTBOX = OutboxMessage.__table__
# Retry after 1, 2, 4 … minutes, at most an hour apart: twelve attempts span
# about seven hours.
RETRY_FIRST_SECONDS = 60
RETRY_MAX_SECONDS = 3600
# A send may wait on the server several times (MAIL, RCPT, DATA, the final
# reply); none starts with less than this many timeouts left on the lease.
LEASE_GUARD_TIMEOUTS = 3


@dataclass
class Counts:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0
    superseded: int = 0
    # Reminders and nudges queued (silkmeet/mail/reminders.py).
    reminders: int = 0

    def add(self, other: Counts) -> None:
        for field in fields(self):
            setattr(
                self, field.name, getattr(self, field.name) + getattr(other, field.name)
            )

    def line(self) -> str:
        if self.reminders and not self.claimed:
            return f"{self.reminders} reminders queued"
        line = (
            f"{self.claimed} claimed, {self.sent} sent, {self.retried} to retry, "
            f"{self.failed} failed, {self.released} handed back"
        )
        if self.superseded:
            line += f", {self.superseded} superseded"
        if self.reminders:
            line += f"; {self.reminders} reminders queued"
        return line


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt."""
    return timedelta(
        seconds=min(RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2 ** (attempts - 1))
    )


class RateLimiter:
    """At most ``per_minute`` sends in any 60 seconds of this worker's clock
    (0: no limit). Several workers each have their own limit."""

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], datetime],
        sleep: Callable[[float], object],
        stop: threading.Event,
    ):
        self.per_minute = per_minute
        self.clock = clock
        self.sleep = sleep
        self.stop = stop
        self.sends: deque[datetime] = deque()

    def wait(self) -> bool:
        """Wait for a free slot; False when told to stop meanwhile."""
        while self.per_minute and len(self.sends) >= self.per_minute:
            elapsed = (self.clock() - self.sends[0]).total_seconds()
            if elapsed >= 60:
                self.sends.popleft()
                continue
            if self.stop.is_set():
                return False
            self.sleep(60 - elapsed)
        return not self.stop.is_set()

    def record(self) -> None:
        if self.per_minute:
            self.sends.append(self.clock())


def _due(now: datetime):
    return or_(
        and_(OUTBOX.c.status == "queued", OUTBOX.c.next_attempt_at <= now),
        and_(OUTBOX.c.status == "sending", OUTBOX.c.claimed_until < now),
    )


# What a claim returns of each row: what sending it, or rendering it first
# (silkmeet/mail/render.py), needs.
CLAIMED = (
    OUTBOX.c.id,
    OUTBOX.c.raw,
    OUTBOX.c.attempts,
    OUTBOX.c.kind,
    OUTBOX.c.message_id,
    OUTBOX.c.participation_id,
    OUTBOX.c.ics_uid,
    OUTBOX.c.ics_sequence,
    OUTBOX.c.slot,
    OUTBOX.c.site_url,
)


def claim(now: datetime, limit: int, lease_end: datetime) -> list:
    """Take up to ``limit`` due messages for this worker until ``lease_end``,
    and commit. Returns rows of :data:`CLAIMED`, in id order."""
    candidates = (
        select(OUTBOX.c.id)
        .where(_due(now))
        .order_by(OUTBOX.c.next_attempt_at, OUTBOX.c.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # Locked until the commit below; other workers skip these rows. (One
        # UPDATE … WHERE id IN (that SELECT) is not the same: PostgreSQL may run
        # the subquery more than once and take more than ``limit`` rows.)
        candidates = candidates.with_for_update(skip_locked=True)
    while True:
        ids = db.session.scalars(candidates).all()
        if not ids:
            db.session.commit()
            return []
        # The due condition again: on SQLite another worker may have taken
        # some of these rows since the SELECT, and they are not taken twice.
        rows = db.session.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(ids), _due(now))
            .values(status="sending", claimed_until=lease_end)
            .returning(*CLAIMED)
        ).all()
        db.session.commit()
        if rows:
            return sorted(rows, key=lambda row: row.id)
        # Another worker took them all: look again (it made progress, so this
        # ends), rather than report an empty queue.


def _finish(row_id: int, lease_end: datetime, **values) -> bool:
    """Record an outcome if this worker still holds the row's lease."""
    return _record(row_id, lease_end, claimed_until=None, **values)


def _record(row_id: int, lease_end: datetime, **values) -> bool:
    """Write ``values`` and commit, if this worker still holds the row's lease."""
    result = db.session.execute(
        update(OUTBOX)
        .where(
            OUTBOX.c.id == row_id,
            OUTBOX.c.status == "sending",
            OUTBOX.c.claimed_until == lease_end,
        )
        .values(**values)
    )
    db.session.commit()
    return result.rowcount == 1


def release(row_ids: list[int], lease_end: datetime) -> int:
    """Hand claimed rows back, due at once, their attempts unchanged."""
    if not row_ids:
        return 0
    result = db.session.execute(
        update(OUTBOX)
        .where(
            OUTBOX.c.id.in_(row_ids),
            OUTBOX.c.status == "sending",
            OUTBOX.c.claimed_until == lease_end,
        )
        .values(status="queued", claimed_until=None)
    )
    db.session.commit()
    return result.rowcount


class Worker:
    """One worker's state across batches: its transport, clock and rate limit."""

    def __init__(
        self,
        app: Flask,
        *,
        transport=None,
        clock: Callable[[], datetime] = utcnow,
        sleep: Callable[[float], object] | None = None,
        stop: threading.Event | None = None,
    ):
        config = app.config
        self.transport = transport or transport_from_config(config)
        self.clock = clock
        self.stop = stop or threading.Event()
        self.sleep = sleep or self.stop.wait
        self.max_attempts = int(config["MAIL_MAX_ATTEMPTS"])
        self.lease = timedelta(seconds=float(config["MAIL_LEASE_SECONDS"]))
        self.guard = timedelta(
            seconds=LEASE_GUARD_TIMEOUTS * float(config["MAIL_TIMEOUT_SECONDS"])
        )
        if self.lease <= self.guard:
            raise ValueError(
                f"SILKMEET_MAIL_LEASE_SECONDS must be more than {LEASE_GUARD_TIMEOUTS}"
                " times SILKMEET_MAIL_TIMEOUT_SECONDS"
            )
        rate = int(config["MAIL_RATE_PER_MINUTE"]) if self.transport.rate_limited else 0
        self.limiter = RateLimiter(rate, clock, self.sleep, self.stop)

    def claim_size(self, batch: int) -> int:
        """No more than the rate lets this worker send within one lease."""
        rate = self.limiter.per_minute
        if not rate:
            return batch
        usable = (self.lease - self.guard).total_seconds()
        return max(1, min(batch, int(rate * usable / 60)))

    def run_batch(self, batch: int) -> Counts:
        now = self.clock()
        lease_end = now + self.lease
        rows = claim(now, self.claim_size(batch), lease_end)
        counts = Counts(claimed=len(rows))
        if not rows:
            return counts
        sender = configured_sender()[1]
        unreachable: Unreachable | None = None
        with self.transport.session() as session:
            for index, row in enumerate(rows):
                if unreachable is None and not self._may_send(lease_end):
                    rest = [r.id for r in rows[index:]]
                    counts.released += release(rest, lease_end)
                    break
                if unreachable is not None:
                    # The server could not be reached: the rest wait as well.
                    self._failed(row, lease_end, unreachable, counts)
                    continue
                raw = self._prepared(row, lease_end, counts)
                if raw is None:
                    continue
                try:
                    recipients = envelope_recipients(raw)
                    if not recipients:
                        raise DeliveryError("no recipient address", permanent=True)
                    self.limiter.record()
                    refused = session.send(sender, recipients, raw)
                except Unreachable as exc:
                    unreachable = exc
                    self._failed(row, lease_end, exc, counts)
                except DeliveryError as exc:
                    self._failed(row, lease_end, exc, counts)
                else:
                    note = "; ".join(
                        f"{address}: {code} {text!r}"
                        for address, (code, text) in refused.items()
                    )
                    if _finish(
                        row.id,
                        lease_end,
                        status="sent",
                        sent_at=self.clock(),
                        attempts=row.attempts + 1,
                        transport=self.transport.name,
                        last_error=f"refused: {note}" if note else None,
                    ):
                        counts.sent += 1
        return counts

    def _prepared(self, row, lease_end: datetime, counts: Counts) -> bytes | None:
        """The bytes to send for ``row``, rendered now if it is pending; None
        when it is not to be sent (superseded, or it cannot be built: recorded
        as such, with the reason)."""
        try:
            outcome = render.prepare(row)
        except Exception as error:  # a bug must not hold up the rest of the queue
            db.session.rollback()
            current_app.logger.exception("mail: rendering message %s failed", row.id)
            outcome = render.Outcome(None, "failed", f"cannot be built: {error!r}")
        if outcome.raw is None:
            dropped = outcome.status == "superseded"
            if _finish(
                row.id,
                lease_end,
                status=outcome.status,
                # Superseded is not an attempt: nothing was tried.
                attempts=row.attempts + (0 if dropped else 1),
                last_error=outcome.reason,
            ):
                if dropped:
                    counts.superseded += 1
                else:
                    counts.failed += 1
            return None
        if outcome.values and not _record(row.id, lease_end, **outcome.values):
            return None  # the lease ran out: another worker has the row now
        return outcome.raw

    def _may_send(self, lease_end: datetime) -> bool:
        if not self.limiter.wait():
            return False
        return self.clock() + self.guard < lease_end

    def _failed(self, row, lease_end, error: DeliveryError, counts: Counts) -> None:
        attempts = row.attempts + 1
        if error.permanent or attempts >= self.max_attempts:
            if _finish(
                row.id,
                lease_end,
                status="failed",
                attempts=attempts,
                last_error=error.reply,
            ):
                counts.failed += 1
            return
        if _finish(
            row.id,
            lease_end,
            status="queued",
            attempts=attempts,
            last_error=error.reply,
            next_attempt_at=self.clock() + retry_delay(attempts),
        ):
            counts.retried += 1


def deliver(
    app: Flask,
    *,
    once: bool,
    batch: int = 50,
    poll_seconds: float = 5.0,
    transport=None,
    clock: Callable[[], datetime] = utcnow,
    sleep: Callable[[float], object] | None = None,
    stop: threading.Event | None = None,
    on_batch: Callable[[Counts], object] | None = None,
    on_error: Callable[[str], object] | None = None,
    reminders: bool = True,
) -> Counts:
    """Send what is due, batch after batch.

    ``once``: until nothing is due, then return. Otherwise until ``stop`` is
    set, looking again every ``poll_seconds`` when the queue is empty (a
    database error is then reported to ``on_error`` and retried after the same
    pause). Returns the counts of all batches; ``on_batch`` gets each batch's.

    With ``reminders``, the reminders and nudges due by ``clock`` are queued
    (:func:`silkmeet.mail.reminders.queue_due`) whenever the queue is empty,
    and every ``poll_seconds`` while it is not; each number queued goes to
    ``on_batch`` as ``Counts(reminders=n)``. Reminders that cannot have their
    links built are reported to ``on_error`` once, and left alone by this worker.
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    with app.app_context():
        worker = Worker(app, transport=transport, clock=clock, sleep=sleep, stop=stop)
        totals = Counts()
        look_again = worker.clock()
        while not worker.stop.is_set():
            queued = 0
            try:
                counts = worker.run_batch(batch)
                if reminders and (not counts.claimed or worker.clock() >= look_again):
                    look_again = worker.clock() + timedelta(seconds=poll_seconds)
                    queued = due_reminders.queue_due(worker.clock())
            except DBAPIError as exc:
                db.session.rollback()
                if once or on_error is None:
                    raise
                on_error(f"database error: {exc.orig or exc}")
                worker.sleep(poll_seconds)
                continue
            except due_reminders.NoLinks as exc:
                db.session.rollback()
                reminders = False
                if on_error is not None:
                    on_error(str(exc))
            if counts.claimed:
                totals.add(counts)
                if on_batch is not None:
                    on_batch(counts)
            if queued:
                totals.reminders += queued
                if on_batch is not None:
                    on_batch(Counts(reminders=queued))
            if counts.claimed or queued:
                continue
            if once:
                break
            worker.sleep(poll_seconds)
        return totals
