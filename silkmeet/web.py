"""Template filters, security headers and the login loader shared by every page."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask import abort
from flask import request

from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v
from silkmeet.extensions import db
from silkmeet.extensions import login_manager


def register(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = format_local
    app.jinja_env.filters["country_name"] = tz.country_name
    app.jinja_env.globals["vocabulary"] = v
    app.jinja_env.globals["label"] = v.label
    app.jinja_env.globals["zone_data_version"] = tz.ZONE_DATA_VERSION
    app.before_request(refuse_nul)
    app.after_request(security_headers)

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in as an organiser to open that page."
    login_manager.user_loader(load_organiser)


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
        abort(400, description="The request holds a NUL character.")


def load_organiser(user_id: str):
    from silkmeet.models import Organiser

    try:
        return db.session.get(Organiser, int(user_id))
    except ValueError:
        return None


def format_local(instant: datetime | None, zone: str, fmt: str = "%a %d %b %Y %H:%M"):
    """``{{ start|localtime(zone) }}`` → ``Fri 20 Nov 2020 14:00 CET``."""
    if instant is None:
        return "not set"
    local = tz.to_local(instant, zone)
    return f"{local.strftime(fmt)} {local.tzname()}"


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


def security_headers(response):
    headers = response.headers
    headers.setdefault(
        "Content-Security-Policy",
        CSP,
    )
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    if request.view_args and request.view_args.get("token"):
        # Personal links: the token must not leak through Referer or caches.
        headers["Referrer-Policy"] = "no-referrer"
        headers["Cache-Control"] = "private, no-store"
    headers.setdefault("Referrer-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response
