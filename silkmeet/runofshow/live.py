"""The chair's live view during the meeting: now and next, time left, projected
times, and the Start, Next and reset actions. Same blueprint and addresses as
the rest of the run-of-show (:mod:`silkmeet.runofshow.views`).

Start and Next name the item the chair's page showed: a page that is out of
date is refused (409) instead of acting on an item the chair did not see, so
two presses of Next for one item never end two items.
"""

from __future__ import annotations

from flask import Response
from flask import abort
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template

from silkmeet.domain import runofshow as ros
from silkmeet.domain import timezones as tz
from silkmeet.extensions import db
from silkmeet.runofshow import operations as ops
from silkmeet.runofshow.views import Sheet
from silkmeet.runofshow.views import open_sheet
from silkmeet.runofshow.views import route
from silkmeet.runofshow.views import sheet_rows
from silkmeet.runofshow.views import wall
from silkmeet.web import posted
from silkmeet.web import wants_json


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

    projected = [
        {
            "cue": p.row.cue,
            "title": p.row.title,
            "planned": wall(p.row.start_reference),
            "projected": wall(tz.local_time(p.start, conference.timezone)),
            "projected_chair": wall(tz.local_time(p.start, sheet.chair_zone)),
            "slip": ros.format_span(p.slip, signed=True),
            "status": ros.drift_status(p.slip),
        }
        for p in live.projected
    ]
    return {
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
        "projected_end": wall(tz.local_time(live.projected_end, conference.timezone))
        if live.projected_end
        else None,
        "projected": projected,
        "version": ops.live_version(rows),
    }


@route("/live")
def live(slug, token):
    sheet = open_sheet(slug, token)
    rows = sheet_rows(sheet)
    return render_template(
        "runofshow/live.html",
        sheet=sheet,
        conference=sheet.conference,
        state=live_state(sheet, rows),
    )


@route("/live/state")
def live_state_json(slug, token):
    sheet = open_sheet(slug, token)
    return jsonify(live_state(sheet, sheet_rows(sheet)))


def _item_id() -> int | None:
    """The item the chair's page showed (the running one for Next, the one to
    start for Start)."""
    try:
        return int(posted()["item_id"])
    except (KeyError, TypeError, ValueError):
        return None


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
        state = live_state(fresh, sheet_rows(fresh))
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
        return f"Started: {item.title}."

    return _live_action(sheet, action)


@route("/live/next", methods=["POST"])
def live_next(slug, token):
    sheet = open_sheet(slug, token)

    def action():
        item = ops.next_item(sheet.conference, _item_id())
        if item is None:
            return "The last item is over. The planned-versus-actual report is ready."
        return f"Now: {item.title}."

    return _live_action(sheet, action)


@route("/live/reset", methods=["POST"])
def live_reset(slug, token):
    sheet = open_sheet(slug, token)
    if not sheet.is_organiser:
        abort(403, "Only the conference's organisers can clear the recorded times.")
    ops.reset(sheet.conference)
    db.session.commit()
    flash("Recorded times cleared: the live view starts again from cue 1.", "success")
    return redirect(sheet.url("live"))
