"""Run-of-show use cases: rows from the models, printed revisions, live actions.

The live actions write with guarded UPDATEs (``WHERE actual_start_at IS NULL`` …):
when two chairs press "next" at once the database lets exactly one of them end the
running item, and the other is told what happened instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy import update

from silkmeet import timetable
from silkmeet.db import utcnow
from silkmeet.domain import runofshow as ros
from silkmeet.domain import schedule
from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v
from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.models import RunOfShowPrint


def now() -> datetime:
    """The clock of the live view; tests replace it."""
    return utcnow()


def chair_of(conference: Conference) -> Participation | None:
    for role in v.CHAIR_ROLES:
        for participation in conference.participations:
            if participation.role == role and participation.removed_at is None:
                return participation
    return None


def introduction(participation: Participation) -> ros.Introduction:
    person = participation.person
    organisation = person.organisation
    return ros.Introduction(
        full_name=person.full_name,
        latin_name=person.latin_name,
        honorific=person.honorific,
        position=person.position,
        organisation=organisation.name if organisation else "",
        country=participation.delegation_country or person.country,
        pronunciation=person.pronunciation,
    )


def item_facts(item: AgendaItem) -> ros.ItemFacts:
    return ros.ItemFacts(
        notes=item.notes,
        technical_cue=item.technical_cue,
        technical_note=item.technical_note,
        interpretation_language=item.interpretation_language,
        speakers=tuple(
            introduction(s.participation)
            for s in item.speakers
            if s.participation.removed_at is None
        ),
        actual_start=item.actual_start_at,
        actual_end=item.actual_end_at,
    )


def planned_end(conference: Conference) -> datetime | None:
    if conference.start_at is None:
        return None
    return schedule.planned_end(conference.start_at, conference.duration_minutes)


def rows_for(conference: Conference, chair_zone: str) -> list[ros.Row]:
    """The run-of-show rows of a conference loaded with timetable.graph_options."""
    scheduled = timetable.schedule_for(conference)
    facts = {item.id: item_facts(item) for item in conference.items}
    return ros.build_rows(
        scheduled, facts, conference.timezone, chair_zone, planned_end(conference)
    )


@dataclass(frozen=True)
class Revisions:
    latest: RunOfShowPrint | None
    # The print the marks compare against (None: nothing printed yet).
    baseline: RunOfShowPrint | None
    # True when the page shows exactly what the latest print holds.
    printed: bool


def recent_prints(conference: Conference) -> list[RunOfShowPrint]:
    return list(
        db.session.scalars(
            select(RunOfShowPrint)
            .where(RunOfShowPrint.conference_id == conference.id)
            .order_by(RunOfShowPrint.revision.desc())
            .limit(2)
        )
    )


def revisions(conference: Conference, rows: list[ros.Row]) -> Revisions:
    """Which revision the page is, and which one its change marks compare with.

    While the lineup differs from the last print, marks show what changed since
    that print. Once it is printed again, the sheet marks what changed since the
    revision before, as revised scripts do.
    """
    prints = recent_prints(conference)
    latest = prints[0] if prints else None
    if latest is None:
        return Revisions(latest=None, baseline=None, printed=False)
    if ros.same_as(rows, latest.snapshot):
        baseline = prints[1] if len(prints) > 1 else None
        return Revisions(latest=latest, baseline=baseline, printed=True)
    return Revisions(latest=latest, baseline=latest, printed=False)


def record_print(
    conference: Conference, rows: list[ros.Row], printed_by: str
) -> RunOfShowPrint:
    """Record the current sheet as the next revision (unless it is unchanged)."""
    prints = recent_prints(conference)
    if prints and ros.same_as(rows, prints[0].snapshot):
        return prints[0]
    record = RunOfShowPrint(
        conference_id=conference.id,
        revision=(prints[0].revision + 1) if prints else 1,
        printed_at=now(),
        printed_by=printed_by[:320],
        snapshot=ros.snapshot(rows),
    )
    db.session.add(record)
    db.session.flush()
    return record


# --- live actions ----------------------------------------------------------------


class LiveConflict(Exception):
    """A live action that cannot apply; the message is for the chair."""


class LiveRequestError(Exception):
    """A live action that does not say which item it is meant for."""


def _title(item: AgendaItem, items: list[AgendaItem]) -> str:
    return f"cue {items.index(item) + 1}, {item.title}"


def _clock(instant: datetime, zone: str) -> str:
    local = tz.local_time(instant, zone)
    return f"{local.wall:%H:%M:%S} {local.abbreviation}"


def _guarded(statement) -> int:
    return db.session.execute(
        statement.execution_options(synchronize_session=False)
    ).rowcount


def start(conference: Conference, item_id: int | None) -> AgendaItem:
    """Start the first item not started yet, when nothing is running.

    ``item_id`` is the item the chair saw as next; a stale page is refused.
    """
    items = list(conference.items)
    if not items:
        raise LiveConflict("This conference has no items to start.")
    running = [i for i in items if i.actual_start_at and not i.actual_end_at]
    if running:
        item = running[-1]
        raise LiveConflict(
            f"{_title(item, items)} is already running "
            f"(started at {_clock(item.actual_start_at, conference.timezone)}): "
            "press Next to move on."
        )
    waiting = [i for i in items if i.actual_start_at is None]
    if not waiting:
        raise LiveConflict("Every item has been held: there is nothing left to start.")
    item = waiting[0]
    if item_id is not None and item_id != item.id:
        raise LiveConflict(
            f"The page was out of date: the next item is {_title(item, items)}."
        )
    moment = now()
    claimed = _guarded(
        update(AgendaItem)
        .where(AgendaItem.id == item.id, AgendaItem.actual_start_at.is_(None))
        .values(actual_start_at=moment)
    )
    if claimed != 1:
        db.session.rollback()
        raise LiveConflict(
            f"{item.title} was started by someone else a moment ago; "
            "the page now shows it."
        )
    return item


def next_item(conference: Conference, item_id: int | None) -> AgendaItem | None:
    """End the running item and start the one after it (None after the last).

    ``item_id`` is the item the chair saw running, and is required: if someone
    else already moved on, nothing is written and the chair is told. Without
    it, a second press meant for the same item would end the next one, which
    nobody saw, and skip it.
    """
    if item_id is None:
        raise LiveRequestError(
            "Next did not say which item it ends, so nothing was changed: "
            "reload the live view and press Next again."
        )
    items = list(conference.items)
    running = [i for i in items if i.actual_start_at and not i.actual_end_at]
    if not running:
        if items and all(i.actual_end_at for i in items):
            raise LiveConflict(
                "The last item is over: there is no next item. "
                "The planned-versus-actual report is ready."
            )
        raise LiveConflict("Nothing is running yet: press Start first.")
    item = running[-1]
    if item_id != item.id:
        raise LiveConflict(
            f"Someone else already moved on: {_title(item, items)} is running now."
        )
    moment = now()
    ended = _guarded(
        update(AgendaItem)
        .where(
            AgendaItem.id == item.id,
            AgendaItem.actual_start_at.is_not(None),
            AgendaItem.actual_end_at.is_(None),
        )
        .values(actual_end_at=moment)
    )
    if ended != 1:
        db.session.rollback()
        raise LiveConflict(
            "Someone else pressed Next at the same moment; "
            "their press counted and the page now shows the new item."
        )
    following = next(
        (i for i in items[items.index(item) + 1 :] if i.actual_start_at is None), None
    )
    if following is not None:
        _guarded(
            update(AgendaItem)
            .where(AgendaItem.id == following.id, AgendaItem.actual_start_at.is_(None))
            .values(actual_start_at=moment)
        )
    return following


def reset(conference: Conference) -> None:
    """Forget every recorded actual time (after a rehearsal)."""
    db.session.execute(
        update(AgendaItem)
        .where(AgendaItem.conference_id == conference.id)
        .values(actual_start_at=None, actual_end_at=None)
        .execution_options(synchronize_session=False)
    )


def live_version(rows: list[ros.Row]) -> str:
    """Changes whenever a live action is recorded: lets the page skip redraws."""
    started = sum(1 for row in rows if row.actual_start is not None)
    ended = sum(1 for row in rows if row.actual_end is not None)
    return f"{started}.{ended}"
