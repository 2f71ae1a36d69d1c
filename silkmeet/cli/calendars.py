"""A conference's times: ``schedule`` (printed or as JSON) and ``invites``."""

from __future__ import annotations

import itertools
from pathlib import Path

import click

from silkmeet.access import EVERYTHING
from silkmeet.agenda.exports import schedule_json_chunks
from silkmeet.cli import command
from silkmeet.cli import fail
from silkmeet.cli import find_conference
from silkmeet.db import utcnow
from silkmeet.domain import jsonstream
from silkmeet.domain import timewords as tw
from silkmeet.domain import timezones as tz
from silkmeet.invites import operations as invites
from silkmeet.timetable import read_schedule


@command("schedule")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="The schedule JSON.")
def schedule_command(slug: str, as_json: bool) -> None:
    """Print a conference's schedule (in its reference zone, or as JSON)."""
    conference = find_conference(slug)
    if as_json:
        chunks = itertools.chain(schedule_json_chunks(conference), ("\n",))
        for block in jsonstream.batched(chunks):
            click.echo(block, nl=False)
        return
    zone = conference.timezone
    if conference.start_at is None:
        click.echo(f"{conference.title}: no start time yet")
        return
    click.echo(f"{conference.title} ({zone})")
    for entry in read_schedule(conference):
        day = tz.to_local(entry.start, zone)
        # The heading names the zone; an item across a clock change says both.
        when = tw.range_words(
            entry.start, entry.end, zone, date_style="none", zone_style="auto"
        )
        click.echo(f"{day:%Y-%m-%d} {when}  {entry.item.title}")


@command("invites")
@click.argument("slug")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, writable=True),
    help="Folder for one .ics per participant and the conference calendar.",
)
def invites_command(slug: str, out: str) -> None:
    """Write every participant's invite and the conference calendar."""
    conference = find_conference(slug)
    if conference.start_at is None:
        fail(f"{slug!r} has no start yet: there is nothing to put in a calendar")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow()
    written = 0
    for name, data in invites.all_invites(conference, stamp):
        (folder / name).write_bytes(data)
        written += 1
    # For the organisers, beside every participant's own invite: all of it.
    data, filename = invites.conference_calendar(conference, EVERYTHING, stamp)
    (folder / filename).write_bytes(data)
    click.echo(f"Wrote {written} invite(s) and {filename} to {folder}")
