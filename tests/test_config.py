from silkmeet import create_app
from silkmeet.config import database_url


def test_postgres_urls_use_psycopg3():
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.sqlite") == "sqlite:///x.sqlite"


def test_database_url_from_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://someone@db.example/silk")
    monkeypatch.setenv("SILKMEET_SECRET_KEY", "k")
    app = create_app()
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"]
        == "postgresql+psycopg://someone@db.example/silk"
    )
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


def test_default_database_is_sqlite_in_instance(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SILKMEET_SECRET_KEY", "k")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///silkmeet.sqlite"


def test_prefixed_environment(monkeypatch):
    monkeypatch.setenv("SILKMEET_SECRET_KEY", "from-env")
    monkeypatch.setenv("SILKMEET_MAX_CONTENT_LENGTH", "1234")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["MAX_CONTENT_LENGTH"] == 1234


def test_secret_key_is_generated_once_in_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("SILKMEET_SECRET_KEY", raising=False)
    from flask import Flask

    from silkmeet.config import configure

    first, second = (
        Flask("a", instance_path=str(tmp_path)),
        Flask("b", instance_path=str(tmp_path)),
    )
    configure(first, None)
    configure(second, None)
    key = first.config["SECRET_KEY"]
    assert len(key) == 64 and key != "dev"
    assert second.config["SECRET_KEY"] == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_sqlite_file_uses_wal_and_foreign_keys(tmp_path):
    from sqlalchemy import text

    from silkmeet.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}",
            "SECRET_KEY": "k",
        }
    )
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        db.engine.dispose()


def test_gunicorn_config_freezes_loaded_objects_and_redacts_logs():
    import gc
    import runpy

    from silkmeet import ROOT

    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["logger_class"] == "silkmeet.redact.GunicornLogger"
    try:
        conf["post_worker_init"](None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_postgres_connections_get_timeouts_from_settings(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://someone@db.example/silk")
    monkeypatch.setenv("SILKMEET_SECRET_KEY", "k")
    monkeypatch.setenv("SILKMEET_DB_STATEMENT_TIMEOUT", "2.5")
    monkeypatch.setenv("SILKMEET_DB_CONNECT_TIMEOUT", "1")
    options = create_app().config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["connect_args"] == {
        "connect_timeout": 2,  # libpq's least
        "options": "-c statement_timeout=2500",
    }
    assert options["pool_timeout"] == 5
    assert options["pool_pre_ping"] is True


def test_timeouts_can_be_turned_off_or_set_in_the_url(monkeypatch):
    monkeypatch.setenv("SILKMEET_SECRET_KEY", "k")
    monkeypatch.setenv("SILKMEET_DB_STATEMENT_TIMEOUT", "0")
    monkeypatch.setenv("SILKMEET_DB_POOL_TIMEOUT", "0")
    monkeypatch.setenv(
        "DATABASE_URL", "postgresql://someone@db.example/silk?connect_timeout=9"
    )
    options = create_app().config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["connect_args"] == {}
    assert "pool_timeout" not in options


def test_sqlite_gets_no_postgres_options():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k"})
    assert "connect_args" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]
