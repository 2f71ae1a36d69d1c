"""What the meeting's followers see: the stage screen and each speaker's page.

Many screens follow one meeting, so following is cheap. The planned rows are
kept per content version (:mod:`silkmeet.cache`); what the chair recorded is
read (one statement) once per ``live_version``, which every live action raises
in its transaction; the state built from both is kept under the two versions.
A follower that has that state already gets a 304 from the conference row
alone (:func:`etag`).

The state does not depend on the clock: it holds the projection at the few
instants between which every expected time and limit is linear in the clock
(:func:`silkmeet.domain.timekeeping.follow`); the browser interpolates. Each
answer carries the live view's clock (``X-Live-Now``, which tests set) so that
browsers count down from the server's clock, not their own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime

from flask import url_for
from sqlalchemy.orm import load_only

from silkmeet import timetable
from silkmeet.cache import cached
from silkmeet.cache import conference_key
from silkmeet.domain import runofshow as ros
from silkmeet.domain import timekeeping as tk
from silkmeet.domain import timezones as tz
from silkmeet.i18n import get_locale
from silkmeet.i18n import gettext as _
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.runofshow import operations as ops

# How many turns after the current one the stage screen lists.
STAGE_NEXT = 3
# Milliseconds between two polls of a follower.
POLL_MS = 1000


@dataclass
class LiveState:
    """One version of a meeting's live record, computed for its followers."""

    rows: list[ros.Row]
    turns: list[tk.Turn]
    follow: tk.Follow
    message: str
    # Whether this is a rehearsal's run (the stage screen's during one).
    rehearsal: bool = False
    # Each participant's turns (indexes into ``turns``), in order.
    mine: dict[int, list[int]] = field(default_factory=dict)
    # The stage screen's answer, serialised once per version.
    stage: bytes = b""

    @property
    def cache_size(self) -> int:
        return len(self.stage) + 512 * len(self.turns)

    @property
    def phase(self) -> str:
        return self.follow.timelines[0].phase if self.follow.timelines else "before"


def follower_columns():
    """Load options for a follower's conference row: what the key, the ETag
    and a kept state need, and nothing else (the rest loads on a miss)."""
    return (
        load_only(
            Conference.id,
            Conference.slug,
            Conference.stage_token,
            Conference.created_at,
            Conference.content_version,
            Conference.live_version,
            Conference.live_message,
            Conference.rehearsal_at,
        ),
    )


def plan_rows(conference: Conference) -> list[ros.Row]:
    """The run-of-show rows as planned, in the conference's zone; built once per
    content version."""
    # The rows hold words (handovers, technical cues): one copy per language.
    return cached(
        "live-plan",
        conference_key(conference),
        str(get_locale()),
        lambda: ops.planned_rows(timetable.lineup_of(conference), conference.timezone),
    )


def live_state(conference: Conference, rehearsal: bool = False) -> LiveState:
    """The followers' state of this version of the live record: the meeting's,
    or with ``rehearsal`` the rehearsal's while one is on.

    The record is read after the conference row: a live action committed in
    between leaves a newer state under the older version, which no request
    after it asks for (they read the newer version), and which the next poll
    of the one that did replaces. Starting and clearing a rehearsal raise the
    version too.
    """
    rehearsal = rehearsal and conference.rehearsal_at is not None
    return cached(
        "live-state",
        conference_key(conference),
        (conference.live_version, str(get_locale()), rehearsal),
        lambda: build_state(conference, rehearsal),
    )


def stage_state(conference: Conference) -> LiveState:
    """What the stage screen follows: the run the live view shows, so a
    rehearsal can try the screen too. Speakers' own pages follow the
    meeting's record only (:func:`live_state`): a rehearsal never tells a
    speaker they are next."""
    return live_state(conference, rehearsal=True)


def build_state(conference: Conference, rehearsal: bool = False) -> LiveState:
    rows = plan_rows(conference)
    track = ops.MEETING
    if rehearsal:
        zone = conference.timezone
        rows = ros.shifted(rows, conference.rehearsal_at, zone, zone)
        track = ops.REHEARSAL
    rows = ros.with_record(rows, ops.read_record(conference.id, track))
    turns = ros.turns(rows)
    mine: dict[int, list[int]] = {}
    for index, turn in enumerate(turns):
        if turn.speaker is not None:
            pid = rows[turn.item].slots[turn.speaker].participant_id
            mine.setdefault(pid, []).append(index)
    state = LiveState(
        rows, turns, tk.follow(turns), conference.live_message, rehearsal, mine
    )
    state.stage = json.dumps(
        stage_json(state, conference), ensure_ascii=False, separators=(",", ":")
    ).encode()
    return state


def etag(conference: Conference, *extra) -> str:
    """Names one version of the content and of the live record (the stage
    message is part of the record: showing one raises ``live_version``)."""
    key = conference_key(conference)
    parts = [key[0], int(key[1].timestamp()), key[2], conference.live_version, *extra]
    return "-".join(str(p) for p in parts)


def ms(instant: datetime) -> int:
    return round(instant.timestamp() * 1000)


# --- who and what ----------------------------------------------------------------


def who(rows: list[ros.Row], turn: tk.Turn) -> dict:
    """A turn as a screen names it: the speaker in their script, the Latin
    form when it differs, their country; or the item nobody speaks in."""
    row = rows[turn.item]
    person = ros.turn_speaker(rows, turn)
    if person is None:
        return {
            "name": row.title,
            "latin": "",
            "country": row.country_name,
            "title": row.title,
        }
    return {
        "name": person.own_name,
        "latin": person.shown_latin,
        "country": person.country_name or row.country_name,
        "title": row.title,
    }


def block_label(rows: list[ros.Row], block: tk.Block | None) -> str:
    """``Japan block`` for a country block; "" for an item alone."""
    if block is None:
        return ""
    first = next((r for r in rows if r.group == block.group), None)
    if first is None or not first.block:
        return ""
    return _("%(country)s block", country=first.country_name)


# --- the stage screen ------------------------------------------------------------


def stage_json(state: LiveState, conference: Conference) -> dict:
    """The stage screen's state: values that move with the clock are given at
    each sample instant (``samples``), to interpolate."""
    lines = state.follow.timelines
    first = lines[0] if lines else None
    zone = conference.timezone
    current = None
    if first is not None and first.current is not None:
        current = {
            **who(state.rows, state.turns[first.current]),
            "deadline": ms(first.deadline),
        }
    block = None
    label = block_label(state.rows, first.block) if first is not None else ""
    if label:
        block = {
            "label": label,
            "budget": first.block.budget.total_seconds(),
            "deadline": ms(first.block.deadline) if first.block.deadline else None,
            "left": first.block.left(first.now).total_seconds(),
        }
    upcoming = []
    for n, expected in enumerate(first.expected[:STAGE_NEXT] if first else ()):
        turn = state.turns[expected.index]
        local = tz.local_time(turn.start, zone)
        upcoming.append(
            {
                **who(state.rows, turn),
                "planned": turn.planned.total_seconds(),
                "limit": [line.expected[n].limit.total_seconds() for line in lines],
                "start": [ms(line.expected[n].start) for line in lines],
                "offset": local.offset_minutes,
                "zone": local.abbreviation,
            }
        )
    return {
        "phase": state.phase,
        "rehearsal": state.rehearsal,
        "message": state.message,
        "samples": [ms(s) for s in state.follow.samples],
        "current": current,
        "block": block,
        "next": upcoming,
        "amber": tk.AMBER.total_seconds(),
        "poll": POLL_MS,
    }


def moment(
    rows: list[ros.Row],
    turns: list[tk.Turn],
    line: tk.Timeline,
    zone: str,
    count: int = STAGE_NEXT,
) -> dict:
    """The current speaker, their block and the next ``count`` turns at the
    timeline's instant, in words and clock readings (local times in ``zone``)."""
    view = {"phase": line.phase, "current": None, "block": None, "next": []}
    if line.current is not None:
        turn = turns[line.current]
        left = line.time_left
        view["current"] = {
            **who(rows, turn),
            "left": ros.format_clock(left),
            "status": tk.countdown_status(left),
            "deadline": ms(line.deadline),
            "limit": ros.format_clock(line.limit),
            "planned": ros.format_clock(turn.planned),
            "cut": line.limit < turn.planned,
        }
    label = block_label(rows, line.block)
    if label:
        left = line.block.left(line.now)
        view["block"] = {
            "label": label,
            "left": ros.format_clock(left),
            "status": tk.countdown_status(left),
            "deadline": ms(line.block.deadline) if line.block.deadline else None,
            "budget": ros.format_clock(line.block.budget),
        }
    for expected in line.expected[:count]:
        turn = turns[expected.index]
        local = tz.local_time(expected.start, zone)
        view["next"].append(
            {
                **who(rows, turn),
                "minutes": ros.format_clock(expected.limit),
                "cut": expected.limit < turn.planned,
                "planned": ros.format_clock(turn.planned),
                "at": f"{local.wall:%H:%M} {local.abbreviation}",
            }
        )
    return view


def stage_view(state: LiveState, conference: Conference, now: datetime) -> dict:
    """The stage screen worked out at ``now``, for the page as the server
    renders it."""
    line = tk.project(state.turns, now)
    view = moment(state.rows, state.turns, line, conference.timezone)
    return {
        **view,
        "message": state.message,
        "rehearsal": state.rehearsal,
        "now": ms(now),
    }


# --- a speaker's page ------------------------------------------------------------


def _speakers(state: LiveState, indexes) -> int:
    return sum(1 for i in indexes if state.turns[i].speaker is not None)


def turn_json(state: LiveState, participation_id: int, zone: str) -> dict:
    """Where a participant's next turn stands, for their page's script."""
    lines = state.follow.timelines
    base = {
        "phase": state.phase,
        "samples": [ms(s) for s in state.follow.samples],
        "poll": POLL_MS * 2,
    }
    data = _turn(state, participation_id, zone, lines)
    return {**base, **data, "show": _show(state.phase, data["status"])}


def _show(phase: str, status: str) -> str:
    """Which of the page's sentences to show: before and after the meeting,
    the same for everyone who has not spoken."""
    if phase == "finished" and status != "done":
        return "finished"
    if phase == "before" and status in ("next", "waiting"):
        return "before"
    return status


def _turn(state: LiveState, participation_id: int, zone: str, lines) -> dict:
    """The participant's part of the state over ``lines`` (timelines that
    differ only in their clock)."""
    mine = state.mine.get(participation_id, [])
    if not mine or not lines:
        return {"status": "none"}
    first = lines[0]
    if first.current in mine:
        return {"status": "speaking", "deadline": ms(first.deadline)}
    waiting = [e.index for e in first.expected]
    places = {index: place for place, index in enumerate(waiting)}
    upcoming = [i for i in mine if i in places]
    if not upcoming:
        return {"status": "done" if any(state.turns[i].done for i in mine) else "none"}
    index = upcoming[0]
    position = places[index]
    ahead = waiting[:position] + ([first.current] if first.current is not None else [])
    turn = state.turns[index]
    local = tz.local_time(turn.start, zone)
    return {
        "status": "next" if position == 0 else "waiting",
        "position": position,
        "before": _speakers(state, ahead),
        "title": state.rows[turn.item].title,
        "planned_start": ms(turn.start),
        "planned": turn.planned.total_seconds(),
        "start": [ms(line.expected[position].start) for line in lines],
        "limit": [line.expected[position].limit.total_seconds() for line in lines],
        "offset": local.offset_minutes,
        "zone": local.abbreviation,
        "on_time": ros.ON_TIME.total_seconds(),
    }


def turn_view(
    state: LiveState, participation_id: int, zone: str, now: datetime
) -> dict:
    """The participant's part worked out at ``now``, in words, for the page as
    the server renders it."""
    line = tk.project(state.turns, now)
    data = _turn(state, participation_id, zone, [line])
    view = {
        "phase": line.phase,
        "status": data["status"],
        "show": _show(line.phase, data["status"]),
    }
    if data["status"] == "speaking":
        left = line.time_left
        view["left"] = ros.format_clock(left)
        view["countdown"] = tk.countdown_status(left)
        view["deadline"] = data["deadline"]
    elif data["status"] in ("next", "waiting"):
        expected = line.expected[data["position"]]
        local = tz.local_time(expected.start, zone)
        view.update(
            before=data["before"],
            title=data["title"],
            at=f"{local.wall:%H:%M}",
            zone=local.abbreviation,
            slip=ros.slip_words(expected.start - state.turns[expected.index].start),
            minutes=ros.format_clock(expected.limit),
            planned=ros.format_clock(state.turns[expected.index].planned),
            cut=expected.limit < state.turns[expected.index].planned,
        )
    return view


def personal_turn(participation: Participation) -> dict | None:
    """What a speaker's page shows of their turn during the meeting (None for
    someone who does not speak), worked out now; with the address its script
    follows (:func:`silkmeet.runofshow.stage.turn_state`)."""
    conference = participation.conference
    state = live_state(conference)
    if participation.id not in state.mine:
        return None
    view = turn_view(state, participation.id, participation.person.timezone, ops.now())
    view["url"] = url_for(
        "runofshow.turn_state", slug=conference.slug, token=participation.token
    )
    view["now"] = ms(ops.now())
    view["amber"] = tk.AMBER.total_seconds()
    return view
