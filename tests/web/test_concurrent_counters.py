"""Counters on a conference row raised by many writers at once, each through its
own database connection: no increment is lost."""

from __future__ import annotations

import threading

import pytest
from factories import build_doc
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.lineup import operations as lineup_ops
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.organiser import operations as ops

pytestmark = pytest.mark.postgres_only(
    reason="needs PostgreSQL: writers racing on real connections"
)

WRITERS = 20
SPEAKERS = [
    ("Ana", "BR", "America/Sao_Paulo"),
    ("Aiko", "JP", "Asia/Tokyo"),
    ("Giulia", "IT", "Europe/Rome"),
]


def counters(app, conference_id) -> tuple[int, int, int]:
    with app.app_context():
        conference = db.session.get(Conference, conference_id)
        return (
            conference.invite_revision,
            conference.lineup_version,
            conference.content_version,
        )


def run_together(targets) -> list[BaseException]:
    barrier = threading.Barrier(len(targets))
    errors: list[BaseException] = []

    def run(target):
        barrier.wait()
        try:
            target()
        except BaseException as exc:  # reported by the test, not lost in a thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return errors


def test_conference_edits_racing_lineup_saves_lose_no_revision(app, make_conference):
    conference_id = make_conference(data=build_doc(speakers=SPEAKERS))
    revision, version, content = counters(app, conference_id)
    lineup_saves = []

    def edit_conference(n):
        with app.app_context():
            conference = db.session.get(Conference, conference_id)
            ops.update_conference(conference, title=f"Edited by writer {n}")
            db.session.commit()

    def save_lineup():
        # Saves race each other too: a stale one is refused, reloaded and
        # tried again, as the editor does.
        while True:
            with app.app_context():
                conference = db.session.get(Conference, conference_id)
                order = [item.id for item in conference.items]
                try:
                    lineup_ops.apply_order(
                        conference, order[1:] + order[:1], conference.lineup_version
                    )
                except lineup_ops.StaleLineup:
                    db.session.rollback()
                    continue
                db.session.commit()
                lineup_saves.append(1)
                return

    targets = [lambda n=n: edit_conference(n) for n in range(WRITERS)]
    targets += [save_lineup] * WRITERS
    assert run_together(targets) == []
    assert len(lineup_saves) == WRITERS
    after = counters(app, conference_id)
    # Every edit changed the title and every save the times: each one raised
    # the invite revision once.
    assert after[0] - revision == 2 * WRITERS
    assert after[1] - version == WRITERS
    assert after[2] - content >= 2 * WRITERS


def test_raised_revision_is_what_the_database_holds(app, make_conference):
    """The object a writer holds shows the value its own UPDATE returned."""
    conference_id = make_conference(data=build_doc(speakers=SPEAKERS))
    with app.app_context():
        conference = db.session.get(Conference, conference_id)
        stale = conference.invite_revision
        # Another writer raises it meanwhile, through its own connection.
        other = app.app_context()
        with other:
            theirs = db.session.get(Conference, conference_id)
            ops.update_conference(theirs, title="Theirs")
            db.session.commit()
        ops.update_conference(conference, title="Mine")
        assert conference.invite_revision == stale + 2
        db.session.commit()
    assert counters(app, conference_id)[0] == stale + 2


def test_simultaneous_invite_downloads_are_all_counted(app, demo):
    with app.app_context():
        participation = db.session.scalar(
            select(Participation).where(Participation.conference_id == demo).limit(1)
        )
        pid, token = participation.id, participation.token
    url = f"/c/silk-cities-2020/invites/{token}.ics"

    def download():
        with app.test_client().get(url) as response:
            assert response.status_code == 200

    assert run_together([download] * WRITERS) == []
    with app.app_context():
        assert db.session.get(Participation, pid).invite_download_count == WRITERS
