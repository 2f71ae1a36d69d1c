"""The conference JSON: ``import``, ``export`` and ``load-demo``."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import click
from sqlalchemy import select

from silkmeet.auth import operations as accounts
from silkmeet.cli import command
from silkmeet.cli import fail
from silkmeet.cli import find_conference
from silkmeet.domain import conference_format as fmt
from silkmeet.domain import jsonstream
from silkmeet.exchange.exports import export_chunks
from silkmeet.exchange.operations import import_conference
from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.models import Organiser

DEMO_FILE = "silk-cities-2020.json"


def import_text(text: str | bytes, owner: Organiser | None = None) -> Conference:
    try:
        doc = fmt.loads(text)
        conference = import_conference(doc, owner=owner)
        db.session.commit()
    except fmt.FormatError:
        db.session.rollback()
        raise
    return conference


@command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--owner", help="Email of an organiser who will own the conference.")
def import_command(file: str, owner: str | None) -> None:
    """Import a conference from a JSON file (- for standard input)."""
    data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    organiser = None
    if owner:
        organiser = accounts.find_organiser(owner)
        if organiser is None:
            fail(f"--owner: no organiser with email {owner!r}")
    try:
        conference = import_text(data, owner=organiser)
    except fmt.FormatError as exc:
        fail(f"{file}: {exc}")
    click.echo(f"Imported {conference.slug!r}: {conference.title}")


@command("export")
@click.argument("slug", required=False)
@click.option(
    "--all", "export_all", is_flag=True, help="Every conference, for backups."
)
@click.option(
    "--out",
    type=click.Path(file_okay=True, dir_okay=True, writable=True),
    help="File (or, with --all, folder) to write; default standard output.",
)
@click.option(
    "--with-tokens",
    is_flag=True,
    help="A backup: also the secrets of every link (personal tokens, the agenda's "
    "share token), former slugs and removed participants, so a restore keeps links.",
)
def export_command(
    slug: str | None, export_all: bool, out: str | None, with_tokens: bool
) -> None:
    """Export a conference (or --all of them) as JSON."""
    if export_all == bool(slug):
        fail("give either a SLUG or --all")
    if export_all:
        if not out:
            fail("--all needs --out FOLDER")
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        conferences = db.session.scalars(select(Conference).order_by(Conference.slug))
        count = 0
        for conference in conferences.all():
            write_file(
                folder / f"{conference.slug}.json",
                export_chunks(conference, include_tokens=with_tokens),
            )
            count += 1
        click.echo(f"Exported {count} conference(s) to {folder}", err=True)
        return
    chunks = export_chunks(find_conference(slug), include_tokens=with_tokens)
    if out:
        write_file(Path(out), chunks)
    else:
        for block in jsonstream.batched(chunks):
            click.echo(block, nl=False)


def write_file(path: Path, chunks: Iterable[str]) -> None:
    """Write ``chunks`` to ``path`` as UTF-8, as they come.

    A regular file is written beside ``path`` (readable by its owner only: an
    export may hold tokens) and moved into place once complete, so an export
    that fails halfway leaves no truncated file and keeps an earlier one.
    """
    if path.exists() and not path.is_file():  # /dev/null, a pipe
        with path.open("wb") as file:
            for block in jsonstream.batched(chunks):
                file.write(block)
        return
    handle, partial = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".partial"
    )
    try:
        with os.fdopen(handle, "wb") as file:
            for block in jsonstream.batched(chunks):
                file.write(block)
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise


def demo_text() -> bytes:
    return resources.files("silkmeet.demo").joinpath(DEMO_FILE).read_bytes()


@command("load-demo")
@click.option("--if-empty", is_flag=True, help="Only when no conference exists yet.")
def load_demo(if_empty: bool) -> None:
    """Import the Silk Cities 2020 demo conference."""
    if if_empty and db.session.scalar(select(Conference.id).limit(1)) is not None:
        click.echo("The database already holds conferences; demo not loaded.")
        return
    slug = json.loads(demo_text())["conference"]["slug"]
    if db.session.scalar(select(Conference.id).where(Conference.slug == slug)):
        click.echo(f"The demo conference {slug!r} is already loaded.")
        return
    try:
        conference = import_text(demo_text())
    except fmt.FormatError as exc:
        fail(f"demo file: {exc}")
    click.echo(f"Loaded the demo conference: {conference.title}")
