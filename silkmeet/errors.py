"""Error pages: HTML for pages, JSON for the API."""

from __future__ import annotations

from flask import Flask
from flask import jsonify
from flask import render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from silkmeet.extensions import db
from silkmeet.web import wants_json


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = (
            "Your form has expired or came from another site. "
            "Reload the page and try again; nothing was saved."
        )
        if wants_json():
            return jsonify(error=message), 400
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        message = error.description or error.name
        if code == 413:
            limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
            message = f"That upload is too large: the limit is {limit} MiB."
        if wants_json():
            return jsonify(error=message), code
        return (
            render_template(
                "errors/error.html", code=code, message=message, title=error.name
            ),
            code,
        )

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        message = "Something went wrong on our side; nothing was saved."
        if wants_json():
            return jsonify(error=message), 500
        return render_template("errors/error.html", code=500, message=message), 500
