"""Configuration: defaults, then ``SILKMEET_*`` from the environment, then overrides."""

from __future__ import annotations

import math
import os
import secrets
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url

DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    # Pages behind personal links send no Referer (Referrer-Policy: no-referrer),
    # so the HTTPS referrer check would refuse their forms; the CSRF token and the
    # SameSite=Lax session cookie still protect every POST.
    "WTF_CSRF_SSL_STRICT": False,
    "JSON_SORT_KEYS": False,
    # Per worker: what was computed from a conference (its lineup, the agenda's
    # table per zone), kept under its content version. 0 turns it off.
    "COMPUTE_CACHE_MIB": 64,
    # PostgreSQL, in seconds (0: wait for ever): a new connection (libpq waits
    # at least 2), one statement (below gunicorn's 30 s worker timeout, so a
    # locked or overloaded database gives a 503 page, not a killed worker), a
    # free connection of the pool. /healthz answers within HEALTHZ_TIMEOUT.
    "DB_CONNECT_TIMEOUT": 3,
    "DB_STATEMENT_TIMEOUT": 15,
    "DB_POOL_TIMEOUT": 5,
    "HEALTHZ_TIMEOUT": 1.5,
    # Mail (README "Mail"). No MAIL_URL: mail is kept in the outbox, not sent.
    "MAIL_URL": None,
    "MAIL_FROM": "silkmeet@localhost",
    "MAIL_MESSAGE_ID_DOMAIN": None,
    "MAIL_RATE_PER_MINUTE": 120,
    "MAIL_MAX_ATTEMPTS": 12,
    "MAIL_TIMEOUT_SECONDS": 30,
    "MAIL_LEASE_SECONDS": 300,
}


def database_url(url: str) -> str:
    """Point ``postgres://`` and ``postgresql://`` URLs at psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def configure(app: Flask, test_config: dict | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///silkmeet.sqlite"
    app.config.from_prefixed_env("SILKMEET")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if test_config:
        app.config.from_mapping(test_config)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(uri)
    if uri.startswith("sqlite"):
        # SQLite has no server to ping; pre-ping only costs a query there.
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.pop("pool_pre_ping", None)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = postgres_options(app.config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))


def postgres_options(config) -> dict:
    """The engine options with the ``DB_*_TIMEOUT`` settings, unless the
    options (or the URL) already set them."""
    options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
    connect_args = dict(options.get("connect_args", {}))
    in_url = make_url(config["SQLALCHEMY_DATABASE_URI"]).query
    if config["DB_CONNECT_TIMEOUT"] and "connect_timeout" not in in_url:
        seconds = max(2, math.ceil(config["DB_CONNECT_TIMEOUT"]))
        connect_args.setdefault("connect_timeout", seconds)
    if config["DB_STATEMENT_TIMEOUT"] and "options" not in in_url:
        milliseconds = round(config["DB_STATEMENT_TIMEOUT"] * 1000)
        connect_args.setdefault("options", f"-c statement_timeout={milliseconds}")
    options["connect_args"] = connect_args
    if config["DB_POOL_TIMEOUT"]:
        options.setdefault("pool_timeout", config["DB_POOL_TIMEOUT"])
    return options


def instance_secret_key(instance: Path) -> str:
    """Read the secret key kept in the instance folder, creating it on first use.

    Several hosts behind one load balancer must share a key: set
    ``SILKMEET_SECRET_KEY`` there instead.
    """
    path = instance / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    instance.mkdir(parents=True, exist_ok=True)
    # Write aside, then link: the link is atomic, so two workers starting at once
    # both end up reading the one key that won.
    tmp = instance / f".secret_key.{os.getpid()}"
    tmp.write_text(secrets.token_hex(32))
    tmp.chmod(0o600)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()
