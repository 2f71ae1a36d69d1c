"""silkmeet: organise international delegation-based video conferences."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from silkmeet.config import configure

    configure(app, test_config)
    register_extensions(app)
    from silkmeet import web

    web.register_converters(app)
    register_blueprints(app)

    from silkmeet import cli
    from silkmeet import errors

    errors.register(app)
    cli.register(app)
    web.register(app)
    apply_proxy_fix(app)
    return app


def apply_proxy_fix(app: Flask) -> None:
    """Trust ``X-Forwarded-*`` from ``SILKMEET_PROXY_FIX`` proxies (default none).

    Behind one TLS-terminating proxy set ``SILKMEET_PROXY_FIX=1``: requests then
    know they are HTTPS (secure cookies, HSTS, ``https`` links).
    """
    import logging

    from werkzeug.middleware.proxy_fix import ProxyFix

    from silkmeet.redact import RedactTokens

    logging.getLogger("werkzeug").addFilter(RedactTokens())
    hops = int(app.config.get("PROXY_FIX", 0) or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_extensions(app: Flask) -> None:
    from silkmeet import models  # noqa: F401  (tables must be known to metadata)
    from silkmeet.extensions import csrf
    from silkmeet.extensions import db
    from silkmeet.extensions import login_manager
    from silkmeet.extensions import migrate

    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from sqlalchemy import event

        from silkmeet.db import sqlite_pragmas

        with app.app_context():
            event.listen(db.engine, "connect", sqlite_pragmas)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)

    from silkmeet import i18n

    i18n.init_app(app)

    from silkmeet import cache

    cache.init_app(app)


def register_blueprints(app: Flask) -> None:
    from silkmeet.agenda import bp as agenda_bp
    from silkmeet.answers import bp as answers_bp
    from silkmeet.auth import bp as auth_bp
    from silkmeet.invites import bp as invites_bp
    from silkmeet.lineup import bp as lineup_bp
    from silkmeet.mail.views import bp as mail_bp
    from silkmeet.main import bp as main_bp
    from silkmeet.organiser import bp as organiser_bp
    from silkmeet.runofshow import bp as runofshow_bp

    for blueprint in (
        main_bp,
        auth_bp,
        organiser_bp,
        lineup_bp,
        agenda_bp,
        invites_bp,
        mail_bp,
        answers_bp,
        runofshow_bp,
    ):
        app.register_blueprint(blueprint)
