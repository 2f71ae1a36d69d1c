import json

from silkmeet.db import utcnow
from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.models import Participation

SLUG = "silk-cities-2020"


def get_conference(app, conference_id):
    with app.app_context():
        c = db.session.get(Conference, conference_id)
        return {
            "token": c.agenda_share_token,
            "participants": [
                (p.id, p.token, p.person.timezone, p.person.full_name)
                for p in c.participations
            ],
        }


def test_public_agenda_in_reference_zone(client, demo):
    r = client.get(f"/c/{SLUG}/agenda")
    assert r.status_code == 200
    text = r.get_data(as_text=True)
    assert "Fri 20 Nov 2020, 14:00–16:00 CET (UTC+01:00)" in text
    assert "CET, UTC+01:00" in text  # the conference zone's column
    assert "Xavier Lepingle" in text and "Lyon Metropole" in text
    # The passcode and the pwd in the join link stay off the public page.
    assert "soie2020" not in text and "pwd=" not in text
    assert "https://zoom.example.org/j/84512020112" in text
    assert "<script src=" in text and "<script>" not in text and "style=" not in text


def test_agenda_in_another_zone_with_day_marker(client, demo):
    text = client.get(f"/c/{SLUG}/agenda?tz=Asia/Tokyo").get_data(as_text=True)
    # The meeting ends on the next local day: the end carries its date.
    assert "Fri 20 Nov 2020, 22:00 – Sat 21 Nov 2020, 00:00 JST (UTC+09:00)" in text
    assert "Conference time (Europe/Paris): Fri 20 Nov 2020, 14:00–16:00 CET" in text
    assert "23:04&ndash;23:11" in text  # Japan's block in the viewer's column
    assert "JST, UTC+09:00" in text
    assert "ends +1 day" in text
    assert "Unknown time zone" not in text


def test_unknown_zone_falls_back_with_notice(client, demo):
    r = client.get(f"/c/{SLUG}/agenda?tz=Mars/Olympus")
    text = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Unknown time zone" in text and "Europe/Paris" in text
    assert "Fri 20 Nov 2020, 14:00–16:00 CET (UTC+01:00)" in text


def test_link_only_agenda_needs_key(app, client, make_conference):
    cid = make_conference(
        agenda_visibility="link", speakers=[("Aziz", "UZ", "Asia/Tashkent")]
    )
    key = get_conference(app, cid)["token"]
    assert client.get("/c/test-conf/agenda").status_code == 404
    assert client.get("/c/test-conf/agenda?key=wrong").status_code == 404
    assert client.get("/c/test-conf/schedule.json").status_code == 404
    r = client.get(f"/c/test-conf/agenda?key={key}")
    assert r.status_code == 200 and "Aziz" in r.get_data(as_text=True)
    assert f"schedule.json?key={key}" in r.get_data(as_text=True)
    assert client.get(f"/c/test-conf/agenda/{key}").status_code == 200
    assert client.get(f"/c/test-conf/schedule.csv?key={key}").status_code == 200


def test_draft_agenda_is_hidden_but_organisers_see_it(
    app, client, auth, make_conference
):
    cid = make_conference(status="draft")
    assert client.get("/c/test-conf/agenda").status_code == 404
    auth.login_as(conferences=[cid])
    response = client.get("/c/test-conf/agenda")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="draft-notice"' in page
    assert "Only the conference's organisers see this agenda" in page
    assert "opens it to everyone, and lists it on the home page" in page


def test_a_published_agenda_has_no_draft_notice(client, auth, make_conference):
    cid = make_conference(status="published")
    auth.login_as(conferences=[cid])
    assert 'id="draft-notice"' not in client.get("/c/test-conf/agenda").get_data(
        as_text=True
    )


def test_organiser_sees_passcode(app, client, auth, demo):
    auth.login_as(conferences=[demo])
    text = client.get(f"/c/{SLUG}/agenda").get_data(as_text=True)
    assert "soie2020" in text and "Planner" in text


def test_missing_conference_404(client):
    assert client.get("/c/nope/agenda").status_code == 404
    assert client.get("/c/nope/schedule.json").status_code == 404


def test_delegate_page(app, client, demo, english_readers):
    people = get_conference(app, demo)["participants"]
    pid, token, zone, name = next(p for p in people if p[2] == "Asia/Tokyo")
    r = client.get(f"/c/{SLUG}/me/{token}")
    text = r.get_data(as_text=True)
    assert r.status_code == 200
    assert name in text
    assert "Fri 20 Nov 2020, 22:00 – Sat 21 Nov 2020, 00:00 JST (UTC+09:00)" in text
    assert "Your speaking slot" in text
    assert "Fri 20 Nov 2020, 23:04–23:11 JST (UTC+09:00)" in text
    assert 'Just before you: <bdi class="person-name">Giulia Bernasconi</bdi>' in text
    assert "soie2020" in text and "pwd=" in text


def test_delegate_page_of_a_listener_and_the_chair(app, client, demo, english_readers):
    people = get_conference(app, demo)["participants"]
    chair = next(p for p in people if p[3] == "Xavier Lepingle")
    text = client.get(f"/c/{SLUG}/me/{chair[1]}").get_data(as_text=True)
    assert "You open the conference." in text
    interpreter = next(p for p in people if p[3] == "Li Na")
    text = client.get(f"/c/{SLUG}/me/{interpreter[1]}").get_data(as_text=True)
    assert "Your speaking slot" not in text
    assert "Fri 20 Nov 2020, 14:00–16:00 CET (UTC+01:00)" in text


def test_delegate_page_refuses_bad_and_removed_tokens(app, client, demo):
    assert client.get(f"/c/{SLUG}/me/not-a-token").status_code == 404
    people = get_conference(app, demo)["participants"]
    pid, token = people[0][0], people[0][1]
    assert client.get(f"/c/other/me/{token}").status_code == 404
    with app.app_context():
        db.session.get(Participation, pid).removed_at = utcnow()
        db.session.commit()
    assert client.get(f"/c/{SLUG}/me/{token}").status_code == 404


def test_exports(client, demo):
    with client.get(f"/c/{SLUG}/schedule.json") as r:
        doc = json.loads(r.get_data(as_text=True))
    assert r.mimetype == "application/json"
    assert doc["conference"]["start_utc"] == "2020-11-20T13:00:00Z"
    assert len(doc["items"]) == 18
    sato = next(p for p in doc["participants"] if p["timezone"] == "Asia/Tokyo")
    assert sato["meeting"]["local_start"] == "2020-11-20T22:00:00+09:00"
    assert sato["speaking"][0]["local_start"] == "2020-11-20T23:04:00+09:00"
    assert "token" not in json.dumps(doc) and "email" not in json.dumps(doc)
    with client.get(f"/c/{SLUG}/schedule.csv") as r:
        assert (
            r.mimetype == "text/csv"
            and "attachment" in r.headers["Content-Disposition"]
        )
        assert "佐藤 美咲" in r.get_data(as_text=True)
    with client.get(f"/c/{SLUG}/schedule.frab.xml") as r:
        assert r.get_data().startswith(b"<?xml") and b"<schedule>" in r.get_data()
    with client.get(f"/c/{SLUG}/schedule.frab.json") as r:
        assert json.loads(r.get_data())["schedule"]["conference"]["acronym"] == SLUG


def test_query_count_is_constant(client, make_conference, sql_statements):
    def count(n):
        slug = f"q{n}"
        make_conference(
            slug=slug, speakers=[(f"S{i}", "JP", "Asia/Tokyo") for i in range(n)]
        )
        with sql_statements() as statements:
            for url in (f"/c/{slug}/agenda", f"/c/{slug}/schedule.json"):
                assert client.get(url).status_code == 200
        return len(statements)

    assert count(2) == count(12)


def test_no_start_yet(client, make_conference):
    make_conference(start=None)
    r = client.get("/c/test-conf/agenda")
    assert r.status_code == 200 and "not fixed yet" in r.get_data(as_text=True)
    with client.get("/c/test-conf/schedule.json") as r:
        assert json.loads(r.get_data())["items"] == []


def test_public_schedule_json_names_only_the_people_on_stage(client, auth, demo):
    public = client.get("/c/silk-cities-2020/schedule.json").get_json()
    roles = {p["role"] for p in public["participants"]}
    assert roles <= {"chair", "co_chair", "host_representative", "speaker"}
    names = {p["name"] for p in public["participants"]}
    assert "Xavier Lepingle" in str(names)
    assert not any("Technical desk" in n or "Li Na" in n for n in names)
    auth.login_as(conferences=[demo])
    full = client.get("/c/silk-cities-2020/schedule.json").get_json()
    assert {"interpreter", "technical_host"} <= {
        p["role"] for p in full["participants"]
    }
