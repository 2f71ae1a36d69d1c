"""silkmeet/web.py: the one JSON-or-HTML decision and the app-wide template
helpers, registered by the app whatever blueprint renders."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import render_template_string
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.web import posted
from silkmeet.web import wants_json

SLUG = "silk-cities-2020"


@pytest.mark.parametrize(
    ("path", "options", "expected"),
    [
        ("/organiser/", {}, False),
        ("/organiser/", {"headers": {"Accept": "text/html,*/*;q=0.8"}}, False),
        ("/organiser/", {"headers": {"Accept": "application/json"}}, True),
        ("/organiser/", {"json": {"order": []}}, True),
        ("/api/v1/anything", {}, True),
    ],
)
def test_wants_json(app, path, options, expected):
    with app.test_request_context(path, method="POST", **options):
        assert wants_json() is expected


def test_error_pages_ask_the_same_question(client):
    with client.post("/no-such-page", json={}) as r:
        assert r.status_code == 404
        assert list(r.get_json()) == ["error"]
    with client.post("/no-such-page", data={}) as r:
        assert r.status_code == 404
        assert r.mimetype == "text/html"


def test_template_helpers_are_app_wide(app):
    with app.test_request_context():
        html = render_template_string(
            "{{ 'America/Sao_Paulo'|city }} {{ ros_span(span) }} "
            "{{ webcal_url('s', 'tok') }}",
            span=timedelta(minutes=75),
        )
    assert html == "Sao Paulo 1:15 webcal://localhost/c/s/feed/tok.ics"


def test_the_day_window_is_the_conferences_and_no_template_writes_its_hours(app, demo):
    """Templates name the conference's window (``conference.day_window``, the
    conference's setting); the work hours are a global."""
    with app.test_request_context():
        conference = db.session.get(Conference, demo)
        html = render_template_string(
            "{{ conference.day_window.label }} {{ conference.day_window.short_label }} "
            "{{ conference.day_window.outside_label }} {{ work_window.short_label }}",
            conference=conference,
        )
        assert html == "07:00–22:00 07–22 22–07 09–18"
        conference.day_start_hour, conference.day_end_hour = 8, 21
        assert render_template_string(
            "{{ conference.day_window.label }}", conference=conference
        ) == ("08:00–21:00")
    written = re.compile(r"\b(07|08|09|18|21|22)(:00|&ndash;\d|–\d)")
    templates = Path(__file__).resolve().parents[2] / "templates"
    offenders = [
        f"{path.relative_to(templates)}: {match.group(0)}"
        for path in sorted(templates.rglob("*.html"))
        for match in written.finditer(path.read_text())
    ]
    assert offenders == []


def test_delegate_page_sections(app, client, demo, english_readers):
    with app.app_context():
        tokens = dict(
            db.session.execute(
                select(Participation.role, Participation.token).where(
                    Participation.role.in_(("chair", "speaker"))
                )
            ).all()
        )
    chair = client.get(f"/c/{SLUG}/me/{tokens['chair']}").get_data(as_text=True)
    assert "Download your invite (.ics)" in chair
    assert f"/me/{tokens['chair']}/run-of-show/live" in chair
    speaker = client.get(f"/c/{SLUG}/me/{tokens['speaker']}").get_data(as_text=True)
    assert "Download your invite (.ics)" in speaker
    assert "run-of-show" not in speaker


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"data": {"item_id": "3"}}, {"item_id": "3"}),
        ({"json": {"item_id": 3}}, {"item_id": 3}),
        ({"json": [3]}, {}),
        ({"data": "not json", "content_type": "application/json"}, {}),
    ],
)
def test_posted(app, options, expected):
    with app.test_request_context("/", method="POST", **options):
        assert dict(posted()) == expected
