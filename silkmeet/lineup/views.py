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

from silkmeet import timetable
from silkmeet.confirm import confirmation
from silkmeet.domain import items as item_rules
from silkmeet.domain import lineup as lu
from silkmeet.domain.schedule import compute_schedule
from silkmeet.extensions import db
from silkmeet.i18n import gettext as _
from silkmeet.lineup import forms
from silkmeet.lineup import operations as ops
from silkmeet.models import AgendaItem
from silkmeet.models import Conference
from silkmeet.web import posted
from silkmeet.web import wants_json

bp = Blueprint("lineup", __name__, url_prefix="/organiser")


def load_lineup(slug: str) -> Conference:
    """For the lineup editor: items, speakers and hosts, not every participant
    (2,000 people would be read on every move)."""
    return timetable.for_organiser(slug, everyone=False)


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
    window = conference.day_window
    rows = lu.display_rows(start, conference.timezone, scheduled, window)
    warnings = lu.lineup_warnings(
        start,
        conference.duration_minutes,
        conference.timezone,
        scheduled,
        timetable.has_chair(conference.id),
        window,
    )
    return rows, warnings


def lineup_state(conference: Conference):
    """Rows, warnings and per-item data for the editor."""
    items = timetable.lineup_items(conference)
    if conference.start_at is None:
        return [], [], items
    scheduled = compute_schedule(conference.start_at, items, conference.buffer_minutes)
    return *rows_and_warnings(conference, scheduled), items


def render_lineup(conference, status=200, error=None):
    rows, warnings, items = lineup_state(conference)
    helper_form = forms.HelperForm(formdata=None)
    helper_form.lineup_version.data = conference.lineup_version
    build_form = forms.BuildForm(formdata=None)
    build_form.lineup_version.data = conference.lineup_version
    build_form.frame.data = not items
    return (
        render_template(
            "lineup/lineup.html",
            conference=conference,
            rows=rows,
            warnings=warnings,
            items=items,
            helper_form=helper_form,
            build_form=build_form,
            helpers=[(value, _(text)) for value, text in lu.HELPERS],
            error=error,
            # A refused change shows its error alone: no Undo of an earlier
            # change beside it, which would read as if this one was made.
            undo=None if error else ops.pending_undo(conference, organiser_id()),
        ),
        status,
    )


def lineup_json(conference, status=200, error=None, message=None):
    rows, warnings, _items = lineup_state(conference)
    body = {
        "version": conference.lineup_version,
        "order": [row.item.id for row in rows] or ops.current_order(conference),
        "items": [
            {
                "id": row.item.id,
                "position": row.position + 1,
                "start": row.start,
                "end": row.end,
            }
            for row in rows
        ],
        "warnings": [{"code": w.code, "message": w.message} for w in warnings],
        "rows_html": render_template(
            "lineup/_rows.html", conference=conference, rows=rows
        ),
        "warnings_html": render_template(
            "lineup/_warnings.html", conference=conference, warnings=warnings
        ),
    }
    if error:
        body["error"] = error
    if message:
        body["message"] = message
    # What the Undo button would undo (None: no button), as render_lineup says.
    undo = None if error else ops.pending_undo(conference, organiser_id())
    body["undo"] = undo["what"] if undo else None
    return jsonify(body), status


def lineup_failure(slug, exc):
    """The current lineup with why the change was refused: 409 when another
    organiser saved first, 400 when the change breaks a rule."""
    conference = reload_lineup(slug)
    if isinstance(exc, ops.StaleLineup):
        code, text = 409, str(exc.message)
    else:
        code, text = 400, str(exc)
    if wants_json():
        return lineup_json(conference, code, error=text)
    return render_lineup(conference, code, error=text)


@bp.get("/c/<slug>/lineup")
@login_required
def show_lineup(slug):
    return render_lineup(load_lineup(slug))


@bp.post("/c/<slug>/lineup/move")
@login_required
def move_lineup(slug):
    conference = load_lineup(slug)
    data = posted()
    item_id = number(data.get("item_id"))
    try:
        message = ops.apply_move(
            conference,
            item_id,
            data.get("action", ""),
            number(data.get("lineup_version")),
            number(data.get("position")),
            by=organiser_id(),
        )
    except (ops.StaleLineup, lu.LineupError) as exc:
        return lineup_failure(slug, exc)
    db.session.commit()
    if wants_json():
        return lineup_json(reload_lineup(slug), message=message)
    flash(message)
    return redirect(url_for("lineup.show_lineup", slug=slug, _anchor=f"item-{item_id}"))


@bp.post("/c/<slug>/lineup/order")
@login_required
def save_order(slug):
    conference = load_lineup(slug)
    data = request.get_json(silent=True) if request.is_json else None
    if not isinstance(data, dict) or not isinstance(data.get("order"), list):
        return jsonify(error=_('Send JSON {"order": [ids], "lineup_version": n}.')), 400
    order = [number(i) for i in data["order"]]
    if None in order:
        return lineup_failure(slug, lu.LineupError(_("The order must list item ids.")))
    message = str(data.get("message") or _("New order saved."))[:200]
    try:
        ops.save_order(
            conference,
            order,
            number(data.get("lineup_version")),
            message,
            by=organiser_id(),
        )
    except (ops.StaleLineup, lu.LineupError) as exc:
        return lineup_failure(slug, exc)
    db.session.commit()
    return lineup_json(reload_lineup(slug), message=message)


@bp.get("/c/<slug>/lineup/helper")
@login_required
def preview_helper(slug):
    conference = load_lineup(slug)
    helper = request.args.get("helper", "")
    if helper not in dict(lu.HELPERS) or conference.start_at is None:
        return render_lineup(
            conference, 400, error=_("Choose an ordering helper (and set a start).")
        )
    preview = lu.preview_helper(
        helper,
        timetable.lineup_items(conference),
        conference.start_at,
        conference.buffer_minutes,
        conference.day_window,
    )
    rows, warnings = rows_and_warnings(conference, preview.scheduled)
    return render_template(
        "lineup/helper_preview.html",
        conference=conference,
        helper=helper,
        helper_label=_(dict(lu.HELPERS)[helper]),
        rows=rows,
        warnings=warnings,
        preview=preview,
    )


@bp.post("/c/<slug>/lineup/helper")
@login_required
def apply_helper(slug):
    conference = load_lineup(slug)
    helper = request.form.get("helper", "")
    if helper not in dict(lu.HELPERS):
        return render_lineup(conference, 400, error=_("Unknown ordering helper."))
    try:
        message = ops.apply_helper(
            conference,
            helper,
            number(request.form.get("lineup_version")),
            by=organiser_id(),
        )
    except (ops.StaleLineup, lu.LineupError) as exc:
        return lineup_failure(slug, exc)
    db.session.commit()
    flash(message)
    return redirect(url_for("lineup.show_lineup", slug=slug))


@bp.post("/c/<slug>/lineup/build")
@login_required
def build_lineup(slug):
    """Country blocks for every delegation with speakers and no block yet, and
    the frame when asked: from imported people to a lineup in one action."""
    conference = timetable.for_organiser(slug)
    data = posted()
    frame = str(data.get("frame", "")).lower() in ("y", "yes", "on", "true", "1")
    try:
        plan = ops.build_lineup(conference, number(data.get("lineup_version")), frame)
    except ops.StaleLineup as exc:
        return lineup_failure(slug, exc)
    db.session.commit()
    message = ops.built_message(plan, frame)
    if wants_json():
        return lineup_json(reload_lineup(slug), message=message)
    flash(message)
    return redirect(url_for("lineup.show_lineup", slug=slug))


@bp.post("/c/<slug>/lineup/undo")
@login_required
def undo_lineup(slug):
    conference = load_lineup(slug)
    try:
        what = ops.undo_last(conference, by=organiser_id())
    except ops.NothingToUndo as exc:
        return render_lineup(conference, 400, error=exc.message)
    except ops.CannotUndo as exc:
        return render_lineup(conference, 409, error=exc.message)
    except ops.StaleLineup as exc:
        return lineup_failure(slug, exc)
    db.session.commit()
    flash(_("Undone: %(what)s", what=what))
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
            flash(_("“%(title)s” saved.", title=saved.title))
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


@bp.route("/c/<slug>/lineup/items/<int:item_id>/remove", methods=["GET", "POST"])
@login_required
def remove_item(slug, item_id):
    conference = timetable.for_organiser(slug)
    item = item_of(conference, item_id)
    title = item.title
    if request.method == "GET":
        return confirmation(
            title=_("Remove “%(title)s” from the lineup?", title=title),
            what=_(
                "The item and its speakers' slot in it go; the items after it "
                "move earlier. Undo on the lineup page brings it back."
            ),
            button=_("Remove the item"),
            back=url_for("lineup.edit_item", slug=slug, item_id=item_id),
        )
    try:
        ops.remove_item(conference, item, number(request.form.get("lineup_version")))
    except ops.StaleLineup as exc:
        return lineup_failure(slug, exc)
    db.session.commit()
    flash(_("“%(title)s” removed from the lineup.", title=title))
    return redirect(url_for("lineup.show_lineup", slug=slug))
