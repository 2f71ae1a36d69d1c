"""flask mail worker / mail status."""

from __future__ import annotations

import re

from mailtest import make_message
from mailtest import queue
from mailtest import rows

from silkmeet.extensions import db
from silkmeet.mail.operations import enqueue


def test_worker_once_sends_and_prints_counts(mail_app, runner, smtp_server):
    queue(mail_app, count=3)
    result = runner.invoke(args=["mail", "worker", "--once", "--batch", "2"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [re.sub(r"^\S+ \S+ ", "", line) for line in lines] == [
        "batch: 2 claimed, 2 sent, 0 to retry, 0 failed, 0 handed back",
        "batch: 1 claimed, 1 sent, 0 to retry, 0 failed, 0 handed back",
        "done: 3 claimed, 3 sent, 0 to retry, 0 failed, 0 handed back",
    ]
    assert f"127.0.0.1:{smtp_server.port}" in result.stderr
    assert len(smtp_server.received) == 3


def test_worker_without_mail_url_says_mail_is_kept(app, runner):
    queue(app)
    result = runner.invoke(args=["mail", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "kept in the outbox, not sent" in result.stderr
    assert [(r.status, r.transport) for r in rows(app)] == [("sent", "local")]


def test_worker_bad_settings_exit_with_one_line(app, runner):
    queue(app)
    app.config["MAIL_URL"] = "smtp://u:secret@mail.example.org?starttls=off"
    result = runner.invoke(args=["mail", "worker", "--once"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: SILKMEET_MAIL_URL: starttls=off would send the password in clear"
    ]
    app.config["MAIL_URL"] = None
    app.config["MAIL_FROM"] = "nobody"
    result = runner.invoke(args=["mail", "worker", "--once"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: not one mailbox")
    app.config["MAIL_FROM"] = "silkmeet@localhost"
    app.config["MAIL_LEASE_SECONDS"] = 60
    result = runner.invoke(args=["mail", "worker", "--once"])
    assert result.exit_code == 1
    assert "MAIL_LEASE_SECONDS must be more than 3 times" in result.stderr
    assert rows(app)[0].status == "queued"


def test_worker_refuses_a_zero_batch(app, runner):
    result = runner.invoke(args=["mail", "worker", "--once", "--batch", "0"])
    assert result.exit_code == 2
    assert "--batch" in result.stderr


def test_status_counts(app, runner, make_conference):
    conference_id = make_conference(slug="silk")
    with app.app_context():
        enqueue(make_message(), kind="invitation", conference_id=conference_id)
        enqueue(make_message(), kind="test", conference_id=None)
        db.session.commit()
    result = runner.invoke(args=["mail", "status"])
    assert result.exit_code == 0
    assert result.stdout.split() == [
        "queued", "2", "sending", "0", "sent", "0", "failed", "0",
        "superseded", "0",
    ]  # fmt: skip
    result = runner.invoke(args=["mail", "status", "silk"])
    assert result.stdout.split()[:2] == ["queued", "1"]
    result = runner.invoke(args=["mail", "status", "nope"])
    assert result.exit_code == 1
    assert result.stderr == "Error: no conference with slug 'nope'\n"


def test_worker_on_an_unmigrated_database_says_so(app, runner):
    with app.app_context():
        db.drop_all()
    result = runner.invoke(args=["mail", "worker", "--once"])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()[1:]  # after the transport line
    assert line.startswith("Error: database: ")
    assert "outbox_message" in line
    with app.app_context():
        db.create_all()
