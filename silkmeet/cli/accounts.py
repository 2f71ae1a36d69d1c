"""Organiser accounts: ``create-organiser``, ``grant`` and ``demo-login``."""

from __future__ import annotations

import os
import secrets

import click
from sqlalchemy import select

from silkmeet.auth import operations as accounts
from silkmeet.cli import command
from silkmeet.cli import fail
from silkmeet.cli import find_conference
from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.models import ConferenceOrganiser
from silkmeet.models import Organiser

DEMO_ORGANISER = "organiser@silkmeet.example"


@command("create-organiser")
@click.argument("email")
@click.option("--name", default="", help="Display name.")
@click.option(
    "--password",
    envvar="SILKMEET_ORGANISER_PASSWORD",
    help="Taken from SILKMEET_ORGANISER_PASSWORD, or prompted for.",
)
def create_organiser(email: str, name: str, password: str | None) -> None:
    """Create an organiser account, or reset its password (ending its sessions)."""
    try:
        email = accounts.normalise_email(email)
        if password is None:
            password = click.prompt(
                "Password", hide_input=True, confirmation_prompt=True
            )
        organiser, created = accounts.save_organiser(email, name, password)
    except accounts.AccountError as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"{'Created' if created else 'Updated'} organiser {organiser.email}.")


@command("grant")
@click.argument("email")
@click.argument("slug")
@click.option("--owner", is_flag=True, help="Owner rather than editor.")
def grant(email: str, slug: str, owner: bool) -> None:
    """Let an organiser edit a conference."""
    organiser = accounts.find_organiser(email)
    if organiser is None:
        fail(f"no organiser with email {email!r}")
    conference = find_conference(slug)
    link = db.session.get(ConferenceOrganiser, (conference.id, organiser.id))
    if link is None:
        link = ConferenceOrganiser(conference=conference, organiser=organiser)
        db.session.add(link)
    link.access = "owner" if owner else "editor"
    db.session.commit()
    click.echo(f"{email} is now {link.access} of {slug}.")


@command("demo-login")
def demo_login() -> None:
    """Give the demo organiser a fresh password and rights on every conference.

    For local use only (``make run`` calls it); never run it on a server.
    """
    password = os.environ.get("SILKMEET_DEMO_PASSWORD") or secrets.token_urlsafe(9)
    organiser = accounts.find_organiser(DEMO_ORGANISER)
    if organiser is None:
        organiser = Organiser(email=DEMO_ORGANISER, name="Demo organiser")
        db.session.add(organiser)
    organiser.set_password(password)
    db.session.flush()
    for conference in db.session.scalars(select(Conference)):
        if db.session.get(ConferenceOrganiser, (conference.id, organiser.id)) is None:
            db.session.add(
                ConferenceOrganiser(
                    conference=conference, organiser=organiser, access="owner"
                )
            )
    db.session.commit()
    click.echo(f"  Organiser login: {DEMO_ORGANISER}")
    click.echo(f"  Password:        {password}   (new at every make run)")
