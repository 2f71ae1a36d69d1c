"""Two workers, each with its own connection, drain one outbox: every message
reaches the server exactly once (PostgreSQL: SKIP LOCKED; SQLite, in a file:
the compare-and-set claim)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from factories import TEST_DATABASE_URL
from mailtest import make_message
from mailtest import queue
from mailtest import two_workers
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import update

from silkmeet import create_app
from silkmeet.extensions import db
from silkmeet.mail.operations import enqueue
from silkmeet.mail.worker import claim
from silkmeet.mail.worker import deliver
from silkmeet.models import OutboxMessage

MESSAGES = 200


@pytest.fixture
def shared_app(app, tmp_path):
    """An app whose database two threads reach through their own connections
    (in-memory SQLite has one connection for everyone, so a file there)."""
    if TEST_DATABASE_URL.startswith("postgresql"):
        yield app
        return
    file_app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'mail.sqlite'}",
            "SECRET_KEY": "test-secret",
        }
    )
    with file_app.app_context():
        db.create_all()
    yield file_app
    with file_app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_two_workers_send_each_message_exactly_once(shared_app, smtp_server):
    app = shared_app
    app.config["MAIL_URL"] = smtp_server.url
    app.config["MAIL_RATE_PER_MINUTE"] = 0
    with app.app_context():
        for n in range(MESSAGES):
            enqueue(
                make_message(to=f"p{n}@example.org"),
                kind="invitation",
                conference_id=None,
            )
        db.session.commit()

    results = two_workers(lambda _name: deliver(app, once=True, batch=10))

    ids = Counter()
    for received in smtp_server.received:
        header = received.content.split(b"\r\nMessage-ID: ", 1)[1].split(b"\r\n")[0]
        ids[header] += 1
    assert len(ids) == MESSAGES
    assert set(ids.values()) == {1}
    assert results["a"].sent + results["b"].sent == MESSAGES
    # Both took part (each claims ten at a time, from the same start).
    assert results["a"].sent > 0 and results["b"].sent > 0
    with app.app_context():
        statuses = dict(
            db.session.execute(
                select(OutboxMessage.status, func.count()).group_by(
                    OutboxMessage.status
                )
            ).all()
        )
        attempts = db.session.scalar(select(func.max(OutboxMessage.attempts)))
    assert statuses == {"sent": MESSAGES}
    assert attempts == 1


def test_claim_does_not_take_rows_another_worker_took_meanwhile(app, clock):
    """Between the claim's SELECT and its UPDATE another worker takes two of
    the rows: the UPDATE's due condition leaves them to that worker."""
    ids = queue(app, 4)
    theirs = clock.now + timedelta(minutes=3)
    done = []

    def other_worker_claims(conn, cursor, statement, parameters, context, many):
        if not done and statement.lstrip().upper().startswith("UPDATE OUTBOX_MESSAGE"):
            done.append(statement)
            conn.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids[:2]))
                .values(status="sending", claimed_until=theirs)
            )

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", other_worker_claims)
        try:
            mine = claim(clock.now, 10, clock.now + timedelta(minutes=5))
        finally:
            event.remove(db.engine, "before_cursor_execute", other_worker_claims)
        assert done
        assert [row.id for row in mine] == ids[2:]
        leases = dict(
            db.session.execute(
                select(OutboxMessage.id, OutboxMessage.claimed_until)
            ).all()
        )
    assert leases == {
        ids[0]: theirs,
        ids[1]: theirs,
        ids[2]: clock.now + timedelta(minutes=5),
        ids[3]: clock.now + timedelta(minutes=5),
    }


@pytest.mark.postgres_only
def test_claim_skips_rows_locked_by_another_worker(app, clock):
    ids = queue(app, 5)
    with app.app_context():
        with db.engine.connect() as other:
            # Another worker, inside its claim: the first three rows locked.
            transaction = other.begin()
            locked = other.scalars(
                select(OutboxMessage.id)
                .where(OutboxMessage.id.in_(ids[:3]))
                .with_for_update()
            ).all()
            assert locked == ids[:3]
            # Waiting on those locks would be a bug: fail fast instead of hang.
            db.session.execute(text("SET lock_timeout = '2s'"))
            mine = claim(clock.now, 10, clock.now + timedelta(minutes=5))
            transaction.rollback()
        assert [row.id for row in mine] == ids[3:]
