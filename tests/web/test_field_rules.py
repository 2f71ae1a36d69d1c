"""Security findings that came from one rule written several times: each way in
(the forms, the CSV import, the JSON import, the planner's query, the commands)
now asks ``silkmeet/domain/fields.py``, and refuses what the others refuse."""

from __future__ import annotations

import io

import pytest
from factories import build_doc
from factories import import_confirmation
from sqlalchemy import select

from silkmeet.domain import conference_format as fmt
from silkmeet.exchange.exports import export_chunks
from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.models import Participation

PEOPLE = "/organiser/c/test-conf/people"
FORM = {
    "title": "Silk 2026",
    "slug": "silk-2026",
    "timezone": "Europe/Paris",
    "start": "2026-03-29T14:00",
    "duration_minutes": 90,
    "buffer_minutes": 0,
    "status": "draft",
}
EXPORTS = (
    "/c/{slug}/agenda",
    "/c/{slug}/calendar.ics",
    "/c/{slug}/schedule.json",
    "/c/{slug}/schedule.csv",
    "/c/{slug}/schedule.frab.xml",
    "/c/{slug}/schedule.frab.json",
)


@pytest.fixture
def conf(make_conference, auth):
    cid = make_conference(speakers=[("Ana", "BR", "America/Sao_Paulo")])
    auth.login_as(conferences=[cid])
    return cid


def upload(client, text):
    return client.post(
        PEOPLE + "/import",
        data={"file": (io.BytesIO(text.encode("utf-8")), "people.csv")},
        content_type="multipart/form-data",
    )


def slugs(app):
    with app.app_context():
        return list(db.session.scalars(select(Conference.slug)))


# -- slug: a final newline -------------------------------------------------------


def test_a_slug_with_a_final_newline_is_refused_by_every_way_in(
    client, auth, app, runner
):
    """``$`` matched before the final newline: the form saved ``silk-2026\\n``,
    six exports of it answered 500 and a backup wrote a file name with a
    newline."""
    auth.login_as()
    response = client.post("/organiser/new", data={**FORM, "slug": "silk-2026\n"})
    assert response.status_code == 400
    assert "must be lower-case letters, digits and single hyphens" in (
        response.get_data(as_text=True)
    )
    assert slugs(app) == []
    with pytest.raises(fmt.FormatError) as info:
        fmt.parse(build_doc(slug="silk-2026\n"))
    assert info.value.field == "conference.slug"
    result = runner.invoke(args=["schedule", "silk-2026\n"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: slug: ")
    # The slug as it should be works everywhere.
    response = client.post("/organiser/new", data=FORM)
    assert response.status_code in (302, 303)
    for url in EXPORTS:
        with client.get(url.format(slug="silk-2026")) as r:
            assert r.status_code == 200, url


# -- language tags: what the CSV took, the JSON import refused --------------------


def test_csv_language_tags_are_checked_and_the_export_comes_back(client, conf, app):
    """The CSV split on ';' without a check: ``English`` was stored, and
    ``export --all --with-tokens`` wrote a file ``import`` refused."""
    page = upload(client, "full_name,country,languages\nKenji,JP,English\n").get_data(
        as_text=True
    )
    assert "languages: &#39;English&#39; is not a language tag like en or pt-BR" in page
    assert "Import 1" not in page
    # Both separators are taken, as in the forms.
    page = upload(
        client,
        "full_name,country,timezone,languages\n"
        'Kenji,JP,,"ja, en"\nMei,CN,Asia/Shanghai,zh;en\n',
    ).get_data(as_text=True)
    assert "Import 2 participants" in page
    response = client.post(PEOPLE + "/import/confirm", data=import_confirmation(page))
    assert response.status_code in (302, 303)
    with app.app_context():
        conference = db.session.scalar(select(Conference))
        languages = {
            p.person.full_name: p.person.languages for p in conference.participations
        }
        text = "".join(export_chunks(conference, include_tokens=True))
    assert languages["Kenji"] == ["ja", "en"] and languages["Mei"] == ["zh", "en"]
    doc = fmt.loads(text)  # the export imports again
    assert len(doc.participants) == 3


def test_the_json_import_checks_a_persons_zone_against_their_country():
    doc = build_doc(speakers=[("Rui", "BR", "Asia/Tokyo")])
    with pytest.raises(fmt.FormatError) as info:
        fmt.parse(doc)
    assert str(info.value) == (
        "participants[0].person.timezone: Asia/Tokyo is not a time zone of Brazil"
    )


def test_the_json_import_refuses_one_person_twice():
    doc = build_doc(speakers=[("Ana", "BR", "America/Sao_Paulo")] * 2)
    with pytest.raises(fmt.FormatError) as info:
        fmt.parse(doc)
    assert info.value.field == "participants[1].person.full_name"
    assert "the same name and country as participants[0]" in info.value.problem
    doc["participants"][0]["person"]["email"] = "Ana@example.org"
    doc["participants"][1]["person"]["email"] = "ana@EXAMPLE.org"
    with pytest.raises(fmt.FormatError, match="the same e-mail address as"):
        fmt.parse(doc)
    doc["participants"][1]["person"]["email"] = "ana.two@example.org"
    assert len(fmt.parse(doc).participants) == 2  # two addresses: two people


def test_the_form_refuses_a_duplicate_by_name_and_country(client, conf, app):
    response = client.post(
        PEOPLE + "/new",
        data={"full_name": "ana", "country": "BR", "timezone": "America/Sao_Paulo"},
    )
    assert response.status_code == 400
    assert "the same name and country as a participant already" in (
        response.get_data(as_text=True)
    )


# -- dates: 500 on every page of a conference -------------------------------------


@pytest.mark.parametrize(
    ("zone", "start", "shown"),
    [
        # Saved, then every page, export and invite answered 500 (OverflowError).
        ("Europe/Paris", "9999-12-31T18:00", "9999-12-31"),
        # 500 on save.
        ("Asia/Tokyo", "0001-01-01T00:00", "0001-01-01"),
        ("Europe/Paris", "1969-12-31T23:59", "1969-12-31"),
        ("Europe/Paris", "2201-01-01T00:00", "2201-01-01"),
    ],
)
def test_a_start_outside_the_date_range_is_refused(
    client, auth, app, zone, start, shown
):
    auth.login_as()
    response = client.post(
        "/organiser/new", data={**FORM, "timezone": zone, "start": start}
    )
    assert response.status_code == 400
    assert f"dates go from 1970-01-01 to 2200-12-31; {shown} is outside" in (
        response.get_data(as_text=True)
    )
    assert slugs(app) == []
    with pytest.raises(fmt.FormatError) as info:
        fmt.parse(build_doc(timezone=zone, start=start + ":00"))
    assert info.value.field == "conference.start"
    assert "dates go from 1970-01-01 to 2200-12-31" in info.value.problem


def test_the_ends_of_the_date_range_work(client, auth, app):
    auth.login_as()
    for slug, start in (("first", "1970-01-01T00:00"), ("last", "2200-12-31T23:00")):
        response = client.post(
            "/organiser/new",
            data={**FORM, "slug": slug, "timezone": "Asia/Tokyo", "start": start},
        )
        assert response.status_code in (302, 303), response.get_data(as_text=True)
        for url in EXPORTS:
            with client.get(url.format(slug=slug)) as r:
                assert r.status_code == 200, url


def test_json_instants_outside_the_range_are_refused():
    for start in ("9999-12-31T23:59:00Z", "0001-01-01T00:00:00+01:00"):
        with pytest.raises(fmt.FormatError, match="dates go from 1970-01-01"):
            fmt.parse(build_doc(start=start))
    doc = build_doc(speakers=[("Ana", "BR", "America/Sao_Paulo")])
    doc["agenda"][0]["fixed_start"] = "9999-12-31T18:00:00"
    with pytest.raises(fmt.FormatError) as info:
        fmt.parse(doc)
    assert info.value.field == "agenda[0].fixed_start"


@pytest.mark.parametrize(
    "query",
    [
        "date=0001-01-01",
        "date=9999-12-31",
        "date=2026-01-01&until=9999-12-31",
        "date=2026-01-01&at=9999-12-31T23:59:00Z",
        "date=2026-01-01&at=0001-01-01T00:00:00%2B01:00",
        "date=2026-01-01&time=12:00%0A",
    ],
)
def test_the_planner_refuses_dates_outside_the_range(client, auth, demo, query):
    auth.login_as(conferences=[demo])
    with client.get(f"/organiser/c/silk-cities-2020/planner?{query}") as r:
        assert r.status_code == 400, query
        page = r.get_data(as_text=True)
    assert "dates go from 1970-01-01 to 2200-12-31" in page or (
        "Type a time as HH:MM." in page
    )


def test_an_item_fixed_outside_the_range_is_refused(client, auth, demo):
    auth.login_as(conferences=[demo])
    url = "/organiser/c/silk-cities-2020/lineup/items/new"
    with client.get(url) as r:
        version = r.get_data(as_text=True).split('name="lineup_version"')[1]
    version = version.split('value="')[1].split('"')[0]
    response = client.post(
        url,
        data={
            "lineup_version": version,
            "title": "Late",
            "kind": "other",
            "duration_minutes": 5,
            "fixed_start": "9999-12-31T18:00",
        },
    )
    assert response.status_code == 400
    assert "dates go from 1970-01-01 to 2200-12-31" in response.get_data(as_text=True)


# -- the CSV preview passed rows that then failed ---------------------------------


@pytest.mark.parametrize(
    ("cell", "column", "message"),
    [
        ("Dr" * 26, "honorific", "honorific: 52 characters; at most 50"),
        ("p" * 301, "position", "position: 301 characters; at most 300"),
        ("Chair\x00", "position", "position: contains a NUL character"),
        ("x" * 131073, "position", "a cell is longer than 131,072 characters"),
    ],
)
def test_the_csv_preview_applies_every_rule_the_import_does(
    client, conf, app, cell, column, message
):
    """Over-long honorifics and positions and NUL characters passed the preview
    and failed on confirm (500); a cell over csv's limit was a 500 at upload."""
    text = f"full_name,country,{column}\nKenji,JP,{cell}\nMei,CN,\n"
    response = upload(client, text)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert "Import 2" not in page and "with errors" in page
    with app.app_context():
        assert db.session.scalar(select(Participation).where(Participation.id > 1)) is (
            None
        )


def test_an_organiser_email_is_checked_once(runner):
    result = runner.invoke(
        args=["create-organiser", "not-an-address", "--password", "x" * 12]
    )
    assert result.exit_code == 1
    assert result.output == "Error: email: An email address must have an @-sign.\n"


def test_the_json_import_keeps_the_form_limit_of_a_description(client, auth, app):
    """The form allowed 5,000 characters and the JSON 20,000: an imported
    description could not be saved again through the form."""
    doc = build_doc(description="d" * 20000)
    assert fmt.parse(doc).description == "d" * 20000
    auth.login_as()
    response = client.post("/organiser/new", data={**FORM, "description": "d" * 20000})
    assert response.status_code in (302, 303)
    doc = build_doc(description="d" * 20001)
    with pytest.raises(fmt.FormatError, match="20001 characters; at most 20000"):
        fmt.parse(doc)
    response = client.post(
        "/organiser/new", data={**FORM, "slug": "other", "description": "d" * 20001}
    )
    assert "20001 characters; at most 20000" in response.get_data(as_text=True)
