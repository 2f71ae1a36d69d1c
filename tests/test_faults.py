"""Faults: the database going away under use, and errors inside a save."""

from __future__ import annotations

import psycopg
import pytest
from factories import TEST_DATABASE_URL
from sqlalchemy import func
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import Conference


def kill_other_connections() -> int:
    """What a server restart does to every pooled connection: drop it."""
    url = TEST_DATABASE_URL.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


@pytest.mark.postgres_only
def test_requests_survive_lost_connections(app, client, demo):
    assert client.get("/healthz").status_code == 200
    assert kill_other_connections() >= 1
    # pool_pre_ping notices the dead connection and opens a new one.
    response = client.get("/")
    assert response.status_code == 200
    assert "Silk Cities" in response.get_data(as_text=True)
    assert client.get("/healthz").status_code == 200


@pytest.mark.postgres_only
def test_healthz_reports_an_unreachable_database():
    from silkmeet import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 1}},
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
    with app.app_context():
        db.engine.dispose()


def test_error_inside_a_request_rolls_back(app, client):
    """A view that fails after adding rows leaves the database as it was."""

    @app.post("/_explode")
    def explode():
        db.session.add(
            Conference(slug="half", title="Half", timezone="UTC", duration_minutes=5)
        )
        db.session.flush()
        raise RuntimeError("fault after a write")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.post("/_explode")
    assert response.status_code == 500
    assert "nothing was saved" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Conference)) == 0
