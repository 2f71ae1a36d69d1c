"""Invites: the use cases the views and the CLI call, and the writes around them
(download records, token reissue). The SQL is in :mod:`.rows`, the shared plan
in :mod:`.plan`, file names and the ZIP in :mod:`.files`."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from datetime import datetime
from typing import IO

from sqlalchemy import Row

from silkmeet.access import Visibility
from silkmeet.cache import conference_key
from silkmeet.cache import content_key
from silkmeet.db import utcnow
from silkmeet.domain import ics
from silkmeet.extensions import db
from silkmeet.i18n import force_locale
from silkmeet.invites import files
from silkmeet.invites import rows
from silkmeet.invites.plan import InvitePlan
from silkmeet.invites.plan import agenda_url_template
from silkmeet.invites.plan import conference_meeting
from silkmeet.invites.plan import invite_plan
from silkmeet.invites.plan import invitee
from silkmeet.invites.plan import reader_of
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.models.conference import new_token


def personal_parts(row: Row) -> tuple[ics.Meeting, ics.Invitee]:
    """The meeting every invite shares and the participant's own part (their
    slots, their personal link) for one row from :func:`rows.personal_row`, in
    the language they read (call it under :func:`reading_as`). On a conference
    version and language this worker has seen, no statement at all."""
    plan = invite_plan(
        row.conference_id,
        content_key(row.conference_id, row.conference_created_at, row.content_version),
    )
    return plan.meeting, invitee(row, plan.slots_of(row), agenda_url_template())


def reading_as(row: Row, asked: str | None = None):
    """``with reading_as(row):`` builds what the participant of ``row`` reads
    (their invite, feed, e-mails) in their language, or in ``asked`` (a
    supported locale the link named: ``?lang=``)."""
    return force_locale(asked or reader_of(row))


def _personal(
    row: Row,
    build: Callable[..., bytes],
    stamp: datetime | None,
    asked: str | None = None,
) -> bytes:
    """``build(meeting, invitee, stamp)`` for one participant's row."""
    with reading_as(row, asked):
        return build(*personal_parts(row), stamp or utcnow())


def personal_invite(
    row: Row, stamp: datetime | None = None, asked: str | None = None
) -> tuple[bytes, str]:
    """``(bytes, filename)`` of one participant's invite (or cancellation);
    ``row`` from :func:`rows.personal_row`; in their language, or ``asked``."""
    data = _personal(row, ics.invite, stamp, asked)
    return data, files.invite_filename(row.slug, row.full_name)


def personal_feed(
    row: Row, stamp: datetime | None = None, asked: str | None = None
) -> bytes:
    return _personal(row, ics.feed, stamp, asked)


def conference_calendar(
    conference: Conference, sees: Visibility, stamp: datetime | None = None
) -> tuple[bytes, str]:
    """``(bytes, filename)``: one event per agenda item, with what ``sees``
    lets its reader see of the video call."""
    meeting = sees.meeting(conference_meeting(conference))
    data = ics.agenda_calendar(meeting, stamp or utcnow())
    return data, files.calendar_filename(conference.slug)


def all_invites(
    conference: Conference, stamp: datetime | None = None
) -> Iterator[tuple[str, bytes]]:
    """``(file name, bytes)`` of every current participant's invite.

    The lineup and the shared meeting are loaded and built once; each invite
    then costs only its own DESCRIPTION and events. A fixed number of
    statements, whatever the number of items and people.
    """
    key = conference_key(conference)
    stamp = stamp or utcnow()
    count, people = rows.current_people(conference.id)
    width = files.zip_width(count)
    template = agenda_url_template()
    plans: dict[str, InvitePlan] = {}  # one per language read
    # "with": a ZIP given up halfway closes the cursor at once.
    with people:
        for n, row in enumerate(people, start=1):
            locale = reader_of(row)
            with force_locale(locale):
                plan = plans.get(locale)
                if plan is None:
                    plan = plans[locale] = invite_plan(conference.id, key)
                person = invitee(row, plan.slots_of(row), template)
                data = ics.invite(plan.meeting, person, stamp)
            yield files.zip_name(n, width, row), data


def invites_zip(conference: Conference, stamp: datetime | None = None) -> IO[bytes]:
    """Every current participant's invite, one file each, in one ZIP.

    Returns an open temporary file positioned at its start (the caller closes
    it): a large conference's ZIP is spooled to disk, not held in memory.
    """
    return files.spooled_zip(all_invites(conference, stamp))


def download_row_by_token(token: str) -> Row | None:
    """:func:`rows.personal_row_by_token`, with the download recorded (it
    stands only if the caller commits: a refused request rolls it back)."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        return connection.execute(
            rows.DOWNLOADED_BY_TOKEN, {"link_token": token, "now": utcnow()}
        ).one_or_none()
    row = rows.personal_row_by_token(token)
    if row is not None:
        record_download(row.id)
    return row


def record_download(participation_id: int) -> None:
    """One UPDATE, counted in the database (two downloads at once both count);
    no ORM object is loaded or refreshed for it."""
    db.session.connection().execute(
        rows.RECORD_DOWNLOAD, {"participation_id": participation_id, "now": utcnow()}
    )


def reissue_token(participation: Participation) -> str:
    """Give a new personal link; the old one answers 404 from now on."""
    participation.token = new_token()
    participation.token_issued_at = utcnow()
    db.session.flush()
    return participation.token
