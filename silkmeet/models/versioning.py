"""A conference's content version, raised in the transaction that changes it.

Every flush that adds, changes or deletes a row a conference shows (the
conference itself, its items and speakers, its participants and their people,
its hosts and their organisations, its organisers) raises that conference's
``content_version`` by one, in SQL, in the same transaction. A worker that
computed something from a conference may keep it under ``(conference id,
content_version)``: a reader that sees a version sees at least the content of
that version, whichever worker or host made the change (:mod:`silkmeet.cache`).

What is not content is left out, so that it does not throw caches away: the
download record of an invite, a participant's answer to the invitation, when a
conference sends its reminders, login bookkeeping (passwords, sessions), and the
chair's live record (the items' and speakers' actual times, the stage message,
the stage link): what is computed from it is kept under the conference's
``live_version`` as well (:mod:`silkmeet.runofshow.follow`).

Statements that bypass the ORM flush (``session.execute(update(...))``) do not
pass through here; a write of content made that way must raise the version in
the same transaction, with an UPDATE of the conference that sets :func:`bump`.
"""

from __future__ import annotations

from itertools import chain

from sqlalchemy import event
from sqlalchemy import inspect
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from silkmeet.models.accounts import ConferenceOrganiser
from silkmeet.models.accounts import Organiser
from silkmeet.models.agenda import AgendaItem
from silkmeet.models.agenda import AgendaItemSpeaker
from silkmeet.models.conference import Conference
from silkmeet.models.conference import ConferenceHost
from silkmeet.models.conference import Organisation
from silkmeet.models.people import Participation
from silkmeet.models.people import Person
from silkmeet.models.runofshow import RunOfShowPrint

# Columns whose changes are bookkeeping, not content.
NOT_CONTENT: dict[type, frozenset[str]] = {
    Conference: frozenset(
        {
            "content_version",
            "updated_at",
            "lineup_undo",
            "reminder_offsets",
            "nudge_offset",
            "speaking_minutes",
            "live_version",
            "live_message",
            "rehearsal_at",
            "stage_token",
        }
    ),
    Participation: frozenset(
        {
            "invite_downloaded_at",
            "invite_download_count",
            "rsvp",
            "rsvp_comment",
            "rsvp_at",
            "rsvp_source",
        }
    ),
    Organiser: frozenset({"password_hash", "session_token", "created_at"}),
    AgendaItem: frozenset(
        {"actual_start_at", "actual_end_at", "rehearsal_start_at", "rehearsal_end_at"}
    ),
    AgendaItemSpeaker: frozenset(
        {"actual_start_at", "actual_end_at", "rehearsal_start_at", "rehearsal_end_at"}
    ),
}

# Rows that belong to one conference through a ``conference_id`` column.
_OWNED = (
    AgendaItem,
    Participation,
    ConferenceHost,
    ConferenceOrganiser,
    RunOfShowPrint,
)


def bump():
    """The ``values()`` that raise the version in an UPDATE of ``conference``."""
    return {"content_version": Conference.content_version + 1}


def _changed(obj) -> bool:
    """Whether a dirty object has a content change (columns or collections)."""
    ignored = NOT_CONTENT.get(type(obj), frozenset())
    state = inspect(obj)
    for attr in state.attrs:
        if attr.key in ignored:
            continue
        if attr.history.has_changes():
            return True
    return False


def _touched(session: Session) -> dict[type, set[int]]:
    touched: dict[type, set[int]] = {}
    dirty = set(map(id, session.dirty))
    for obj in chain(session.new, session.dirty, session.deleted):
        if id(obj) in dirty and not _changed(obj):
            continue
        if isinstance(obj, Conference):
            key, value = Conference, obj.id
        elif isinstance(obj, _OWNED):
            key, value = Conference, obj.conference_id
        elif isinstance(obj, AgendaItemSpeaker):
            key, value = AgendaItem, obj.item_id
        elif isinstance(obj, Person | Organisation | Organiser):
            key, value = type(obj), obj.id
        else:
            continue
        if value is not None:
            touched.setdefault(key, set()).add(value)
    return touched


def _conditions(touched: dict[type, set[int]]) -> list:
    conditions = []
    if ids := touched.get(Conference):
        conditions.append(Conference.id.in_(ids))
    if ids := touched.get(AgendaItem):
        conditions.append(
            Conference.id.in_(
                select(AgendaItem.conference_id).where(AgendaItem.id.in_(ids))
            )
        )
    if ids := touched.get(Person):
        conditions.append(
            Conference.id.in_(
                select(Participation.conference_id).where(
                    Participation.person_id.in_(ids)
                )
            )
        )
    if ids := touched.get(Organisation):
        conditions.append(
            Conference.id.in_(
                select(ConferenceHost.conference_id).where(
                    ConferenceHost.organisation_id.in_(ids)
                )
            )
        )
        conditions.append(
            Conference.id.in_(
                select(Participation.conference_id)
                .join(Person, Person.id == Participation.person_id)
                .where(Person.organisation_id.in_(ids))
            )
        )
    if ids := touched.get(Organiser):
        conditions.append(
            Conference.id.in_(
                select(ConferenceOrganiser.conference_id).where(
                    ConferenceOrganiser.organiser_id.in_(ids)
                )
            )
        )
    return conditions


@event.listens_for(Session, "after_flush")
def _raise_versions(session: Session, _flush_context) -> None:
    # After the flush the new rows have their ids and the session's new, dirty
    # and deleted lists still hold what was flushed.
    conditions = _conditions(_touched(session))
    if not conditions:
        return
    session.connection().execute(
        update(Conference)
        .where(or_(*conditions))
        .values(**bump())
        .execution_options(synchronize_session=False)
    )
    session.info["content_version_raised"] = True


@event.listens_for(Session, "after_flush_postexec")
def _expire_versions(session: Session, _flush_context) -> None:
    # Conferences in this session now hold a stale version: read it again.
    if session.info.pop("content_version_raised", False):
        for obj in list(session.identity_map.values()):
            if isinstance(obj, Conference):
                session.expire(obj, ["content_version"])
