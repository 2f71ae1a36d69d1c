"""App-wide template filters and globals, security headers, request guards and
the login loader: registered here for every page, never by a blueprint."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from flask import Flask
from flask import Response
from flask import abort
from flask import redirect
from flask import request
from flask import session
from flask import url_for
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from silkmeet.access import may_follow_former_slug
from silkmeet.domain import exports
from silkmeet.domain import filenames
from silkmeet.domain import hours
from silkmeet.domain import names
from silkmeet.domain import runofshow as ros
from silkmeet.domain import timewords as tw
from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v
from silkmeet.domain import words
from silkmeet.domain import zoneview as zv
from silkmeet.extensions import db
from silkmeet.extensions import login_manager
from silkmeet.i18n import gettext as _
from silkmeet.i18n import lazy_gettext
from silkmeet.mail.operations import failed_count
from silkmeet.models import Conference
from silkmeet.models import ConferenceSlugAlias

# The largest value of an ``integer`` column (PostgreSQL's is 32-bit signed).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` everywhere: a number no id column can hold matches no route.

    PostgreSQL refuses such a parameter with an error (a 500), SQLite past 2**63;
    refused here, it is a 404 like any other missing row.
    """

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, *args, **kwargs)
        self.max = MAX_ID if self.max is None else min(self.max, MAX_ID)


def register_converters(app: Flask) -> None:
    """Before any blueprint: rules pick their converters when they are added."""
    app.url_map.converters["int"] = IdConverter


def register(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = format_local
    app.jinja_env.filters["span_words"] = span_words
    app.jinja_env.filters["range_words"] = range_words
    app.jinja_env.filters["country_name"] = tz.country_name
    app.jinja_env.filters["city"] = zv.city
    app.jinja_env.globals["vocabulary"] = v
    app.jinja_env.globals["label"] = v.label
    app.jinja_env.globals["person_name"] = person_name
    app.jinja_env.globals["display_name"] = names.display_name  # plain text
    # The working hours' labels; the day window is each conference's own
    # (``{{ conference.day_window.label }}`` is "07:00–22:00").
    app.jinja_env.globals["work_window"] = hours.WORK_WINDOW
    app.jinja_env.globals["zone_data_version"] = tz.ZONE_DATA_VERSION
    app.jinja_env.globals["ros_span"] = ros.format_span
    app.jinja_env.globals["webcal_url"] = webcal_url
    app.jinja_env.globals["delegate_page_sections"] = DELEGATE_PAGE_SECTIONS
    app.jinja_env.globals["failed_mail_count"] = failed_count
    app.before_request(refuse_nul)
    app.after_request(security_headers)

    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext(
        "Please log in as an organiser to open that page."
    )
    # Flashed in the session: plain text in the request's language.
    login_manager.localize_callback = str
    login_manager.user_loader(load_organiser)


# What other features add to a delegate's page (/c/<slug>/me/<token>), in order;
# each partial gets ``conference`` and ``participation``.
DELEGATE_PAGE_SECTIONS = (
    "invites/_delegate_downloads.html",
    "runofshow/_delegate_link.html",
)


def wants_json() -> bool:
    """Whether to answer this request in JSON: the API, a JSON body, or a
    client that asks for JSON first. Every JSON-or-HTML choice asks this."""
    return (
        request.path.startswith("/api/")
        or request.is_json
        or request.accept_mimetypes.best == "application/json"
    )


def posted() -> dict:
    """A POST's values: its JSON object, or its form (empty if neither)."""
    data = request.get_json(silent=True) if request.is_json else request.form
    return data if isinstance(data, dict) else {}  # a form is a MultiDict


def webcal_url(slug: str, token: str) -> str:
    """A participant's calendar feed as a ``webcal://`` link."""
    url = url_for("invites.feed", slug=slug, token=token, _external=True)
    return "webcal://" + url.split("://", 1)[1]


def refuse_nul():
    """A NUL character in the path, the query or a form value: 400, before any
    view runs.

    No text field takes one (PostgreSQL cannot even store it in text) and no
    browser sends one from a form; a request that holds one is refused whole.
    """
    values = [v for v in (request.view_args or {}).values() if isinstance(v, str)]
    values += [v for _key, v in request.args.items(multi=True)]
    if request.method == "POST":
        values += [v for _key, v in request.form.items(multi=True)]
    if any("\x00" in value for value in values):
        abort(400, description=_("The request holds a NUL character."))


def former_slug_redirect():
    """For a request that found nothing under a slug its conference had before
    (``ConferenceSlugAlias``): a permanent redirect to the same URL under the
    current slug, query string kept; else None.

    Every ``/c/<slug>/…`` and ``/organiser/c/<slug>/…`` URL, personal links,
    feeds and calendars included, in this one place: the error handler asks it
    before answering 404, so a request under a current slug never pays for it.
    GET and HEAD get 301 (calendar clients that re-read a feed know it best);
    other methods 308, which repeats the method and its body.
    """
    args = request.view_args
    if not args or not isinstance(args.get("slug"), str) or request.endpoint is None:
        return None
    conference = db.session.scalar(
        select(Conference)
        .join(ConferenceSlugAlias, ConferenceSlugAlias.conference_id == Conference.id)
        .where(ConferenceSlugAlias.slug == args["slug"])
    )
    if conference is None or not may_follow_former_slug(conference):
        return None
    location = url_for(request.endpoint, **{**args, "slug": conference.slug})
    if request.query_string:
        location += "?" + request.query_string.decode("latin-1")
    return redirect(location, 301 if request.method in ("GET", "HEAD") else 308)


def load_organiser(user_id: str):
    """The organiser of a session cookie, if the session still stands.

    The cookie holds ``id:session_token`` (:meth:`Organiser.get_id`); after a
    logout or a password change the account has another token, and a copy of
    the old cookie loads no one.
    """
    from silkmeet.models import Organiser

    number, _, session_token = user_id.partition(":")
    if not number.isdigit() or int(number) > MAX_ID or not session_token:
        return None
    organiser = db.session.get(Organiser, int(number))
    if organiser is None or not organiser.has_session(session_token):
        return None
    return organiser


def person_name(full_name: str, latin_name: str | None = "") -> Markup:
    """A name as its owner wrote it, isolated in ``<bdi>`` (an Arabic or Hebrew
    name must not reorder the text around it), with the Latin form after it
    when :func:`silkmeet.domain.names.latin_shown` says so. Every page that
    shows a person to others writes them with this."""
    html = Markup('<bdi class="person-name">{}</bdi>').format(full_name)
    latin = names.latin_shown(full_name, latin_name)
    if latin:
        html += Markup(' <span class="latin-name">(<bdi>{}</bdi>)</span>').format(latin)
    return html


def reader_locale() -> str:
    """The locale dates and times are written in for this request: the one
    its words are said in (:func:`silkmeet.i18n.select_locale`)."""
    return words.language()


def format_local(instant: datetime | None, zone: str, fmt: str | None = None):
    """``{{ start|localtime(zone) }}`` → ``Fri 20 Nov 2020, 14:00 CET``; with
    ``fmt``, that strftime format and the abbreviation."""
    if instant is None:
        return _("not set")
    if fmt is None:
        return tw.when_words(instant, zone, zone_style="short", locale=reader_locale())
    local = tz.to_local(instant, zone)
    return f"{local.strftime(fmt)} {local.tzname()}"


def span_words(
    span: zv.Span, date_style: tw.DateStyle = "long", zone_style: tw.ZoneStyle = "full"
) -> str:
    """``{{ row.viewer|span_words }}``: a span's interval in words
    (:func:`silkmeet.domain.timewords.range_words`)."""
    return tw.range_words(
        span.start.instant,
        span.end.instant,
        span.start.zone,
        date_style=date_style,
        zone_style=zone_style,
        locale=reader_locale(),
    )


def range_words(
    start: datetime | None,
    end: datetime | None,
    zone: str,
    date_style: tw.DateStyle = "long",
    zone_style: tw.ZoneStyle = "full",
) -> str:
    """``{{ start|range_words(end, zone) }}``; empty when either end is unknown."""
    if start is None or end is None:
        return ""
    return tw.range_words(
        start,
        end,
        zone,
        date_style=date_style,
        zone_style=zone_style,
        locale=reader_locale(),
    )


def content_disposition(filename: str, kind: str = "attachment") -> str:
    """The ``Content-Disposition`` of every download (RFC 6266): an ASCII
    ``filename`` and, when the name differs from it, its UTF-8 form as RFC 5987
    ``filename*``; both bounded in bytes and ending in the name's extension
    (:mod:`silkmeet.domain.filenames`)."""
    if kind not in ("attachment", "inline"):
        raise ValueError(f"not a disposition: {kind!r}")
    name = filenames.safe_filename(filename)
    fallback = filenames.ascii_fallback(name)
    header = f'{kind}; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def csv_response(rows, filename: str) -> Response:
    """A CSV download (:func:`silkmeet.domain.exports.csv_text`: no cell a
    spreadsheet would run as a formula)."""
    return Response(
        exports.csv_text(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": content_disposition(filename)},
    )


CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def signed_in() -> bool:
    """Whether this request carries (or just gained) an organiser's session.

    Read from the session, not by loading the organiser: no query here, and
    none that could fail while the database is away.
    """
    if not request.cookies and not session.modified:
        return False  # and no "Vary: Cookie" on a cookieless visitor's answer
    return "_user_id" in session


def security_headers(response):
    headers = response.headers
    headers.setdefault(
        "Content-Security-Policy",
        CSP,
    )
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    token = bool(request.view_args and request.view_args.get("token"))
    if token:
        # Personal links: the token must not leak through Referer or caches.
        headers["Referrer-Policy"] = "no-referrer"
    if token or (request.endpoint != "static" and signed_in()):
        # Not kept by a shared cache, nor by the browser: after logout, Back
        # must not show an organiser's page again.
        headers["Cache-Control"] = "private, no-store"
    headers.setdefault("Referrer-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response
