"""``flask --app silkmeet …`` commands. Errors exit non-zero with one line.

:mod:`~silkmeet.cli.accounts` (organisers and their rights),
:mod:`~silkmeet.cli.exchange` (the conference JSON: import, export, the demo),
:mod:`~silkmeet.cli.calendars` (schedule and invites), :mod:`~silkmeet.cli.mail`
(the outbox's worker) and :mod:`~silkmeet.cli.invitations` (invitations by
e-mail). Commands call operations, never views. Each is declared with
:func:`command`, so that whatever its input, its files or its database refuse
ends in one line (:func:`one_line`), never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import NoReturn

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import SQLAlchemyError

from silkmeet.domain import fields
from silkmeet.exchange.exports import ChangedDuringExport
from silkmeet.extensions import db
from silkmeet.models import Conference


def register(app: Flask) -> None:
    from silkmeet.cli import accounts
    from silkmeet.cli import calendars
    from silkmeet.cli import exchange
    from silkmeet.cli import invitations
    from silkmeet.cli import mail

    for command in (
        accounts.create_organiser,
        accounts.grant,
        exchange.import_command,
        exchange.export_command,
        exchange.load_demo,
        accounts.demo_login,
        calendars.schedule_command,
        calendars.invites_command,
        mail.mail,
        invitations.invitations,
    ):
        app.cli.add_command(command)


def fail(message: str) -> NoReturn:
    """Print one line to stderr and exit 1."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def find_conference(slug: str) -> Conference:
    try:
        fields.slug(slug)
    except fields.FieldError as exc:
        fail(f"slug: {exc}")
    conference = db.session.scalar(select(Conference).where(Conference.slug == slug))
    if conference is None:
        fail(f"no conference with slug {slug!r}")
    return conference


# What a command may meet that is not a bug: bad input (ValueError covers the
# format's FormatError, JSON and Unicode errors, integers too long to read),
# input nested past the stack, times past year 9999, files that cannot be read
# or written, a database that refuses a change or cannot be reached, a
# conference changed while it was exported. Anything else is a bug and keeps
# its traceback.
EXPECTED = (
    ValueError,
    RecursionError,
    OverflowError,
    OSError,
    SQLAlchemyError,
    ChangedDuringExport,
)


def one_line(exc: BaseException) -> str:
    """What went wrong, for the operator, on one line."""
    if isinstance(exc, ChangedDuringExport):
        return f"{exc.args[0]!r} changed while it was exported; export it again"
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply"
    if isinstance(exc, OverflowError):
        return f"a time or number is out of range ({_first_line(exc)})"
    if isinstance(exc, IntegrityError):
        return f"the database refused the change: {_first_line(exc.orig)}"
    if isinstance(exc, SQLAlchemyError):
        return f"database: {_first_line(getattr(exc, 'orig', None) or exc)}"
    if isinstance(exc, OSError) and exc.filename and exc.strerror:
        return f"{exc.filename}: {exc.strerror}"
    return _first_line(exc)


def _first_line(exc: BaseException | None) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


class Command(click.Command):
    """A command whose expected failures (:data:`EXPECTED`) end in :func:`fail`,
    and whose usage errors take one line too (exit status 2, as click's)."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            path = exc.ctx.command_path if exc.ctx else info_name
            click.echo(f"Error: {exc.format_message()} (see {path} --help)", err=True)
            sys.exit(exc.exit_code)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except EXPECTED as exc:
            fail(one_line(exc))


def command(name: str) -> Callable[[Callable], Command]:
    """Declare a ``flask`` command: it runs in the app context and fails in one
    line. Put it above the command's arguments and options."""

    def decorate(f: Callable) -> Command:
        return click.command(name, cls=Command)(with_appcontext(f))

    return decorate
