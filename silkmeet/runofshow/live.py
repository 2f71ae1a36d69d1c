"""The chair's live view during the meeting: now and next, the speaker's and
the block's countdowns, projected times, the stage message and link, and the
Start, Next, Next speaker and reset actions. Same blueprint and addresses as
the rest of the run-of-show (:mod:`silkmeet.runofshow.views`); the stage screen
and the speakers' pages follow in :mod:`silkmeet.runofshow.stage`.

Start, Next and Next speaker name what the chair's page showed: a page that is
out of date is refused (409) instead of acting on what the chair did not see,
so two presses of Next for one item never end two items.
"""

from __future__ import annotations

from flask import Response
from flask import abort
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from silkmeet.confirm import confirmation
from silkmeet.domain import runofshow as ros
from silkmeet.domain import timekeeping as tk
from silkmeet.domain import timezones as tz
from silkmeet.extensions import db
from silkmeet.i18n import gettext as _
from silkmeet.i18n import lazy_gettext
from silkmeet.runofshow import follow
from silkmeet.runofshow import operations as ops
from silkmeet.runofshow.views import Sheet
from silkmeet.runofshow.views import dated
from silkmeet.runofshow.views import open_sheet
from silkmeet.runofshow.views import route
from silkmeet.web import posted
from silkmeet.web import wants_json

# The partials the polling script swaps in, by the name of their place.
PANELS = {
    "speaker": "runofshow/_live_speaker.html",
    "block": "runofshow/_live_block.html",
    "message": "runofshow/_live_message.html",
}


def _id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def timekeeping(rows: list[ros.Row], live: ros.Live, zone: str) -> dict:
    """The speaker's and the block's countdowns, and who speaks next in the
    item: what the chair needs to keep time (:func:`follow.moment`, with the
    block's turns)."""
    line = live.timeline
    turns = ros.turns(rows)
    view = follow.moment(rows, turns, line, zone)
    current = view["current"]
    if current is not None:
        turn = turns[line.current]
        row = rows[turn.item]
        current["item_id"] = row.item_id
        current["participant_id"] = (
            row.slots[turn.speaker].participant_id if turn.speaker is not None else None
        )
        following = line.expected[0] if line.expected else None
        current["next_speaker"] = None
        if following is not None and turns[following.index].item == turn.item:
            current["next_speaker"] = follow.who(rows, turns[following.index])
    if view["block"] is not None:
        view["block"]["turns"] = [
            block_turn(rows, turns, line, index)
            for index, turn in enumerate(turns)
            if turn.group == line.block.group
        ]
    return view


def block_turn(
    rows: list[ros.Row], turns: list[tk.Turn], line: tk.Timeline, index: int
) -> dict:
    """One turn of the current block: its planned minutes, the limit it has
    (or had) and what it used."""
    turn = turns[index]
    entry = {**follow.who(rows, turn), "planned": ros.format_clock(turn.planned)}
    limit = used = over = None
    if index == line.current:
        state, limit, used = "running", line.limit, line.now - turn.actual_start
    elif turn.waiting:
        expected = line.expected_of(index)
        state = "waiting"
        limit = expected.limit if expected else turn.planned
    elif turn.actual_start is None:
        state = "skipped"
    else:
        state = "done"
        limit = tk.limit_at_start(turns, index)
        used, over = turn.held, tk.over_limit(turns, index)
    entry.update(
        state=state,
        limit=ros.format_clock(limit) if limit is not None else "",
        cut=limit is not None and limit < turn.planned,
        used=ros.format_clock(used) if used is not None else "",
        over=ros.format_clock(over) if over else "",
    )
    return entry


def live_rows(sheet: Sheet) -> list[ros.Row]:
    """The run the live view shows: the rehearsal's while there is one."""
    return ops.live_rows(sheet.conference, sheet.chair_zone)


def live_state(sheet: Sheet, rows: list[ros.Row]) -> dict:
    """What the live page shows, as JSON for the polling script."""
    live = ros.project(rows, ops.now())
    conference = sheet.conference

    def clock(zone: str) -> dict:
        local = tz.local_time(live.now, zone)
        return {
            "zone": zone,
            "time": f"{local.wall:%H:%M:%S}",
            "abbreviation": local.abbreviation,
        }

    def item(row: ros.Row | None) -> dict | None:
        if row is None:
            return None
        return {
            "id": row.item_id,
            "cue": row.cue,
            "title": row.title,
            "speakers": [s.name for s in row.speakers],
            "credentials": [s.credentials for s in row.speakers],
            "pronunciation": [s.pronunciation for s in row.speakers],
            "technical": row.technical,
            "handover": row.handover,
            "duration": ros.format_span(row.duration),
        }

    # Planned and projected times carry their date whenever it is not today's
    # (a meeting on another day, a run past midnight).
    projected = [
        {
            "cue": p.row.cue,
            "title": p.row.title,
            "planned": dated(p.row.start_reference, live.now),
            "projected": dated(tz.local_time(p.start, conference.timezone), live.now),
            "projected_chair": dated(
                tz.local_time(p.start, sheet.chair_zone), live.now
            ),
            "slip": ros.format_span(p.slip, signed=True),
            "status": ros.drift_status(p.slip),
        }
        for p in live.projected
    ]
    state = {
        "now": tz.format_instant(live.now),
        "phase": live.phase,
        "clocks": [clock(conference.timezone), clock(sheet.chair_zone)],
        "current": item(live.current),
        "next": item(live.following),
        "time_left": ros.format_clock(live.time_left)
        if live.time_left is not None
        else None,
        "wrap_up": live.wrap_up,
        "overrunning_item": live.overrunning_item,
        "status": live.status,
        "words": live.words,
        "projected_end": dated(
            tz.local_time(live.projected_end, conference.timezone), live.now
        )
        if live.projected_end
        else None,
        "projected": projected,
        "version": conference.live_version,
        "now_ms": follow.ms(live.now),
        "message": conference.live_message,
        "rehearsal": dated(
            tz.local_time(conference.rehearsal_at, conference.timezone), live.now
        )
        if conference.rehearsal_at
        else None,
        "can_start": ops.start_allowed(conference, live.now),
        "may_rehearse": ops.may_rehearse(conference),
    }
    state["speaker"] = state["block"] = following = None
    if live.timeline is not None:
        view = timekeeping(rows, live, conference.timezone)
        state.update(speaker=view["current"], block=view["block"])
        following = ros.next_country(rows, live.timeline)
    state["presets"] = ros.message_presets(following)
    state["message_max"] = ros.MESSAGE_MAX
    state["html"] = {
        name: render_template(template, sheet=sheet, state=state)
        for name, template in PANELS.items()
    }
    return state


@route("/live")
def live(slug, token):
    sheet = open_sheet(slug, token)
    rows = live_rows(sheet)
    conference = sheet.conference
    stage_url = None
    if conference.stage_token:
        stage_url = url_for(
            "runofshow.stage",
            slug=conference.slug,
            token=conference.stage_token,
            _external=True,
        )
    return render_template(
        "runofshow/live.html",
        sheet=sheet,
        conference=conference,
        state=live_state(sheet, rows),
        stage_url=stage_url,
        panels=PANELS,
        amber=tk.AMBER.total_seconds(),
    )


@route("/live/state")
def live_state_json(slug, token):
    sheet = open_sheet(slug, token)
    return jsonify(live_state(sheet, live_rows(sheet)))


def _item_id() -> int | None:
    """The item the chair's page showed (the running one for Next, the one to
    start for Start)."""
    return _id(posted().get("item_id"))


def _live_action(sheet: Sheet, action) -> Response:
    try:
        message = action()
        db.session.commit()
        category, status = "success", 200
    except ops.LiveConflict as conflict:
        db.session.rollback()
        message, category, status = str(conflict), "warning", 409
    except ops.LiveRequestError as refused:
        db.session.rollback()
        message, category, status = str(refused), "error", 400
    if wants_json():
        fresh = open_sheet(sheet.conference.slug, sheet.token)
        state = live_state(fresh, live_rows(fresh))
        body = {"message": message, "category": category, "state": state}
        if status == 400:
            body["error"] = message
        return jsonify(body), status
    flash(message, category)
    return redirect(sheet.url("live"))


@route("/live/start", methods=["POST"])
def live_start(slug, token):
    sheet = open_sheet(slug, token)

    def action():
        item = ops.start(sheet.conference, _item_id())
        return _("Started: %(title)s.", title=item.title)

    return _live_action(sheet, action)


@route("/live/rehearsal", methods=["POST"])
def live_rehearsal(slug, token):
    """Start a rehearsal now, recorded apart from the meeting."""
    sheet = open_sheet(slug, token)

    def action():
        item = ops.start_rehearsal(sheet.conference, _item_id())
        return _(
            "Rehearsal started: %(title)s. The lineup is shifted to start now; "
            "the meeting's own record is not touched.",
            title=item.title,
        )

    return _live_action(sheet, action)


@route("/live/rehearsal/clear", methods=["GET", "POST"])
def live_rehearsal_clear(slug, token):
    """End the rehearsal and forget its times (asks first)."""
    sheet = open_sheet(slug, token)
    if sheet.conference.rehearsal_at is None:
        flash(_("There is no rehearsal to clear."), "warning")
        return redirect(sheet.url("live"))
    if request.method == "GET":
        return confirmation(
            title=_("End the rehearsal and clear its times?"),
            what=_(
                "The times the rehearsal recorded, its report and the stage "
                "message are forgotten, and the live view shows the meeting as "
                "planned again. The meeting's own record is not touched."
            ),
            button=_("Clear the rehearsal"),
            back=sheet.url("live"),
        )
    ops.clear_rehearsal(sheet.conference)
    db.session.commit()
    flash(
        _("Rehearsal cleared: the live view shows the meeting as planned."),
        "success",
    )
    return redirect(sheet.url("live"))


@route("/live/next", methods=["POST"])
def live_next(slug, token):
    sheet = open_sheet(slug, token)

    def action():
        item = ops.next_item(sheet.conference, _item_id())
        if item is None:
            return _(
                "The last item is over. The planned-versus-actual report is ready."
            )
        return _("Now: %(title)s.", title=item.title)

    return _live_action(sheet, action)


@route("/live/next-speaker", methods=["POST"])
def live_next_speaker(slug, token):
    sheet = open_sheet(slug, token)

    def action():
        speaker = ops.next_speaker(
            sheet.conference, _item_id(), _id(posted().get("participant_id"))
        )
        return _("Now speaking: %(name)s.", name=speaker.participation.person.full_name)

    return _live_action(sheet, action)


@route("/live/message", methods=["POST"])
def live_message(slug, token):
    """Show a message on the stage screen (a preset, or typed), or clear it."""
    sheet = open_sheet(slug, token)
    values = posted()

    def action():
        asked = (
            "" if values.get("clear") else values.get("preset") or values.get("text")
        )
        shown = ops.show_message(sheet.conference, asked or "")
        if not shown:
            return _("Message cleared from the stage screen.")
        return _("On the stage screen: %(message)s", message=shown)

    return _live_action(sheet, action)


STAGE_LINK_QUESTIONS = {
    "reissue": (
        lazy_gettext("Replace the stage screen link?"),
        lazy_gettext(
            "A new link replaces the current one: a screen showing the old link "
            "shows nothing any more until it opens the new one."
        ),
        lazy_gettext("Replace the link"),
    ),
    "revoke": (
        lazy_gettext("Turn the stage screen link off?"),
        lazy_gettext(
            "The link stops working at once: a screen showing it shows nothing "
            "any more. You can create a new link afterwards."
        ),
        lazy_gettext("Turn the link off"),
    ),
}


@route("/live/stage-link", methods=["GET", "POST"])
def live_stage_link(slug, token):
    """Create or replace the stage screen's link, or turn it off (replacing
    and turning off ask first)."""
    sheet = open_sheet(slug, token)
    if request.method == "GET":
        question = STAGE_LINK_QUESTIONS.get(request.args.get("action", ""))
        if question is None or sheet.conference.stage_token is None:
            return redirect(sheet.url("live"))
        title, what, button = question
        return confirmation(title, what, button, back=sheet.url("live"))
    if posted().get("action") == "revoke":
        ops.revoke_stage_link(sheet.conference)
        message = _("The stage screen link is off: the old link shows nothing now.")
    else:
        replaced = sheet.conference.stage_token is not None
        ops.issue_stage_link(sheet.conference)
        message = (
            _("New stage screen link: the old one shows nothing now.")
            if replaced
            else _("Stage screen link created.")
        )
    db.session.commit()
    flash(message, "success")
    return redirect(sheet.url("live"))


@route("/live/reset", methods=["GET", "POST"])
def live_reset(slug, token):
    sheet = open_sheet(slug, token)
    if not sheet.is_organiser:
        abort(403, _("Only the conference's organisers can clear the recorded times."))
    if request.method == "GET":
        return confirmation(
            title=_("Clear every recorded time of the meeting?"),
            what=_(
                "The times Start, Next and Next speaker recorded, and the stage "
                "message, are forgotten: the live view starts again from cue 1 "
                "and the planned-versus-actual report is empty. This cannot be "
                "undone."
            ),
            button=_("Clear the recorded times"),
            back=sheet.url("live"),
        )
    ops.reset(sheet.conference)
    db.session.commit()
    flash(
        _("Recorded times cleared: the live view starts again from cue 1."), "success"
    )
    return redirect(sheet.url("live"))
