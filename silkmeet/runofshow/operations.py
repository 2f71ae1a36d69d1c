"""Run-of-show use cases: rows from the models, printed revisions, live actions.

The live actions write with guarded UPDATEs (``WHERE actual_start_at IS NULL`` …):
when two chairs press "next" at once the database lets exactly one of them end the
running item (or speaker), and the other is told what happened instead. Each
also raises the conference's ``live_version`` in SQL, in the same transaction:
followers keep what they computed from the live record under it
(:mod:`silkmeet.runofshow.follow`).

A rehearsal is a run recorded apart: while ``Conference.rehearsal_at`` is set,
the lineup is shifted to start then and every live action writes the items'
and speakers' ``rehearsal_*`` columns (:data:`REHEARSAL`), never the
meeting's own ``actual_*`` record (:data:`MEETING`). Clearing the rehearsal
forgets those columns and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer
from sqlalchemy import literal
from sqlalchemy import select
from sqlalchemy import union_all
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from silkmeet import timetable
from silkmeet.db import utcnow
from silkmeet.domain import runofshow as ros
from silkmeet.domain import schedule
from silkmeet.domain import timewords as tw
from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v
from silkmeet.extensions import db
from silkmeet.i18n import gettext as _
from silkmeet.models import AgendaItem
from silkmeet.models import AgendaItemSpeaker
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.models import RunOfShowPrint
from silkmeet.models.conference import new_token
from silkmeet.web import reader_locale


def now() -> datetime:
    """The clock of the live view; tests replace it."""
    return utcnow()


@dataclass(frozen=True)
class Track:
    """Which record a run writes: the columns of its start and end."""

    rehearsal: bool
    start: str
    end: str

    def started(self, row) -> datetime | None:
        return getattr(row, self.start)

    def ended(self, row) -> datetime | None:
        return getattr(row, self.end)


MEETING = Track(False, "actual_start_at", "actual_end_at")
REHEARSAL = Track(True, "rehearsal_start_at", "rehearsal_end_at")


def track_of(conference: Conference) -> Track:
    """The record the live actions write now."""
    return REHEARSAL if conference.rehearsal_at is not None else MEETING


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
        speakers=tuple(introduction(s.participation) for s in active_speakers(item)),
    )


def active_speakers(item: AgendaItem) -> list[AgendaItemSpeaker]:
    """The item's speakers who still take part, in their order."""
    return [s for s in item.speakers if s.participation.removed_at is None]


def planned_end(conference: Conference) -> datetime | None:
    if conference.start_at is None:
        return None
    return schedule.planned_end(conference.start_at, conference.duration_minutes)


def planned_rows(conference: Conference, chair_zone: str) -> list[ros.Row]:
    """The run-of-show rows as planned (nothing recorded) of a conference loaded
    with its lineup and speakers' people."""
    scheduled = timetable.schedule_for(conference)
    facts = {item.id: item_facts(item) for item in conference.items}
    return ros.build_rows(
        scheduled, facts, conference.timezone, chair_zone, planned_end(conference)
    )


def rows_for(
    conference: Conference, chair_zone: str, track: Track = MEETING
) -> list[ros.Row]:
    """The run-of-show rows of a conference loaded with timetable.graph_options,
    with what the chair recorded: the meeting's record, or the rehearsal's
    (on the lineup shifted to the rehearsal's start)."""
    rows = planned_rows(conference, chair_zone)
    if track.rehearsal:
        rows = rehearsed(rows, conference, chair_zone)
    return ros.with_record(rows, loaded_record(conference, track))


def rehearsed(
    rows: list[ros.Row], conference: Conference, chair_zone: str
) -> list[ros.Row]:
    """The planned rows as the rehearsal runs them (as planned: no rehearsal)."""
    if conference.rehearsal_at is None:
        return rows
    return ros.shifted(rows, conference.rehearsal_at, conference.timezone, chair_zone)


def live_rows(conference: Conference, chair_zone: str) -> list[ros.Row]:
    """The rows of the run the live view shows: the rehearsal while there is one."""
    return rows_for(conference, chair_zone, track_of(conference))


def loaded_record(conference: Conference, track: Track = MEETING) -> ros.Record:
    """The live record of a conference whose items and speakers are loaded."""
    return ros.Record(
        items={
            item.id: (track.started(item), track.ended(item))
            for item in conference.items
            if track.started(item) is not None
        },
        speakers={
            (item.id, s.participation_id): (track.started(s), track.ended(s))
            for item in conference.items
            for s in item.speakers
            if track.started(s) is not None
        },
    )


def read_record(conference_id: int, track: Track = MEETING) -> ros.Record:
    """The live record of a conference, read as rows in one statement: the
    items' times (no participant) and the speakers' times, as far as recorded."""
    item_start = getattr(AgendaItem, track.start)
    speaker_start = getattr(AgendaItemSpeaker, track.start)
    items = select(
        AgendaItem.id.label("item_id"),
        literal(None, Integer).label("participation_id"),
        item_start.label("start"),
        getattr(AgendaItem, track.end).label("end"),
    ).where(
        AgendaItem.conference_id == conference_id,
        item_start.is_not(None),
    )
    speakers = (
        select(
            AgendaItemSpeaker.item_id,
            AgendaItemSpeaker.participation_id,
            speaker_start.label("start"),
            getattr(AgendaItemSpeaker, track.end).label("end"),
        )
        .join(AgendaItem, AgendaItem.id == AgendaItemSpeaker.item_id)
        .where(
            AgendaItem.conference_id == conference_id,
            speaker_start.is_not(None),
        )
    )
    record: dict = {"items": {}, "speakers": {}}
    for row in db.session.execute(union_all(items, speakers)):
        span = (row.start, row.end)
        if row.participation_id is None:
            record["items"][row.item_id] = span
        else:
            record["speakers"][(row.item_id, row.participation_id)] = span
    return ros.Record(**record)


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
    return _("cue %(cue)s, %(title)s", cue=items.index(item) + 1, title=item.title)


def _clock(instant: datetime, zone: str) -> str:
    local = tz.local_time(instant, zone)
    return f"{local.wall:%H:%M:%S} {local.abbreviation}"


def _guarded(statement) -> int:
    return db.session.execute(
        statement.execution_options(synchronize_session=False)
    ).rowcount


def _recorded(conference: Conference, **values) -> None:
    """Raise the live version (and set ``values``) in SQL: every live action
    calls it in its transaction. ``updated_at`` stays: this is not an edit."""
    db.session.execute(
        update(Conference)
        .where(Conference.id == conference.id)
        .values(
            live_version=Conference.live_version + 1,
            updated_at=Conference.updated_at,
            **values,
        )
        .execution_options(synchronize_session=False)
    )


def _give_floor(item: AgendaItem, moment: datetime, t: Track) -> None:
    """Start the turn of an item's first speaker (if anyone speaks in it)."""
    speakers = active_speakers(item)
    if speakers:
        _guarded(
            update(AgendaItemSpeaker)
            .where(
                AgendaItemSpeaker.id == speakers[0].id,
                getattr(AgendaItemSpeaker, t.start).is_(None),
            )
            .values({t.start: moment})
        )


def start(conference: Conference, item_id: int | None) -> AgendaItem:
    """Start the first item not started yet, when nothing is running.

    ``item_id`` is the item the chair saw as next; a stale page is refused.
    """
    t = track_of(conference)
    items = list(conference.items)
    if not items:
        raise LiveConflict(_("This conference has no items to start."))
    running = [i for i in items if t.started(i) and not t.ended(i)]
    if running:
        item = running[-1]
        raise LiveConflict(
            _(
                "%(item)s is already running (started at %(time)s): press Next to "
                "move on.",
                item=_title(item, items),
                time=_clock(t.started(item), conference.timezone),
            )
        )
    waiting = [i for i in items if t.started(i) is None]
    if not waiting:
        raise LiveConflict(
            _("Every item has been held: there is nothing left to start.")
        )
    item = waiting[0]
    moment = now()
    if not start_allowed(conference, moment):
        day = tw.date_words(
            conference.start_at, conference.timezone, locale=reader_locale()
        )
        raise LiveConflict(
            _(
                "The meeting is on %(day)s: Start records it on that day. "
                "To try the run now, start a rehearsal.",
                day=day,
            )
        )
    if item_id is not None and item_id != item.id:
        raise LiveConflict(
            _(
                "The page was out of date: the next item is %(item)s.",
                item=_title(item, items),
            )
        )
    claimed = _guarded(
        update(AgendaItem)
        .where(AgendaItem.id == item.id, getattr(AgendaItem, t.start).is_(None))
        .values({t.start: moment})
    )
    if claimed != 1:
        db.session.rollback()
        raise LiveConflict(
            _(
                "%(title)s was started by someone else a moment ago; the page now "
                "shows it.",
                title=item.title,
            )
        )
    _give_floor(item, moment, t)
    _recorded(conference)
    return item


def _running(conference: Conference, items: list[AgendaItem]) -> AgendaItem:
    t = track_of(conference)
    running = [i for i in items if t.started(i) and not t.ended(i)]
    if not running:
        if items and all(t.ended(i) for i in items):
            raise LiveConflict(
                _(
                    "The last item is over: there is no next item. "
                    "The planned-versus-actual report is ready."
                )
            )
        raise LiveConflict(_("Nothing is running yet: press Start first."))
    return running[-1]


def next_item(conference: Conference, item_id: int | None) -> AgendaItem | None:
    """End the running item and start the one after it (None after the last).

    ``item_id`` is the item the chair saw running, and is required: if someone
    else already moved on, nothing is written and the chair is told. Without
    it, a second press meant for the same item would end the next one, which
    nobody saw, and skip it.
    """
    if item_id is None:
        raise LiveRequestError(
            _(
                "Next did not say which item it ends, so nothing was changed: "
                "reload the live view and press Next again."
            )
        )
    t = track_of(conference)
    items = list(conference.items)
    item = _running(conference, items)
    if item_id != item.id:
        raise LiveConflict(
            _(
                "Someone else already moved on: %(item)s is running now.",
                item=_title(item, items),
            )
        )
    moment = now()
    ended = _guarded(
        update(AgendaItem)
        .where(
            AgendaItem.id == item.id,
            getattr(AgendaItem, t.start).is_not(None),
            getattr(AgendaItem, t.end).is_(None),
        )
        .values({t.end: moment})
    )
    if ended != 1:
        db.session.rollback()
        raise LiveConflict(
            _(
                "Someone else pressed Next at the same moment; "
                "their press counted and the page now shows the new item."
            )
        )
    # The speaker who had the floor ends with the item.
    _guarded(
        update(AgendaItemSpeaker)
        .where(
            AgendaItemSpeaker.item_id == item.id,
            getattr(AgendaItemSpeaker, t.start).is_not(None),
            getattr(AgendaItemSpeaker, t.end).is_(None),
        )
        .values({t.end: moment})
    )
    following = next(
        (i for i in items[items.index(item) + 1 :] if t.started(i) is None), None
    )
    if following is not None:
        _guarded(
            update(AgendaItem)
            .where(
                AgendaItem.id == following.id, getattr(AgendaItem, t.start).is_(None)
            )
            .values({t.start: moment})
        )
        _give_floor(following, moment, t)
    _recorded(conference)
    return following


def next_speaker(
    conference: Conference, item_id: int | None, participation_id: int | None
) -> AgendaItemSpeaker:
    """End the running speaker's turn and give the floor to the next speaker of
    the same item.

    Like Next, it names what the chair saw: the running item and the speaker
    who had the floor. A press from a page that is out of date (someone moved
    on) writes nothing.
    """
    if item_id is None or participation_id is None:
        raise LiveRequestError(
            _(
                "Next speaker did not say whose turn it ends, so nothing was changed: "
                "reload the live view and press it again."
            )
        )
    t = track_of(conference)
    items = list(conference.items)
    item = _running(conference, items)
    if item_id != item.id:
        raise LiveConflict(
            _(
                "Someone else already moved on: %(item)s is running now.",
                item=_title(item, items),
            )
        )
    speakers = active_speakers(item)
    speaking = [s for s in speakers if t.started(s) and not t.ended(s)]
    if not speaking or speaking[-1].participation_id != participation_id:
        who = speaking[-1].participation.person.full_name if speaking else _("nobody")
        raise LiveConflict(
            _(
                "Someone else already moved on: %(who)s has the floor in %(title)s.",
                who=who,
                title=item.title,
            )
        )
    current = speaking[-1]
    following = next(
        (s for s in speakers[speakers.index(current) + 1 :] if t.started(s) is None),
        None,
    )
    if following is None:
        raise LiveConflict(
            _(
                "%(name)s is the last speaker of %(title)s: press Next to move on.",
                name=current.participation.person.full_name,
                title=item.title,
            )
        )
    moment = now()
    ended = _guarded(
        update(AgendaItemSpeaker)
        .where(
            AgendaItemSpeaker.id == current.id,
            getattr(AgendaItemSpeaker, t.start).is_not(None),
            getattr(AgendaItemSpeaker, t.end).is_(None),
        )
        .values({t.end: moment})
    )
    if ended != 1:
        db.session.rollback()
        raise LiveConflict(
            _(
                "Someone else pressed Next speaker at the same moment; "
                "their press counted and the page now shows the new speaker."
            )
        )
    _guarded(
        update(AgendaItemSpeaker)
        .where(
            AgendaItemSpeaker.id == following.id,
            getattr(AgendaItemSpeaker, t.start).is_(None),
        )
        .values({t.start: moment})
    )
    _recorded(conference)
    return following


def show_message(conference: Conference, text: str) -> str:
    """Show ``text`` on the stage screen until it is cleared ("" clears)."""
    try:
        message = ros.clean_message(text)
    except ValueError as refused:
        raise LiveRequestError(str(refused)) from None
    _recorded(conference, live_message=message)
    return message


def issue_stage_link(conference: Conference) -> str:
    """A new key for the stage screen; the old link stops working."""
    conference.stage_token = new_token()
    db.session.flush()
    return conference.stage_token


def revoke_stage_link(conference: Conference) -> None:
    conference.stage_token = None
    db.session.flush()


def may_start_meeting(conference: Conference, moment: datetime) -> bool:
    """Whether Start, pressed at ``moment``, may record the meeting itself:
    on the meeting's day only (:func:`ros.meeting_day`)."""
    if conference.start_at is None:
        return True
    return ros.meeting_day(
        conference.start_at, planned_end(conference), moment, conference.timezone
    )


def start_allowed(conference: Conference, moment: datetime) -> bool:
    """Whether Start may record at ``moment``: always in a rehearsal; for the
    meeting on its day, or once it has started (a meeting that runs late)."""
    if conference.rehearsal_at is not None:
        return True
    if any(item.actual_start_at for item in conference.items):
        return True
    return may_start_meeting(conference, moment)


def may_rehearse(conference: Conference) -> bool:
    """Whether a rehearsal can start: none is on, the meeting has not started."""
    return conference.rehearsal_at is None and not any(
        item.actual_start_at for item in conference.items
    )


def start_rehearsal(conference: Conference, item_id: int | None) -> AgendaItem:
    """Start a rehearsal now: the lineup shifted to start at this moment, its
    first item started, all recorded apart from the meeting's record.

    Refused once the meeting itself has started (a rehearsal would hide it
    from the live view) and while another rehearsal is on.
    """
    if not may_rehearse(conference):
        if conference.rehearsal_at is not None:
            raise LiveConflict(
                _("A rehearsal is on already: clear it first to rehearse again.")
            )
        raise LiveConflict(
            _("The meeting itself has started: it cannot be rehearsed now.")
        )
    moment = now()
    # Claimed in SQL: of two chairs pressing at once, one starts it.
    claimed = _guarded(
        update(Conference)
        .where(Conference.id == conference.id, Conference.rehearsal_at.is_(None))
        .values(rehearsal_at=moment, updated_at=Conference.updated_at)
    )
    if claimed != 1:
        db.session.rollback()
        raise LiveConflict(_("Someone else started a rehearsal a moment ago."))
    _forget(conference, REHEARSAL)
    # As written in SQL (the ORM is not to write it again): the live actions
    # from here record the rehearsal, whose first item starts now.
    set_committed_value(conference, "rehearsal_at", moment)
    return start(conference, item_id)


def clear_rehearsal(conference: Conference) -> None:
    """End the rehearsal and forget what it recorded (and the stage message);
    the meeting's record is not touched."""
    _forget(conference, REHEARSAL)
    _recorded(conference, rehearsal_at=None, live_message="")
    set_committed_value(conference, "rehearsal_at", None)


def _forget(conference: Conference, track: Track) -> None:
    """Forget every time of ``track`` recorded for the conference's items."""
    blank = {track.start: None, track.end: None}
    db.session.execute(
        update(AgendaItem)
        .where(AgendaItem.conference_id == conference.id)
        .values(blank)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(AgendaItemSpeaker)
        .where(
            AgendaItemSpeaker.item_id.in_(
                select(AgendaItem.id).where(AgendaItem.conference_id == conference.id)
            )
        )
        .values(blank)
        .execution_options(synchronize_session=False)
    )


def reset(conference: Conference) -> None:
    """Forget every time recorded for the meeting itself, and the message."""
    _forget(conference, MEETING)
    _recorded(conference, live_message="")
