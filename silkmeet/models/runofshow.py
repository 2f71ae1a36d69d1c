from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from silkmeet.db import Base
from silkmeet.db import UTCDateTime
from silkmeet.db import utcnow
from silkmeet.models.conference import Conference


class RunOfShowPrint(Base):
    """A printed revision of a conference's run-of-show.

    ``snapshot`` keeps the printed fields of every item (keyed by item id) so that
    the page can mark what changed since the sheet the chair holds.
    """

    __tablename__ = "run_of_show_print"
    __table_args__ = (UniqueConstraint("conference_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    revision: Mapped[int]
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Who recorded it: an organiser's email or the chair's name.
    printed_by: Mapped[str] = mapped_column(String(320), default="")
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)

    conference: Mapped[Conference] = relationship()

    def __repr__(self) -> str:
        return f"<RunOfShowPrint {self.conference_id} r{self.revision}>"
