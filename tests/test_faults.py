"""Faults: the database going away under use, and errors inside a save."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from select import select as wait_readable

import psycopg
import pytest
from factories import TEST_DATABASE_URL
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

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


# A database that does not answer ---------------------------------------------
#
# Each request runs in a thread joined with a limit: without the timeouts these
# tests would otherwise wait for ever. On overrun the fault is lifted (lock
# released, proxy thawed, socket closed) so the thread ends, and the test fails.


def psycopg_url() -> str:
    return TEST_DATABASE_URL.replace("postgresql+psycopg://", "postgresql://", 1)


def app_on(url: str, **settings):
    from silkmeet import create_app

    return create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url, **settings}
    )


def dispose(app) -> None:
    with app.app_context():
        db.engine.dispose()


def timed_get(app, url, limit, lift, accept="text/html"):
    """``(status, body, seconds)`` of GET ``url``, which must end within
    ``limit`` seconds; past that ``lift()`` ends the fault and the test fails."""
    result = {}

    def get():
        start = time.monotonic()
        with app.test_client().get(url, headers={"Accept": accept}) as response:
            result["answer"] = (
                response.status_code,
                response.get_data(as_text=True),
                time.monotonic() - start,
            )

    thread = threading.Thread(target=get, daemon=True)
    thread.start()
    thread.join(limit)
    overran = thread.is_alive()
    if overran:
        lift()
        thread.join(60)
    assert not overran, f"GET {url} still waiting after {limit} s"
    return result["answer"]


@contextlib.contextmanager
def table_locked(table: str):
    """Another connection holds an exclusive lock on ``table`` (a migration, a
    stuck transaction): statements that read it wait."""
    conn = psycopg.connect(psycopg_url())
    try:
        conn.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        yield conn.rollback
    finally:
        conn.rollback()
        conn.close()


@pytest.mark.postgres_only
@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_a_locked_table_gives_a_503_quickly(app, demo, accept):
    impatient = app_on(TEST_DATABASE_URL, DB_STATEMENT_TIMEOUT=0.5)
    try:
        with table_locked("conference") as release:
            status, body, seconds = timed_get(impatient, "/", 10, release, accept)
        assert status == 503
        assert seconds < 2
        if accept == "application/json":
            assert "not answering" in json.loads(body)["error"]
        else:
            assert "Database unavailable" in body and "nothing was saved" in body
        # Once the lock is gone, the same workers answer again.
        assert impatient.test_client().get("/").status_code == 200
    finally:
        dispose(impatient)


@pytest.mark.postgres_only
def test_the_statement_timeout_reaches_the_connection(app):
    with app_on(TEST_DATABASE_URL, DB_STATEMENT_TIMEOUT=7).app_context():
        assert db.session.execute(text("SHOW statement_timeout")).scalar() == "7s"
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres_only
def test_an_exhausted_pool_gives_a_503_quickly(app, demo):
    small = app_on(
        TEST_DATABASE_URL,
        DB_POOL_TIMEOUT=0.5,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0},
    )
    try:
        with small.app_context():
            held = db.engine.connect()  # the pool's only connection
        try:
            status, body, seconds = timed_get(small, "/", 10, held.close)
        finally:
            held.close()
        assert status == 503 and seconds < 2
        assert "Database unavailable" in body
    finally:
        dispose(small)


def test_an_unanswering_server_gives_503s_quickly():
    """A server that accepts connections and says nothing (a paused host): the
    health check answers within 2 s, a page after the connect timeout."""
    with socket.create_server(("127.0.0.1", 0), backlog=64) as silent:
        port = silent.getsockname()[1]
        paused = app_on(f"postgresql+psycopg://nobody@127.0.0.1:{port}/none")
        try:
            status, body, seconds = timed_get(paused, "/healthz", 5, silent.close)
            assert status == 503 and seconds < 2
            assert json.loads(body) == {"database": "unreachable", "status": "error"}
            status, body, seconds = timed_get(paused, "/", 8, silent.close)
            assert status == 503 and seconds < 5
            assert "Database unavailable" in body
        finally:
            silent.close()  # ends any probe still waiting on it
            dispose(paused)


class FreezableProxy:
    """Forwards a local port to PostgreSQL. ``freeze()`` stops forwarding and
    keeps every connection open: to the app, a server that was paused."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.port = self.listener.getsockname()[1]
        self.running = threading.Event()
        self.running.set()
        self.frozen = threading.Event()
        self.sockets: list[socket.socket] = []
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def _accept(self):
        while self.running.is_set():
            try:
                client, _address = self.listener.accept()
            except TimeoutError:
                continue
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            thread = threading.Thread(target=self._pipe, args=(client, server))
            thread.daemon = True
            self.threads.append(thread)
            thread.start()

    def _pipe(self, client, server):
        other = {client: server, server: client}
        while self.running.is_set():
            if self.frozen.is_set():
                time.sleep(0.02)
                continue
            readable, _w, _x = wait_readable([client, server], [], [], 0.05)
            for side in readable:
                try:
                    data = side.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                other[side].sendall(data)

    def freeze(self):
        self.frozen.set()

    def thaw(self):
        self.frozen.clear()

    def close(self):
        self.running.clear()
        for thread in self.threads:
            thread.join(5)
        for sock in [self.listener, *self.sockets]:
            sock.close()


@pytest.mark.postgres_only
def test_healthz_answers_within_2s_while_the_database_is_frozen(app):
    from sqlalchemy.engine import make_url

    target = make_url(TEST_DATABASE_URL)
    proxy = FreezableProxy(target.host, target.port or 5432)
    frozen = app_on(
        target.set(host="127.0.0.1", port=proxy.port).render_as_string(False)
    )
    try:
        status, _body, _seconds = timed_get(frozen, "/healthz", 5, proxy.thaw)
        assert status == 200  # and its connection is in the pool now
        proxy.freeze()
        status, _body, seconds = timed_get(frozen, "/healthz", 5, proxy.thaw)
        assert status == 503 and seconds < 2
        # The first probe still hangs: the next answer does not wait at all.
        status, _body, seconds = timed_get(frozen, "/healthz", 5, proxy.thaw)
        assert status == 503 and seconds < 0.5
        proxy.thaw()
        deadline = time.monotonic() + 10
        while timed_get(frozen, "/healthz", 5, proxy.thaw)[0] != 200:
            assert time.monotonic() < deadline, "healthz did not recover"
            time.sleep(0.1)
    finally:
        proxy.thaw()
        dispose(frozen)
        proxy.close()
