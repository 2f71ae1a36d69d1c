"""``flask --app silkmeet …`` commands. Errors exit non-zero with one line.

:mod:`~silkmeet.cli.accounts` (organisers and their rights),
:mod:`~silkmeet.cli.exchange` (the conference JSON: import, export, the demo) and
:mod:`~silkmeet.cli.calendars` (schedule and invites). Commands call operations,
never views.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import click
from flask import Flask
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import Conference


def register(app: Flask) -> None:
    from silkmeet.cli import accounts
    from silkmeet.cli import calendars
    from silkmeet.cli import exchange

    for command in (
        accounts.create_organiser,
        accounts.grant,
        exchange.import_command,
        exchange.export_command,
        exchange.load_demo,
        accounts.demo_login,
        calendars.schedule_command,
        calendars.invites_command,
    ):
        app.cli.add_command(command)


def fail(message: str) -> NoReturn:
    """Print one line to stderr and exit 1."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def find_conference(slug: str) -> Conference:
    conference = db.session.scalar(select(Conference).where(Conference.slug == slug))
    if conference is None:
        fail(f"no conference with slug {slug!r}")
    return conference
