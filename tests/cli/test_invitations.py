"""``flask invitations send``: invitations for those not invited yet, updates
for those whose invitation is outdated."""

from __future__ import annotations

import email
from email import policy

from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.mail.worker import deliver
from silkmeet.models import Conference
from silkmeet.models import OutboxMessage
from silkmeet.organiser import operations as organiser_ops

SLUG = "silk-cities-2020"


def kinds(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (row.kind, row.recipient)
            for row in db.session.scalars(
                select(OutboxMessage).order_by(OutboxMessage.id)
            )
        ]


def test_dry_run_then_send_then_updates(app, runner, demo, english_readers, clock):
    app.config["SERVER_NAME"] = "silkmeet.example"
    result = runner.invoke(args=["invitations", "send", SLUG, "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "invitation  张国强 (Zhang Guoqiang) <zhang.guoqiang@example.org>" in lines
    assert len([line for line in lines if line.startswith("invitation ")]) == 17
    assert lines[-1] == (
        f"{SLUG}: would queue 17 invitation(s) and 0 update(s), 17 message(s); "
        "0 without an e-mail address"
    )
    assert kinds(app) == []  # a dry run queues nothing

    result = runner.invoke(args=["invitations", "send", SLUG])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{SLUG}: queued 17 invitation(s) and 0 update(s), 17 message(s); "
        "0 without an e-mail address"
    ]
    assert {kind for kind, _ in kinds(app)} == {"invitation"}
    assert deliver(app, once=True, clock=clock, sleep=clock.sleep).sent == 17
    with app.app_context():
        row = db.session.scalars(select(OutboxMessage)).first()
        message = email.message_from_bytes(row.raw, policy=policy.default)
    # Links from the configured site: no request queued it.
    text = message.get_body(("plain",)).get_content()
    assert "http://silkmeet.example/c/silk-cities-2020/me/" in text

    with app.app_context():
        conference = db.session.scalar(select(Conference))
        organiser_ops.update_conference(conference, passcode="soie2021")
        db.session.commit()
    result = runner.invoke(args=["invitations", "send", SLUG, "--dry-run"])
    lines = result.stdout.splitlines()
    assert (
        "update      Claire Fabre <claire.fabre@example.org>: Passcode changed" in lines
    )
    assert lines[-1].startswith(f"{SLUG}: would queue 0 invitation(s) and 17 update(s)")
    result = runner.invoke(args=["invitations", "send", SLUG])
    assert result.exit_code == 0
    assert [kind for kind, _ in kinds(app)].count("update") == 17


def test_one_line_errors(app, runner, make_conference):
    result = runner.invoke(args=["invitations", "send", "nope"])
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: no conference with slug 'nope'\n",
    )
    make_conference(slug="undated", start=None)
    result = runner.invoke(args=["invitations", "send", "undated"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: links in e-mail need the site's address")
    app.config["SERVER_NAME"] = "silkmeet.example"
    result = runner.invoke(args=["invitations", "send", "undated"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: The conference has no date and time yet: invitations can be "
        "sent once it has them.\n"
    )
    assert len(result.stderr.splitlines()) == 1
