"""Rehearsals: on a day other than the meeting's, Start offers a rehearsal
that runs the lineup from now, recorded apart from the meeting's record;
dates stand beside planned and projected times that are not today's.

The demo meets on Friday 20 November 2020 at 14:00 CET (Europe/Paris, the
chair's zone too). The live view's clock is injected (factories.live_clock).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import live_clock
from factories import personal_token
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import AgendaItemSpeaker
from silkmeet.models import Conference

SLUG = "silk-cities-2020"
JSON = {"Accept": "application/json"}


@pytest.fixture
def chair(app, demo):
    return f"/c/{SLUG}/me/{personal_token(app, 'Xavier Lepingle')}/run-of-show"


@pytest.fixture
def clock(monkeypatch, app, demo):
    return live_clock(monkeypatch, app, demo)


def live(client, chair):
    return client.get(chair + "/live/state").get_json()


def press(client, chair, action, **data):
    return client.post(f"{chair}/live/{action}", data=data, headers=JSON)


def records(app):
    """(meeting's record, rehearsal's record) of items and speakers: each a
    list of (start, end) as far as recorded."""
    with app.app_context():
        rows = [
            *db.session.scalars(select(AgendaItem).order_by(AgendaItem.position)),
            *db.session.scalars(select(AgendaItemSpeaker)),
        ]
        meeting = [
            (r.actual_start_at, r.actual_end_at) for r in rows if r.actual_start_at
        ]
        rehearsal = [
            (r.rehearsal_start_at, r.rehearsal_end_at)
            for r in rows
            if r.rehearsal_start_at
        ]
        return meeting, rehearsal


def rehearsal_at(app):
    with app.app_context():
        return db.session.scalar(select(Conference.rehearsal_at))


def test_off_the_meeting_day_start_offers_a_rehearsal(app, client, chair, clock):
    now = clock(days=-3, minutes=-300)  # Tue 17 Nov 2020, 09:00 CET
    state = live(client, chair)
    assert state["phase"] == "before"
    assert not state["can_start"] and state["may_rehearse"]
    # Planned and projected times that are not today's carry their date.
    first = state["projected"][0]
    assert first["planned"] == "Fri 20 Nov 14:00 CET"
    assert first["projected"] == "Fri 20 Nov 14:00 CET"
    page = client.get(chair + "/live").get_data(as_text=True)
    assert "Start a rehearsal now" in page
    assert "Start cue 1" not in page
    assert "The meeting is on Fri 20 Nov 2020, 14:00 CET" in page

    # The meeting's Start is refused on another day, and records nothing.
    response = press(client, chair, "start", item_id=state["next"]["id"])
    assert response.status_code == 409
    assert "The meeting is on Fri 20 Nov 2020" in response.get_json()["message"]
    assert records(app) == ([], [])

    # The rehearsal starts now: the lineup shifted to start now.
    response = press(client, chair, "rehearsal", item_id=state["next"]["id"])
    assert response.status_code == 200, response.get_json()
    state = response.get_json()["state"]
    assert rehearsal_at(app) == now
    assert state["rehearsal"] == "09:00 CET"
    assert state["phase"] == "running"
    assert state["current"]["cue"] == "1"
    assert state["words"] == "On time"  # not "Running 72 h under"
    assert state["time_left"] == "4:00"
    assert state["projected"][0]["planned"] == "09:04 CET"
    meeting, rehearsal = records(app)
    assert meeting == []
    assert rehearsal == [(now, None), (now, None)]  # cue 1 and its speaker


def test_a_rehearsal_runs_apart_from_the_meeting(app, client, chair, clock, demo):
    start = clock(days=-1)  # Thu 19 Nov 2020, 14:00 CET
    first = live(client, chair)["next"]["id"]
    assert press(client, chair, "rehearsal", item_id=first).status_code == 200
    clock(minutes=5)  # cue 1 runs a minute over its 4
    state = press(client, chair, "next", item_id=first).get_json()["state"]
    assert state["current"]["cue"] == "2"
    assert state["words"] == "Running 1 min over"
    assert state["projected"][0]["planned"] == "14:09 CET"
    assert state["projected"][0]["projected"] == "14:10 CET"

    # The stage screen follows the rehearsal, and says it is one.
    with app.app_context():
        from silkmeet.runofshow import operations as ops

        key = ops.issue_stage_link(db.session.get(Conference, demo))
        db.session.commit()
    stage = client.get(f"/c/{SLUG}/stage/{key}/state").get_json()
    assert stage["rehearsal"] is True
    assert stage["current"]["name"] == "Ms. Nathalie Perrin-Gilbert"
    page = client.get(f"/c/{SLUG}/stage/{key}").get_data(as_text=True)
    assert 'data-field="rehearsal">Rehearsal' in page

    # A speaker's own page follows the meeting only: nothing has started.
    speaker = personal_token(app, "Nathalie Perrin-Gilbert")
    turn = client.get(f"/c/{SLUG}/me/{speaker}/live.json").get_json()
    assert turn["phase"] == "before" and turn["status"] != "speaking"

    # The meeting's report has nothing; the rehearsal's has cue 1.
    meeting = client.get(chair + "/report").get_data(as_text=True)
    assert "report?run=rehearsal" in meeting  # the link to the rehearsal's
    assert "14:00:00" not in meeting
    rehearsal = client.get(chair + "/report?run=rehearsal").get_data(as_text=True)
    assert "rehearsal: planned versus actual" in rehearsal
    assert "14:00:00" in rehearsal  # cue 1's actual start
    with client.get(chair + "/report.csv?run=rehearsal") as response:
        assert "rehearsal.csv" in response.headers["Content-Disposition"]
        assert "5.0" in response.get_data(as_text=True)  # cue 1 held 5 min

    meeting_record, rehearsal_record = records(app)
    assert meeting_record == []
    assert (start, start + timedelta(minutes=5)) in rehearsal_record


def test_clearing_a_rehearsal_asks_and_leaves_the_meeting_alone(
    app, client, chair, clock
):
    clock(days=-1)
    first = live(client, chair)["next"]["id"]
    press(client, chair, "rehearsal", item_id=first)
    press(client, chair, "message", text="Testing the screen")
    assert records(app)[1]

    page = client.get(chair + "/live/rehearsal/clear").get_data(as_text=True)
    assert "End the rehearsal and clear its times?" in page
    assert records(app)[1] and rehearsal_at(app) is not None

    response = client.post(chair + "/live/rehearsal/clear")
    assert response.status_code in (302, 303)
    assert rehearsal_at(app) is None
    assert records(app) == ([], [])
    state = live(client, chair)
    assert state["rehearsal"] is None and state["phase"] == "before"
    assert state["message"] == ""
    assert state["may_rehearse"] and not state["can_start"]


def test_on_the_meeting_day_start_records_the_meeting(app, client, chair, clock):
    start = clock(minutes=-10)  # 13:50 CET on the day
    state = live(client, chair)
    assert state["can_start"] and state["may_rehearse"]
    assert state["projected"][0]["planned"] == "14:00 CET"  # today: no date
    page = client.get(chair + "/live").get_data(as_text=True)
    assert "Start cue 1" in page and "Start a rehearsal now" in page
    response = press(client, chair, "start", item_id=state["next"]["id"])
    assert response.status_code == 200
    meeting, rehearsal = records(app)
    assert meeting == [(start, None), (start, None)] and rehearsal == []

    # Once the meeting runs, there is no rehearsing.
    state = response.get_json()["state"]
    assert not state["may_rehearse"]
    assert press(client, chair, "rehearsal", item_id=1).status_code == 409
    assert rehearsal_at(app) is None


def test_a_meeting_that_started_runs_on_past_its_day(app, client, chair, clock):
    """Start on the day; Next the day after (a meeting running past
    midnight) still records the meeting."""
    first = live(client, chair)["next"]["id"]
    press(client, chair, "start", item_id=first)
    clock(days=1)
    assert press(client, chair, "next", item_id=first).status_code == 200
    assert len(records(app)[0]) == 4


def test_a_finished_rehearsal_points_to_its_own_report(app, client, chair, clock):
    clock(days=-1)
    state = live(client, chair)
    press(client, chair, "rehearsal", item_id=state["next"]["id"])
    while True:
        state = live(client, chair)
        if state["current"] is None:
            break
        press(client, chair, "next", item_id=state["current"]["id"])
    assert state["phase"] == "finished" and state["rehearsal"]
    page = client.get(chair + "/live").get_data(as_text=True)
    assert "The rehearsal is over." in page
    assert "report?run=rehearsal" in page
    with app.app_context():
        turns = len(db.session.scalars(select(AgendaItemSpeaker)).all())
    assert len(records(app)[1]) == 18 + turns  # every item, every speaker
    assert records(app)[0] == []
