"""Pending messages: queued as names of what to send, rendered by the worker,
dropped when something later replaces them."""

from __future__ import annotations

import pytest
from mailtest import rows
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.invites.plan import conference_uid
from silkmeet.invites.rows import personal_row
from silkmeet.mail import messages
from silkmeet.mail.operations import Pending
from silkmeet.mail.operations import enqueue
from silkmeet.mail.operations import enqueue_pending
from silkmeet.mail.operations import message_parts
from silkmeet.mail.operations import requeue_failed
from silkmeet.mail.queueing import message_origin
from silkmeet.mail.queueing import queue_message
from silkmeet.mail.worker import Counts
from silkmeet.mail.worker import deliver
from silkmeet.models import Conference
from silkmeet.models import OutboxMessage
from silkmeet.models import Participation
from silkmeet.models import Person
from silkmeet.organiser import operations as organiser_ops

SITE = "https://silkmeet.example"


def person(full_name: str):
    pid = db.session.scalar(
        select(Participation.id).join(Person).where(Person.full_name == full_name)
    )
    return personal_row(Participation.id == pid)


def pending(kind: str, row, uid: str | None = None, slot=None) -> Pending:
    conference = db.session.get(Conference, row.conference_id)
    return Pending(kind, row.id, row.email, uid or conference_uid(conference), slot)


def test_enqueue_pending_refuses_what_it_cannot_send(app, demo):
    with app.test_request_context(base_url=SITE):
        claire = person("Claire Fabre")
        with pytest.raises(ValueError, match="cannot be queued pending"):
            enqueue_pending(demo, [pending("reminder", claire)])
        with pytest.raises(ValueError, match="cannot be sent to"):
            enqueue_pending(
                demo, [pending("invitation", claire)._replace(recipient="x")]
            )
        # An internationalised domain is kept in its ASCII form.
        idn = pending("invitation", claire)._replace(recipient="claire@bücher.example")
        assert enqueue_pending(demo, [idn]) == 1
        db.session.commit()
    [row] = rows(app)
    assert row.recipient == "claire@xn--bcher-kva.example"
    assert (row.raw, row.site_url, row.status) == (None, SITE + "/", "queued")


def test_a_pending_row_shows_as_it_would_be_sent(app, demo, english_readers):
    with app.test_request_context(base_url=SITE):
        enqueue_pending(demo, [pending("invitation", person("Claire Fabre"))])
        db.session.commit()
    with app.app_context():
        row = db.session.scalar(select(OutboxMessage))
        parts = message_parts(row)
        assert "Dear Claire Fabre," in parts.text
        assert b"METHOD:REQUEST" in parts.calendar
        assert row.raw is None  # nothing stored by looking at it


def test_rendering_failures_and_superseded_rows_are_recorded(
    mail_app, smtp_server, clock, demo
):
    with mail_app.app_context():
        # Queued outside a request, with no SILKMEET_SERVER_NAME: no links.
        enqueue_pending(demo, [pending("invitation", person("Claire Fabre"))])
        db.session.commit()
    totals = deliver(mail_app, once=True, clock=clock, sleep=clock.sleep)
    assert (totals.failed, totals.sent) == (1, 0)
    [row] = rows(mail_app)
    assert row.status == "failed"
    assert row.last_error == (
        "Links in e-mail need the site's address: set SILKMEET_SERVER_NAME"
    )
    # Once configured, a retry renders it again.
    mail_app.config["SERVER_NAME"] = "silkmeet.example"
    with mail_app.app_context():
        assert requeue_failed(demo) == 1
        db.session.commit()
    assert deliver(mail_app, once=True, clock=clock, sleep=clock.sleep).sent == 1
    assert rows(mail_app)[0].status == "sent"
    assert smtp_server.received[0].rcpt_tos == ["claire.fabre@example.org"]


def test_a_prebuilt_message_replaced_or_below_what_they_hold_is_not_sent(
    mail_app, smtp_server, clock, demo
):
    with mail_app.test_request_context(base_url=SITE):
        # Built at revision 1: one queued (not due yet), one kept aside.
        old = queue_message(person("张国强"), messages.INVITATION)
        old.next_attempt_at = clock.now.replace(year=clock.now.year + 1)
        old_id = old.id
        conference = db.session.get(Conference, demo)
        origin = message_origin(conference)
        stale = messages.build_invitation(person("张国强"), **origin)
        # A change, and the newer invitation sent.
        organiser_ops.update_conference(conference, passcode="soie2021")
        queue_message(person("张国强"), messages.INVITATION)
        db.session.commit()
    assert deliver(mail_app, once=True, clock=clock, sleep=clock.sleep).sent == 1
    with mail_app.app_context():
        db.session.get(OutboxMessage, old_id).next_attempt_at = clock.now
        enqueue(
            stale.message,
            kind="invitation",
            conference_id=demo,
            participation_id=person("张国强").id,
            ics_uid=stale.ics_uid,
            ics_sequence=stale.ics_sequence,
        )
        db.session.commit()
    totals = deliver(mail_app, once=True, clock=clock, sleep=clock.sleep)
    assert (totals.sent, totals.superseded) == (0, 2)
    found = {r.id: (r.status, r.last_error) for r in rows(mail_app)}
    assert found[old_id] == ("superseded", "a later message replaces it")
    assert found[max(found)] == (
        "superseded",
        "they hold this event at SEQUENCE 2 already",
    )
    assert totals.line().endswith(", 2 superseded")
    assert Counts(sent=1).line().endswith("0 handed back")
    assert len(smtp_server.received) == 1


def test_a_cancellation_of_what_never_went_out_is_dropped(
    mail_app, smtp_server, clock, demo
):
    with mail_app.test_request_context(base_url=SITE):
        claire = person("Claire Fabre")
        enqueue_pending(demo, [pending("invitation", claire)])
        # Removed before the worker came by: her invitation gives way to the
        # cancellation, which has nothing to cancel.
        organiser_ops.remove_participant(db.session.get(Participation, claire.id))
        db.session.commit()
    totals = deliver(mail_app, once=True, clock=clock, sleep=clock.sleep)
    assert (totals.sent, totals.superseded) == (0, 2)
    assert [(r.kind, r.last_error) for r in rows(mail_app)] == [
        ("invitation", "a later message replaces it"),
        ("cancellation", "they never received what it would cancel"),
    ]
    assert smtp_server.received == []
