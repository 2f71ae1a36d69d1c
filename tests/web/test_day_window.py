"""One definition of night per conference: the day window set on the
conference form is the one the lineup's warnings and Night badges, "fairest",
the planner, the agenda, the delegate page and the schedule exports use, and
what the JSON export writes, its import reads."""

import json
import re

import pytest
from sqlalchemy import select

from silkmeet.domain import conference_format as fmt
from silkmeet.exchange.exports import export_conference
from silkmeet.exchange.operations import import_conference
from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.timetable import load_conference

SLUG = "test-conf"
BASE = f"/organiser/c/{SLUG}"
# 13:00 in Paris is 21:00 in Tokyo: Japan first speaks 21:00-21:25 JST and
# the meeting ends 21:50 JST, inside 07:00-22:00; Aiko is 25 min outside
# 08:00-21:00.
SPEAKERS = [("Aiko Sato", "JP", "Asia/Tokyo"), ("Claire Fabre", "FR", "Europe/Paris")]


@pytest.fixture
def conf(make_conference, auth):
    cid = make_conference(
        start="2020-11-20T13:00:00", duration=60, speakers=SPEAKERS, item_minutes=25
    )
    auth.login_as(conferences=[cid])
    return cid


def set_window(app, start, end):
    with app.app_context():
        conference = db.session.scalar(select(Conference))
        conference.day_start_hour, conference.day_end_hour = start, end
        db.session.commit()


def form_data(client):
    """Every field of the conference form as it stands."""
    page = client.get(f"{BASE}/edit").get_data(as_text=True)
    data = {}
    for name, value in re.findall(
        r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page
    ):
        data[name] = value
    for name, body in re.findall(
        r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S
    ):
        chosen = re.search(r'<option selected value="([^"]*)"', body)
        data[name] = chosen.group(1) if chosen else ""
    data["description"] = ""
    data["dial_in"] = ""
    return data


def test_the_conference_form_sets_and_checks_the_window(client, app, conf):
    page = client.get(f"{BASE}/edit").get_data(as_text=True)
    assert "Day starts at" in page and "Night starts at" in page
    assert '<option selected value="7">07:00</option>' in page
    assert '<option selected value="22">22:00</option>' in page
    data = form_data(client)
    refused = client.post(
        f"{BASE}/edit", data={**data, "day_start_hour": "22", "day_end_hour": "7"}
    )
    assert refused.status_code == 400
    assert "the day must end after it starts (22:00–07:00)" in refused.get_data(
        as_text=True
    )
    saved = client.post(
        f"{BASE}/edit", data={**data, "day_start_hour": "8", "day_end_hour": "21"}
    )
    assert saved.status_code in (302, 303), re.findall(
        r'<ul class="errors"[^>]*>(.*?)</ul>', saved.get_data(as_text=True), re.S
    )
    with app.app_context():
        conference = db.session.scalar(select(Conference))
        assert conference.day_window.label == "08:00–21:00"


def test_the_lineup_warns_and_badges_with_the_conference_window(client, app, conf):
    page = client.get(f"{BASE}/lineup").get_data(as_text=True)
    assert "Aiko Sato speaks at" not in page and "Night" not in page
    set_window(app, 8, 21)
    page = client.get(f"{BASE}/lineup").get_data(as_text=True)
    assert (
        "Aiko Sato speaks Fri 20 Nov, 21:00–21:25 JST in their own zone "
        "Asia/Tokyo: outside 08:00–21:00."
    ) in page
    assert "outside 08:00–21:00 in their own zone (the night warnings)" in page
    # The fairest helper: France first would take Japan deeper into the
    # night, so it says no order is fairer rather than propose a worse one.
    preview = client.get(f"{BASE}/lineup/helper?helper=fairest").get_data(as_text=True)
    assert "Speakers outside 08:00–21:00 in their own zone: now 1" in preview


def test_the_agenda_and_delegate_page_mark_night_by_the_window(client, app, conf):
    page = client.get(f"/c/{SLUG}/agenda?tz=Asia/Tokyo").get_data(as_text=True)
    assert 'title="outside' not in page.split("<table", 1)[1]
    assert "outside 07:00–22:00 local time" in page  # the legend
    set_window(app, 8, 21)
    page = client.get(f"/c/{SLUG}/agenda?tz=Asia/Tokyo").get_data(as_text=True)
    table = page.split("<table", 1)[1]
    assert 'title="outside 08:00–21:00 local time"' in table
    assert 'class="badge night">night</span>' in table  # Aiko's own line
    assert "outside 08:00–21:00 local time · “+1 day”" in page  # the legend
    with app.app_context():
        token = (
            db.session.scalar(select(Conference).where(Conference.slug == SLUG))
            .participations[0]
            .token
        )
    page = client.get(f"/c/{SLUG}/me/{token}").get_data(as_text=True)
    assert "Part of the meeting falls outside 08:00–21:00 where you are." in page


def test_the_exports_flag_outside_hours_by_the_window(client, app, conf):
    def aiko(doc):
        return doc["items"][0]["speakers"][0]

    with client.get(f"/c/{SLUG}/schedule.json") as response:
        doc = response.get_json()
    assert doc["conference"]["day_window"] == {"start": "07:00", "end": "22:00"}
    assert aiko(doc)["outside_hours"] is False
    set_window(app, 8, 21)
    with client.get(f"/c/{SLUG}/schedule.json") as response:
        doc = response.get_json()
    assert doc["conference"]["day_window"] == {"start": "08:00", "end": "21:00"}
    assert aiko(doc)["outside_hours"] is True
    with client.get(f"/c/{SLUG}/schedule.csv") as response:
        rows = response.get_data(as_text=True).splitlines()
    assert rows[1].endswith(",yes") and rows[2].endswith(",no")


def test_the_planner_counts_by_the_window(client, app, conf):
    query = "date=2020-11-20&time=13:00&duration=50"
    page = client.get(f"{BASE}/planner?{query}").get_data(as_text=True)
    assert "everyone within 07–22" in page
    set_window(app, 8, 21)
    page = client.get(f"{BASE}/planner?{query}").get_data(as_text=True)
    assert "1 outside 08–21" in page
    assert "night 21–08" in page


def test_the_json_export_writes_the_window_and_the_import_reads_it(app, conf):
    set_window(app, 6, 23)
    with app.app_context():
        conference = load_conference(SLUG)
        conference.speaking_minutes = 5
        text = fmt.dumps(export_conference(conference))
    written = json.loads(text)["conference"]
    assert written["day_window"] == {"start": "06:00", "end": "23:00"}
    assert written["speaking_minutes"] == 5
    data = fmt.loads(text)
    assert (data.day_window, data.speaking_minutes) == ((6, 23), 5)
    with app.app_context():
        db.session.delete(db.session.scalar(select(Conference)))
        db.session.commit()
        again = import_conference(data)
        db.session.commit()
        assert (again.day_start_hour, again.day_end_hour) == (6, 23)
        assert again.speaking_minutes == 5
        assert again.day_window.label == "06:00–23:00"
