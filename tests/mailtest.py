"""Mail test helpers: a real SMTP server (aiosmtpd) in the test process, an
invitation-like message, and a clock the tests move."""

from __future__ import annotations

import socket
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from silkmeet.db import utcnow

CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//silkmeet//test//EN\r\n"
    "METHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:test-1@silkmeet.test\r\n"
    "SEQUENCE:3\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260330T120000Z\r\n"
    "DTEND:20260330T130000Z\r\nSUMMARY:Réunion des villes de la soie\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def make_message(
    to: str = "Zoë Ndiaye <zoe@example.org>",
    subject: str = "Invitation : réunion 会议",
    sender: str = "Silk Cities <silkmeet@example.org>",
    cc: str | None = None,
    filler: int = 0,
) -> EmailMessage:
    """What an invitation looks like (EMAIL.md): text, HTML and the calendar as
    alternatives, and the calendar again as an attachment. ``filler`` adds as
    many lines to the bodies (the benchmark's messages are invitation-sized)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    line = "Votre créneau, le lien de la réunion et son code.\n"
    message.set_content(
        "Bonjour Zoë,\n\nLa réunion commence à 14:00 (Paris).\n" + line * filler
    )
    message.add_alternative(
        "<p>Bonjour Zoë, à <b>14:00</b></p>" + f"<p>{line}</p>" * filler,
        subtype="html",
    )
    message.add_alternative(
        CALENDAR.encode(),
        maintype="text",
        subtype="calendar",
        params={"method": "REQUEST", "charset": "utf-8"},
    )
    message.add_attachment(
        CALENDAR.encode(), maintype="application", subtype="ics", filename="invite.ics"
    )
    return message


def free_port() -> int:
    # aiosmtpd 1.4.6 cannot start on port 0: pick a free port first.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    mail_options: list[str]
    tls: bool


class Handler:
    """Keeps what it accepts; answers scripted replies to DATA first."""

    def __init__(self):
        self.received: list[Received] = []
        self.replies: deque[str] = deque()
        self.on_data = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.on_data is not None:
            self.on_data()
        with self.lock:
            if self.replies:
                return self.replies.popleft()
            self.received.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    envelope.original_content,
                    list(envelope.mail_options),
                    session.ssl is not None,
                )
            )
        return "250 2.0.0 OK queued"


class SMTPServer:
    """A real SMTP server on 127.0.0.1 that can be stopped and started again."""

    def __init__(self, **smtp_options):
        self.port = free_port()
        self.handler = Handler()
        self.options = smtp_options
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def reply(self, text: str, times: int = 1) -> None:
        """Answer the next ``times`` DATA commands with ``text``."""
        self.handler.replies.extend([text] * times)

    def start(self) -> None:
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, **self.options
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class FakeClock:
    """The worker's clock and sleep: sleeping moves the clock, nothing waits."""

    def __init__(self, now: datetime | None = None):
        # Ahead of the wall clock, so that what a test queues is already due.
        self.now = now or utcnow() + timedelta(minutes=10)
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def queue(app, count: int = 1, **kwargs) -> list[int]:
    """Queue and commit ``count`` invitations (to p0@…, p1@… unless ``to``)."""
    from silkmeet.extensions import db
    from silkmeet.mail.operations import enqueue

    with app.app_context():
        ids = []
        for n in range(count):
            message = make_message(to=kwargs.get("to", f"p{n}@example.org"))
            ids.append(enqueue(message, kind="invitation", conference_id=None).id)
        db.session.commit()
        return ids


def rows(app) -> list:
    """Every outbox row, bytes loaded, detached from the session."""
    from sqlalchemy import select
    from sqlalchemy.orm import undefer

    from silkmeet.extensions import db
    from silkmeet.models import OutboxMessage

    with app.app_context():
        found = db.session.scalars(
            select(OutboxMessage)
            .options(undefer(OutboxMessage.raw))
            .order_by(OutboxMessage.id)
        ).all()
        db.session.expunge_all()
        return found


def two_workers(work, timeout: float = 60) -> dict:
    """``work(name)`` in two threads ("a", "b") released at the same moment;
    ``{name: what it returned}``. An exception in either fails the test, named."""
    start = threading.Barrier(2)
    results, errors = {}, []

    def run(name):
        try:
            start.wait()
            results[name] = work(name)
        except Exception as exc:  # reported below, with the thread's name
            errors.append((name, exc))

    threads = [threading.Thread(target=run, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert errors == []
    return results
