"""A participant's message from the lineup to the SMTP server: built, queued in
the caller's transaction, and delivered by the worker."""

from __future__ import annotations

import email
from datetime import timedelta
from email import policy

import icalendar
import pytest
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.invites.rows import personal_row
from silkmeet.mail import messages
from silkmeet.mail.queueing import queue_message
from silkmeet.mail.worker import deliver
from silkmeet.models import Conference
from silkmeet.models import Organiser
from silkmeet.models import OutboxMessage
from silkmeet.models import Participation
from silkmeet.models import Person
from silkmeet.organiser import operations as organiser_ops

SITE = "https://silkmeet.example"


def row_of(full_name: str):
    pid = db.session.scalar(
        select(Participation.id).join(Person).where(Person.full_name == full_name)
    )
    return personal_row(Participation.id == pid)


def send(app, clock, smtp_server, queue):
    """Queue in a request on the site (``queue()``), commit, let the worker send;
    the message the server received, parsed, and its outbox row."""
    with app.test_request_context(base_url=SITE):
        row_id = queue().id
        db.session.commit()
    totals = deliver(app, once=True, clock=clock, sleep=clock.sleep)
    assert totals.sent == 1
    got = smtp_server.received[-1]
    with app.app_context():
        row = db.session.get(OutboxMessage, row_id)
        db.session.expunge(row)
    return email.message_from_bytes(got.content, policy=policy.default), row, got


def event_of(message, method):
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == method
    [event] = icalendar.Calendar.from_ical(part.get_content().encode()).walk("VEVENT")
    return event


def test_an_invitation_reaches_the_speaker(
    mail_app, smtp_server, clock, auth, demo, english_readers
):
    mail_app.config["MAIL_FROM"] = "Silk desk <desk@silkmeet.example>"
    owner = auth.create(email="owner@example.org", conferences=[demo])
    with mail_app.app_context():
        # Non-ASCII organiser names in Reply-To, as stored and as sent.
        db.session.get(Organiser, owner).name = "Шавкат Умурзаков"
        db.session.commit()
    auth.create(email="second@example.org", conferences=[demo])
    sent, row, got = send(
        mail_app,
        clock,
        smtp_server,
        lambda: queue_message(row_of("佐藤 美咲"), messages.INVITATION),
    )
    assert got.rcpt_tos == ["misaki.sato@example.org"]
    assert (row.kind, row.ics_sequence, row.status) == ("invitation", 1, "sent")
    assert sent["From"].addresses[0].addr_spec == "desk@silkmeet.example"
    assert [(a.display_name, a.addr_spec) for a in sent["Reply-To"].addresses] == [
        ("Шавкат Умурзаков", "owner@example.org"),
        ("second", "second@example.org"),
    ]
    assert b"=?utf-8?q?=2C?=" not in got.content
    assert sent["Message-ID"] == row.message_id
    assert sent["Message-ID"].endswith("@silkmeet.example>")
    event = event_of(sent, "REQUEST")
    assert event["UID"] == row.ics_uid
    assert event["ORGANIZER"] == "mailto:desk@silkmeet.example"
    assert event["ATTENDEE"] == "mailto:misaki.sato@example.org"
    text = sent.get_body(("plain",)).get_content()
    assert "Passcode: soie2020" in text and "JST (UTC+09:00)" in text


def test_an_update_goes_out_only_above_what_was_sent(
    mail_app, smtp_server, clock, demo, english_readers
):
    first, row, _ = send(
        mail_app,
        clock,
        smtp_server,
        lambda: queue_message(row_of("张国强"), messages.INVITATION),
    )
    with mail_app.test_request_context(base_url=SITE):
        # Nothing in the invite changed: its SEQUENCE would not rise.
        with pytest.raises(messages.CannotSend, match="SEQUENCE 1 already"):
            queue_message(row_of("张国强"), messages.UPDATE, changes=["Nothing"])
        conference = db.session.get(Conference, demo)
        organiser_ops.update_conference(conference, passcode="soie2021")
        db.session.commit()
    update, again, _ = send(
        mail_app,
        clock,
        smtp_server,
        lambda: queue_message(
            row_of("张国强"), messages.UPDATE, changes=["The passcode is new."]
        ),
    )
    assert again.ics_uid == row.ics_uid and again.ics_sequence == 2
    assert event_of(update, "REQUEST")["SEQUENCE"] == 2
    assert "Passcode: soie2021" in update.get_body(("plain",)).get_content()


def test_a_slot_reminder_and_cancellation(
    mail_app, smtp_server, clock, demo, english_readers
):
    with mail_app.app_context():
        db.session.get(Conference, demo).mail_reply_to = "Desk <desk@example.org>"
        db.session.commit()
    slot, row, _ = send(
        mail_app,
        clock,
        smtp_server,
        lambda: queue_message(row_of("佐藤 美咲"), messages.INVITATION, slot=1),
    )
    assert row.kind == "slot"
    assert event_of(slot, "REQUEST")["SUMMARY"] == "You speak: Japan"
    assert [a.addr_spec for a in slot["Reply-To"].addresses] == ["desk@example.org"]
    reminder, row, _ = send(
        mail_app,
        clock,
        smtp_server,
        lambda: queue_message(
            row_of("佐藤 美咲"), messages.REMINDER, lead=timedelta(hours=1)
        ),
    )
    assert (row.kind, row.ics_uid, row.ics_sequence) == ("reminder", None, None)
    assert reminder.get_content_type() == "multipart/alternative"
    with mail_app.test_request_context(base_url=SITE):
        organiser_ops.remove_participant(
            db.session.get(Participation, row_of("佐藤 美咲").id)
        )
        db.session.commit()
    # The removal cancelled the slot event she was mailed, by itself.
    assert deliver(mail_app, once=True, clock=clock, sleep=clock.sleep).sent == 1
    got = email.message_from_bytes(
        smtp_server.received[-1].content, policy=policy.default
    )
    assert event_of(got, "CANCEL")["SUMMARY"] == "Cancelled: You speak: Japan"
    cancel, row, _ = send(
        mail_app,
        clock,
        smtp_server,
        lambda: queue_message(row_of("佐藤 美咲"), messages.CANCELLATION),
    )
    event = event_of(cancel, "CANCEL")
    assert event["STATUS"] == "CANCELLED" and row.kind == "cancellation"
    assert row.ics_sequence == event["SEQUENCE"] > 1
