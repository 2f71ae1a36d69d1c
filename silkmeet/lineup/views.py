"""The lineup editor: the order and its times, moves, ordering helpers, undo and
the items. The planner page (:mod:`silkmeet.lineup.planner`) is on this
blueprint too."""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from flask_wtf.csrf import generate_csrf as csrf_token
from markupsafe import Markup

from silkmeet import access
from silkmeet import timetable
from silkmeet.domain import items as item_rules
from silkmeet.domain import lineup as lu
from silkmeet.extensions import db
from silkmeet.lineup import forms
from silkmeet.lineup import operations as ops
from silkmeet.lineup.state import WarningItems
from silkmeet.lineup.state import keep as keep_page
from silkmeet.lineup.state import lineup_page
from silkmeet.models import AgendaItem
from silkmeet.models import Conference
from silkmeet.web import posted
from silkmeet.web import wants_json

bp = Blueprint("lineup", __name__, url_prefix="/organiser")


def load_lineup(slug: str) -> Conference:
    """For the lineup editor: the conference row; the lineup comes from its
    page (:func:`state.lineup_page`), kept per content version."""
    return access.organiser_conference(slug)


def reload_lineup(slug: str) -> Conference:
    db.session.rollback()
    db.session.expire_all()
    return load_lineup(slug)


def organiser_id() -> int:
    return current_user.id


def number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def rows_and_warnings(conference: Conference, scheduled) -> tuple[list, list]:
    start = conference.start_at
    rows = lu.display_rows(start, conference.timezone, scheduled)
    warnings = lu.lineup_warnings(
        start,
        conference.duration_minutes,
        conference.timezone,
        scheduled,
        timetable.has_chair(conference.id),
    )
    return rows, warnings


def render_lineup(conference, status=200, error=None):
    page = lineup_page(conference)
    helper_form = forms.HelperForm(formdata=None)
    helper_form.lineup_version.data = conference.lineup_version
    return (
        render_template(
            "lineup/lineup.html",
            conference=conference,
            rows=page.state.rows,
            rows_html=page.rows_html(conference.lineup_version, csrf_token()),
            warnings_html=Markup(page.warnings_html),
            items=page.state.items,
            helper_form=helper_form,
            helpers=lu.HELPERS,
            error=error,
            undo=ops.pending_undo(conference, organiser_id()),
        ),
        status,
    )


def lineup_json(conference, status=200, error=None, message=None, change=None):
    """The lineup in JSON for the editor's script: every row, or with
    ``change`` (a move) only the rows it changed, and which units they replace."""
    page = change.page if change is not None else lineup_page(conference)
    rows = page.state.rows
    version = change.version if change is not None else conference.lineup_version
    shown = rows[change.lo : change.hi] if change is not None else rows
    body = {
        "version": version,
        "order": [item.id for item in page.state.items],
        "items": [
            {
                "id": row.item.id,
                "position": row.position + 1,
                "start": row.start,
                "end": row.end,
            }
            for row in shown
        ],
        "rows_html": (
            change.rows_html(version, csrf_token())
            if change is not None
            else page.rows_html(version, csrf_token())
        ),
        "warnings_html": page.warnings_html,
    }
    if change is not None:
        body["replace_units"] = change.removed
        body["after_unit"] = change.after
    else:
        body["warnings"] = [
            {"code": w.code, "message": w.message} for w in page.state.warnings
        ]
    if error:
        body["error"] = error
    if message:
        body["message"] = message
    return jsonify(body), status


def lineup_failure(slug, exc):
    """The current lineup with why the change was refused: 409 when another
    organiser saved first, 400 when the change breaks a rule."""
    conference = reload_lineup(slug)
    if isinstance(exc, ops.StaleLineup):
        code, text = 409, exc.message
    else:
        code, text = 400, str(exc)
    if wants_json():
        return lineup_json(conference, code, error=text)
    return render_lineup(conference, code, error=text)


def reordered(conference, page, done: ops.Reordered):
    """Commit a change of order; keep its page under the version it made when
    nothing else changed the conference meanwhile. Returns what changed."""
    key = (conference.id, conference.created_at, conference.content_version)
    new_page, change = page.reordered(conference, done.state)
    change.version = conference.lineup_version  # the commit expires the row
    db.session.commit()
    if done.alone:
        keep_page(key, new_page)
    return change


@bp.get("/c/<slug>/lineup")
@login_required
def show_lineup(slug):
    return render_lineup(load_lineup(slug))


@bp.post("/c/<slug>/lineup/move")
@login_required
def move_lineup(slug):
    conference = load_lineup(slug)
    page = lineup_page(conference)
    data = posted()
    item_id = number(data.get("item_id"))
    try:
        done = ops.apply_move(
            conference,
            page.state,
            item_id,
            data.get("action", ""),
            number(data.get("lineup_version")),
            number(data.get("position")),
            by=organiser_id(),
        )
    except (ops.StaleLineup, lu.LineupError) as exc:
        return lineup_failure(slug, exc)
    change = reordered(conference, page, done)
    if wants_json():
        return lineup_json(conference, message=done.message, change=change)
    flash(done.message)
    return redirect(url_for("lineup.show_lineup", slug=slug, _anchor=f"item-{item_id}"))


@bp.post("/c/<slug>/lineup/order")
@login_required
def save_order(slug):
    conference = load_lineup(slug)
    data = request.get_json(silent=True) if request.is_json else None
    if not isinstance(data, dict) or not isinstance(data.get("order"), list):
        return jsonify(error='Send JSON {"order": [ids], "lineup_version": n}.'), 400
    order = [number(i) for i in data["order"]]
    if None in order:
        return lineup_failure(slug, lu.LineupError("The order must list item ids."))
    message = str(data.get("message") or "New order saved.")[:200]
    page = lineup_page(conference)
    try:
        done = ops.save_order(
            conference,
            page.state,
            order,
            number(data.get("lineup_version")),
            message,
            by=organiser_id(),
        )
    except (ops.StaleLineup, lu.LineupError) as exc:
        return lineup_failure(slug, exc)
    change = reordered(conference, page, done)
    return lineup_json(conference, message=message, change=change)


@bp.get("/c/<slug>/lineup/helper")
@login_required
def preview_helper(slug):
    conference = load_lineup(slug)
    helper = request.args.get("helper", "")
    if helper not in dict(lu.HELPERS) or conference.start_at is None:
        return render_lineup(
            conference, 400, error="Choose an ordering helper (and set a start)."
        )
    preview = lu.preview_helper(
        helper,
        list(lineup_page(conference).state.items),
        conference.start_at,
        conference.buffer_minutes,
    )
    rows, warnings = rows_and_warnings(conference, preview.scheduled)
    return render_template(
        "lineup/helper_preview.html",
        conference=conference,
        helper=helper,
        helper_label=dict(lu.HELPERS)[helper],
        rows=rows,
        warnings=warnings,
        warning_items=WarningItems(),
        preview=preview,
    )


@bp.post("/c/<slug>/lineup/helper")
@login_required
def apply_helper(slug):
    conference = load_lineup(slug)
    helper = request.form.get("helper", "")
    if helper not in dict(lu.HELPERS):
        return render_lineup(conference, 400, error="Unknown ordering helper.")
    try:
        message = ops.apply_helper(
            conference,
            lineup_page(conference).state,
            helper,
            number(request.form.get("lineup_version")),
            by=organiser_id(),
        )
    except (ops.StaleLineup, lu.LineupError) as exc:
        return lineup_failure(slug, exc)
    db.session.commit()
    flash(message)
    return redirect(url_for("lineup.show_lineup", slug=slug))


@bp.post("/c/<slug>/lineup/undo")
@login_required
def undo_lineup(slug):
    conference = load_lineup(slug)
    try:
        what = ops.undo_last(
            conference, by=organiser_id(), state=lineup_page(conference).state
        )
    except ops.NothingToUndo as exc:
        return render_lineup(conference, 400, error=exc.message)
    except ops.CannotUndo as exc:
        return render_lineup(conference, 409, error=exc.message)
    except ops.StaleLineup as exc:
        return lineup_failure(slug, exc)
    db.session.commit()
    flash(f"Undone: {what}")
    return redirect(url_for("lineup.show_lineup", slug=slug))


# Items -------------------------------------------------------------------------


def item_of(conference, item_id) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.conference_id != conference.id:
        abort(404)
    return item


def speaker_choices(conference):
    return [("", "—")] + [
        (str(p.id), f"{p.person.display_name} ({p.delegation_country or '—'})")
        for p in conference.participations
        if p.removed_at is None
    ]


@bp.route("/c/<slug>/lineup/items/new", methods=["GET", "POST"])
@bp.route("/c/<slug>/lineup/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_item(slug, item_id=None):
    conference = timetable.for_organiser(slug)
    item = item_of(conference, item_id) if item_id is not None else None
    if request.method == "GET":
        form = forms.ItemForm(obj=item)
        form.show_item(item, conference.timezone, conference.lineup_version)
    else:
        form = forms.ItemForm()
    form.offer_speakers(speaker_choices(conference))
    status, error = 200, None
    if "add_speaker" in request.form:
        form.add_speaker_row()
    elif form.validate_on_submit():
        try:
            saved = ops.save_item(
                conference, item, number(form.lineup_version.data), form.draft()
            )
        except item_rules.ItemError as exc:
            form.show_problems(exc.problems)
            status = 400
        except ops.StaleLineup as exc:
            db.session.rollback()
            error, status = exc.message, 409
        else:
            db.session.commit()
            flash(f"“{saved.title}” saved.")
            return redirect(
                url_for("lineup.show_lineup", slug=slug, _anchor=f"item-{saved.id}")
            )
    elif request.method == "POST":
        status = 400
    return (
        render_template(
            "lineup/item_form.html",
            conference=conference,
            form=form,
            item=item,
            error=error,
        ),
        status,
    )


@bp.post("/c/<slug>/lineup/items/<int:item_id>/remove")
@login_required
def remove_item(slug, item_id):
    conference = timetable.for_organiser(slug)
    item = item_of(conference, item_id)
    title = item.title
    try:
        ops.remove_item(conference, item, number(request.form.get("lineup_version")))
    except ops.StaleLineup as exc:
        return lineup_failure(slug, exc)
    db.session.commit()
    flash(f"“{title}” removed from the lineup.")
    return redirect(url_for("lineup.show_lineup", slug=slug))
