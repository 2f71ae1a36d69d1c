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
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import Conflict
from werkzeug.wsgi import wrap_file

from silkmeet.access import agenda_access
from silkmeet.access import organiser_conference
from silkmeet.access import personal_row_by_token
from silkmeet.access import public_view
from silkmeet.extensions import db
from silkmeet.invites import files
from silkmeet.invites import operations as ops
from silkmeet.invites import rows
from silkmeet.invites.plan import NoStartError
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.web import content_disposition

bp = Blueprint("invites", __name__)

NO_START = (
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
    return current_app.handle_http_exception(Conflict(description=NO_START))


@bp.get("/c/<slug>/invites/<token>.ics")
def personal_invite(slug: str, token: str):
    row = personal_row_by_token(slug, token, ops.download_row_by_token)
    data, filename = ops.personal_invite(row)
    db.session.commit()  # the download record, only with a file sent
    return calendar_response(data, filename)


@bp.get("/c/<slug>/feed/<token>.ics")
def feed(slug: str, token: str):
    row = personal_row_by_token(slug, token, rows.personal_row_by_token)
    return calendar_response(ops.personal_feed(row))


@bp.get("/c/<slug>/calendar.ics")
def conference_calendar(slug: str):
    conference = db.first_or_404(select(Conference).where(Conference.slug == slug))
    organiser, _key = agenda_access(conference, request.args.get("key"))
    data, filename = ops.conference_calendar(conference, public_view(organiser))
    return calendar_response(data, filename)


@bp.get("/organiser/c/<slug>/invites")
@login_required
def manage(slug: str):
    conference = organiser_conference(
        slug,
        (
            selectinload(Conference.participations).joinedload(
                Participation.person, innerjoin=True
            ),
        ),
    )
    return render_template(
        "invites/manage.html",
        conference=conference,
        participations=conference.participations,
    )


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


@bp.post("/organiser/c/<slug>/invites/<int:participation_id>/reissue")
@login_required
def reissue_token(slug: str, participation_id: int):
    conference, participation = _organiser_participation(slug, participation_id)
    ops.reissue_token(participation)
    db.session.commit()
    flash(
        f"{participation.person.full_name} has a new personal link; "
        "the old one no longer opens anything.",
        "success",
    )
    return redirect(url_for("invites.manage", slug=conference.slug))
