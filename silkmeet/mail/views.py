"""The organisers' outbox: every message a conference sent or will send, and
each one as its recipient sees it.

Without a mail server (no ``SILKMEET_MAIL_URL``) this is where the mail goes:
the worker keeps it here and marks it sent, so organisers see what invitations
look like before any server is set up.
"""

from __future__ import annotations

from email.utils import getaddresses
from email.utils import parsedate_to_datetime

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
from sqlalchemy.orm import undefer

from silkmeet.access import organiser_conference
from silkmeet.domain import ics_summary
from silkmeet.domain import vocabulary as v
from silkmeet.extensions import db
from silkmeet.i18n import gettext as _
from silkmeet.i18n import ngettext
from silkmeet.mail import operations as outbox
from silkmeet.models import OutboxMessage
from silkmeet.models import Participation
from silkmeet.models import Person
from silkmeet.web import MAX_ID
from silkmeet.web import content_disposition
from silkmeet.web import format_local

bp = Blueprint("mail", __name__, url_prefix="/organiser/c/<slug>/outbox")

# What the message page shows of the headers, decoded, in this order.
SHOWN_HEADERS = ("From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID")
ADDRESS_HEADERS = ("From", "To", "Cc", "Reply-To")
PER_PAGE = 50
MAX_PER_PAGE = 200
# Beyond this page the OFFSET would not fit an integer (PostgreSQL refuses it).
MAX_PAGE = MAX_ID // MAX_PER_PAGE

# The HTML part of a message is served on its own, shown in a sandboxed frame of
# the message page: no scripts, no forms, no requests anywhere (its inline
# styles apply, data: images show), framed only by this site's own pages.
MESSAGE_HTML_CSP = "; ".join(
    [
        "sandbox",
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "form-action 'none'",
        "base-uri 'none'",
        "frame-ancestors 'self'",
    ]
)


def _choice(name: str, choices) -> str | None:
    """A filter from the query string: None when absent, 400 when unknown."""
    value = request.args.get(name) or None
    if value is not None and value not in v.values(choices):
        abort(
            400,
            description=_(
                "Unknown %(filter)s: %(value)s.", filter=name, value=repr(value)
            ),
        )
    return value


def _number(name: str, limit: int = MAX_ID) -> int | None:
    """A positive whole number from the query string, or None when absent; 404
    when it is anything else, or more than a column (or an OFFSET) holds."""
    value = request.args.get(name) or None
    if value is None:
        return None
    if not value.isdigit() or not 1 <= int(value) <= limit:
        abort(404)
    return int(value)


def _message(conference, message_id: int, raw: bool = False) -> OutboxMessage:
    """One of the conference's messages, else 404 (another conference's too)."""
    query = select(OutboxMessage).where(
        OutboxMessage.id == message_id,
        OutboxMessage.conference_id == conference.id,
    )
    if raw:
        query = query.options(undefer(OutboxMessage.raw))
    return db.one_or_404(query)


def _rendered(row: OutboxMessage) -> bytes:
    """The message's bytes; 404 while the worker has not rendered it yet."""
    if row.raw is None:
        abort(404, description=_("This message is not rendered yet."))
    return row.raw


def _shown_headers(headers: list[tuple[str, str]], zone: str) -> list[tuple[str, str]]:
    """The headers a recipient sees, decoded; the Date also as read in ``zone``."""
    found: dict[str, list[str]] = {}
    for name, value in headers:
        found.setdefault(name.lower(), []).append(value)
    shown = []
    for name in SHOWN_HEADERS:
        if name.lower() not in found:
            continue
        value = ", ".join(found[name.lower()])
        if name in ADDRESS_HEADERS:
            # As mail programs show them: names unquoted, decoded already.
            value = ", ".join(
                f"{display} <{address}>" if display else address
                for display, address in getaddresses([value])
            )
        elif name == "Date":
            try:
                value += f" ({format_local(parsedate_to_datetime(value), zone)})"
            except (TypeError, ValueError):
                pass  # shown as it is written
        shown.append((name, value))
    return shown


def _names(participation_ids) -> dict[int, str]:
    ids = {pid for pid in participation_ids if pid is not None}
    if not ids:
        return {}
    rows = db.session.execute(
        select(Participation.id, Person.full_name)
        .join(Person)
        .where(Participation.id.in_(ids))
    )
    return dict(rows.all())


@bp.get("")
@login_required
def show_outbox(slug: str):
    conference = organiser_conference(slug)
    status = _choice("status", v.OUTBOX_STATUSES)
    kind = _choice("kind", v.MAIL_KINDS)
    participation_id = _number("participation")
    page = db.paginate(
        outbox.outbox_for(
            conference.id,
            status=status,
            kind=kind,
            participation_id=participation_id,
        ),
        page=_number("page", MAX_PAGE) or 1,
        per_page=PER_PAGE,
        max_per_page=MAX_PER_PAGE,
    )
    names = _names(row.participation_id for row in page.items)
    filters = {
        "status": status,
        "kind": kind,
        "participation": participation_id,
    }
    return render_template(
        "mail/outbox.html",
        conference=conference,
        page=page,
        names=names,
        filters={key: value for key, value in filters.items() if value},
        person=_names([participation_id]).get(participation_id),
        counts=outbox.status_counts(conference.id),
        local_mailbox=not current_app.config.get("MAIL_URL"),
    )


@bp.post("/retry")
@login_required
def retry_failed(slug: str):
    conference = organiser_conference(slug)
    count = outbox.requeue_failed(conference.id)
    db.session.commit()
    if count:
        flash(
            ngettext(
                "%(num)d failed message queued again.",
                "%(num)d failed messages queued again.",
                count,
            ),
            "success",
        )
    else:
        flash(_("No failed message to send again."))
    return redirect(url_for("mail.show_outbox", slug=slug))


@bp.get("/<int:message_id>")
@login_required
def show_message(slug: str, message_id: int):
    conference = organiser_conference(slug)
    row = _message(conference, message_id, raw=True)
    parts = calendar = calendar_error = None
    if row.raw is not None:
        parts = outbox.message_parts(row)
        if parts.calendar is not None:
            try:
                calendar = ics_summary.summarise(parts.calendar, conference.timezone)
            except ics_summary.UnreadableCalendar as exc:
                calendar_error = str(exc)
    return render_template(
        "mail/outbox_message.html",
        conference=conference,
        row=row,
        parts=parts,
        headers=_shown_headers(parts.headers, conference.timezone) if parts else [],
        calendar=calendar,
        calendar_error=calendar_error,
        calendar_text=(
            parts.calendar.decode("utf-8", "replace").replace("\r\n", "\n")
            if parts and parts.calendar is not None
            else None
        ),
        participation=(
            db.session.get(Participation, row.participation_id)
            if row.participation_id is not None
            else None
        ),
    )


@bp.post("/<int:message_id>/retry")
@login_required
def retry_message(slug: str, message_id: int):
    conference = organiser_conference(slug)
    row = _message(conference, message_id)
    if outbox.requeue_failed(conference.id, ids=[row.id]):
        flash(_("The message is queued again."), "success")
    else:
        flash(_("Only a failed message can be sent again."), "error")
    db.session.commit()
    return redirect(url_for("mail.show_message", slug=slug, message_id=row.id))


@bp.get("/<int:message_id>/html")
@login_required
def message_html(slug: str, message_id: int):
    """The HTML part alone, for the message page's sandboxed frame."""
    conference = organiser_conference(slug)
    row = _message(conference, message_id, raw=True)
    _rendered(row)
    html = outbox.message_parts(row).html
    if html is None:
        abort(404, description=_("This message has no HTML part."))
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = MESSAGE_HTML_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.get("/<int:message_id>.eml")
@login_required
def download_message(slug: str, message_id: int):
    """The whole message, byte for byte as it is (or was) sent."""
    conference = organiser_conference(slug)
    row = _message(conference, message_id, raw=True)
    response = Response(_rendered(row), mimetype="message/rfc822")
    response.headers["Content-Disposition"] = content_disposition(
        f"{conference.slug}-message-{row.id}.eml"
    )
    return response


@bp.get("/<int:message_id>/attachments/<int:number>")
@login_required
def download_attachment(slug: str, message_id: int, number: int):
    """The ``number``-th attachment (from 1), always as a download: a file
    from a message is never shown as a page of this site."""
    conference = organiser_conference(slug)
    row = _message(conference, message_id, raw=True)
    _rendered(row)
    attachments = outbox.message_parts(row).attachments
    if not 1 <= number <= len(attachments):
        abort(404)
    attachment = attachments[number - 1]
    calendar = attachment.content_type in ("text/calendar", "application/ics")
    response = Response(
        attachment.data,
        mimetype="text/calendar" if calendar else "application/octet-stream",
    )
    response.headers["Content-Disposition"] = content_disposition(
        attachment.filename or f"attachment-{number}"
    )
    return response
