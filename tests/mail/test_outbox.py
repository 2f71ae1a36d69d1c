"""The outbox's operations: queueing, sender addresses, reading messages back."""

from __future__ import annotations

import email
from datetime import timedelta
from email import policy
from email.utils import parsedate_to_datetime

import pytest
from mailtest import CALENDAR
from mailtest import make_message
from mailtest import rows
from sqlalchemy import inspect
from sqlalchemy import update

from silkmeet.db import utcnow
from silkmeet.domain.mailbox import MailboxError
from silkmeet.extensions import db
from silkmeet.mail.operations import enqueue
from silkmeet.mail.operations import envelope_recipients
from silkmeet.mail.operations import failed_count
from silkmeet.mail.operations import latest_per_participation
from silkmeet.mail.operations import message_parts
from silkmeet.mail.operations import outbox_for
from silkmeet.mail.operations import reply_to_address
from silkmeet.mail.operations import requeue_failed
from silkmeet.mail.operations import sender_address
from silkmeet.mail.operations import sequences_sent
from silkmeet.mail.operations import status_counts
from silkmeet.models import Conference
from silkmeet.models import OutboxMessage


def test_enqueue_adds_message_id_and_date_and_stores_the_wire_bytes(app_ctx):
    app_ctx.app.config["MAIL_FROM"] = "silkmeet@mail.example.org"
    before = utcnow().replace(microsecond=0)
    message = make_message()
    row = enqueue(message, kind="invitation", conference_id=None, ics_uid="u-1")
    assert row.id is not None  # flushed
    assert message["Message-ID"].endswith("@mail.example.org>")
    assert row.message_id == message["Message-ID"]
    assert parsedate_to_datetime(message["Date"]) >= before
    assert (row.status, row.attempts, row.kind) == ("queued", 0, "invitation")
    assert row.recipient == "zoe@example.org"
    assert row.subject == "Invitation : réunion 会议"
    assert (row.ics_uid, row.ics_sequence) == ("u-1", None)
    # CRLF everywhere, as SMTP carries it.
    assert b"\r\n" in row.raw and b"\n" not in row.raw.replace(b"\r\n", b"")
    parsed = email.message_from_bytes(row.raw, policy=policy.default)
    assert parsed["Message-ID"] == row.message_id


def test_enqueue_keeps_a_message_id_it_is_given(app_ctx):
    message = make_message()
    message["Message-ID"] = "<fixed-1@silkmeet.test>"
    message["Date"] = "Mon, 30 Mar 2026 12:00:00 +0000"
    row = enqueue(message, kind="update", conference_id=None)
    assert row.message_id == "<fixed-1@silkmeet.test>"
    assert message.get_all("Date") == ["Mon, 30 Mar 2026 12:00:00 +0000"]


def test_enqueue_never_commits(app):
    with app.app_context():
        row = enqueue(make_message(), kind="invitation", conference_id=None)
        assert row.id is not None and not db.session.new  # flushed...
        assert db.session().in_transaction()  # ...not committed
        db.session.rollback()  # and gone with the caller's transaction
    assert rows(app) == []


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda m: m.replace_header("To", "a@example.org, b@example.org"), "one To"),
        (lambda m: m.replace_header("To", "nobody"), "one To"),
        (lambda m: m.__delitem__("To"), "one To"),
        (lambda m: m.__delitem__("From"), "no From"),
        (lambda m: m.__setitem__("Bcc", "c@example.org"), "Bcc"),
        (lambda m: m.replace_header("To", "Zoë <zoë@example.org>"), "non-ASCII"),
        (lambda m: m.__setitem__("Cc", "chair@exämple.org"), "non-ASCII"),
    ],
)
def test_enqueue_refuses_what_it_cannot_send(app_ctx, change, error):
    message = make_message()
    change(message)
    with pytest.raises(ValueError, match=error):
        enqueue(message, kind="invitation", conference_id=None)


def test_enqueue_refuses_an_unknown_kind(app_ctx):
    with pytest.raises(ValueError, match="unknown mail kind"):
        enqueue(make_message(), kind="spam", conference_id=None)


def test_envelope_recipients_are_to_and_cc():
    message = make_message(cc="Chair <chair@example.org>, co@example.org")
    raw = message.as_bytes(policy=policy.SMTP)
    assert envelope_recipients(raw) == [
        "zoe@example.org",
        "chair@example.org",
        "co@example.org",
    ]


def test_sender_and_reply_to(app, make_conference):
    conference_id = make_conference(title="Silk Cities")
    with app.app_context():
        conference = db.session.get(Conference, conference_id)
        assert sender_address(None) == ("silkmeet", "silkmeet@localhost")
        assert sender_address(conference) == ("Silk Cities", "silkmeet@localhost")
        assert reply_to_address(conference) is None

        app.config["MAIL_FROM"] = "Lyon Events <events@lyon.example>"
        assert sender_address(None) == ("Lyon Events", "events@lyon.example")
        assert sender_address(conference) == ("Silk Cities", "events@lyon.example")

        conference.mail_from = "silk@lyon.example"
        conference.mail_reply_to = "Organisers <team@lyon.example>"
        assert sender_address(conference) == ("Silk Cities", "silk@lyon.example")
        assert reply_to_address(conference) == ("Organisers", "team@lyon.example")
        conference.mail_from = "Soie <silk@lyon.example>"
        assert sender_address(conference) == ("Soie", "silk@lyon.example")

        app.config["MAIL_FROM"] = "not an address"
        with pytest.raises(MailboxError):
            sender_address(None)


def test_message_parts(app_ctx):
    row = enqueue(make_message(), kind="invitation", conference_id=None)
    db.session.commit()
    parts = message_parts(db.session.get(OutboxMessage, row.id))
    headers = dict(parts.headers)
    assert headers["To"] == "Zoë Ndiaye <zoe@example.org>"
    assert headers["Subject"] == "Invitation : réunion 会议"
    assert parts.text == "Bonjour Zoë,\n\nLa réunion commence à 14:00 (Paris).\n"
    assert parts.html == "<p>Bonjour Zoë, à <b>14:00</b></p>\n"
    assert parts.calendar == CALENDAR.encode()
    [attachment] = parts.attachments
    assert attachment == ("invite.ics", "application/ics", CALENDAR.encode())
    headers_, text, html, calendar, attachments = parts  # the tuple it promises
    assert calendar == parts.calendar


def test_outbox_for_filters_newest_first_without_the_bytes(app, make_conference):
    conference_id = make_conference()
    other_id = make_conference(slug="other")
    with app.app_context():
        first = enqueue(make_message(), kind="invitation", conference_id=conference_id)
        second = enqueue(
            make_message(to="b@example.org"), kind="update", conference_id=conference_id
        )
        enqueue(make_message(), kind="invitation", conference_id=other_id)
        system = enqueue(make_message(), kind="test", conference_id=None)
        second.created_at = first.created_at + timedelta(seconds=1)
        db.session.commit()
        ids = (first.id, second.id, system.id)

    with app.app_context():
        found = db.session.scalars(outbox_for(conference_id)).all()
        assert [row.id for row in found] == [ids[1], ids[0]]
        assert "raw" in inspect(found[0]).unloaded
        assert [r.id for r in db.session.scalars(outbox_for(None))] == [ids[2]]
        by_kind = db.session.scalars(outbox_for(conference_id, kind="update"))
        assert [r.id for r in by_kind] == [ids[1]]
        assert db.session.scalars(outbox_for(conference_id, status="sent")).all() == []
        page = db.paginate(outbox_for(conference_id), page=1, per_page=1)
        assert (page.total, [r.id for r in page.items]) == (2, [ids[1]])


def test_status_counts_and_requeue(app, make_conference):
    conference_id = make_conference()
    with app.app_context():
        rows_ = [
            enqueue(
                make_message(to=f"p{n}@example.org"),
                kind="invitation",
                conference_id=conference_id,
            )
            for n in range(3)
        ]
        rows_[0].status = "failed"
        rows_[0].attempts = 12
        rows_[1].status = "sent"
        db.session.commit()
        assert status_counts(conference_id) == {
            "queued": 1,
            "sending": 0,
            "sent": 1,
            "failed": 1,
            "superseded": 0,
        }
        assert status_counts(None)["queued"] == 1
        assert requeue_failed(conference_id) == 1
        db.session.commit()
        again = db.session.get(OutboxMessage, rows_[0].id)
        assert (again.status, again.attempts) == ("queued", 0)
        assert status_counts(conference_id)["failed"] == 0


def test_sequences_sent_per_participant_and_uid(app, make_conference):
    conference_id = make_conference(speakers=[("Ada", "FR", "Europe/Paris")])
    with app.app_context():
        conference = db.session.get(Conference, conference_id)
        [participation] = conference.participations
        pid = participation.id
        for status, uid, sequence in [
            ("sent", "meeting", 1),
            ("sent", "meeting", 3),
            ("sending", "slot", 2),
            ("queued", "meeting", 4),  # not yet theirs
            ("failed", "meeting", 5),  # never theirs
        ]:
            row = enqueue(
                make_message(),
                kind="update",
                conference_id=conference_id,
                participation_id=pid,
                ics_uid=uid,
                ics_sequence=sequence,
            )
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id)
                .values(status=status)
            )
        db.session.commit()
        assert sequences_sent(conference_id) == {(pid, "meeting"): 3, (pid, "slot"): 2}


def test_latest_message_per_participant_and_failures(app, make_conference):
    conference_id = make_conference(
        speakers=[("Ada", "FR", "Europe/Paris"), ("Bo", "SE", "Europe/Stockholm")]
    )
    other_id = make_conference(slug="other", speakers=[("Cy", "FR", "Europe/Paris")])
    with app.app_context():
        ada, bo = db.session.get(Conference, conference_id).participations
        [cy] = db.session.get(Conference, other_id).participations

        def add(pid, kind, status, seconds, conference=conference_id):
            row = enqueue(
                make_message(),
                kind=kind,
                conference_id=conference,
                participation_id=pid,
            )
            row.status, row.last_error = status, f"{status} {kind}"
            row.created_at = utcnow() + timedelta(seconds=seconds)
            return row

        add(ada.id, "invitation", "sent", 0)
        newest = add(ada.id, "update", "failed", 2)
        add(ada.id, "reminder", "sent", 1)  # queued between, created earlier
        add(None, "test", "failed", 5)  # no participant
        add(cy.id, "invitation", "failed", 9, conference=other_id)
        db.session.commit()
        latest = latest_per_participation(conference_id)
        assert set(latest) == {ada.id}
        row = latest[ada.id]
        assert (row.id, row.kind, row.status, row.last_error) == (
            newest.id,
            "update",
            "failed",
            "failed update",
        )
        assert row.created_at.tzinfo is not None
        assert failed_count(conference_id) == 2
        assert failed_count(other_id) == 1
        assert bo.id not in latest
