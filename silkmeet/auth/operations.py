"""Organiser login with throttling kept in the database (shared by every worker)."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select

from silkmeet.db import utcnow
from silkmeet.extensions import db
from silkmeet.models import Organiser

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)


class LoginRefused(Exception):
    pass


def authenticate(email: str, password: str, now: datetime | None = None) -> Organiser:
    """Return the organiser, or raise :class:`LoginRefused` with the reason to show.

    After ``MAX_FAILURES`` wrong passwords the account refuses every attempt, even a
    right one, until ``LOCKOUT`` has passed since the last failure.
    """
    now = now or utcnow()
    organiser = db.session.scalar(
        select(Organiser).where(func.lower(Organiser.email) == email.strip().lower())
    )
    if organiser is None:
        # Same message as a wrong password: do not reveal which emails exist.
        raise LoginRefused("Wrong email or password.")
    if (
        organiser.failed_logins >= MAX_FAILURES
        and organiser.last_failed_login_at
        and now - organiser.last_failed_login_at < LOCKOUT
    ):
        wait = LOCKOUT - (now - organiser.last_failed_login_at)
        minutes = max(1, int(wait.total_seconds() // 60))
        raise LoginRefused(
            f"Too many failed attempts. Try again in {minutes} minute(s)."
        )
    if not organiser.check_password(password) or not organiser.active:
        if (
            organiser.last_failed_login_at
            and now - organiser.last_failed_login_at >= LOCKOUT
        ):
            organiser.failed_logins = 0
        organiser.failed_logins += 1
        organiser.last_failed_login_at = now
        raise LoginRefused("Wrong email or password.")
    organiser.failed_logins = 0
    organiser.last_failed_login_at = None
    return organiser
