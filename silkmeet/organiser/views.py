"""Organisers' pages: dashboard, conference, hosts and chairs, people, lineup."""

from __future__ import annotations

import base64
import binascii

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
from sqlalchemy import select

from silkmeet.access import organiser_conference
from silkmeet.db import utcnow
from silkmeet.domain import lineup as lu
from silkmeet.domain import people_csv
from silkmeet.domain import timezones as tz
from silkmeet.domain.schedule import compute_schedule
from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import Conference
from silkmeet.models import ConferenceHost
from silkmeet.models import ConferenceOrganiser
from silkmeet.models import Participation
from silkmeet.organiser import forms
from silkmeet.organiser import operations as ops
from silkmeet.timetable import attach_speakers
from silkmeet.timetable import graph_options
from silkmeet.timetable import item_input
from silkmeet.timetable import lineup_options
from silkmeet.web import wants_json

bp = Blueprint("organiser", __name__, url_prefix="/organiser")

CONFERENCE_FIELDS = (
    "title",
    "slug",
    "description",
    "timezone",
    "duration_minutes",
    "buffer_minutes",
    "status",
    "video_platform",
    "join_url",
    "meeting_id",
    "passcode",
    "dial_in",
)


def load(slug: str) -> Conference:
    return attach_speakers(organiser_conference(slug, graph_options()))


def load_lineup(slug: str) -> Conference:
    """For the lineup editor: items, speakers and hosts, not every participant
    (2,000 people would be read on every move)."""
    return attach_speakers(organiser_conference(slug, lineup_options()))


def is_owner(conference: Conference) -> bool:
    link = db.session.get(ConferenceOrganiser, (conference.id, current_user.id))
    return link is not None and link.access == "owner"


# Dashboard and conference ----------------------------------------------------


@bp.get("/")
@login_required
def show_dashboard():
    conferences = db.session.scalars(
        select(Conference)
        .join(ConferenceOrganiser)
        .where(ConferenceOrganiser.organiser_id == current_user.id)
        .order_by(Conference.start_at.desc(), Conference.title)
    ).all()
    return render_template("organiser/dashboard.html", conferences=conferences)


def conference_fields(form: forms.ConferenceForm) -> dict | None:
    """The model fields from a valid form, or None after adding field errors."""
    fields = {name: getattr(form, name).data for name in CONFERENCE_FIELDS}
    for name in ("description", "video_platform", "join_url", "meeting_id"):
        fields[name] = (fields[name] or "").strip()
    fields["passcode"] = fields["passcode"] or ""
    fields["dial_in"] = fields["dial_in"] or ""
    fields["languages"] = forms.language_list(form.languages.data)
    fields["interpretation_channels"] = forms.language_list(
        form.interpretation_channels.data
    )
    ok = True
    fields["start_at"] = None
    if form.start.data is not None:
        try:
            fields["start_at"] = tz.localize(form.start.data, fields["timezone"])
        except tz.TimeZoneError as exc:
            form.start.errors.append(str(exc) + ".")
            ok = False
    return fields if ok else None


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_conference():
    form = forms.ConferenceForm()
    if request.method == "GET":
        form.timezone.data = "Europe/Paris"
        form.duration_minutes.data = 120
    if form.validate_on_submit():
        fields = conference_fields(form)
        if fields is not None:
            conference = ops.create_conference(current_user, **fields)
            db.session.commit()
            flash("Conference created. Add its people, then build the lineup.")
            return redirect(url_for("organiser.edit_conference", slug=conference.slug))
    status = 400 if request.method == "POST" else 200
    return render_template("organiser/conference_form.html", form=form), status


@bp.route("/c/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_conference(slug):
    conference = load(slug)
    form = forms.ConferenceForm(obj=conference, conference_id=conference.id)
    if request.method == "GET":
        form.languages.data = ", ".join(conference.languages or ())
        form.interpretation_channels.data = ", ".join(
            conference.interpretation_channels or ()
        )
        if conference.start_at is not None:
            form.start.data = tz.to_local(
                conference.start_at, conference.timezone
            ).replace(tzinfo=None)
    if form.validate_on_submit():
        fields = conference_fields(form)
        if fields is not None:
            revision = conference.invite_revision
            ops.update_conference(conference, **fields)
            db.session.commit()
            message = "Conference saved."
            if conference.invite_revision != revision:
                message += " The invites changed: delegates will get the new version."
            flash(message)
            return redirect(url_for("organiser.edit_conference", slug=conference.slug))
    status = 400 if request.method == "POST" else 200
    organisers = db.session.scalars(
        select(ConferenceOrganiser).where(
            ConferenceOrganiser.conference_id == conference.id
        )
    ).all()
    return (
        render_template(
            "organiser/conference_form.html",
            form=form,
            conference=conference,
            organisers=organisers,
            organiser_form=forms.OrganiserForm(prefix="org"),
            owner=is_owner(conference),
        ),
        status,
    )


@bp.post("/c/<slug>/organisers")
@login_required
def add_organiser(slug):
    conference = load(slug)
    if not is_owner(conference):
        abort(403, "Only an owner of this conference can add organisers.")
    form = forms.OrganiserForm(prefix="org")
    if form.validate_on_submit():
        try:
            ops.add_organiser(conference, form.email.data, form.access.data)
        except ops.NoSuchOrganiser:
            flash(
                f"No organiser account uses {form.email.data}: ask them to get one "
                "first (flask create-organiser).",
                "error",
            )
        else:
            db.session.commit()
            flash(f"{form.email.data} can now edit this conference.")
    else:
        flash("Give the organiser's email.", "error")
    return redirect(url_for("organiser.edit_conference", slug=slug))


# Hosts and chairs -------------------------------------------------------------


def chair_form(conference, formdata=None):
    form = forms.ChairForm(formdata=formdata, prefix="chair")
    people = [p for p in conference.participations if p.removed_at is None]
    choices = [(0, "— nobody —")] + [(p.id, p.person.display_name) for p in people]
    form.chair.choices = forms.choices(choices)
    form.co_chair.choices = forms.choices(choices)
    if formdata is None:
        form.chair.data = next((p.id for p in people if p.role == "chair"), 0)
        form.co_chair.data = next((p.id for p in people if p.role == "co_chair"), 0)
    return form


@bp.route("/c/<slug>/hosts", methods=["GET", "POST"])
@login_required
def edit_hosts(slug):
    conference = load(slug)
    host_form = forms.HostForm(prefix="host")
    chairs = chair_form(conference)
    status = 200
    if request.method == "POST":
        if "host-name" in request.form:
            if host_form.validate_on_submit():
                ops.add_host(
                    conference,
                    host_form.name.data.strip(),
                    host_form.country.data,
                    host_form.kind.data,
                    host_form.role.data,
                )
                db.session.commit()
                flash(f"{host_form.name.data} added as {host_form.role.data}.")
                return redirect(url_for("organiser.edit_hosts", slug=slug))
        else:
            chairs = chair_form(conference, request.form)
            if chairs.validate_on_submit():
                ops.set_chairs(
                    conference, chairs.chair.data or None, chairs.co_chair.data or None
                )
                db.session.commit()
                flash("Chair and co-chair saved.")
                return redirect(url_for("organiser.edit_hosts", slug=slug))
        status = 400
    return (
        render_template(
            "organiser/hosts.html",
            conference=conference,
            host_form=host_form,
            chair_form=chairs,
        ),
        status,
    )


@bp.post("/c/<slug>/hosts/<int:host_id>/remove")
@login_required
def remove_host(slug, host_id):
    conference = load(slug)
    host = db.session.get(ConferenceHost, host_id)
    if host is None or host.conference_id != conference.id:
        abort(404)
    conference.hosts.remove(host)
    db.session.commit()
    flash(f"{host.organisation.name} is no longer a host.")
    return redirect(url_for("organiser.edit_hosts", slug=slug))


# People -------------------------------------------------------------------------


def local_now(zone: str) -> str:
    now = tz.to_local(utcnow(), zone)
    return f"{now:%a %H:%M} {now.tzname()}"


@bp.get("/c/<slug>/people")
@login_required
def list_people(slug):
    conference = load(slug)
    people = [
        (p, local_now(p.person.timezone))
        for p in conference.participations
        if p.removed_at is None
    ]
    return render_template(
        "organiser/people.html", conference=conference, people=people
    )


def person_fields(form: forms.PersonForm) -> dict:
    return {
        "full_name": form.full_name.data.strip(),
        "latin_name": (form.latin_name.data or "").strip(),
        "honorific": (form.honorific.data or "").strip(),
        "position": (form.position.data or "").strip(),
        "organisation": (form.organisation.data or "").strip(),
        "country": form.country.data,
        "timezone": form.timezone.data,
        "role": form.role.data,
        "delegation_country": form.delegation_country.data or None,
        "email": form.email.data or None,
        "languages": forms.language_list(form.languages.data),
        "pronunciation": (form.pronunciation.data or "").strip(),
    }


def participation_of(conference, participation_id) -> Participation:
    p = db.session.get(Participation, participation_id)
    if p is None or p.conference_id != conference.id or p.removed_at is not None:
        abort(404)
    return p


@bp.route("/c/<slug>/people/new", methods=["GET", "POST"])
@bp.route("/c/<slug>/people/<int:participation_id>/edit", methods=["GET", "POST"])
@login_required
def edit_person(slug, participation_id=None):
    conference = load(slug)
    participation = None
    if participation_id is not None:
        participation = participation_of(conference, participation_id)
    form = forms.PersonForm()
    if request.method == "GET" and participation is not None:
        person = participation.person
        form = forms.PersonForm(formdata=None, obj=person)
        form.organisation.data = person.organisation.name if person.organisation else ""
        form.role.data = participation.role
        form.delegation_country.data = participation.delegation_country or ""
        form.languages.data = ", ".join(person.languages or ())
    refresh = "refresh_zones" in request.form
    if not refresh and form.validate_on_submit():
        fields = person_fields(form)
        if fields["email"] and ops.email_taken(
            conference, fields["email"], participation_id
        ):
            form.email.errors.append("Another participant already uses this email.")
        else:
            if participation is None:
                ops.add_participant(conference, **fields)
                flash(f"{fields['full_name']} added.")
            else:
                ops.update_participant(participation, **fields)
                flash(f"{fields['full_name']} saved.")
            db.session.commit()
            return redirect(url_for("organiser.list_people", slug=slug))
    status = 400 if request.method == "POST" and not refresh else 200
    return (
        render_template(
            "organiser/person_form.html",
            conference=conference,
            form=form,
            participation=participation,
            now_there=local_now(participation.person.timezone)
            if participation
            else None,
        ),
        status,
    )


@bp.post("/c/<slug>/people/<int:participation_id>/remove")
@login_required
def remove_person(slug, participation_id):
    conference = load(slug)
    participation = participation_of(conference, participation_id)
    ops.remove_participant(participation)
    db.session.commit()
    flash(
        f"{participation.person.full_name} removed; their link now shows the "
        "cancellation."
    )
    return redirect(url_for("organiser.list_people", slug=slug))


@bp.get("/zones")
@login_required
def list_zones():
    """The zones of a country with their current offset, for the zone picker."""
    country = request.args.get("country", "")
    now = utcnow()
    zones = [
        {"zone": z, "offset": tz.local_time(now, z).offset_label}
        for z in tz.country_zones(country)
    ]
    return jsonify(zones=zones, default=tz.default_zone_for_country(country))


def existing_keys(conference):
    people = [p.person for p in conference.participations if p.removed_at is None]
    emails = {p.email.lower() for p in people if p.email}
    names = {(p.full_name.casefold(), p.country) for p in people}
    return emails, names


@bp.route("/c/<slug>/people/import", methods=["GET", "POST"])
@login_required
def import_people(slug):
    conference = load(slug)
    form = forms.ImportForm()
    rows, error, payload = None, None, None
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            text = people_csv.decode(data)
            rows = people_csv.parse(text, *existing_keys(conference))
        except people_csv.CsvError as exc:
            error = str(exc)
        else:
            payload = base64.b64encode(text.encode()).decode()
    status = 400 if request.method == "POST" and rows is None else 200
    return (
        render_template(
            "organiser/import.html",
            conference=conference,
            form=form,
            rows=rows,
            error=error,
            confirm_form=forms.ConfirmImportForm(payload=payload),
            columns=people_csv.COLUMNS,
        ),
        status,
    )


@bp.post("/c/<slug>/people/import/confirm")
@login_required
def confirm_import(slug):
    conference = load(slug)
    form = forms.ConfirmImportForm()
    try:
        if not form.validate_on_submit():
            raise people_csv.CsvError("Nothing to import: upload the file again.")
        text = base64.b64decode(form.payload.data, validate=True).decode()
        rows = people_csv.parse(text, *existing_keys(conference))
    except (binascii.Error, UnicodeDecodeError, people_csv.CsvError) as exc:
        flash(f"Nothing was imported: {exc}", "error")
        return redirect(url_for("organiser.import_people", slug=slug))
    if not all(row.ok for row in rows):
        flash(
            "Nothing was imported: the file has rows with errors (the people "
            "changed since the preview?). Check the preview again.",
            "error",
        )
        return redirect(url_for("organiser.import_people", slug=slug))
    for row in rows:
        values = dict(row.values)
        values["languages"] = people_csv.languages(values)
        values["email"] = values["email"] or None
        values["delegation_country"] = values["delegation_country"] or None
        ops.add_participant(conference, **values)
    db.session.commit()
    flash(f"Imported {len(rows)} participant(s).")
    return redirect(url_for("organiser.list_people", slug=slug))


# Lineup ----------------------------------------------------------------------


def chair_named(conference: Conference) -> bool:
    """Whether the conference has a chair, asked of the database."""
    return (
        db.session.scalar(
            select(Participation.id)
            .where(
                Participation.conference_id == conference.id,
                Participation.role == "chair",
                Participation.removed_at.is_(None),
            )
            .limit(1)
        )
        is not None
    )


def lineup_state(conference: Conference):
    """Rows, warnings and per-item data for the editor."""
    items = [item_input(i) for i in conference.items]
    start = conference.start_at
    if start is None:
        return [], [], items
    scheduled = compute_schedule(start, items, conference.buffer_minutes)
    has_chair = chair_named(conference)
    rows = lu.display_rows(start, conference.timezone, scheduled)
    warnings = lu.lineup_warnings(
        start, conference.duration_minutes, conference.timezone, scheduled, has_chair
    )
    return rows, warnings, items


def render_lineup(conference, status=200, error=None, message=None, **extra):
    rows, warnings, items = lineup_state(conference)
    helper_form = forms.HelperForm(formdata=None)
    helper_form.lineup_version.data = conference.lineup_version
    undo = pending_undo(conference)
    return (
        render_template(
            "organiser/lineup.html",
            conference=conference,
            rows=rows,
            warnings=warnings,
            items=items,
            helper_form=helper_form,
            helpers=lu.HELPERS,
            error=error,
            message=message,
            undo=undo,
            **extra,
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
            "organiser/_lineup_rows.html", conference=conference, rows=rows
        ),
        "warnings_html": render_template(
            "organiser/_lineup_warnings.html", warnings=warnings
        ),
    }
    if error:
        body["error"] = error
    if message:
        body["message"] = message
    return jsonify(body), status


def reload_conference(slug):
    db.session.rollback()
    db.session.expire_all()
    return load_lineup(slug)


def remember_undo(conference, previous_order, what):
    """Keep the order before this organiser's change, on the conference row: a
    2,000-item order would overflow a session cookie (4 KB), which browsers
    then silently drop."""
    conference.lineup_undo = {
        "order": previous_order,
        "version": conference.lineup_version,
        "what": what,
        "by": int(current_user.get_id()),
    }


def pending_undo(conference) -> dict | None:
    """The change this organiser can still undo: their own, and the last one."""
    undo = conference.lineup_undo
    if (
        not undo
        or undo.get("by") != int(current_user.get_id())
        or undo.get("version") != conference.lineup_version
    ):
        return None
    return undo


def version_from(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@bp.get("/c/<slug>/lineup")
@login_required
def show_lineup(slug):
    return render_lineup(load_lineup(slug))


def lineup_failure(slug, exc):
    conference = reload_conference(slug)
    if isinstance(exc, ops.StaleLineup):
        code, text = 409, exc.message
    else:
        code, text = 400, str(exc)
    if wants_json():
        return lineup_json(conference, code, error=text)
    return render_lineup(conference, code, error=text)


@bp.post("/c/<slug>/lineup/move")
@login_required
def move_lineup(slug):
    conference = load_lineup(slug)
    data = request.get_json(silent=True) if request.is_json else request.form
    data = data or {}
    item_id = version_from(data.get("item_id"))
    position = version_from(data.get("position"))
    if data.get("action") == "to" and position is None:
        return lineup_failure(slug, lu.LineupError("Give a position number."))
    previous = ops.current_order(conference)
    try:
        message = ops.apply_move(
            conference,
            item_id,
            data.get("action", ""),
            version_from(data.get("lineup_version")),
            position,
        )
    except (ops.StaleLineup, lu.LineupError) as exc:
        return lineup_failure(slug, exc)
    remember_undo(conference, previous, message)
    db.session.commit()
    conference = reload_conference(slug)
    if wants_json():
        return lineup_json(conference, message=message)
    flash(message)
    return redirect(
        url_for("organiser.show_lineup", slug=slug, _anchor=f"item-{item_id}")
    )


@bp.post("/c/<slug>/lineup/order")
@login_required
def save_order(slug):
    conference = load_lineup(slug)
    data = request.get_json(silent=True) if request.is_json else None
    if not isinstance(data, dict) or not isinstance(data.get("order"), list):
        return jsonify(error='Send JSON {"order": [ids], "lineup_version": n}.'), 400
    order = [version_from(i) for i in data["order"]]
    if None in order:
        return lineup_failure(slug, lu.LineupError("The order must list item ids."))
    previous = ops.current_order(conference)
    try:
        ops.apply_order(conference, order, version_from(data.get("lineup_version")))
    except (ops.StaleLineup, lu.LineupError) as exc:
        return lineup_failure(slug, exc)
    message = data.get("message") or "New order saved."
    remember_undo(conference, previous, str(message)[:200])
    db.session.commit()
    return lineup_json(reload_conference(slug), message=str(message)[:200])


@bp.get("/c/<slug>/lineup/helper")
@login_required
def preview_helper(slug):
    conference = load_lineup(slug)
    helper = request.args.get("helper", "")
    if helper not in dict(lu.HELPERS) or conference.start_at is None:
        return render_lineup(
            conference, 400, error="Choose an ordering helper (and set a start)."
        )
    items = [item_input(i) for i in conference.items]
    proposed = lu.apply_helper(
        helper, items, conference.start_at, conference.buffer_minutes
    )
    scheduled = compute_schedule(
        conference.start_at, proposed, conference.buffer_minutes
    )
    has_chair = chair_named(conference)
    return render_template(
        "organiser/helper_preview.html",
        conference=conference,
        helper=helper,
        helper_label=dict(lu.HELPERS)[helper],
        rows=lu.display_rows(conference.start_at, conference.timezone, scheduled),
        warnings=lu.lineup_warnings(
            conference.start_at,
            conference.duration_minutes,
            conference.timezone,
            scheduled,
            has_chair,
        ),
        unchanged=[i.id for i in proposed] == [i.id for i in items],
        fairness_now=lu.fairness(
            compute_schedule(conference.start_at, items, conference.buffer_minutes)
        ),
        fairness_new=lu.fairness(scheduled),
    )


@bp.post("/c/<slug>/lineup/helper")
@login_required
def apply_helper(slug):
    conference = load_lineup(slug)
    helper = request.form.get("helper", "")
    if helper not in dict(lu.HELPERS):
        return render_lineup(conference, 400, error="Unknown ordering helper.")
    previous = ops.current_order(conference)
    try:
        ops.apply_helper(
            conference, helper, version_from(request.form.get("lineup_version"))
        )
    except (ops.StaleLineup, lu.LineupError) as exc:
        return lineup_failure(slug, exc)
    message = f"Country blocks ordered: {dict(lu.HELPERS)[helper].lower()}."
    remember_undo(conference, previous, message)
    db.session.commit()
    flash(message)
    return redirect(url_for("organiser.show_lineup", slug=slug))


@bp.post("/c/<slug>/lineup/undo")
@login_required
def undo_lineup(slug):
    conference = load_lineup(slug)
    undo = pending_undo(conference)
    if not undo:
        return render_lineup(conference, 400, error="There is nothing to undo.")
    try:
        ops.apply_order(conference, undo["order"], undo["version"])
    except ops.StaleLineup as exc:
        return lineup_failure(slug, exc)
    except lu.LineupError:
        return render_lineup(
            conference,
            409,
            error="The lineup's items changed since; that change cannot be undone.",
        )
    conference.lineup_undo = None
    db.session.commit()
    flash(f"Undone: {undo.get('what', 'the last change')}")
    return redirect(url_for("organiser.show_lineup", slug=slug))


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
    conference = load(slug)
    item = item_of(conference, item_id) if item_id is not None else None
    if request.method == "GET":
        form = forms.ItemForm(obj=item)
        if item is not None:
            form.speakers.pop_entry()
            for s in item.speakers:
                form.speakers.append_entry(
                    {"participant": str(s.participation_id), "minutes": s.minutes}
                )
            if item.fixed_start_at is not None:
                form.fixed_start.data = tz.to_local(
                    item.fixed_start_at, conference.timezone
                ).replace(tzinfo=None)
            form.country.data = item.country or ""
        form.speakers.append_entry()
        form.lineup_version.data = conference.lineup_version
    else:
        form = forms.ItemForm()
    pairs = speaker_choices(conference)
    allowed = {value for value, _label in pairs if value}
    choices = forms.choices(pairs)
    for entry in form.speakers:
        entry.participant.choices = choices
    status = 200
    error = None
    if request.method == "POST":
        status = 400
        if "add_speaker" in request.form:
            form.speakers.append_entry()
            form.speakers[-1].participant.choices = choices
            status = 200
        elif form.validate_on_submit():
            speakers, ok = [], True
            seen = set()
            for entry in form.speakers:
                pid = entry.participant.data
                if not pid:
                    continue
                if pid not in allowed:
                    entry.participant.errors.append(
                        "This person is not a participant of the conference."
                    )
                    ok = False
                elif pid in seen:
                    entry.participant.errors.append("Already a speaker of this item.")
                    ok = False
                else:
                    seen.add(pid)
                    speakers.append((int(pid), entry.minutes.data))
            fixed = None
            if form.fixed_start.data is not None:
                try:
                    fixed = tz.localize(form.fixed_start.data, conference.timezone)
                except tz.TimeZoneError as exc:
                    form.fixed_start.errors.append(str(exc) + ".")
                    ok = False
                else:
                    problem = ops.fixed_start_problem(conference, fixed)
                    if problem:
                        form.fixed_start.errors.append(problem)
                        ok = False
            if ok:
                try:
                    saved = ops.save_item(
                        conference,
                        item,
                        version_from(form.lineup_version.data),
                        speakers,
                        title=form.title.data.strip(),
                        kind=form.kind.data,
                        country=form.country.data or None,
                        duration_minutes=form.duration_minutes.data,
                        target_minutes=form.target_minutes.data,
                        pinned=form.pinned.data,
                        fixed_start_at=fixed,
                        notes=form.notes.data or "",
                        technical_cue=form.technical_cue.data,
                        technical_note=form.technical_note.data or "",
                        interpretation_language=(
                            form.interpretation_language.data or None
                        ),
                    )
                except ops.StaleLineup as exc:
                    db.session.rollback()
                    error = exc.message
                    status = 409
                else:
                    db.session.commit()
                    flash(f"“{saved.title}” saved.")
                    return redirect(
                        url_for(
                            "organiser.show_lineup",
                            slug=slug,
                            _anchor=f"item-{saved.id}",
                        )
                    )
    return (
        render_template(
            "organiser/item_form.html",
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
    conference = load(slug)
    item = item_of(conference, item_id)
    title = item.title
    try:
        ops.remove_item(
            conference, item, version_from(request.form.get("lineup_version"))
        )
    except ops.StaleLineup as exc:
        return lineup_failure(slug, exc)
    db.session.commit()
    flash(f"“{title}” removed from the lineup.")
    return redirect(url_for("organiser.show_lineup", slug=slug))
