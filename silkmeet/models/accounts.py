from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from silkmeet.db import Base
from silkmeet.db import UTCDateTime
from silkmeet.db import utcnow
from silkmeet.domain import vocabulary as v
from silkmeet.models._checks import not_blank
from silkmeet.models._checks import one_of
from silkmeet.models.conference import Conference


class Organiser(UserMixin, Base):
    __tablename__ = "organiser"
    __table_args__ = (not_blank("email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    failed_logins: Mapped[int] = mapped_column(default=0)
    last_failed_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    conferences: Mapped[list[ConferenceOrganiser]] = relationship(
        back_populates="organiser", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<Organiser {self.email}>"


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
