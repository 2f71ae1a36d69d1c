"""Error pages: HTML for pages, JSON for the API."""

from __future__ import annotations

from flask import Flask
from flask import jsonify
from flask import render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from silkmeet.extensions import db
from silkmeet.i18n import gettext as _
from silkmeet.i18n import lazy_gettext
from silkmeet.web import former_slug_redirect
from silkmeet.web import wants_json

# Seconds a client is asked to wait before trying again after a 503.
RETRY_AFTER = 30

# Werkzeug's own names and descriptions are English: the common ones in the
# reader's language (a view's own description, abort(403, "…"), is kept).
HTTP_WORDS = {
    400: (
        lazy_gettext("Bad request"),
        lazy_gettext("The request could not be understood; nothing was saved."),
    ),
    403: (
        lazy_gettext("Forbidden"),
        lazy_gettext("You do not have the right to see this page."),
    ),
    404: (
        lazy_gettext("Not found"),
        lazy_gettext("There is no page at this address. Check the link you followed."),
    ),
    405: (
        lazy_gettext("Method not allowed"),
        lazy_gettext("This address does not take that kind of request."),
    ),
    409: (
        lazy_gettext("Conflict"),
        lazy_gettext("Someone else changed this meanwhile; reload the page."),
    ),
    413: (lazy_gettext("Upload too large"), None),
    429: (
        lazy_gettext("Too many requests"),
        lazy_gettext("Too many requests just now: wait a little and try again."),
    ),
}


def http_words(error: HTTPException) -> tuple[str, str]:
    """The error's title and message, in the reader's language where they are
    Werkzeug's defaults."""
    code = error.code or 500
    title, description = HTTP_WORDS.get(code, (None, None))
    default = error.description == type(error).description
    message = (
        str(description)
        if default and description is not None
        else (error.description or error.name)
    )
    return str(title) if title is not None else error.name, message


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = _(
            "Your form has expired or came from another site. "
            "Reload the page and try again; nothing was saved."
        )
        if wants_json():
            return jsonify(error=message), 400
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code == 404 and (moved := former_slug_redirect()) is not None:
            return moved
        title, message = http_words(error)
        if code == 413:
            limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
            message = _(
                "That upload is too large: the limit is %(limit)s MiB.", limit=limit
            )
        if wants_json():
            return jsonify(error=message), code
        return (
            render_template(
                "errors/error.html", code=code, message=message, title=title
            ),
            code,
        )

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeout)
    def database_unavailable(error):
        """The database refused, dropped or timed out: a 503 the client may
        retry, not a 500. A restart of PostgreSQL costs the requests that were
        in flight; pool_pre_ping gives the next ones fresh connections."""
        app.logger.warning("database unavailable: %s", error, exc_info=error)
        try:
            db.session.rollback()
        except SQLAlchemyError:
            pass  # the connection is gone; the session is removed at teardown
        message = _(
            "The database is not answering just now, so nothing was saved. "
            "Please try again in a minute."
        )
        headers = {"Retry-After": str(RETRY_AFTER)}
        if wants_json():
            return jsonify(error=message), 503, headers
        # A page of its own: the usual layout would ask the database who is
        # logged in.
        return render_template("errors/unavailable.html", message=message), 503, headers

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        message = _("Something went wrong on our side; nothing was saved.")
        if wants_json():
            return jsonify(error=message), 500
        return render_template("errors/error.html", code=500, message=message), 500
