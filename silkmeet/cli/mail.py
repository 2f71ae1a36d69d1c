"""``flask --app silkmeet mail …``: the delivery worker and the outbox's state."""

from __future__ import annotations

import signal
import threading
from datetime import UTC
from datetime import datetime

import click
from flask import current_app

from silkmeet.cli import command
from silkmeet.cli import find_conference
from silkmeet.db import utcnow
from silkmeet.mail import operations
from silkmeet.mail import reminders
from silkmeet.mail.messages import in_words
from silkmeet.mail.transport import transport_from_config
from silkmeet.mail.worker import deliver


@click.group("mail")
def mail() -> None:
    """Send the queued mail and see the outbox."""


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


@command("worker")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Messages claimed at a time (one SMTP connection each).",
)
@click.option(
    "--poll",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds between looks at an empty queue.",
)
def worker_command(once: bool, batch: int, poll: float) -> None:
    """Deliver queued mail until stopped (Ctrl-C or SIGTERM)."""
    app = current_app._get_current_object()
    # Bad settings (ValueError) and database errors end in one line (cli.command).
    transport = transport_from_config(app.config)
    operations.configured_sender()
    click.echo(f"mail worker: {transport.describe()}", err=True)
    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    try:
        totals = deliver(
            app,
            once=once,
            batch=batch,
            poll_seconds=poll,
            transport=transport,
            stop=stop,
            on_batch=lambda counts: click.echo(f"{_stamp()} batch: {counts.line()}"),
            on_error=lambda text: click.echo(f"{_stamp()} {text}", err=True),
        )
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    click.echo(f"{_stamp()} done: {totals.line()}")


@command("status")
@click.argument("slug", required=False)
def status_command(slug: str | None) -> None:
    """Messages per status, for one conference or the whole outbox."""
    conference_id = find_conference(slug).id if slug is not None else None
    counts = operations.status_counts(conference_id)
    for status, count in counts.items():
        click.echo(f"{status:<10} {count:>7}")


@command("reminders")
@click.option("--dry-run", is_flag=True, help="List what is due; queue nothing.")
def reminders_command(dry_run: bool) -> None:
    """Queue the reminders and nudges due now (the worker does this on every
    poll)."""
    now = utcnow()
    if not dry_run:
        count = reminders.queue_due(now)
        click.echo(f"{count} reminders and nudges queued")
        return
    count = 0
    for plan, row in reminders.due_messages(now):
        count += 1
        lead = in_words(plan.due.lead)
        click.echo(f"{plan.slug}\t{plan.due.kind}\t{lead} before\t{row.email}")
    click.echo(f"{count} due (dry run: nothing queued)", err=True)


mail.add_command(worker_command)
mail.add_command(status_command)
mail.add_command(reminders_command)
