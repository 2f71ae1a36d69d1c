"""``flask --app silkmeet invitations …``: invitations by e-mail, from the
command line (the Invites page does the same)."""

from __future__ import annotations

import click
from flask import current_app

from silkmeet.cli import command
from silkmeet.cli import fail
from silkmeet.cli import find_conference
from silkmeet.extensions import db
from silkmeet.invites import audience
from silkmeet.invites import sending


@click.group("invitations")
def invitations() -> None:
    """Send invitations and their updates by e-mail."""


@command("send")
@click.argument("slug")
@click.option("--dry-run", is_flag=True, help="Say who would get what; queue nothing.")
def send_command(slug: str, dry_run: bool) -> None:
    """Queue an invitation for everyone not invited yet, and an update for
    everyone whose invitation is outdated. The mail worker sends them."""
    conference = find_conference(slug)
    if not current_app.config.get("SERVER_NAME"):
        # Outside a request, links are built on the configured address only.
        fail(
            "links in e-mail need the site's address: set SILKMEET_SERVER_NAME "
            "(and SILKMEET_PREFERRED_URL_SCHEME=https)"
        )
    found = audience.of(conference)
    invited = sending.queue_invitations(found)
    updated = sending.queue_updates(found)
    if dry_run:
        db.session.rollback()
        for person in invited.people:
            click.echo(f"invitation  {person.name} <{person.address}>")
        for person in updated.people:
            said = "; ".join(person.changes)
            click.echo(f"update      {person.name} <{person.address}>: {said}")
        for person in invited.unreachable + updated.unreachable:
            click.echo(f"unreachable {person.name}: no e-mail address")
    else:
        db.session.commit()
    verb = "would queue" if dry_run else "queued"
    click.echo(
        f"{slug}: {verb} {len(invited.people)} invitation(s) and "
        f"{len(updated.people)} update(s), {invited.messages + updated.messages} "
        f"message(s); {len(invited.unreachable) + len(updated.unreachable)} "
        "without an e-mail address"
    )


invitations.add_command(send_command)
