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
    register_blueprints(app)

    from silkmeet import cli
    from silkmeet import errors
    from silkmeet import web

    errors.register(app)
    cli.register(app)
    web.register(app)
    return app


def register_extensions(app: Flask) -> None:
    from silkmeet import models  # noqa: F401  (tables must be known to metadata)
    from silkmeet.extensions import csrf
    from silkmeet.extensions import db
    from silkmeet.extensions import login_manager
    from silkmeet.extensions import migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)


def register_blueprints(app: Flask) -> None:
    from silkmeet.auth import bp as auth_bp
    from silkmeet.main import bp as main_bp
    from silkmeet.organiser import bp as organiser_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(organiser_bp)
