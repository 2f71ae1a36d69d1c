"""The worker against a real SMTP server: delivery, retries, failures, leases."""

from __future__ import annotations

import email
import socket
import threading
from datetime import timedelta
from email import policy

import pytest
from mailtest import make_message
from mailtest import queue
from mailtest import rows

from silkmeet.extensions import db
from silkmeet.mail.operations import enqueue
from silkmeet.mail.worker import claim
from silkmeet.mail.worker import deliver
from silkmeet.mail.worker import retry_delay
from silkmeet.models import OutboxMessage


def test_rolled_back_message_is_never_sent(mail_app, smtp_server, clock):
    with mail_app.app_context():
        enqueue(make_message(), kind="invitation", conference_id=None)
        db.session.rollback()
    totals = deliver(mail_app, once=True, clock=clock, sleep=clock.sleep)
    assert totals.claimed == 0
    assert rows(mail_app) == []
    assert smtp_server.received == []


def test_committed_message_is_delivered_once_as_queued(mail_app, smtp_server, clock):
    mail_app.config["MAIL_FROM"] = "Bounces <bounces@example.org>"
    with mail_app.app_context():
        message = make_message(cc="Chair <chair@example.org>")
        row = enqueue(message, kind="invitation", conference_id=None)
        queued = row.raw
        db.session.commit()

    totals = deliver(mail_app, once=True, clock=clock, sleep=clock.sleep)
    assert (totals.claimed, totals.sent) == (1, 1)
    assert deliver(mail_app, once=True, clock=clock, sleep=clock.sleep).claimed == 0

    [got] = smtp_server.received
    assert got.content == queued
    # The envelope: bounces to SILKMEET_MAIL_FROM, To and Cc as recipients.
    assert got.mail_from == "bounces@example.org"
    assert got.rcpt_tos == ["zoe@example.org", "chair@example.org"]
    assert "BODY=8BITMIME" in got.mail_options

    sent = email.message_from_bytes(got.content, policy=policy.default)
    assert [(k, str(v)) for k, v in sent.items()] == [
        (k, str(v)) for k, v in message.items()
    ]
    assert str(sent["Subject"]) == "Invitation : réunion 会议"
    # Bodies travel with CRLF line ends (the parser keeps them).
    for kind in ("plain", "html"):
        assert sent.get_body((kind,)).get_content() == (
            message.get_body((kind,)).get_content().replace("\n", "\r\n")
        )
    [calendar] = [p for p in sent.walk() if p.get_content_type() == "text/calendar"]
    assert calendar.get_payload(decode=True).decode() == calendar_text(message)

    [row] = rows(mail_app)
    assert (row.status, row.attempts, row.transport) == ("sent", 1, "smtp")
    assert row.sent_at == clock.now
    assert row.claimed_until is None and row.last_error is None


def calendar_text(message) -> str:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part.get_payload(decode=True).decode()


def test_temporary_failure_then_success_delivers_once(mail_app, smtp_server, clock):
    queue(mail_app)
    smtp_server.reply("451 4.3.0 Mailbox busy, try later")
    totals = deliver(mail_app, once=True, clock=clock, sleep=clock.sleep)
    assert (totals.sent, totals.retried) == (0, 1)
    [row] = rows(mail_app)
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.last_error == "451 4.3.0 Mailbox busy, try later"
    assert row.next_attempt_at == clock.now + retry_delay(1)
    assert smtp_server.received == []

    # Not due yet: nothing is sent a second early.
    clock.advance(seconds=59)
    assert deliver(mail_app, once=True, clock=clock, sleep=clock.sleep).claimed == 0
    clock.advance(seconds=1)
    totals = deliver(mail_app, once=True, clock=clock, sleep=clock.sleep)
    assert totals.sent == 1
    assert len(smtp_server.received) == 1
    [row] = rows(mail_app)
    assert (row.status, row.attempts) == ("sent", 2)


def test_backoff_doubles_up_to_an_hour():
    delays = [retry_delay(n).total_seconds() for n in range(1, 10)]
    assert delays == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]


def test_permanent_failure_keeps_the_reply_and_is_not_retried(
    mail_app, smtp_server, clock
):
    first, second = queue(mail_app, count=2)
    smtp_server.reply("550 5.1.1 <p0@example.org>: Recipient address rejected")
    totals = deliver(mail_app, once=True, clock=clock, sleep=clock.sleep)
    assert (totals.sent, totals.failed) == (1, 1)
    failed, sent = rows(mail_app)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert failed.last_error == (
        "550 5.1.1 <p0@example.org>: Recipient address rejected"
    )
    # The connection served the next message after the refusal.
    assert sent.status == "sent"
    clock.advance(days=2)
    assert deliver(mail_app, once=True, clock=clock, sleep=clock.sleep).claimed == 0
    assert [r.rcpt_tos for r in smtp_server.received] == [["p1@example.org"]]


def test_gives_up_after_max_attempts(mail_app, smtp_server, clock):
    mail_app.config["MAIL_MAX_ATTEMPTS"] = 3
    queue(mail_app)
    smtp_server.reply("452 4.2.2 Mailbox full", times=3)
    for attempt in (1, 2):
        deliver(mail_app, once=True, clock=clock, sleep=clock.sleep)
        [row] = rows(mail_app)
        assert (row.status, row.attempts) == ("queued", attempt)
        clock.advance(hours=1)
    deliver(mail_app, once=True, clock=clock, sleep=clock.sleep)
    [row] = rows(mail_app)
    assert (row.status, row.attempts) == ("failed", 3)
    assert row.last_error == "452 4.2.2 Mailbox full"


def test_connection_refused_is_retried_later(mail_app, smtp_server, clock):
    queue(mail_app, count=3)
    smtp_server.stop()
    totals = deliver(mail_app, once=True, clock=clock, sleep=clock.sleep)
    assert (totals.claimed, totals.retried, totals.sent) == (3, 3, 0)
    for row in rows(mail_app):
        assert (row.status, row.attempts) == ("queued", 1)
        assert "Connection refused" in row.last_error

    smtp_server.start()
    clock.advance(minutes=1)
    totals = deliver(mail_app, once=True, clock=clock, sleep=clock.sleep)
    assert totals.sent == 3
    assert len(smtp_server.received) == 3
    assert {row.status for row in rows(mail_app)} == {"sent"}


def test_421_closes_the_connection_and_the_next_message_reconnects(
    mail_app, smtp_server, clock
):
    queue(mail_app, count=2)
    smtp_server.reply("421 4.3.2 Service shutting down")
    totals = deliver(mail_app, once=True, clock=clock, sleep=clock.sleep)
    assert (totals.retried, totals.sent) == (1, 1)
    first, second = rows(mail_app)
    assert first.status == "queued" and first.last_error.startswith("421")
    assert second.status == "sent"


def test_timeout_is_temporary(app, clock):
    # A server that accepts the connection and never says a word.
    listener = socket.create_server(("127.0.0.1", 0))
    try:
        app.config["MAIL_URL"] = f"smtp://127.0.0.1:{listener.getsockname()[1]}"
        app.config["MAIL_TIMEOUT_SECONDS"] = 0.3
        queue(app)
        totals = deliver(app, once=True, clock=clock, sleep=clock.sleep)
    finally:
        listener.close()
    assert totals.retried == 1
    [row] = rows(app)
    assert (row.status, row.attempts) == ("queued", 1)
    assert "timed out" in row.last_error


def test_expired_lease_is_claimed_again(mail_app, smtp_server, clock):
    queue(mail_app, count=2)
    # A worker claims both and dies before sending anything.
    with mail_app.app_context():
        lease_end = clock.now + timedelta(minutes=5)
        assert len(claim(clock.now, 10, lease_end)) == 2
    assert {r.status for r in rows(mail_app)} == {"sending"}

    # While its lease runs, nobody else takes them.
    clock.advance(minutes=4)
    assert deliver(mail_app, once=True, clock=clock, sleep=clock.sleep).claimed == 0
    clock.advance(minutes=1, seconds=1)
    totals = deliver(mail_app, once=True, clock=clock, sleep=clock.sleep)
    assert (totals.claimed, totals.sent) == (2, 2)
    assert len(smtp_server.received) == 2
    for row in rows(mail_app):
        assert (row.status, row.attempts, row.claimed_until) == ("sent", 1, None)


def test_stop_mid_batch_hands_the_rest_back(mail_app, smtp_server, clock):
    queue(mail_app, count=5)
    stop = threading.Event()
    smtp_server.handler.on_data = stop.set  # SIGTERM while the first is sent
    totals = deliver(mail_app, once=False, clock=clock, sleep=clock.sleep, stop=stop)
    assert (totals.claimed, totals.sent, totals.released) == (5, 1, 4)
    statuses = [(r.status, r.attempts, r.claimed_until) for r in rows(mail_app)]
    assert statuses == [("sent", 1, None)] + [("queued", 0, None)] * 4
    assert len(smtp_server.received) == 1


def test_rate_limit_per_minute(mail_app, smtp_server, clock):
    mail_app.config["MAIL_RATE_PER_MINUTE"] = 3
    queue(mail_app, count=8)
    start = clock.now
    totals = deliver(mail_app, once=True, clock=clock, sleep=clock.sleep)
    assert totals.sent == 8
    times = sorted((r.sent_at - start).total_seconds() for r in rows(mail_app))
    # No 60 seconds hold more than three sends, and no time was lost either.
    for n in range(len(times) - 3):
        assert times[n + 3] - times[n] >= 60
    assert times == [0, 0, 0, 60, 60, 60, 120, 120]
    assert len(smtp_server.received) == 8


def test_claims_no_more_than_the_rate_sends_in_a_lease(mail_app, smtp_server, clock):
    mail_app.config.update(
        MAIL_RATE_PER_MINUTE=2, MAIL_LEASE_SECONDS=150, MAIL_TIMEOUT_SECONDS=10
    )
    queue(mail_app, count=6)
    batches = []
    deliver(
        mail_app, once=True, clock=clock, sleep=clock.sleep, on_batch=batches.append
    )
    # (150 - 3 × 10) s of lease at 2 a minute: four per claim.
    assert [b.claimed for b in batches] == [4, 2]
    assert sum(b.sent for b in batches) == 6


def test_unknown_setting_is_refused_before_anything_is_claimed(app, clock):
    app.config["MAIL_URL"] = "imap://mail.example.org"
    queue(app)
    with pytest.raises(ValueError, match="smtp:// or smtps://"):
        deliver(app, once=True, clock=clock, sleep=clock.sleep)
    assert rows(app)[0].status == "queued"


def test_local_transport_marks_sent_and_keeps_the_bytes(app, clock):
    assert not app.config["MAIL_URL"]
    [row_id] = queue(app)
    with app.app_context():
        queued = db.session.get(OutboxMessage, row_id).raw
    mail_rate = app.config["MAIL_RATE_PER_MINUTE"]
    queue(app, count=mail_rate + 5)
    totals = deliver(app, once=True, clock=clock, sleep=clock.sleep)
    assert totals.sent == mail_rate + 6
    assert clock.slept == []  # nothing leaves, so no rate limit
    found = rows(app)
    assert {(r.status, r.transport) for r in found} == {("sent", "local")}
    assert found[0].raw == queued


def test_a_row_smtp_cannot_carry_fails_alone(mail_app, smtp_server, clock):
    """A row written around enqueue with a UTF-8 address fails, and does not
    stop the worker."""
    with mail_app.app_context():
        db.session.add(
            OutboxMessage(
                kind="test",
                recipient="zoë@example.org",
                message_id="<poison@silkmeet.test>",
                raw="To: zoë@example.org\r\nSubject: x\r\n\r\nx\r\n".encode(),
            )
        )
        db.session.commit()
    queue(mail_app)
    totals = deliver(mail_app, once=True, clock=clock, sleep=clock.sleep)
    assert (totals.failed, totals.sent) == (1, 1)
    poison, good = rows(mail_app)
    assert poison.status == "failed" and "not an ASCII address" in poison.last_error
    assert good.status == "sent"
