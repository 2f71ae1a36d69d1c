"""The chair and the co-chair press Next for the same item at the same moment,
each request on its own database connection: exactly one press counts, so no
item is ended unseen and skipped."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.runofshow import operations as ops

pytestmark = pytest.mark.postgres_only(
    reason="needs PostgreSQL: real connections racing"
)

SLUG = "silk-cities-2020"
PRESSES = 3  # screens pressing Next at once


def times(app, conference_id):
    with app.app_context():
        return db.session.execute(
            select(AgendaItem.id, AgendaItem.actual_start_at, AgendaItem.actual_end_at)
            .where(AgendaItem.conference_id == conference_id)
            .order_by(AgendaItem.position)
        ).all()


def test_simultaneous_nexts_for_one_item_count_once(app, demo, monkeypatch):
    with app.app_context():
        start = db.session.get(Conference, demo).start_at
        token = db.session.scalar(
            select(Participation.token).where(Participation.role == "chair")
        )
    clock = {"now": start}
    monkeypatch.setattr(ops, "now", lambda: clock["now"])
    url = f"/c/{SLUG}/me/{token}/run-of-show/live"
    screens = [app.test_client() for _ in range(PRESSES)]
    first = times(app, demo)[0].id
    assert screens[0].post(url + "/start", data={"item_id": first}).status_code in (
        302,
        303,
    )

    for n in range(1, 6):
        clock["now"] = start + timedelta(minutes=4 * n)
        running = times(app, demo)[n - 1].id
        barrier = threading.Barrier(PRESSES)
        answers: list = [None] * PRESSES

        def press(k, barrier=barrier, running=running, answers=answers):
            barrier.wait()
            with screens[k].post(
                url + "/next",
                data={"item_id": running},
                headers={"Accept": "application/json"},
            ) as response:
                answers[k] = (response.status_code, response.get_json())

        threads = [threading.Thread(target=press, args=(k,)) for k in range(PRESSES)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        codes = sorted(code for code, _body in answers)
        assert codes == [200] + [409] * (PRESSES - 1), answers
        for _code, body in answers:
            # Every screen is shown the same new item, running.
            assert body["state"]["current"]["cue"] == str(n + 1), body
        rows = times(app, demo)
        # Items 1..n ended, item n+1 running, nothing after it started.
        assert all(r.actual_end_at is not None for r in rows[:n])
        assert rows[n].actual_start_at is not None and rows[n].actual_end_at is None
        assert all(r.actual_start_at is None for r in rows[n + 1 :])


def press_at_once(screens, url, data) -> list:
    barrier = threading.Barrier(len(screens))
    answers: list = [None] * len(screens)

    def press(k):
        barrier.wait()
        with screens[k].post(
            url, data=data, headers={"Accept": "application/json"}
        ) as r:
            answers[k] = (r.status_code, r.get_json())

    threads = [threading.Thread(target=press, args=(k,)) for k in range(len(screens))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return answers


def test_simultaneous_next_speakers_count_once(app, demo, monkeypatch):
    """Two speakers in one item: three screens press Next speaker for the first
    at once; exactly one press ends her turn, and the live version is raised
    once per press that counted (in SQL, not lost)."""
    from silkmeet.models import AgendaItemSpeaker

    with app.app_context():
        conference = db.session.get(Conference, demo)
        start = conference.start_at
        opening = conference.items[0]
        guest = next(p for p in conference.participations if p.role == "speaker")
        db.session.add(AgendaItemSpeaker(item=opening, participation=guest, position=1))
        db.session.commit()
        item_id, first = opening.id, opening.speakers[0].participation_id
        guest_id = guest.id
        token = db.session.scalar(
            select(Participation.token).where(Participation.role == "chair")
        )
        version = conference.live_version
    clock = {"now": start}
    monkeypatch.setattr(ops, "now", lambda: clock["now"])
    url = f"/c/{SLUG}/me/{token}/run-of-show/live"
    screens = [app.test_client() for _ in range(PRESSES)]
    screens[0].post(url + "/start", data={"item_id": item_id})
    clock["now"] = start + timedelta(minutes=2)
    answers = press_at_once(
        screens, url + "/next-speaker", {"item_id": item_id, "participant_id": first}
    )
    codes = sorted(code for code, _body in answers)
    assert codes == [200] + [409] * (PRESSES - 1), answers
    for _code, body in answers:
        assert body["state"]["speaker"]["participant_id"] == guest_id, body
    with app.app_context():
        links = db.session.execute(
            select(AgendaItemSpeaker.actual_start_at, AgendaItemSpeaker.actual_end_at)
            .where(AgendaItemSpeaker.item_id == item_id)
            .order_by(AgendaItemSpeaker.position)
        ).all()
        assert links[0].actual_end_at == links[1].actual_start_at is not None
        assert links[1].actual_end_at is None
        # Start and the one Next speaker that counted.
        assert db.session.get(Conference, demo).live_version == version + 2


def test_simultaneous_messages_each_raise_the_live_version(app, demo):
    with app.app_context():
        token = db.session.scalar(
            select(Participation.token).where(Participation.role == "chair")
        )
        version = db.session.get(Conference, demo).live_version
    screens = [app.test_client() for _ in range(PRESSES)]
    answers = press_at_once(
        screens, f"/c/{SLUG}/me/{token}/run-of-show/live/message", {"text": "Hello"}
    )
    assert sorted(code for code, _body in answers) == [200] * PRESSES
    with app.app_context():
        conference = db.session.get(Conference, demo)
        assert conference.live_version == version + PRESSES
        assert conference.live_message == "Hello"


def test_simultaneous_rehearsal_starts_count_once(app, demo, monkeypatch):
    """Two screens press *Start a rehearsal now* at once, a day before the
    meeting: one rehearsal starts (one claim of ``rehearsal_at``), the other
    screen is told, and the meeting's record stays empty."""
    with app.app_context():
        start = db.session.get(Conference, demo).start_at
        token = db.session.scalar(
            select(Participation.token).where(Participation.role == "chair")
        )
    now = start - timedelta(days=1)
    monkeypatch.setattr(ops, "now", lambda: now)
    url = f"/c/{SLUG}/me/{token}/run-of-show/live/rehearsal"
    screens = [app.test_client() for _ in range(PRESSES)]
    first = times(app, demo)[0].id
    barrier = threading.Barrier(PRESSES)
    answers: list = [None] * PRESSES

    def press(k):
        barrier.wait()
        with screens[k].post(
            url, data={"item_id": first}, headers={"Accept": "application/json"}
        ) as response:
            answers[k] = response.status_code

    threads = [threading.Thread(target=press, args=(k,)) for k in range(PRESSES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(answers) == [200] + [409] * (PRESSES - 1), answers
    with app.app_context():
        conference = db.session.get(Conference, demo)
        assert conference.rehearsal_at == now
        items = conference.items
        assert items[0].rehearsal_start_at == now
        assert all(i.rehearsal_start_at is None for i in items[1:])
    assert all(r.actual_start_at is None for r in times(app, demo))
