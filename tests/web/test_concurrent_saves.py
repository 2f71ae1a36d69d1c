"""Two organisers save the same lineup at the same moment, each through its own
database connection: one wins, the other is told, nothing is lost or mixed."""

from __future__ import annotations

import threading

import pytest
from factories import build_doc
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import Conference

pytestmark = pytest.mark.postgres_only(
    reason="needs PostgreSQL: two real connections racing"
)


def order_of(app, conference_id):
    with app.app_context():
        db.session.expire_all()
        return list(
            db.session.scalars(
                select(AgendaItem.id)
                .where(AgendaItem.conference_id == conference_id)
                .order_by(AgendaItem.position, AgendaItem.id)
            )
        )


def test_simultaneous_saves_one_wins(app, auth, make_conference):
    speakers = [
        ("Ana", "BR", "America/Sao_Paulo"),
        ("Aiko", "JP", "Asia/Tokyo"),
        ("Giulia", "IT", "Europe/Rome"),
        ("Nino", "GE", "Asia/Tbilisi"),
    ]
    conference_id = make_conference(data=build_doc(speakers=speakers))
    clients = []
    for email in ("a@example.org", "b@example.org"):
        client = app.test_client()
        auth.client = client
        auth.create(email=email, conferences=[conference_id])
        assert auth.login(email=email).status_code in (302, 303)
        clients.append(client)

    for _round in range(5):
        with app.app_context():
            version = db.session.get(Conference, conference_id).lineup_version
        start = order_of(app, conference_id)
        wanted = [list(reversed(start)), start[1:] + start[:1]]
        barrier = threading.Barrier(2)
        answers = [None, None]

        def save(n, barrier=barrier, wanted=wanted, version=version, answers=answers):
            barrier.wait()
            response = clients[n].post(
                "/organiser/c/test-conf/lineup/order",
                json={"order": wanted[n], "lineup_version": version},
            )
            answers[n] = (response.status_code, response.get_json())

        threads = [threading.Thread(target=save, args=(n,)) for n in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        codes = sorted(code for code, _body in answers)
        assert codes == [200, 409], answers
        winner = next(n for n in (0, 1) if answers[n][0] == 200)
        loser_body = answers[1 - winner][1]
        assert "error" in loser_body
        # The loser is shown the current state: the winner's order.
        assert order_of(app, conference_id) == wanted[winner]
        with app.app_context():
            assert (
                db.session.get(Conference, conference_id).lineup_version == version + 1
            )
