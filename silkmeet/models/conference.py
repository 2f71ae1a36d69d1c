from __future__ import annotations

import secrets
import uuid
from datetime import datetime
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
from silkmeet.domain import hours
from silkmeet.domain import reminders
from silkmeet.domain import vocabulary as v
from silkmeet.models._checks import between
from silkmeet.models._checks import not_blank
from silkmeet.models._checks import one_of

if TYPE_CHECKING:
    from silkmeet.models.accounts import ConferenceOrganiser
    from silkmeet.models.agenda import AgendaItem
    from silkmeet.models.people import Participation


def new_token() -> str:
    """A 256-bit URL-safe secret for links that need no login."""
    return secrets.token_urlsafe(32)


def new_uid() -> str:
    """A stable public name for a row, kept through export and import: calendar
    UIDs derive from it, so that a conference moved to another database (SQLite
    to PostgreSQL) updates the events people have instead of doubling them."""
    return str(uuid.uuid4())


class Conference(Base):
    __tablename__ = "conference"
    __table_args__ = (
        not_blank("title"),
        not_blank("slug"),
        between("duration_minutes", v.MIN_DURATION, v.MAX_DURATION),
        between("buffer_minutes", 0, 240),
        one_of("status", v.CONFERENCE_STATUSES),
        one_of("agenda_visibility", v.AGENDA_VISIBILITIES),
        between("nudge_offset", 1, reminders.MAX_OFFSET, nullable=True),
        between("day_start_hour", 0, 23),
        between("day_end_hour", 1, 24),
        between("speaking_minutes", *v.SPEAKING_MINUTES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The meeting's calendar UID, and the root of its items' and speaking
    # slots' UIDs: never derived from the slug, so that a renamed conference
    # updates the events people have. Kept by export and import.
    uid: Mapped[str] = mapped_column(String(64), unique=True, default=new_uid)
    # active_history: a rename records the old slug even when it was not
    # loaded yet (_record_former_slugs).
    slug: Mapped[str] = mapped_column(String(80), unique=True, active_history=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    # The title and description in other languages, {"fr": "…", "zh_Hans":
    # "…"} (codes of domain/languages.py); a participant reads theirs, else the
    # text above (languages.localised). None is none.
    title_translations: Mapped[dict | None] = mapped_column(JSON, default=dict)
    description_translations: Mapped[dict | None] = mapped_column(JSON, default=dict)
    timezone: Mapped[str] = mapped_column(String(64))
    # None while the organisers have not fixed a date yet.
    start_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int]
    buffer_minutes: Mapped[int] = mapped_column(default=0)
    # The day window, in the conference's and everyone's local hours: outside
    # it is night (domain/hours.py), for the warnings, the agenda, the planner,
    # the fairest order and the exports alike. Read it as ``day_window``.
    day_start_hour: Mapped[int] = mapped_column(default=hours.DEFAULT_START_HOUR)
    day_end_hour: Mapped[int] = mapped_column(default=hours.DEFAULT_END_HOUR)
    # Each speaker's time in the items the lineup builder creates.
    speaking_minutes: Mapped[int] = mapped_column(default=v.DEFAULT_SPEAKING_MINUTES)
    status: Mapped[str] = mapped_column(String(16), default="draft")

    video_platform: Mapped[str] = mapped_column(String(100), default="")
    join_url: Mapped[str] = mapped_column(String(2000), default="")
    meeting_id: Mapped[str] = mapped_column(String(100), default="")
    passcode: Mapped[str] = mapped_column(String(100), default="")
    dial_in: Mapped[str] = mapped_column(Text, default="")
    # Language tags (BCP 47) spoken in the meeting, and interpretation channels.
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    interpretation_channels: Mapped[list[str]] = mapped_column(JSON, default=list)

    # Raised on every change that alters what an invite says; the invite SEQUENCE.
    invite_revision: Mapped[int] = mapped_column(default=0)
    # Raised on every saved lineup change; a save naming an older one is refused.
    lineup_version: Mapped[int] = mapped_column(default=1)
    # Raised in the same transaction as any change to what the conference shows
    # (models/versioning.py); what a worker computes from a conference is kept
    # under this number (silkmeet/cache.py).
    content_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # The order before the last lineup change, for its organiser to undo:
    # {"order": [item ids], "version": n, "what": "…", "by": organiser id}.
    lineup_undo: Mapped[dict | None] = mapped_column(JSON)

    # The conference's own sender and reply address for its mail ("Name <addr>"
    # or an address), instead of SILKMEET_MAIL_FROM (silkmeet/mail/operations.py).
    mail_from: Mapped[str | None] = mapped_column(String(320))
    mail_reply_to: Mapped[str | None] = mapped_column(String(320))
    # Reminders this many minutes before the start, largest first, and the
    # nudge to those who have not answered (None: none); domain/reminders.py.
    # No server default: a column the database fills makes the ORM read every
    # new row back, one INSERT per row (the migration fills the rows it finds).
    reminder_offsets: Mapped[list[int]] = mapped_column(
        JSON, default=lambda: list(reminders.DEFAULT_REMINDER_OFFSETS)
    )
    nudge_offset: Mapped[int | None] = mapped_column(
        default=reminders.DEFAULT_NUDGE_OFFSET
    )

    # The chair's live record beyond the items' and speakers' actual times:
    # raised (in SQL) by every live action, so that a follower's state is
    # kept and compared under (content_version, live_version); and the
    # message the chair shows on the stage screen ("" for none).
    live_version: Mapped[int] = mapped_column(default=0, server_default="0")
    live_message: Mapped[str] = mapped_column(
        String(200), default="", server_default=""
    )
    # While a rehearsal runs (and until it is cleared): the moment the lineup
    # is shifted to start at. The live actions then record into the items'
    # and speakers' rehearsal_* columns, never the meeting's actual_* ones.
    rehearsal_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The stage screen's key (/c/<slug>/stage/<key>); None: no stage link.
    stage_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    agenda_visibility: Mapped[str] = mapped_column(String(16), default="public")
    agenda_share_token: Mapped[str] = mapped_column(
        String(64), unique=True, default=new_token
    )

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )

    hosts: Mapped[list[ConferenceHost]] = relationship(
        back_populates="conference",
        order_by="ConferenceHost.position",
        cascade="all, delete-orphan",
    )
    participations: Mapped[list[Participation]] = relationship(
        back_populates="conference",
        order_by="Participation.id",
        cascade="all, delete-orphan",
    )
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="conference",
        order_by="(AgendaItem.position, AgendaItem.id)",
        cascade="all, delete-orphan",
    )
    organisers: Mapped[list[ConferenceOrganiser]] = relationship(
        back_populates="conference", cascade="all, delete-orphan"
    )
    former_slugs: Mapped[list[ConferenceSlugAlias]] = relationship(
        back_populates="conference",
        order_by="ConferenceSlugAlias.slug",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<Conference {self.slug}>"

    @property
    def day_window(self) -> hours.Window:
        return hours.window(self.day_start_hour, self.day_end_hour)


class ConferenceSlugAlias(Base):
    """A slug the conference had before. Links that hold it keep working: they
    are redirected to the current slug (:func:`silkmeet.web.former_slug_redirect`),
    and no other conference may take it."""

    __tablename__ = "conference_slug_alias"

    slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    conference: Mapped[Conference] = relationship(back_populates="former_slugs")


@event.listens_for(Session, "before_flush")
def _record_former_slugs(session: Session, _flush_context, _instances) -> None:
    """A renamed conference keeps its old slug as an alias, whatever renamed it
    (the form, an import, a script); renamed back, the alias goes."""
    for conference in session.dirty:
        if not isinstance(conference, Conference):
            continue
        old = inspect(conference).attrs.slug.history.deleted
        if not old or old[0] == conference.slug:
            continue
        aliases = {alias.slug: alias for alias in conference.former_slugs}
        if conference.slug in aliases:
            conference.former_slugs.remove(aliases[conference.slug])
        if old[0] not in aliases:
            conference.former_slugs.append(ConferenceSlugAlias(slug=old[0]))


class Organisation(Base):
    __tablename__ = "organisation"
    __table_args__ = (not_blank("name"), one_of("kind", v.ORGANISATION_KINDS))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(100), default="")
    # ISO 3166-1 alpha-2; None for international bodies.
    country: Mapped[str | None] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(20), default="association")

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"


class ConferenceHost(Base):
    __tablename__ = "conference_host"
    __table_args__ = (
        UniqueConstraint("conference_id", "organisation_id"),
        one_of("role", v.HOST_ROLES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT")
    )
    role: Mapped[str] = mapped_column(String(16), default="host")
    position: Mapped[int] = mapped_column(default=0)

    conference: Mapped[Conference] = relationship(back_populates="hosts")
    organisation: Mapped[Organisation] = relationship()
