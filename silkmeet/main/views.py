from __future__ import annotations

import threading

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import url_for
from sqlalchemy import select
from sqlalchemy import text

from silkmeet.extensions import db
from silkmeet.models import Conference

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    conferences = db.session.scalars(
        select(Conference)
        .where(Conference.status != "draft", Conference.agenda_visibility == "public")
        .order_by(Conference.start_at.desc(), Conference.title)
    ).all()
    return render_template("main/index.html", conferences=conferences)


@bp.get("/favicon.ico")
def favicon():
    # Browsers ask for /favicon.ico on pages without an icon link (the
    # calendar files, JSON), and some ask anyway.
    return redirect(url_for("static", filename="img/favicon.svg"), 301)


@bp.get("/healthz")
def healthz():
    probe = current_app.extensions.setdefault("healthz_probe", threading.Lock())
    if database_answers(db.engine, current_app.config["HEALTHZ_TIMEOUT"], probe):
        return jsonify(status="ok", database="ok")
    return jsonify(status="error", database="unreachable"), 503


def database_answers(engine, timeout: float, probe: threading.Lock) -> bool:
    """``SELECT 1`` on a pooled connection, given up after ``timeout`` seconds.

    A database that stopped answering (a paused server, a lost network) holds
    a query for ever: neither the connect nor the statement timeout helps on
    a connection already open. The probe runs in a thread that the answer
    does not wait for beyond ``timeout``; while one still hangs, the next
    probes answer "unreachable" at once instead of starting another.
    """
    if not probe.acquire(blocking=False):
        return False
    answers = []

    def run():
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            answers.append(True)
        except Exception:  # any failure is an unhealthy database
            answers.append(False)
        finally:
            probe.release()

    thread = threading.Thread(target=run, name="healthz-probe", daemon=True)
    thread.start()
    thread.join(timeout)
    return answers == [True]
