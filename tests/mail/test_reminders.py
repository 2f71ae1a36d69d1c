"""Reminders and nudges: due at their offsets before the start, to those who
were invited and have not declined (nudges: not answered), queued once however
many workers look, sent again for a moved start, delivered with the
recipient's local time."""

from __future__ import annotations

import email
import threading
from collections import Counter
from datetime import timedelta
from email import policy
from zoneinfo import ZoneInfo

import pytest
from mailtest import FakeClock
from mailtest import make_message
from mailtest import two_workers
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from silkmeet.db import utcnow
from silkmeet.extensions import db
from silkmeet.invites.rows import personal_row
from silkmeet.mail import reminders
from silkmeet.mail.operations import enqueue
from silkmeet.mail.queueing import queue_message
from silkmeet.mail.worker import deliver
from silkmeet.models import Conference
from silkmeet.models import OutboxMessage
from silkmeet.models import Participation
from silkmeet.models import Person
from silkmeet.models import ReminderSent
from silkmeet.organiser import operations as organiser_ops

SITE = "https://silkmeet.example"
# Ten days ahead, on the minute: a conference still to come.
START = (utcnow() + timedelta(days=10)).replace(second=0, microsecond=0)
# Who the demo's invitations reach, and what they answered.
ANSWERED = {
    "张国强": "accepted",
    "向锋": "declined",
    "佐藤 美咲": "needs-action",
    "Giulia Bernasconi": "tentative",
    "ნინო ბერიძე": "needs-action",  # loses her address
    "Carmen Ortega": "needs-action",  # removed
}
REMINDED = {"zhang.guoqiang@example.org", "misaki.sato@example.org"}
REMINDED |= {"giulia.bernasconi@example.org"}
NUDGED = {"misaki.sato@example.org"}


def pid(full_name: str) -> int:
    return db.session.scalar(
        select(Participation.id).join(Person).where(Person.full_name == full_name)
    )


def set_start(app, conference_id: int, start) -> None:
    with app.app_context():
        conference = db.session.get(Conference, conference_id)
        organiser_ops.update_conference(conference, start_at=start)
        db.session.commit()


@pytest.fixture
def invited(app, demo, english_readers):
    """The demo conference ten days ahead; the people of :data:`ANSWERED`
    invited and answered; Ana Paula Souza not invited; Dilnoza Karimova's
    invitation failed; links built on ``SERVER_NAME``."""
    app.config.update(SERVER_NAME="silkmeet.example", PREFERRED_URL_SCHEME="https")
    set_start(app, demo, START)
    with app.test_request_context(base_url=SITE):
        for name, answer in ANSWERED.items():
            queue_message(personal_row(Participation.id == pid(name)), "invitation")
            db.session.get(Participation, pid(name)).rsvp = answer
        failed = queue_message(
            personal_row(Participation.id == pid("Dilnoza Karimova")), "invitation"
        )
        failed.status = "failed"
        person = db.session.get(Participation, pid("ნინო ბერიძე")).person
        person.email = "  "
        organiser_ops.remove_participant(
            db.session.get(Participation, pid("Carmen Ortega"))
        )
        db.session.commit()
    return demo


def queued(app, kind: str) -> list[str]:
    with app.app_context():
        return sorted(
            db.session.scalars(
                select(OutboxMessage.recipient)
                .where(OutboxMessage.kind == kind)
                .order_by(OutboxMessage.id)
            )
        )


def queue_at(app, now) -> int:
    with app.app_context():
        return reminders.queue_due(now)


def test_queue_due_queues_exactly_the_due_ones(app, invited):
    before = START - timedelta(days=3)
    assert queue_at(app, before - timedelta(minutes=1)) == 0
    # The nudge: to those invited who have not answered.
    assert queue_at(app, before + timedelta(seconds=5)) == len(NUDGED)
    assert set(queued(app, "nudge")) == NUDGED
    assert queue_at(app, before + timedelta(minutes=1)) == 0
    # 1 day, then 1 hour before: to those invited who have not declined.
    day = START - timedelta(days=1)
    assert queue_at(app, day - timedelta(seconds=5)) == 0
    assert queue_at(app, day + timedelta(seconds=5)) == len(REMINDED)
    assert queue_at(app, day + timedelta(minutes=10)) == 0
    assert queue_at(app, START - timedelta(hours=1)) == len(REMINDED)
    assert queue_at(app, START - timedelta(minutes=30)) == 0
    assert queue_at(app, START + timedelta(minutes=1)) == 0
    assert queued(app, "reminder") == sorted(list(REMINDED) * 2)
    assert queued(app, "nudge") == sorted(NUDGED)
    with app.app_context():
        keys = db.session.execute(
            select(ReminderSent.kind, ReminderSent.offset_minutes, func.count())
            .where(ReminderSent.start_at == START)
            .group_by(ReminderSent.kind, ReminderSent.offset_minutes)
            .order_by(ReminderSent.kind, ReminderSent.offset_minutes)
        ).all()
        assert keys == [("nudge", 4320, 1), ("reminder", 60, 3), ("reminder", 1440, 3)]
        assert (
            db.session.scalar(
                select(func.count()).where(ReminderSent.outbox_message_id.is_(None))
            )
            == 0
        )


def test_a_reminder_found_late_is_skipped_unless_it_is_the_last(app, invited):
    # The worker was down from before the 1-day reminder until 2 hours before.
    assert queue_at(app, START - timedelta(hours=2)) == 0
    assert queue_at(app, START - timedelta(minutes=40)) == len(REMINDED)
    with app.app_context():
        leads = {row.offset_minutes for row in db.session.scalars(select(ReminderSent))}
        assert leads == {60}
        [raw] = db.session.scalars(
            select(OutboxMessage.raw).where(
                OutboxMessage.recipient == "zhang.guoqiang@example.org",
                OutboxMessage.kind == "reminder",
            )
        )
    # It says what is left, not "1 hour".
    assert b"starts in 40 minutes" in raw


def test_a_moved_start_arms_the_reminders_again(app, invited):
    day = START - timedelta(days=1)
    assert queue_at(app, day + timedelta(seconds=5)) == len(REMINDED)
    later = START + timedelta(hours=3)
    set_start(app, invited, later)
    assert queue_at(app, day + timedelta(minutes=1)) == 0
    assert queue_at(app, later - timedelta(days=1)) == len(REMINDED)
    assert queue_at(app, later - timedelta(days=1, seconds=-30)) == 0
    assert queued(app, "reminder") == sorted(list(REMINDED) * 2)
    # Drafts and cancelled conferences remind nobody.
    for status in ("draft", "cancelled"):
        with app.app_context():
            db.session.get(Conference, invited).status = status
            db.session.commit()
        assert queue_at(app, later - timedelta(hours=1)) == 0


def test_an_address_the_outbox_refuses_is_recorded_once(app, invited):
    with app.app_context():
        person = db.session.get(Participation, pid("佐藤 美咲")).person
        person.email = "satō@example.jp"
        db.session.commit()
    day = START - timedelta(days=1)
    assert queue_at(app, day) == len(REMINDED) - 1
    assert queue_at(app, day + timedelta(seconds=5)) == 0
    with app.app_context():
        [problem] = db.session.scalars(
            select(ReminderSent.problem).where(ReminderSent.problem.is_not(None))
        )
    assert "satō@example.jp" in problem


def test_the_worker_queues_and_delivers_reminders(app, invited, smtp_server):
    app.config["MAIL_URL"] = smtp_server.url
    # The worker polls every 5 seconds from a minute before the 1-day reminder.
    clock = FakeClock(START - timedelta(days=1, minutes=1))
    stop = threading.Event()

    def sleep(seconds):
        clock.sleep(seconds)
        if clock.now > START - timedelta(days=1) + timedelta(minutes=1):
            stop.set()

    polls = []
    totals = deliver(
        app,
        once=False,
        poll_seconds=5,
        clock=clock,
        sleep=sleep,
        stop=stop,
        on_batch=polls.append,
    )
    assert totals.reminders == len(REMINDED)
    assert [b.reminders for b in polls if b.reminders] == [len(REMINDED)]
    # The invitations went first (queued before), then the reminders.
    got = [
        email.message_from_bytes(r.content, policy=policy.default)
        for r in smtp_server.received
    ]
    sent = [m for m in got if m["Subject"].startswith("Reminder:")]
    assert {m["To"].addresses[0].addr_spec for m in sent} == REMINDED
    assert len(sent) == len(REMINDED)
    misaki = next(m for m in sent if "misaki" in str(m["To"]))
    assert misaki["Subject"].endswith("starts in 1 day")
    assert not [p for p in misaki.walk() if p.get_content_type() == "text/calendar"]
    assert not [p for p in misaki.walk() if p.is_attachment()]
    text = misaki.get_body(("plain",)).get_content()
    local = START.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"{local:%H:%M}" in text and "JST" in text
    assert str(local.day) in text
    assert "https://silkmeet.example/c/silk-cities-2020/me/" in text


def test_the_nudge_reaches_only_those_without_an_answer(app, invited, smtp_server):
    app.config["MAIL_URL"] = smtp_server.url
    clock = FakeClock(START - timedelta(days=3) + timedelta(seconds=5))
    totals = deliver(app, once=True, clock=clock, sleep=clock.sleep)
    assert totals.reminders == len(NUDGED)
    got = [
        email.message_from_bytes(r.content, policy=policy.default)
        for r in smtp_server.received
    ]
    nudges = [m for m in got if m["Subject"].startswith("Will you join")]
    assert {m["To"].addresses[0].addr_spec for m in nudges} == NUDGED
    [nudge] = nudges
    assert not [p for p in nudge.walk() if p.get_content_type() == "text/calendar"]
    assert "You can answer on your personal page" in (
        nudge.get_body(("plain",)).get_content()
    )


def test_without_the_sites_address_the_worker_says_so_and_sends_the_rest(
    app, invited, smtp_server
):
    app.config.update(MAIL_URL=smtp_server.url, SERVER_NAME=None)
    clock = FakeClock(START - timedelta(days=1))
    errors = []
    totals = deliver(
        app, once=True, clock=clock, sleep=clock.sleep, on_error=errors.append
    )
    assert errors == [str(reminders.NoLinks())]
    assert totals.reminders == 0
    # The invitations still go, but Carmen Ortega's: removed after it was
    # queued, her cancellation replaces it, and has nothing to cancel.
    assert (totals.sent, totals.superseded) == (len(ANSWERED) - 1, 2)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 0


def test_the_nudge_button(app, client, auth, invited):
    auth.login_as(conferences=[invited])
    url = "/organiser/c/silk-cities-2020/answers"
    with client.get(url) as page:
        assert "to 1 person invited without an answer" in page.text
        assert "Reminder e-mails go 1d and 1h before the start" in page.text
    response = client.post(f"{url}/nudge")
    assert response.headers["Location"] == url
    with client.get(url) as page:
        assert "1 nudge queued" in page.text
    # A second press in the same minute is the same nudge.
    client.post(f"{url}/nudge")
    with client.get(url) as page:
        assert "No nudge queued" in page.text
    assert queued(app, "nudge") == sorted(NUDGED)


def test_the_reminders_command(app, runner, invited):
    # One hour and a bit before the start, by the wall clock the command reads.
    soon = (utcnow() + timedelta(minutes=59)).replace(microsecond=0)
    set_start(app, invited, soon)
    result = runner.invoke(args=["mail", "reminders", "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = sorted(result.stdout.splitlines())
    assert [line.split("\t")[-1] for line in lines] == sorted(REMINDED)
    assert lines[0].split("\t")[:2] == ["silk-cities-2020", "reminder"]
    assert result.stderr == "3 due (dry run: nothing queued)\n"
    assert queued(app, "reminder") == []
    result = runner.invoke(args=["mail", "reminders"])
    assert result.stdout == "3 reminders and nudges queued\n"
    assert queued(app, "reminder") == sorted(REMINDED)
    result = runner.invoke(args=["mail", "reminders"])
    assert result.stdout == "0 reminders and nudges queued\n"


def test_the_reminders_command_needs_the_sites_address(app, runner, invited):
    set_start(app, invited, utcnow() + timedelta(minutes=59))
    app.config["SERVER_NAME"] = None
    result = runner.invoke(args=["mail", "reminders"])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {reminders.NoLinks()}\n"


@pytest.mark.postgres_only
def test_two_workers_queue_each_reminder_once(app, smtp_server, make_conference):
    """Two workers on their own connections find the same 80 reminders due at
    the same moment: each is queued, and delivered, once."""
    people = 80
    app.config.update(
        SERVER_NAME="silkmeet.example",
        MAIL_URL=smtp_server.url,
        MAIL_RATE_PER_MINUTE=0,
    )
    speakers = [(f"Speaker {n}", "FR", "Europe/Paris") for n in range(people)]
    conference = make_conference(
        slug="crowd", speakers=speakers, item_minutes=1, start=None
    )
    with app.app_context():
        db.session.execute(
            update(Person).values(
                email=func.lower(func.replace(Person.full_name, " ", ""))
                + "@example.org"
            )
        )
        db.session.get(Conference, conference).start_at = START
        for participation in db.session.scalars(select(Participation)):
            invitation = make_message(to=f"{participation.person.email}")
            enqueue(
                invitation,
                kind="invitation",
                conference_id=conference,
                participation_id=participation.id,
            ).status = "sent"
        db.session.commit()

    now = START - timedelta(hours=1)

    def work(_name):
        clock = FakeClock(now)
        return deliver(app, once=True, batch=10, clock=clock, sleep=clock.sleep)

    results = two_workers(work, timeout=120)
    assert results["a"].reminders + results["b"].reminders == people
    subjects = Counter(
        (r.rcpt_tos[0], email.message_from_bytes(r.content)["Subject"])
        for r in smtp_server.received
    )
    assert len(subjects) == people
    assert set(subjects.values()) == {1}
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(ReminderSent)) == people
        )
        kinds = db.session.execute(
            select(OutboxMessage.kind, OutboxMessage.status, func.count()).group_by(
                OutboxMessage.kind, OutboxMessage.status
            )
        ).all()
    assert sorted(kinds) == [
        ("invitation", "sent", people),
        ("reminder", "sent", people),
    ]
