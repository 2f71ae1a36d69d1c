from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from silkmeet.db import Base
from silkmeet.db import UTCDateTime
from silkmeet.domain import vocabulary as v
from silkmeet.models._checks import between
from silkmeet.models._checks import not_blank
from silkmeet.models._checks import one_of
from silkmeet.models.conference import Conference
from silkmeet.models.conference import new_uid
from silkmeet.models.people import Participation


class AgendaItem(Base):
    __tablename__ = "agenda_item"
    __table_args__ = (
        not_blank("title"),
        between("duration_minutes", v.MIN_DURATION, v.MAX_DURATION),
        between("target_minutes", v.MIN_DURATION, v.MAX_DURATION, nullable=True),
        one_of("kind", v.ITEM_KINDS),
        one_of("technical_cue", v.TECHNICAL_CUES),
        UniqueConstraint("conference_id", "uid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    # Names the item in calendar UIDs, through export and import (new_uid).
    uid: Mapped[str] = mapped_column(String(64), default=new_uid)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(24), default="other")
    title: Mapped[str] = mapped_column(String(300))
    # The title in other languages, as Conference.title_translations.
    title_translations: Mapped[dict | None] = mapped_column(JSON, default=dict)
    duration_minutes: Mapped[int]
    # Locked to a clock time: the items after it flow from here.
    fixed_start_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Protocol position: reordering the blocks around it never moves it.
    pinned: Mapped[bool] = mapped_column(default=False)
    country: Mapped[str | None] = mapped_column(String(2))
    # For country blocks: the length the organisers aim for.
    target_minutes: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    technical_cue: Mapped[str] = mapped_column(String(24), default="none")
    technical_note: Mapped[str] = mapped_column(String(500), default="")
    interpretation_language: Mapped[str | None] = mapped_column(String(35))
    # Recorded by the chair's live view.
    actual_start_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    actual_end_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Recorded during a rehearsal (Conference.rehearsal_at), apart from the
    # meeting's own record above.
    rehearsal_start_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rehearsal_end_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    conference: Mapped[Conference] = relationship(back_populates="items")
    speakers: Mapped[list[AgendaItemSpeaker]] = relationship(
        back_populates="item",
        order_by="AgendaItemSpeaker.position",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<AgendaItem {self.position} {self.title}>"


class AgendaItemSpeaker(Base):
    __tablename__ = "agenda_item_speaker"
    __table_args__ = (
        UniqueConstraint("item_id", "participation_id"),
        between("minutes", v.MIN_DURATION, v.MAX_DURATION, nullable=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True
    )
    participation_id: Mapped[int] = mapped_column(
        ForeignKey("participation.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    # This speaker's share of the item; None shares the rest equally.
    minutes: Mapped[int | None]
    # Recorded by the chair's live view: this speaker's turn.
    actual_start_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    actual_end_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The same turn in a rehearsal, apart from the meeting's record.
    rehearsal_start_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rehearsal_end_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    item: Mapped[AgendaItem] = relationship(back_populates="speakers")
    participation: Mapped[Participation] = relationship(back_populates="speaking")
