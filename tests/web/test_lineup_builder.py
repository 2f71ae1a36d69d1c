"""From imported people to a complete lineup in one action ("Build the
lineup"), counted in the requests an organiser's browser makes."""

import io
import re

import pytest
from factories import NEWCOMER_CSV as CSV
from factories import ROME_2027_NO_PEOPLE
from factories import import_confirmation
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import Conference

SLUG = ROME_2027_NO_PEOPLE["slug"]
BASE = f"/organiser/c/{SLUG}"


class Browser:
    """The test client, counting every request as one action of the
    organiser's browser (a followed redirect is one more)."""

    def __init__(self, client):
        self.client = client
        self.actions = 0

    def request(self, method, url, **kwargs):
        response = self.client.open(url, method=method, **kwargs)
        self.actions += 1
        while response.status_code in (301, 302, 303):
            response = self.client.get(response.headers["Location"])
            self.actions += 1
        return response


@pytest.fixture
def rome(make_conference, auth):
    cid = make_conference(**ROME_2027_NO_PEOPLE)
    auth.login_as(conferences=[cid])
    return cid


def lineup(app):
    with app.app_context():
        conference = db.session.scalar(
            select(Conference).where(Conference.slug == SLUG)
        )
        return [
            (
                item.kind,
                item.title,
                item.country,
                item.duration_minutes,
                sorted(s.participation.person.full_name for s in item.speakers),
            )
            for item in conference.items
        ]


def test_from_imported_people_to_a_complete_lineup_in_under_10_actions(
    client, app, rome
):
    browser = Browser(client)
    # The import: the form, the preview, the confirmation (and its redirect).
    browser.request("GET", f"{BASE}/people/import")
    preview = browser.request(
        "POST",
        f"{BASE}/people/import",
        data={"file": (io.BytesIO(CSV.encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    assert "Preview: 7 rows" in preview.get_data(as_text=True)
    assert "with errors" not in preview.get_data(as_text=True)
    browser.request(
        "POST",
        f"{BASE}/people/import/confirm",
        data=import_confirmation(preview.get_data(as_text=True)),
    )
    # The lineup page, then the one action.
    page = browser.request("GET", f"{BASE}/lineup").get_data(as_text=True)
    assert "Build the lineup" in page
    page = browser.request(
        "POST", f"{BASE}/lineup/build", data={"frame": "y", "lineup_version": "1"}
    ).get_data(as_text=True)
    assert browser.actions < 10, browser.actions
    assert browser.actions == 7

    assert (
        "Lineup built: added 4 country blocks (Brazil, Italy, Japan, Uzbekistan) "
        "and the opening, welcome, keynote and closing."
    ) in page
    seven = 7  # the default speaking time per speaker
    assert lineup(app) == [
        ("opening", "Opening of the conference", None, seven, ["Giulia Conti"]),
        ("welcome", "Welcome by the hosts", None, seven, ["Marco Rossi"]),
        ("keynote", "Keynote", None, seven, []),
        ("country_presentation", "Brazil", "BR", seven, ["Ana Souza"]),
        ("country_presentation", "Italy", "IT", seven, ["Luca Bianchi"]),
        ("country_presentation", "Japan", "JP", seven, ["山田 太郎"]),
        (
            "country_presentation",
            "Uzbekistan",
            "UZ",
            2 * seven,
            ["Dilnoza Karimova", "Шавкат Умурзаков"],
        ),
        ("closing", "Closing words", None, seven, ["Giulia Conti"]),
    ]
    # A valid lineup the editor shows and adjusts: no empty block, no overrun,
    # and moving a block works on it.
    assert "has no speaker" not in page and "after the planned end" not in page
    with app.app_context():
        brazil = db.session.scalar(select(AgendaItem).where(AgendaItem.country == "BR"))
        version = db.session.scalar(select(Conference.lineup_version))
    moved = client.post(
        f"{BASE}/lineup/move",
        data={"item_id": brazil.id, "action": "block_down", "lineup_version": version},
    )
    assert moved.status_code in (302, 303)
    assert [t for _k, t, *_ in lineup(app)][3:5] == ["Italy", "Brazil"]


def import_people(client):
    preview = client.post(
        f"{BASE}/people/import",
        data={"file": (io.BytesIO(CSV.encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    client.post(
        f"{BASE}/people/import/confirm",
        data=import_confirmation(preview.get_data(as_text=True)),
    )


def test_building_twice_adds_nothing(client, app, rome):
    import_people(client)
    client.post(f"{BASE}/lineup/build", data={"frame": "y", "lineup_version": "1"})
    built = lineup(app)
    assert len(built) == 8
    response = client.post(
        f"{BASE}/lineup/build",
        data={"frame": "y", "lineup_version": "2"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert (
        "Nothing to add: every delegation with speakers has its country block, and "
        "the lineup has its opening, welcome, keynote and closing."
    ) in page
    assert lineup(app) == built
    with app.app_context():
        assert db.session.scalar(select(Conference.lineup_version)) == 2


def test_nobody_to_place_says_why(client, app, rome):
    response = client.post(
        f"{BASE}/lineup/build", data={"lineup_version": "1"}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "Nothing to add" in page
    assert "A speaker is someone with the role “Speaker”" in page
    assert lineup(app) == []


def test_a_second_build_only_adds_the_new_delegation(
    client, app, make_conference, auth
):
    cid = make_conference(
        slug=SLUG,
        speakers=[("Ana", "BR", "America/Sao_Paulo"), ("Aiko", "JP", "Asia/Tokyo")],
    )
    # Both already have an item (build_doc gives each speaker one): nothing new.
    auth.login_as(conferences=[cid])
    before = lineup(app)
    response = client.post(
        f"{BASE}/lineup/build",
        data={"lineup_version": "1"},
        follow_redirects=True,
    )
    assert "Nothing to add" in response.get_data(as_text=True)
    assert lineup(app) == before
    # A new delegation arrives; building again adds its block and nothing else.
    client.post(
        f"{BASE}/people/new",
        data={
            "full_name": "Aziz",
            "country": "UZ",
            "timezone": "Asia/Tashkent",
            "role": "speaker",
            "delegation_country": "UZ",
        },
    )
    with app.app_context():
        version = db.session.scalar(select(Conference.lineup_version))
    response = client.post(
        f"{BASE}/lineup/build",
        data={"lineup_version": version},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "added 1 country block (Uzbekistan)" in page
    assert lineup(app) == before + [
        ("country_presentation", "Uzbekistan", "UZ", 7, ["Aziz"])
    ]


def add_ana(client):
    """One Brazilian speaker, added by the people form."""
    client.post(
        f"{BASE}/people/new",
        data={
            "full_name": "Ana",
            "country": "BR",
            "timezone": "America/Sao_Paulo",
            "role": "speaker",
            "delegation_country": "BR",
        },
    )


def test_a_stale_build_is_refused_and_writes_nothing(client, app, rome):
    add_ana(client)
    response = client.post(f"{BASE}/lineup/build", data={"lineup_version": "0"})
    assert response.status_code == 409
    assert "Another organiser changed this lineup" in response.get_data(as_text=True)
    assert lineup(app) == []


def test_the_build_as_json(client, app, rome):
    add_ana(client)
    response = client.post(
        f"{BASE}/lineup/build", json={"lineup_version": 1, "frame": True}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["version"] == 2
    assert len(body["order"]) == 5
    assert body["message"].startswith("Lineup built: added 1 country block (Brazil)")


def test_the_speaking_time_is_a_conference_setting(client, app, rome):
    page = client.get(f"{BASE}/edit").get_data(as_text=True)
    assert "Default speaking time per speaker (minutes)" in page
    assert 'value="7"' in page


def test_a_single_item_takes_its_speakers_country(client, app, rome):
    """Adding one country presentation needs no pick from the country list
    when its speaker says the country."""
    import_people(client)
    with app.app_context():
        from silkmeet.models import Participation

        ana = db.session.scalar(
            select(Participation.id).where(Participation.delegation_country == "BR")
        )
    page = client.get(f"{BASE}/lineup/items/new").get_data(as_text=True)
    assert re.search(
        r"<option selected value=\"\">— the speakers(&#39;|') country —<", page
    )
    response = client.post(
        f"{BASE}/lineup/items/new",
        data={
            "title": "Brazil: the silk road to São Paulo",
            "kind": "country_presentation",
            "country": "",
            "duration_minutes": 8,
            "lineup_version": 1,
            "technical_cue": "none",
            "speakers-0-participant": str(ana),
        },
    )
    assert response.status_code in (302, 303)
    assert lineup(app) == [
        (
            "country_presentation",
            "Brazil: the silk road to São Paulo",
            "BR",
            8,
            ["Ana Souza"],
        )
    ]
    # Without a speaker, the form asks for the country and keeps what was typed.
    response = client.post(
        f"{BASE}/lineup/items/new",
        data={
            "title": "Somewhere",
            "kind": "country_presentation",
            "country": "",
            "duration_minutes": 8,
            "lineup_version": 2,
            "technical_cue": "none",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "needs its country, or a speaker to take it from" in page
    assert 'value="Somewhere"' in page
