"""Browser tests: Playwright driving Debian's chromium against a live test server."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from factories import TEST_DATABASE_URL
from werkzeug.serving import make_server

CHROMIUM = (
    os.environ.get("SILKMEET_CHROMIUM")
    or shutil.which("chromium")
    or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
)


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "browser" in item.keywords]
    if CHROMIUM or not browser_items:
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(
            "chromium is missing and CI=true: install Debian's chromium (.ci/run does)"
        )
    skip = pytest.mark.skip(reason="chromium not installed: browser tests skipped")
    for item in browser_items:
        item.add_marker(skip)


def pytest_collection_finish(session):
    if not CHROMIUM:
        print("\n== SKIPPED: browser tests (no chromium; `apt-get install chromium`)")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def database_url(tmp_path):
    """An SQLite file rather than memory: the live server answers on threads,
    and in-memory SQLite gives them all one connection, so a screen's poll
    ending its transaction could roll back a press another thread had not
    committed yet (a press answered 200 that left nothing written)."""
    if TEST_DATABASE_URL == "sqlite://":
        return f"sqlite:///{tmp_path / 'browser.sqlite'}"
    return TEST_DATABASE_URL


@pytest.fixture
def live_app(app):
    """The test app with CSRF on, as a real browser sees it."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def log_in(page, live_server):
    """``log_in()``: the browser logs in on the login page (the account made
    with ``auth.create``)."""

    def log_in(email="org@example.org", password="correct horse battery"):
        page.goto(live_server + "/auth/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("button", name="Log out").wait_for()

    return log_in
