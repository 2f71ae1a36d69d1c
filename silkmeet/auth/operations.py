"""Organiser accounts: addresses, passwords, and logins throttled in the database
(shared by every worker)."""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import case
from sqlalchemy import delete
from sqlalchemy import literal
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from werkzeug.security import check_password_hash

from silkmeet.db import UTCDateTime
from silkmeet.db import utcnow
from silkmeet.domain import fields
from silkmeet.extensions import db
from silkmeet.i18n import gettext as _
from silkmeet.i18n import lazy_gettext
from silkmeet.i18n import ngettext
from silkmeet.models import LoginFailure
from silkmeet.models import Organiser
from silkmeet.models.accounts import address_key
from silkmeet.models.accounts import hash_password

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
WRONG = lazy_gettext("Wrong email or password.")


class LoginRefused(Exception):
    pass


class AccountError(ValueError):
    """A value an account cannot take; ``str()`` names the field."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# Addresses --------------------------------------------------------------------


def normalise_email(address: str) -> str:
    """The form in which a new address is stored (its domain in lower case).

    Every way in (command line, pages) goes through here, and every lookup
    through :func:`find_organiser`, which ignores case.
    """
    try:
        normalised = fields.email(address)
    except fields.FieldError as exc:
        raise AccountError("email", str(exc)) from None
    if normalised is None:
        raise AccountError("email", _("required"))
    return normalised


def find_organiser(address: str) -> Organiser | None:
    return db.session.scalar(select(Organiser).where(Organiser.email_is(address)))


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            "password", _("use at least %(num)s characters", num=MIN_PASSWORD_LENGTH)
        )


def save_organiser(email: str, name: str, password: str) -> tuple[Organiser, bool]:
    """Create an account, or give the account of that address (in any case) a
    new password, which ends its sessions. Returns ``(organiser, created)``."""
    email = normalise_email(email)
    check_new_password(password)
    organiser = find_organiser(email)
    created = organiser is None
    if created:
        organiser = Organiser(email=email, name=name)
        db.session.add(organiser)
    elif name:
        organiser.name = name
    organiser.set_password(password)
    db.session.flush()
    return organiser, created


# Throttle ---------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    """One claimed login attempt: the failures it makes, counting itself."""

    key: str
    failures: int
    last_failed_at: datetime

    @property
    def locked(self) -> bool:
        return self.failures > MAX_FAILURES

    def refuse_if_locked(self, now: datetime | None = None) -> None:
        if self.locked:
            wait = LOCKOUT - ((now or utcnow()) - self.last_failed_at)
            minutes = max(1, int(wait.total_seconds() // 60))
            raise LoginRefused(
                ngettext(
                    "Too many failed attempts. Try again in %(num)s minute.",
                    "Too many failed attempts. Try again in %(num)s minutes.",
                    minutes,
                )
            )


_UPSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def claim_attempt(address: str, now: datetime | None = None) -> Attempt:
    """Count an attempt as failed before its password is checked.

    One statement adds it and returns the count, so that concurrent attempts
    (other workers) each see a different count: at most ``MAX_FAILURES``
    passwords are ever checked in a lockout window, however many arrive at
    once. A right password then forgets the failures (:func:`authenticate`).
    Unknown addresses are counted alike, so that the lockout says nothing
    about which addresses have an account. Once locked, further attempts do
    not move the end of the lockout. The caller commits at once: the count
    then stands whatever becomes of the request, and the row is not locked
    while the password is checked.
    """
    now = now or utcnow()
    expired = LoginFailure.last_failed_at <= literal(now - LOCKOUT, UTCDateTime())
    under = LoginFailure.failures < MAX_FAILURES
    # Expired failures are forgotten, this address's among them.
    db.session.execute(delete(LoginFailure).where(expired))
    dialect = db.session.connection().dialect.name
    insert = _UPSERT[dialect](LoginFailure).values(
        email_key=address_key(address), failures=1, last_failed_at=now
    )
    statement = insert.on_conflict_do_update(
        index_elements=[LoginFailure.email_key],
        set_={
            "failures": LoginFailure.failures + 1,
            "last_failed_at": case(
                (under, literal(now, UTCDateTime())),
                else_=LoginFailure.last_failed_at,
            ),
        },
    ).returning(LoginFailure.failures, LoginFailure.last_failed_at)
    failures, last_failed_at = db.session.execute(statement).one()
    return Attempt(address_key(address), failures, last_failed_at)


def forget_failures(attempt: Attempt) -> None:
    db.session.execute(
        delete(LoginFailure).where(LoginFailure.email_key == attempt.key)
    )


@functools.cache
def _dummy_hash() -> str:
    """A hash of the same cost as an account's, for addresses without one."""
    return hash_password(secrets.token_urlsafe(16))


def verify_password(organiser: Organiser | None, password: str) -> bool:
    """Check the password, taking the same time whether the account exists."""
    stored = organiser.password_hash if organiser is not None else _dummy_hash()
    right = check_password_hash(stored, password)
    return right and organiser is not None and organiser.active


def authenticate(
    attempt: Attempt, address: str, password: str, now: datetime | None = None
) -> Organiser:
    """Return the organiser, or raise :class:`LoginRefused` with the reason to show.

    ``attempt`` comes from :func:`claim_attempt`. After ``MAX_FAILURES`` wrong
    passwords the address refuses every attempt, even a right one, until
    ``LOCKOUT`` has passed since the last counted failure. A known and an
    unknown address get the same answers in the same order, after the same work.
    """
    attempt.refuse_if_locked(now)
    organiser = find_organiser(address)
    if not verify_password(organiser, password):
        raise LoginRefused(WRONG)
    forget_failures(attempt)
    return organiser


def change_password(
    organiser: Organiser, attempt: Attempt, current: str, new: str
) -> None:
    """Set a new password once the current one is given (throttled as a login);
    every other session of the account ends."""
    attempt.refuse_if_locked()
    if not verify_password(organiser, current):
        raise AccountError("current_password", _("That is not your current password."))
    check_new_password(new)
    forget_failures(attempt)
    organiser.set_password(new)
    db.session.flush()
