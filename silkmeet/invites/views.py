from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import login_required
from sqlalchemy import select
from werkzeug.exceptions import Conflict
from werkzeug.wsgi import wrap_file

from silkmeet.access import agenda_access
from silkmeet.access import organiser_conference
from silkmeet.access import personal_row_by_token
from silkmeet.access import public_view
from silkmeet.confirm import confirmation
from silkmeet.extensions import db
from silkmeet.i18n import gettext as _
from silkmeet.i18n import lazy_gettext
from silkmeet.i18n import ngettext
from silkmeet.i18n import supported_locale
from silkmeet.invites import audience
from silkmeet.invites import files
from silkmeet.invites import forms
from silkmeet.invites import operations as ops
from silkmeet.invites import rows
from silkmeet.invites import sending
from silkmeet.invites.plan import NoStartError
from silkmeet.mail.messages import CannotSend
from silkmeet.mail.operations import WIRE_POLICY
from silkmeet.mail.operations import parts_of
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.web import content_disposition
from silkmeet.web import csv_response

bp = Blueprint("invites", __name__)

NO_START = lazy_gettext(
    "The date and time of this conference are not fixed yet, so there is no "
    "calendar file to download. Come back once the organisers have set them."
)


def calendar_response(data: bytes, filename: str | None = None) -> Response:
    response = Response(data, mimetype="text/calendar")
    if filename:
        response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.errorhandler(NoStartError)
def no_start(error):
    """Any calendar of a conference without a start: a clear 409, no file."""
    return current_app.handle_http_exception(Conflict(description=str(NO_START)))


@bp.get("/c/<slug>/invites/<token>.ics")
def personal_invite(slug: str, token: str):
    row = personal_row_by_token(slug, token, ops.download_row_by_token)
    # In the participant's language, unless the link names one (?lang=).
    asked = supported_locale(request.args.get("lang"))
    data, filename = ops.personal_invite(row, asked=asked)
    db.session.commit()  # the download record, only with a file sent
    return calendar_response(data, filename)


@bp.get("/c/<slug>/feed/<token>.ics")
def feed(slug: str, token: str):
    row = personal_row_by_token(slug, token, rows.personal_row_by_token)
    asked = supported_locale(request.args.get("lang"))
    return calendar_response(ops.personal_feed(row, asked=asked))


@bp.get("/c/<slug>/calendar.ics")
def conference_calendar(slug: str):
    conference = db.first_or_404(select(Conference).where(Conference.slug == slug))
    organiser, _key = agenda_access(conference, request.args.get("key"))
    data, filename = ops.conference_calendar(conference, public_view(organiser))
    return calendar_response(data, filename)


@bp.get("/organiser/c/<slug>/invites")
@login_required
def manage(slug: str):
    return manage_page(organiser_conference(slug))


def manage_page(conference: Conference, form=None, found=None, status: int = 200):
    """The Invites page: links, downloads, and invitations by e-mail."""
    found = found or audience.of(conference)
    return (
        render_template(
            "invites/manage.html",
            conference=conference,
            audience=found,
            counts=found.counts(),
            form=form or forms.SendForm(found),
            status_labels={
                status: _(text) for status, text in audience.STATUS_LABELS.items()
            },
        ),
        status,
    )


@bp.post("/organiser/c/<slug>/invites/send")
@login_required
def send_invitations(slug: str):
    conference = organiser_conference(slug)
    found = audience.of(conference)
    form = forms.SendForm(found)
    if not form.validate_on_submit():
        return manage_page(conference, form, found, 400)
    return _queued(
        slug,
        "invitation",
        lambda: sending.queue_invitations(
            found,
            who=form.who.data,
            role=form.role.data,
            country=form.country.data,
            chosen=form.chosen.data or (),
            slots=form.slots.data,
        ),
    )


@bp.post("/organiser/c/<slug>/invites/updates")
@login_required
def send_updates(slug: str):
    conference = organiser_conference(slug)
    return _queued(
        slug, "update", lambda: sending.queue_updates(audience.of(conference))
    )


def _queued(slug: str, what: str, queue) -> Response:
    """Run ``queue()``, commit what it queued and say so; or say why not."""
    try:
        queued = queue()
    except sending.CannotQueue as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        _say_queued(queued, what)
    return redirect(url_for("invites.manage", slug=slug))


def _say_queued(queued: sending.Queued, what: str) -> None:
    people = len(queued.people)
    if people:
        if what == "update":
            done = ngettext("%(num)d update queued", "%(num)d updates queued", people)
        else:
            done = ngettext(
                "%(num)d invitation queued", "%(num)d invitations queued", people
            )
        messages = ngettext("%(num)d message", "%(num)d messages", queued.messages)
        flash(
            # Translators: done is "3 invitations queued", messages "5 messages".
            _(
                "%(done)s (%(messages)s): they go out in the next minutes, and "
                "the list below shows each one's delivery.",
                done=done,
                messages=messages,
            ),
            "success",
        )
    elif what == "update":
        flash(_("Nobody to send an update to."), "warning")
    else:
        flash(_("Nobody to send an invitation to."), "warning")
    if queued.unreachable:
        flash(
            _(
                "Not reachable, no e-mail address: %(names)s",
                names=", ".join(p.name for p in queued.unreachable),
            ),
            "warning",
        )


@bp.post("/organiser/c/<slug>/invites/retry")
@bp.post("/organiser/c/<slug>/invites/<int:participation_id>/retry")
@login_required
def retry_failed(slug: str, participation_id: int | None = None):
    if participation_id is None:
        conference = organiser_conference(slug)
    else:
        conference, _participation = _organiser_participation(slug, participation_id)
    count = sending.retry_failed(conference, participation_id)
    db.session.commit()
    flash(
        ngettext(
            "%(num)d failed message queued again.",
            "%(num)d failed messages queued again.",
            count,
        ),
        "success" if count else "warning",
    )
    return redirect(url_for("invites.manage", slug=slug))


@bp.get("/organiser/c/<slug>/invites/links.csv")
@login_required
def links_csv(slug: str):
    conference = organiser_conference(slug)
    people = audience.of(conference).current
    return csv_response(files.links_rows(people), files.links_filename(conference.slug))


def _preview(slug: str, participation_id: int) -> tuple[Conference, audience.Preview]:
    conference = organiser_conference(slug)
    found = audience.of(conference, participation_id)
    if not found.people:
        abort(404)
    slot = request.args.get("slot", type=int)
    if slot is not None and not 1 <= slot <= 100:
        abort(404)
    try:
        return conference, audience.preview(found, slot)
    except CannotSend as error:
        abort(409, description=str(error))


@bp.get("/organiser/c/<slug>/invites/<int:participation_id>/preview")
@login_required
def preview(slug: str, participation_id: int):
    conference, shown = _preview(slug, participation_id)
    built = shown.rendered.built
    return render_template(
        "invites/preview.html",
        conference=conference,
        shown=shown,
        parts=parts_of(built.message.as_bytes(policy=WIRE_POLICY)) if built else None,
        slot=request.args.get("slot", type=int),
    )


# The message's HTML, shown in a frame of the preview page: sandboxed (no
# script, no form, an origin of its own), only inline styles and data images.
PREVIEW_CSP = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'self'"
)


@bp.get("/organiser/c/<slug>/invites/<int:participation_id>/preview.html")
@login_required
def preview_html(slug: str, participation_id: int):
    _conference, shown = _preview(slug, participation_id)
    built = shown.rendered.built
    if built is None:
        abort(404)
    html = parts_of(built.message.as_bytes(policy=WIRE_POLICY)).html or ""
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def _organiser_participation(slug: str, participation_id: int):
    conference = organiser_conference(slug)
    participation = db.session.get(Participation, participation_id)
    if participation is None or participation.conference_id != conference.id:
        abort(404)
    return conference, participation


@bp.get("/organiser/c/<slug>/invites/<int:participation_id>.ics")
@login_required
def organiser_download(slug: str, participation_id: int):
    conference = organiser_conference(slug)
    row = rows.personal_row(
        Participation.id == participation_id,
        Participation.conference_id == conference.id,
    )
    if row is None:
        abort(404)
    data, filename = ops.personal_invite(row)
    return calendar_response(data, filename)


@bp.get("/organiser/c/<slug>/invites.zip")
@login_required
def download_zip(slug: str):
    conference = organiser_conference(slug)
    spool = ops.invites_zip(conference)
    size = spool.seek(0, 2)
    spool.seek(0)
    # Streamed from the spooled file; closing the response closes (and so
    # deletes) it.
    response = Response(
        wrap_file(request.environ, spool, buffer_size=64 * 1024),
        mimetype="application/zip",
        direct_passthrough=True,
    )
    response.content_length = size
    response.headers["Content-Disposition"] = content_disposition(
        files.zip_filename(conference.slug)
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route(
    "/organiser/c/<slug>/invites/<int:participation_id>/reissue",
    methods=["GET", "POST"],
)
@login_required
def reissue_token(slug: str, participation_id: int):
    conference, participation = _organiser_participation(slug, participation_id)
    if request.method == "GET":
        name = participation.person.full_name
        return confirmation(
            title=_("Revoke the personal link of %(name)s?", name=name),
            what=_(
                "%(name)s's personal link (and the calendar feed on it) stops "
                "opening anything at once. They get a new link, which you then "
                "send them.",
                name=name,
            ),
            button=_("Revoke the link"),
            back=url_for("invites.manage", slug=conference.slug),
        )
    ops.reissue_token(participation)
    db.session.commit()
    flash(
        _(
            "%(name)s has a new personal link; the old one no longer opens anything.",
            name=participation.person.full_name,
        ),
        "success",
    )
    return redirect(url_for("invites.manage", slug=conference.slug))
