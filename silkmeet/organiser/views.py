"""Organisers' pages: dashboard, conference, hosts and chairs, people and the CSV
import. The lineup has its own blueprint (:mod:`silkmeet.lineup`)."""

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

from silkmeet import timetable
from silkmeet.access import organiser_conference
from silkmeet.confirm import confirmation
from silkmeet.db import utcnow
from silkmeet.domain import fields as rules
from silkmeet.domain import people_csv
from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v
from silkmeet.extensions import db
from silkmeet.i18n import gettext as _
from silkmeet.i18n import ngettext
from silkmeet.mail import operations as outbox
from silkmeet.models import Conference
from silkmeet.models import ConferenceHost
from silkmeet.models import ConferenceOrganiser
from silkmeet.models import Participation
from silkmeet.organiser import forms
from silkmeet.organiser import imports
from silkmeet.organiser import operations as ops

bp = Blueprint("organiser", __name__, url_prefix="/organiser")

CONFERENCE_FIELDS = (
    "title",
    "slug",
    "description",
    "timezone",
    "duration_minutes",
    "buffer_minutes",
    "day_start_hour",
    "day_end_hour",
    "speaking_minutes",
    "status",
    "video_platform",
    "join_url",
    "meeting_id",
    "passcode",
    "dial_in",
    "mail_from",
    "mail_reply_to",
    "reminder_offsets",
    "nudge_offset",
)


def load(slug: str) -> Conference:
    return timetable.for_organiser(slug)


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


def conference_fields(form: forms.ConferenceForm) -> dict:
    """The model fields from a valid form."""
    fields = {name: getattr(form, name).data for name in CONFERENCE_FIELDS}
    for name in ("description", "video_platform", "join_url", "meeting_id"):
        fields[name] = (fields[name] or "").strip()
    fields["passcode"] = fields["passcode"] or ""
    fields["dial_in"] = fields["dial_in"] or ""
    fields["reminder_offsets"] = list(fields["reminder_offsets"] or ())
    if fields["speaking_minutes"] is None:  # left empty: the default
        fields["speaking_minutes"] = v.DEFAULT_SPEAKING_MINUTES
    fields["languages"] = list(rules.language_list(form.languages.data))
    fields["interpretation_channels"] = list(
        rules.language_list(form.interpretation_channels.data)
    )
    fields["start_at"] = form.start_at
    fields["title_translations"] = rules.translations(
        form.title_translations.data, "conference.title"
    )
    fields["description_translations"] = rules.translations(
        form.description_translations.data, "conference.description"
    )
    return fields


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_conference():
    form = forms.ConferenceForm()
    if request.method == "GET":
        form.timezone.data = "Europe/Paris"
        form.duration_minutes.data = 120
    if form.validate_on_submit():
        conference = ops.create_conference(current_user, **conference_fields(form))
        db.session.commit()
        flash(_("Conference created. Add its people, then build the lineup."))
        return redirect(url_for("organiser.edit_conference", slug=conference.slug))
    status = 400 if request.method == "POST" else 200
    return render_template("organiser/conference_form.html", form=form), status


@bp.get("/slug-suggestion")
@login_required
def suggest_slug():
    """The short name the server would make from ``title`` (static/js/slug.js);
    ``for`` is the id of the conference being edited, if any."""
    except_id = request.args.get("for", type=int)
    return jsonify(slug=ops.free_slug(request.args.get("title", "")[:300], except_id))


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
        forms.set_translations(form.title_translations, conference.title_translations)
        forms.set_translations(
            form.description_translations, conference.description_translations
        )
        if conference.start_at is not None:
            form.start.data = tz.to_local(
                conference.start_at, conference.timezone
            ).replace(tzinfo=None)
    if form.validate_on_submit():
        revision = conference.invite_revision
        ops.update_conference(conference, **conference_fields(form))
        db.session.commit()
        if conference.invite_revision != revision:
            flash(
                _(
                    "Conference saved. The invites changed: delegates will get the "
                    "new version."
                )
            )
        else:
            flash(_("Conference saved."))
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
        abort(403, _("Only an owner of this conference can add organisers."))
    form = forms.OrganiserForm(prefix="org")
    if form.validate_on_submit():
        try:
            ops.add_organiser(conference, form.email.data, form.access.data)
        except ops.NoSuchOrganiser:
            flash(
                _(
                    "No organiser account uses %(email)s: ask them to get one "
                    "first (flask create-organiser).",
                    email=form.email.data,
                ),
                "error",
            )
        else:
            db.session.commit()
            flash(_("%(email)s can now edit this conference.", email=form.email.data))
    else:
        flash(_("Give the organiser's email."), "error")
    return redirect(url_for("organiser.edit_conference", slug=slug))


# Hosts and chairs -------------------------------------------------------------


def chair_form(conference, formdata=None):
    form = forms.ChairForm(formdata=formdata, prefix="chair")
    people = [p for p in conference.participations if p.removed_at is None]
    choices = [(0, _("— nobody —"))] + [(p.id, p.person.display_name) for p in people]
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
                role = v.label(v.HOST_ROLES, host_form.role.data)
                flash(
                    _(
                        "%(name)s added as %(role)s.",
                        name=host_form.name.data,
                        role=role.lower(),
                    )
                )
                return redirect(url_for("organiser.edit_hosts", slug=slug))
        else:
            chairs = chair_form(conference, request.form)
            if chairs.validate_on_submit():
                ops.set_chairs(
                    conference, chairs.chair.data or None, chairs.co_chair.data or None
                )
                db.session.commit()
                flash(_("Chair and co-chair saved."))
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


@bp.route("/c/<slug>/hosts/<int:host_id>/remove", methods=["GET", "POST"])
@login_required
def remove_host(slug, host_id):
    conference = load(slug)
    host = db.session.get(ConferenceHost, host_id)
    if host is None or host.conference_id != conference.id:
        abort(404)
    if request.method == "GET":
        name = host.organisation.name
        return confirmation(
            title=_("Remove %(name)s from the hosts?", name=name),
            what=_(
                "%(name)s will no longer be listed as a host of %(title)s. "
                "You can add it again on this page.",
                name=name,
                title=conference.title,
            ),
            button=_("Remove the host"),
            back=url_for("organiser.edit_hosts", slug=slug),
        )
    conference.hosts.remove(host)
    db.session.commit()
    flash(_("%(name)s is no longer a host.", name=host.organisation.name))
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
        "organiser/people.html",
        conference=conference,
        people=people,
        delivery=outbox.latest_per_participation(conference.id),
    )


# How many of a person's latest messages their page lists.
PERSON_MAIL = 5


def person_links(conference, participation) -> dict:
    """What the person page shows beside the form: their personal link, their
    run-of-show if they chair, and the latest mail sent to them."""
    links = {
        "personal_url": url_for(
            "agenda.delegate_page",
            slug=conference.slug,
            token=participation.token,
            _external=True,
        ),
        "run_of_show_url": None,
        "mail": db.session.scalars(
            outbox.outbox_for(conference.id, participation_id=participation.id).limit(
                PERSON_MAIL
            )
        ).all(),
    }
    if participation.role in v.CHAIR_ROLES:
        links["run_of_show_url"] = url_for(
            "runofshow.show",
            slug=conference.slug,
            token=participation.token,
            _external=True,
        )
    return links


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
        "languages": list(rules.language_list(form.languages.data)),
        "preferred_language": form.preferred_language.data or None,
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
        form.preferred_language.data = person.preferred_language or ""
    refresh = "refresh_zones" in request.form
    if not refresh and form.validate_on_submit():
        fields = person_fields(form)
        duplicate = ops.roster(conference, participation_id).duplicate(
            fields["full_name"], fields["country"], fields["email"]
        )
        if duplicate:
            field, why = duplicate
            form[field].errors.append(why)
        else:
            try:
                if participation is None:
                    ops.add_participant(conference, **fields)
                    flash(_("%(name)s added.", name=fields["full_name"]))
                else:
                    ops.update_participant(participation, **fields)
                    flash(_("%(name)s saved.", name=fields["full_name"]))
                db.session.commit()
                return redirect(url_for("organiser.list_people", slug=slug))
            except ops.EmailTaken:
                # Added by someone else since the check above.
                db.session.rollback()
                form.email.errors.append(ops.EmailTaken.message)
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
            links=person_links(conference, participation) if participation else None,
        ),
        status,
    )


@bp.route("/c/<slug>/people/<int:participation_id>/remove", methods=["GET", "POST"])
@login_required
def remove_person(slug, participation_id):
    conference = load(slug)
    participation = participation_of(conference, participation_id)
    if request.method == "GET":
        name = participation.person.full_name
        return confirmation(
            title=_("Remove %(name)s from the conference?", name=name),
            what=_(
                "%(name)s leaves the agenda and every item they speak in; their "
                "personal link shows the cancellation, and if they were mailed "
                "an invitation, a cancellation is sent.",
                name=name,
            ),
            button=_("Remove %(name)s", name=name),
            back=url_for("organiser.list_people", slug=slug),
        )
    ops.remove_participant(participation)
    db.session.commit()
    flash(
        _(
            "%(name)s removed; their link now shows the cancellation.",
            name=participation.person.full_name,
        )
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


@bp.route("/c/<slug>/people/import", methods=["GET", "POST"])
@login_required
def import_people(slug):
    conference = organiser_conference(slug)
    form = forms.ImportForm()
    rows, error, payload, ticket = None, None, None, None
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            text = people_csv.decode(data)
            rows = people_csv.parse(text, ops.roster(conference))
        except people_csv.CsvError as exc:
            error = str(exc)
        else:
            payload = base64.b64encode(text.encode()).decode()
            ticket = imports.issue_ticket(conference, text)
    status = 400 if request.method == "POST" and rows is None else 200
    return (
        render_template(
            "organiser/import.html",
            conference=conference,
            form=form,
            rows=rows,
            error=error,
            confirm_form=forms.ConfirmImportForm(payload=payload, ticket=ticket),
            columns=people_csv.COLUMNS,
        ),
        status,
    )


@bp.post("/c/<slug>/people/import/confirm")
@login_required
def confirm_import(slug):
    conference = organiser_conference(slug)
    form = forms.ConfirmImportForm()
    try:
        if not form.validate_on_submit():
            raise imports.ImportRefused(imports.UPLOAD_AGAIN)
        try:
            text = base64.b64decode(form.payload.data, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise imports.ImportRefused(imports.UPLOAD_AGAIN) from None
        rows = people_csv.parse(text, ops.roster(conference))
        # Before anything is written: a second confirm of this preview ends here.
        imports.claim_ticket(conference, form.ticket.data, text, len(rows))
        if not all(row.ok for row in rows):
            raise imports.ImportRefused(
                _(
                    "the file has rows with errors (the people changed since the "
                    "preview?). Check the preview again."
                )
            )
        count = imports.import_people(conference, rows)
    except imports.AlreadyImported as exc:
        db.session.rollback()
        flash(str(exc.message))
        return redirect(url_for("organiser.list_people", slug=slug))
    except (imports.ImportRefused, people_csv.CsvError) as exc:
        db.session.rollback()
        flash(_("Nothing was imported: %(why)s", why=exc), "error")
        return redirect(url_for("organiser.import_people", slug=slug))
    except ops.EmailTaken:
        db.session.rollback()
        flash(
            _(
                "Nothing was imported: someone with one of these e-mails was added "
                "meanwhile. Check the preview again."
            ),
            "error",
        )
        return redirect(url_for("organiser.import_people", slug=slug))
    db.session.commit()
    flash(
        ngettext(
            "Imported %(num)s participant.", "Imported %(num)s participants.", count
        )
    )
    return redirect(url_for("organiser.list_people", slug=slug))
