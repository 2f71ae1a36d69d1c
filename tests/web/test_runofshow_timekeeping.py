"""The chair keeps time: speakers' turns and limits, the block's budget, the
stage screen and its messages, and speakers who know when they speak.

The live view's clock is injected (``ops.now``), as in test_runofshow_views:
no sleeps, no wall-clock asserts."""

from __future__ import annotations

import csv
import io

import pytest
from factories import build_doc
from factories import live_clock
from factories import personal_token
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import AgendaItemSpeaker
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.runofshow import operations as ops

SLUG = "tokyo-madrid"
JSON = {"Accept": "application/json"}


def tokyo_madrid() -> dict:
    """A chair, a Japan block of two speakers (4 + 3 min in a 7-min item), then
    Spain (7 min), from 12:00 UTC (21:00 in Tokyo)."""
    doc = build_doc(
        slug=SLUG,
        start="2026-03-30T14:00:00",
        speakers=[
            ("佐藤 美咲", "JP", "Asia/Tokyo"),
            ("Carmen Ortega", "ES", "Europe/Madrid"),
        ],
        item_minutes=7,
    )
    doc["participants"][0]["person"]["latin_name"] = "Misaki Sato"
    doc["participants"].append(
        {
            "key": "kenji",
            "role": "speaker",
            "delegation_country": "JP",
            "person": {
                "full_name": "渡辺 健二",
                "latin_name": "Kenji Watanabe",
                "country": "JP",
                "timezone": "Asia/Tokyo",
            },
        }
    )
    doc["participants"].append(
        {
            "key": "chair",
            "role": "chair",
            "person": {
                "full_name": "Xavier Lepingle",
                "country": "FR",
                "timezone": "Europe/Paris",
            },
        }
    )
    japan = doc["agenda"][0]
    japan["title"] = "Japan"
    japan["speakers"] = [
        {"participant": "p0", "minutes": 4},
        {"participant": "kenji", "minutes": 3},
    ]
    return doc


@pytest.fixture
def conference(make_conference):
    return make_conference(data=tokyo_madrid())


@pytest.fixture
def chair(app, conference):
    return f"/c/{SLUG}/me/{personal_token(app, 'Xavier Lepingle')}/run-of-show"


@pytest.fixture
def clock(monkeypatch, app, conference):
    return live_clock(monkeypatch, app, conference)


def live(client, chair):
    return client.get(chair + "/live/state").get_json()


def start(client, chair):
    first = live(client, chair)["next"]["id"]
    r = client.post(chair + "/live/start", data={"item_id": first}, headers=JSON)
    assert r.status_code == 200
    return r.get_json()["state"]


def speaker_ids(app):
    with app.app_context():
        return db.session.execute(
            select(
                AgendaItemSpeaker.item_id, AgendaItemSpeaker.participation_id
            ).order_by(AgendaItemSpeaker.item_id, AgendaItemSpeaker.position)
        ).all()


def turns(app):
    with app.app_context():
        return [
            (row.actual_start_at is not None, row.actual_end_at is not None)
            for row in db.session.execute(
                select(AgendaItemSpeaker).order_by(
                    AgendaItemSpeaker.item_id, AgendaItemSpeaker.position
                )
            ).scalars()
        ]


def test_an_overrun_is_taken_from_the_blocks_next_speaker(app, client, chair, clock):
    state = start(client, chair)
    assert state["speaker"]["name"] == "佐藤 美咲"
    assert state["speaker"]["latin"] == "Misaki Sato"
    assert state["speaker"]["left"] == "4:00" and state["speaker"]["status"] == "ok"
    assert state["block"]["label"] == "Japan block"
    assert state["block"]["left"] == "7:00" and state["block"]["budget"] == "7:00"
    assert [t["limit"] for t in state["block"]["turns"]] == ["4:00", "3:00"]
    assert turns(app)[:2] == [(True, False), (False, False)]

    clock(minutes=3, seconds=10)
    state = live(client, chair)
    assert state["speaker"]["left"] == "0:50" and state["speaker"]["status"] == "amber"

    # Two minutes over her 4: Kenji's 3 shrink to 1, the block has 1 left.
    clock(minutes=2, seconds=50)
    state = live(client, chair)
    assert state["speaker"]["left"] == "-2:00" and state["speaker"]["status"] == "over"
    assert state["block"]["left"] == "1:00"
    kenji = state["block"]["turns"][1]
    assert kenji["name"] == "渡辺 健二" and kenji["latin"] == "Kenji Watanabe"
    assert kenji["limit"] == "1:00" and kenji["cut"] is True
    # Spain still starts on time: the block absorbed the overrun.
    assert state["projected"][0]["slip"] == "+0:00"
    page = client.get(chair + "/live").get_data(as_text=True)
    assert "Next speaker: 渡辺 健二" in page and "Japan block" in page


def test_next_speaker_names_whose_turn_it_ends(app, client, chair, clock):
    state = start(client, chair)
    item, misaki = state["speaker"]["item_id"], state["speaker"]["participant_id"]
    (_, first), (_, kenji) = speaker_ids(app)[:2]
    assert first == misaki
    url = chair + "/live/next-speaker"
    clock(minutes=5)
    before = turns(app)
    for data in ({}, {"item_id": item}, {"item_id": item, "participant_id": "x"}):
        r = client.post(url, data=data, headers=JSON)
        assert r.status_code == 400, data
        assert "did not say whose turn" in r.get_json()["error"]
    # A page that showed someone else speaking is out of date.
    r = client.post(url, data={"item_id": item, "participant_id": kenji}, headers=JSON)
    assert r.status_code == 409
    assert "佐藤 美咲 has the floor" in r.get_json()["message"]
    assert turns(app) == before
    r = client.post(url, data={"item_id": item, "participant_id": misaki}, headers=JSON)
    assert r.status_code == 200
    state = r.get_json()["state"]
    assert state["speaker"]["name"] == "渡辺 健二"
    # Misaki took 5 of the block's 7: Kenji has what is left, 2 of his 3.
    assert state["speaker"]["left"] == "2:00" and state["speaker"]["cut"] is True
    assert state["speaker"]["next_speaker"] is None
    # The same press again, from a screen that had not caught up.
    r = client.post(url, data={"item_id": item, "participant_id": misaki}, headers=JSON)
    assert r.status_code == 409
    r = client.post(url, data={"item_id": item, "participant_id": kenji}, headers=JSON)
    assert r.status_code == 409 and "last speaker" in r.get_json()["message"]
    assert turns(app)[:2] == [(True, True), (True, False)]
    # Next ends Kenji's turn with the item and gives Spain's speaker the floor.
    clock(minutes=3)
    r = client.post(chair + "/live/next", data={"item_id": item}, headers=JSON)
    assert r.status_code == 200
    assert r.get_json()["state"]["speaker"]["name"] == "Carmen Ortega"
    assert turns(app) == [(True, True), (True, True), (True, False)]
    # Without JavaScript, the form comes back to the live view.
    r = client.post(url, data={"item_id": item, "participant_id": kenji})
    assert r.status_code in (302, 303)
    assert r.headers["Location"].endswith("/run-of-show/live")


def test_the_report_shows_each_speakers_time_over_their_limit(
    app, client, chair, clock
):
    state = start(client, chair)
    item, misaki = state["speaker"]["item_id"], state["speaker"]["participant_id"]
    clock(minutes=6)
    client.post(
        chair + "/live/next-speaker", data={"item_id": item, "participant_id": misaki}
    )
    clock(minutes=2)
    client.post(chair + "/live/next", data={"item_id": item})
    clock(minutes=7)
    spain = live(client, chair)["current"]["id"]
    client.post(chair + "/live/next", data={"item_id": spain})
    page = client.get(chair + "/report").get_data(as_text=True)
    assert "Over the limit" in page and "+2.0 min" in page
    with client.get(chair + "/report.csv") as r:
        rows = list(
            csv.DictReader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff")))
        )
    by_label = {row["item / speaker"]: row for row in rows if row["level"] == "speaker"}
    misaki_row = next(v for k, v in by_label.items() if "佐藤 美咲" in k)
    kenji_row = next(v for k, v in by_label.items() if "渡辺 健二" in k)
    assert (misaki_row["planned_min"], misaki_row["actual_min"]) == ("4.0", "6.0")
    assert (misaki_row["limit_min"], misaki_row["over_limit_min"]) == ("4.0", "2.0")
    # Kenji was left 1 minute and took 2.
    assert (kenji_row["limit_min"], kenji_row["over_limit_min"]) == ("1.0", "1.0")
    japan = next(r for r in rows if r["level"] == "country" and r["country"] == "Japan")
    assert (japan["planned_min"], japan["actual_min"]) == ("7.0", "8.0")
    assert japan["over_limit_min"] == "1.0"


# --- the stage screen ---------------------------------------------------------------


def stage_key(app, conference):
    with app.app_context():
        return db.session.get(Conference, conference).stage_token


def test_the_stage_link_is_created_replaced_and_turned_off(
    app, client, chair, conference, clock
):
    assert stage_key(app, conference) is None
    page = client.get(chair + "/live").get_data(as_text=True)
    assert "Create a stage screen link" in page
    client.post(chair + "/live/stage-link", data={"action": "issue"})
    first = stage_key(app, conference)
    assert first and f"/c/{SLUG}/stage/{first}" in client.get(chair + "/live").get_data(
        as_text=True
    )
    stage = f"/c/{SLUG}/stage/{first}"
    r = client.get(stage)
    assert r.status_code == 200
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in r.headers["Cache-Control"]
    client.post(chair + "/live/stage-link", data={"action": "reissue"})
    second = stage_key(app, conference)
    assert second != first
    assert client.get(stage).status_code == 404
    assert client.get(stage + "/state").status_code == 404
    assert client.get(f"/c/{SLUG}/stage/{second}").status_code == 200
    assert client.get(f"/c/other/stage/{second}").status_code == 404
    client.post(chair + "/live/stage-link", data={"action": "revoke"})
    assert stage_key(app, conference) is None
    assert client.get(f"/c/{SLUG}/stage/{second}").status_code == 404


def test_only_chairs_and_organisers_hold_the_stage_link(
    app, client, auth, conference, clock
):
    speaker = personal_token(app, "Carmen Ortega")
    base = f"/c/{SLUG}/me/{speaker}/run-of-show/live"
    assert (
        client.post(base + "/stage-link", data={"action": "issue"}).status_code == 403
    )
    assert client.post(base + "/message", data={"text": "hi"}).status_code == 403
    assert stage_key(app, conference) is None
    auth.login_as("owner@example.org", conferences=[conference])
    client.post(f"/c/{SLUG}/run-of-show/live/stage-link", data={"action": "issue"})
    assert stage_key(app, conference)


def test_the_stage_screen_shows_the_speaker_the_next_three_and_the_message(
    app, client, chair, conference, clock
):
    client.post(chair + "/live/stage-link", data={"action": "issue"})
    stage = f"/c/{SLUG}/stage/{stage_key(app, conference)}"
    page = client.get(stage).get_data(as_text=True)
    assert "The meeting starts soon." in page
    assert "needs JavaScript to follow the meeting" in page
    assert "<script>" not in page and "style=" not in page
    start(client, chair)
    clock(minutes=5)
    page = client.get(stage).get_data(as_text=True)
    for text in ("佐藤 美咲", "Misaki Sato", "Japan", "-1:00", "Japan block", "1:00"):
        assert text in page, text
    # The next three: Kenji (cut to 2 min), Carmen, and nobody else.
    assert "渡辺 健二" in page and "Carmen Ortega" in page
    assert "countdown-over" in page
    state = client.get(stage + "/state").get_json()
    assert state["current"]["latin"] == "Misaki Sato"
    assert [n["name"] for n in state["next"]] == ["渡辺 健二", "Carmen Ortega"]
    assert state["block"]["label"] == "Japan block"
    assert state["message"] == ""

    r = client.post(
        chair + "/live/message", data={"preset": "Please wrap up"}, headers=JSON
    )
    assert r.status_code == 200 and r.get_json()["state"]["message"] == "Please wrap up"
    assert client.get(stage + "/state").get_json()["message"] == "Please wrap up"
    assert "Please wrap up" in client.get(stage).get_data(as_text=True)
    # Typed, then cleared; a preset names the next country block.
    assert "Next: Spain" in live(client, chair)["presets"]
    client.post(chair + "/live/message", data={"text": "  Kenji,\n get ready  "})
    assert client.get(stage + "/state").get_json()["message"] == "Kenji, get ready"
    r = client.post(chair + "/live/message", data={"clear": "1", "text": "x"})
    assert r.status_code in (302, 303)
    assert client.get(stage + "/state").get_json()["message"] == ""
    r = client.post(chair + "/live/message", data={"text": "x" * 121}, headers=JSON)
    assert r.status_code == 400 and "at most 120" in r.get_json()["error"]


def test_an_unchanged_state_costs_a_304_and_one_statement(
    app, client, chair, conference, clock, sql_statements
):
    client.post(chair + "/live/stage-link", data={"action": "issue"})
    state_url = f"/c/{SLUG}/stage/{stage_key(app, conference)}/state"
    start(client, chair)
    first = client.get(state_url)
    tag = first.headers["ETag"]
    with sql_statements() as seen:
        again = client.get(state_url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    assert len(seen) == 1
    # The clock moves on: still the same state, and the clock is in a header.
    clock(minutes=2)
    again = client.get(state_url, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.headers["X-Live-Now"] == str(int(clock().timestamp() * 1000))
    # A message, Next speaker, a lineup change: each is a new state.
    client.post(chair + "/live/message", data={"preset": "One minute"})
    changed = client.get(state_url, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    tag = changed.headers["ETag"]
    with app.app_context():
        item = db.session.scalar(select(AgendaItemSpeaker).limit(1)).item
        item.title = "Japan, Okaya"
        db.session.commit()
    changed = client.get(state_url, headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.get_json()["current"]["title"] == "Japan, Okaya"
    # A state kept by this worker is answered from the conference row alone
    # (the tests' cache otherwise builds every hit again to check it).
    app.extensions["silkmeet_cache"].verify = False
    with sql_statements() as seen:
        assert client.get(state_url).status_code == 200
    assert len(seen) == 1


def test_following_does_not_grow_with_the_conference(
    app, client, make_conference, sql_statements, monkeypatch
):
    from silkmeet.synthetic import synthetic_document

    def statements(slug, items, people):
        doc = synthetic_document(slug, items, people)
        doc["participants"][-1]["role"] = "chair"
        conference_id = make_conference(data=doc)
        with app.app_context():
            conference = db.session.get(Conference, conference_id)
            start_at = conference.start_at
            monkeypatch.setattr(ops, "now", lambda: start_at)
            ops.start(conference, None)
            key = ops.issue_stage_link(conference)
            db.session.commit()
            speaker = db.session.scalar(
                select(Participation.token)
                .join(AgendaItemSpeaker)
                .where(Participation.conference_id == conference_id)
                .limit(1)
            )
        counts = []
        for url in (
            f"/c/{slug}/stage/{key}/state",
            f"/c/{slug}/stage/{key}",
            f"/c/{slug}/me/{speaker}/live.json",
        ):
            with sql_statements() as seen:
                assert client.get(url).status_code == 200, url
            counts.append(len(seen))
        return counts

    small = statements("small", 4, 20)
    assert small == statements("large", 40, 300)
    # Built once per version (checked again on every hit by the tests' cache):
    # the key, the lineup in four statements, the record in one.
    assert max(small) <= 8, small


# --- a speaker's page -----------------------------------------------------------------


def test_a_speaker_knows_when_they_speak(app, client, chair, clock):
    kenji = f"/c/{SLUG}/me/{personal_token(app, '渡辺 健二')}"
    carmen = f"/c/{SLUG}/me/{personal_token(app, 'Carmen Ortega')}"
    page = client.get(kenji).get_data(as_text=True)
    assert "Your turn, live" in page
    assert 'data-show="before">When the chair starts' in page
    state = start(client, chair)
    item, misaki = state["speaker"]["item_id"], state["speaker"]["participant_id"]
    # Misaki runs 2 minutes over: Kenji is next, expected at 21:06 in Tokyo
    # (planned 21:04), with 1 of his 3 minutes.
    clock(minutes=6)
    page = client.get(kenji).get_data(as_text=True)
    assert (
        '<p class="live-turn-big" data-show="next"><strong>You\'re next.</strong>'
        in page
    )
    assert 'Expected at <strong data-field="at">21:06</strong> your time' in page
    assert "2 min later than planned" in page and ">1:00</span> to speak" in page
    assert '(<span data-field="zone">JST</span>)' in page
    # Carmen, in Madrid, still starts as planned: the block absorbed it.
    page = client.get(carmen).get_data(as_text=True)
    before = '<strong data-field="before">2</strong> <span data-field="speakers">'
    assert before + "speakers</span> before you" in page
    assert "14:07</strong> your time" in page and "as planned" in page
    assert 'data-show="next" hidden' in page

    document = client.get(kenji + "/live.json").get_json()
    assert document["status"] == "next" and document["show"] == "next"
    assert document["zone"] == "JST" and document["offset"] == 540
    client.post(
        chair + "/live/next-speaker", data={"item_id": item, "participant_id": misaki}
    )
    page = client.get(kenji).get_data(as_text=True)
    assert 'data-show="speaking">You have the floor' in page
    assert client.get(kenji + "/live.json").get_json()["status"] == "speaking"
    clock(minutes=1)
    client.post(chair + "/live/next", data={"item_id": item})
    assert client.get(kenji + "/live.json").get_json()["status"] == "done"
    document = client.get(carmen + "/live.json").get_json()
    assert document["status"] == "speaking"


def test_someone_who_does_not_speak_sees_no_live_box(app, client, chair, clock):
    chair_page = client.get(chair.removesuffix("/run-of-show")).get_data(as_text=True)
    assert "Your turn, live" not in chair_page
    document = client.get(chair.removesuffix("/run-of-show") + "/live.json").get_json()
    assert document["status"] == "none"
