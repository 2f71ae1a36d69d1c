"""The SQL of invites: the lineup as plain rows, one participant's row, the
people of a ZIP, and the statements of the download link, built once.

An invite needs the items' timing columns (every item: times flow from the
start), the speakers of the items its participant speaks in (their shares split
the item), and the titles of the few items its short agenda lists. It never
needs the lineup as ORM objects, so it reads tuples in a fixed number of
statements, whatever the size of the conference.
"""

from __future__ import annotations

from sqlalchemy import Result
from sqlalchemy import Row
from sqlalchemy import Select
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from silkmeet.db import UTCDateTime
from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import AgendaItemSpeaker
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.models import Person

# Participants' rows read at a time for the ZIP.
PEOPLE_BATCH = 1000


def item_rows(conference_id: int) -> list[Row]:
    """Every item's id, uid, title, title_translations, duration_minutes and
    fixed_start_at, in lineup order."""
    return db.session.execute(
        select(
            AgendaItem.id,
            AgendaItem.uid,
            AgendaItem.title,
            AgendaItem.title_translations,
            AgendaItem.duration_minutes,
            AgendaItem.fixed_start_at,
        )
        .where(AgendaItem.conference_id == conference_id)
        .order_by(AgendaItem.position, AgendaItem.id)
    ).all()


def speaker_rows(conference_id: int, names: bool = False) -> list[Row]:
    """Every item's speaker links, in item and speaking order (with the
    speaker's ``full_name`` if ``names``)."""
    columns = [
        AgendaItemSpeaker.item_id,
        AgendaItemSpeaker.participation_id,
        AgendaItemSpeaker.minutes,
        Participation.removed_at,
        Participation.uid.label("participation_uid"),
    ]
    if names:
        columns.append(Person.full_name)
    query = (
        select(*columns)
        .join(Participation, Participation.id == AgendaItemSpeaker.participation_id)
        .join(AgendaItem, AgendaItem.id == AgendaItemSpeaker.item_id)
        .where(AgendaItem.conference_id == conference_id)
    )
    if names:
        query = query.join(Person, Person.id == Participation.person_id)
    query = query.order_by(
        AgendaItemSpeaker.item_id, AgendaItemSpeaker.position, AgendaItemSpeaker.id
    )
    return db.session.execute(query).all()


# -- one participant's row ------------------------------------------------------

# What an invite needs of its participant, their person and their conference.
_PARTICIPATION_COLUMNS = (
    Participation.id,
    Participation.uid,
    Participation.token,
    Participation.role,
    Participation.delegation_country,
    Participation.removed_at,
    Participation.cancelled_slots,
    Participation.conference_id,
)
_PERSON_COLUMNS = (
    Person.full_name,
    Person.latin_name,
    Person.timezone,
    Person.email,
    # The language they read (languages.reader_locale): plan.reader_of(row).
    Person.preferred_language,
    Person.languages.label("person_languages"),
)
_CONFERENCE_COLUMNS = (
    Conference.slug,
    Conference.created_at.label("conference_created_at"),
    Conference.content_version,
    Conference.languages.label("conference_languages"),
)
PERSONAL_COLUMNS = _PARTICIPATION_COLUMNS + _PERSON_COLUMNS + _CONFERENCE_COLUMNS


def _personal_rows():
    return (
        select(*PERSONAL_COLUMNS)
        .join(Person, Person.id == Participation.person_id)
        .join(Conference, Conference.id == Participation.conference_id)
    )


def personal_rows(*where) -> Select:
    """The participants' :data:`PERSONAL_COLUMNS` rows that match ``where``, as a
    select to order and run."""
    return _personal_rows().where(*where)


def personal_row(*where) -> Row | None:
    """One participant's :data:`PERSONAL_COLUMNS` row, in one statement, or None."""
    return db.session.execute(_personal_rows().where(*where)).one_or_none()


# Built once: a download is the hottest request there is.
BY_TOKEN = _personal_rows().where(Participation.token == bindparam("token"))
_participation = Participation.__table__
_DOWNLOAD_VALUES = {
    "invite_downloaded_at": bindparam("now", type_=UTCDateTime()),
    "invite_download_count": func.coalesce(_participation.c.invite_download_count, 0)
    + 1,
}
# Counted in the database: two downloads at once both count.
RECORD_DOWNLOAD = (
    update(_participation)
    .where(_participation.c.id == bindparam("participation_id"))
    .values(**_DOWNLOAD_VALUES)
)


def _downloaded_by_token():
    """PostgreSQL: the download recorded and the row read in one statement (a
    data-modifying WITH), one round trip fewer on the hottest request."""
    downloaded = (
        update(_participation)
        # Not "token": in an UPDATE, a bind named after a column sets it.
        .where(_participation.c.token == bindparam("link_token"))
        .values(**_DOWNLOAD_VALUES)
        .returning(
            *(_participation.c[c.key] for c in _PARTICIPATION_COLUMNS),
            _participation.c.person_id,
        )
        .cte("downloaded")
    )
    return (
        select(
            *(downloaded.c[c.key] for c in _PARTICIPATION_COLUMNS),
            *_PERSON_COLUMNS,
            *_CONFERENCE_COLUMNS,
        )
        .join(Person, Person.id == downloaded.c.person_id)
        .join(Conference, Conference.id == downloaded.c.conference_id)
    )


# Binds ``link_token`` and ``now``.
DOWNLOADED_BY_TOKEN = _downloaded_by_token()


def personal_row_by_token(token: str) -> Row | None:
    """:func:`personal_row` of the participant whose link holds ``token``."""
    # Core on the session's connection: rows, no ORM objects to load.
    return db.session.connection().execute(BY_TOKEN, {"token": token}).one_or_none()


# -- the people of a ZIP ----------------------------------------------------------


def current_people(conference_id: int) -> tuple[int, Result]:
    """How many current participants there are, and their
    :data:`PERSONAL_COLUMNS` rows, read a batch at a time as they are taken: a
    large conference's people never sit in memory whole."""
    current = (
        Participation.conference_id == conference_id,
        Participation.removed_at.is_(None),
    )
    count = db.session.scalar(select(func.count(Participation.id)).where(*current))
    rows = db.session.execute(
        _personal_rows()
        .where(*current)
        .order_by(Participation.id)
        .execution_options(yield_per=PEOPLE_BATCH)
    )
    return count, rows


# -- the Invites page -----------------------------------------------------------

# Beside the invite's columns, what the organisers' page and its CSV show.
_PAGE_EXTRA = (
    Person.country,
    Person.languages,
    Participation.invite_downloaded_at,
    Participation.invite_download_count,
)


def page_rows(conference_id: int, participation_id: int | None = None) -> list[Row]:
    """Every participant of the conference (or the one ``participation_id``),
    removed ones too, in the order they were added: :data:`PERSONAL_COLUMNS`
    and their country, languages and downloads, in one statement."""
    query = _personal_rows().add_columns(*_PAGE_EXTRA)
    query = query.where(Participation.conference_id == conference_id)
    if participation_id is not None:
        query = query.where(Participation.id == participation_id)
    return db.session.execute(query.order_by(Participation.id)).all()
