"""Hostile text in every field comes out escaped on every page, and CSV exports
neutralise formulas."""

from __future__ import annotations

import csv
import io

from factories import build_doc
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import ConferenceOrganiser
from silkmeet.models import Participation

PAYLOAD = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example","click")'


def hostile_doc() -> dict:
    doc = build_doc(
        speakers=[(PAYLOAD, "FR", "Europe/Paris"), (FORMULA, "JP", "Asia/Tokyo")]
    )
    conf = doc["conference"]
    conf["title"] = "Conf " + PAYLOAD
    conf["description"] = PAYLOAD
    conf["video_call"].update(
        platform=PAYLOAD,
        meeting_id=PAYLOAD[:90],
        passcode=PAYLOAD[:90],
        dial_in=PAYLOAD,
    )
    doc["organisations"] = [
        {"key": "o", "name": PAYLOAD, "short_name": PAYLOAD[:90], "kind": "city"}
    ]
    doc["hosts"] = [{"organisation": "o", "role": "host"}]
    doc["participants"][0]["role"] = "chair"
    person = doc["participants"][0]["person"]
    person.update(
        latin_name=PAYLOAD,
        honorific=PAYLOAD[:50],
        position=PAYLOAD,
        pronunciation=PAYLOAD,
        organisation="o",
    )
    for item in doc["agenda"]:
        item.update(
            title=PAYLOAD, notes=PAYLOAD, technical_note=PAYLOAD, technical_cue="other"
        )
    return doc


PAGES = [
    "/",
    "/c/test-conf/agenda",
    "/c/test-conf/me/{token}",
    "/c/test-conf/me/{token}/run-of-show",
    "/c/test-conf/me/{token}/run-of-show/live",
    "/c/test-conf/run-of-show",
    "/c/test-conf/run-of-show/report",
    "/organiser/",
    "/organiser/c/test-conf/edit",
    "/organiser/c/test-conf/hosts",
    "/organiser/c/test-conf/people",
    "/organiser/c/test-conf/lineup",
    "/organiser/c/test-conf/planner",
    "/organiser/c/test-conf/invites",
    "/organiser/c/test-conf/outbox",
]


def test_hostile_text_is_escaped_everywhere(app, client, auth, make_conference):
    conference_id = make_conference(data=hostile_doc())
    auth.login_as(conferences=[conference_id])
    with app.app_context():
        token = db.session.scalar(
            select(Participation.token).where(Participation.role == "chair")
        )
        assert db.session.scalar(select(ConferenceOrganiser.conference_id))
    for page in PAGES:
        url = page.format(token=token)
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert "<script>alert" not in body, url
        assert "<img src=x" not in body, url
        if url != "/organiser/":
            assert "&lt;script&gt;alert" in body, f"{url} does not show the text"


def test_hostile_text_is_escaped_on_the_stage_screen(
    app, client, make_conference, monkeypatch
):
    from silkmeet.models import Conference
    from silkmeet.runofshow import operations as ops

    conference_id = make_conference(data=hostile_doc())
    with app.app_context():
        conference = db.session.get(Conference, conference_id)
        start = conference.start_at
        monkeypatch.setattr(ops, "now", lambda: start)
        ops.start(conference, None)
        ops.show_message(conference, PAYLOAD)
        key = ops.issue_stage_link(conference)
        db.session.commit()
        speaker = db.session.scalar(
            select(Participation.token).where(Participation.role == "speaker")
        )
    for url in (f"/c/test-conf/stage/{key}", f"/c/test-conf/me/{speaker}"):
        body = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in body and "<img src=x" not in body, url
        assert "&lt;script&gt;alert" in body, url
    state = client.get(f"/c/test-conf/stage/{key}/state")
    assert state.mimetype == "application/json"
    assert state.get_json()["message"] == PAYLOAD


def test_csv_exports_neutralise_formulas(app, client, auth, make_conference):
    conference_id = make_conference(data=hostile_doc())
    auth.login_as(conferences=[conference_id])
    for url in (
        "/c/test-conf/schedule.csv",
        "/c/test-conf/run-of-show.csv",
        "/c/test-conf/run-of-show/report.csv",
    ):
        with client.get(url) as response:
            assert response.status_code == 200, url
            text = response.get_data(as_text=True).lstrip("\ufeff")
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        assert cells, url
        for cell in cells:
            assert not cell.startswith(("=", "+", "-", "@")), (url, cell)
        assert any(FORMULA in cell for cell in cells), f"{url} lost the name"
