from __future__ import annotations

import hmac
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from sqlalchemy.orm import validates
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from silkmeet.db import Base
from silkmeet.db import UTCDateTime
from silkmeet.db import utcnow
from silkmeet.domain import vocabulary as v
from silkmeet.domain.emails import email_key
from silkmeet.models._checks import not_blank
from silkmeet.models._checks import one_of
from silkmeet.models.conference import Conference
from silkmeet.models.conference import new_token


def address_key(address: str) -> str:
    """What makes two addresses one: the same letters, whatever their case.

    Kept in a column of its own with a unique constraint rather than in an
    index on lower(email): SQLite's lower() changes ASCII letters only, and
    SQLAlchemy does not reflect expression indexes on SQLite, so Alembic's
    batch mode would drop such an index the next time it rebuilt the table.
    The rule is participants' too (:func:`silkmeet.domain.emails.email_key`).
    """
    return email_key(address) or ""


def hash_password(password: str) -> str:
    return generate_password_hash(password)


class Organiser(UserMixin, Base):
    __tablename__ = "organiser"
    __table_args__ = (not_blank("email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # As the organiser wrote it; one account per address whatever its case:
    # the unique email_key, set with it.
    email: Mapped[str] = mapped_column(String(320))
    email_key: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Part of the id every session cookie holds (:meth:`get_id`); a new one,
    # at logout or a password change, ends every session made with the old.
    session_token: Mapped[str] = mapped_column(String(64), default=new_token)
    # The language they work in (a code of domain/languages.py; None: their
    # browser's), which silkmeet.i18n.select_locale reads.
    language: Mapped[str | None] = mapped_column(String(16))

    conferences: Mapped[list[ConferenceOrganiser]] = relationship(
        back_populates="organiser", cascade="all, delete-orphan"
    )

    @validates("email")
    def _set_email_key(self, _key, address: str) -> str:
        self.email_key = address_key(address)
        return address

    @classmethod
    def email_is(cls, address: str):
        """The condition "this account has that address", whatever the case."""
        return cls.email_key == address_key(address)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def has_session(self, session_token: str) -> bool:
        return hmac.compare_digest(self.session_token or "", session_token)

    def end_sessions(self) -> None:
        """Every session cookie (and remember-me cookie) made so far loads no
        one any more."""
        self.session_token = new_token()

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<Organiser {self.email}>"


class LoginFailure(Base):
    """Recent failed logins for one address, known account or not: the same
    throttle for both, so that it tells nobody which addresses have one."""

    __tablename__ = "login_failure"

    email_key: Mapped[str] = mapped_column(String(320), primary_key=True)
    failures: Mapped[int]
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ConferenceOrganiser(Base):
    """The right of one organiser account over one conference."""

    __tablename__ = "conference_organiser"
    __table_args__ = (one_of("access", v.ORGANISER_RIGHTS),)

    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conference.id", ondelete="CASCADE"), primary_key=True
    )
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("organiser.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    access: Mapped[str] = mapped_column(String(16), default="editor")

    conference: Mapped[Conference] = relationship(back_populates="organisers")
    organiser: Mapped[Organiser] = relationship(back_populates="conferences")
