from __future__ import annotations

from datetime import datetime
from itertools import chain
from typing import TYPE_CHECKING

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import event
from sqlalchemy import inspect
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import Session
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from silkmeet.db import Base
from silkmeet.db import UTCDateTime
from silkmeet.db import utcnow
from silkmeet.domain import vocabulary as v
from silkmeet.domain.emails import email_key
from silkmeet.domain.names import display_name
from silkmeet.domain.names import latin_shown
from silkmeet.models._checks import not_blank
from silkmeet.models._checks import one_of
from silkmeet.models.conference import Conference
from silkmeet.models.conference import Organisation
from silkmeet.models.conference import new_token
from silkmeet.models.conference import new_uid

if TYPE_CHECKING:
    from silkmeet.models.agenda import AgendaItemSpeaker


class Person(Base):
    __tablename__ = "person"
    __table_args__ = (not_blank("full_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # In the person's own script: 张国强, ნინო ბერიძე, Valérie De Rosa.
    full_name: Mapped[str] = mapped_column(String(300))
    # A Latin-script form for those who cannot read the first, when it differs.
    latin_name: Mapped[str] = mapped_column(String(300), default="")
    honorific: Mapped[str] = mapped_column(String(50), default="")
    position: Mapped[str] = mapped_column(String(300), default="")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    country: Mapped[str] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    pronunciation: Mapped[str] = mapped_column(String(300), default="")
    # The language they read silkmeet in (a code of domain/languages.py); None:
    # from their languages, then the conference's (languages.reader_locale).
    preferred_language: Mapped[str | None] = mapped_column(String(16))

    organisation: Mapped[Organisation | None] = relationship()
    participations: Mapped[list[Participation]] = relationship(back_populates="person")

    @property
    def display_name(self) -> str:
        return display_name(self.full_name, self.latin_name)

    @property
    def shown_latin_name(self) -> str:
        return latin_shown(self.full_name, self.latin_name)

    def __repr__(self) -> str:
        return f"<Person {self.full_name}>"


class Participation(Base):
    """A person's part in one conference, and their personal link."""

    __tablename__ = "participation"
    __table_args__ = (
        UniqueConstraint("conference_id", "person_id"),
        UniqueConstraint("conference_id", "uid"),
        UniqueConstraint("conference_id", "email_key"),
        one_of("role", v.PARTICIPANT_ROLES),
        one_of("rsvp", v.RSVP_ANSWERS),
        one_of("rsvp_source", v.RSVP_SOURCES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    # Names their speaking slots in calendar UIDs, through export and import.
    uid: Mapped[str] = mapped_column(String(64), default=new_uid)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="RESTRICT"), index=True
    )
    role: Mapped[str] = mapped_column(String(24), default="delegate")
    # The delegation the person speaks for; may differ from their own country.
    delegation_country: Mapped[str | None] = mapped_column(String(2))
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    token_issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Removed participants stay, so that their link can serve a cancellation.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The speaking slots they had when removed, in order ({"title", "start",
    # "end"}, ISO instants): their cancellation cancels those events too.
    cancelled_slots: Mapped[list[dict]] = mapped_column(
        JSON, default=list, server_default="[]"
    )
    invite_downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invite_download_count: Mapped[int] = mapped_column(default=0)
    # The person's e-mail as :func:`~silkmeet.domain.emails.email_key` gives it,
    # None once removed: the database refuses one address twice in a
    # conference. Kept up to date at every flush (_keep_email_keys).
    email_key: Mapped[str | None] = mapped_column(String(320))
    # Their answer to the invitation (silkmeet/answers/): an iTIP PARTSTAT word,
    # a comment, when and where it was given. Bookkeeping, not content. No
    # server defaults: they would make the ORM insert new rows one at a time
    # to read them back (the CSV import adds hundreds at once).
    rsvp: Mapped[str] = mapped_column(String(16), default=v.NO_ANSWER)
    rsvp_comment: Mapped[str] = mapped_column(Text, default="")
    rsvp_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rsvp_source: Mapped[str | None] = mapped_column(String(16))

    conference: Mapped[Conference] = relationship(back_populates="participations")
    person: Mapped[Person] = relationship(back_populates="participations")
    speaking: Mapped[list[AgendaItemSpeaker]] = relationship(
        back_populates="participation", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Participation {self.role} {self.person_id}@{self.conference_id}>"


def violates_email_key(error: Exception) -> bool:
    """Whether an IntegrityError is a second participant with one address."""
    return "email_key" in str(getattr(error, "orig", error))


def cancelled_slot(title: str, start: datetime, end: datetime) -> dict:
    """One entry of ``Participation.cancelled_slots``."""
    return {"title": title, "start": start.isoformat(), "end": end.isoformat()}


def _email_key_of(session: Session, participation: Participation) -> str | None:
    if participation.removed_at is not None:
        return None
    person = participation.person
    if person is None and participation.person_id is not None:
        person = session.get(Person, participation.person_id)
    return email_key(person.email if person else None)


@event.listens_for(Session, "before_flush")
def _keep_email_keys(session: Session, _flush_context, _instances) -> None:
    """Every way a participant or an e-mail changes (forms, CSV and JSON
    imports, removal) keeps ``email_key`` right, before the row is written."""
    changed: list[Participation] = []
    for obj in chain(session.new, session.dirty):
        if isinstance(obj, Participation):
            changed.append(obj)
    for obj in session.dirty:
        if isinstance(obj, Person) and inspect(obj).attrs.email.history.has_changes():
            # A person may take part in several conferences.
            changed.extend(obj.participations)
    for participation in changed:
        key = _email_key_of(session, participation)
        if participation.email_key != key:
            participation.email_key = key


class PeopleImport(Base):
    """A confirmed CSV import of people, by the one-time ticket its preview
    issued: a second confirm of the same upload finds the ticket used."""

    __tablename__ = "people_import"

    ticket: Mapped[str] = mapped_column(String(64), primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rows: Mapped[int] = mapped_column(default=0)
