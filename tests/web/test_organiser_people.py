import io

import pytest
from factories import import_confirmation
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.models import Participation

BASE = "/organiser/c/test-conf/people"


@pytest.fixture
def conf(make_conference, auth):
    cid = make_conference(speakers=[("Ana", "BR", "America/Sao_Paulo")])
    auth.login_as(conferences=[cid])
    return cid


def people(app):
    with app.app_context():
        c = db.session.scalar(select(Conference).where(Conference.slug == "test-conf"))
        return {
            p.person.full_name: (p.role, p.person.timezone, p.removed_at is not None)
            for p in c.participations
        }


def test_add_person_zone_filtered_by_country(client, conf, app):
    page = client.get(BASE + "/new").get_data(as_text=True)
    assert "Full name" in page
    # Brazil has several zones: none preselected, only Brazil's listed.
    response = client.post(
        BASE + "/new", data={"full_name": "Rui", "country": "BR", "refresh_zones": "1"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "America/Manaus" in page and "Europe/Paris" not in page
    response = client.post(
        BASE + "/new", data={"full_name": "Rui", "country": "BR", "role": "speaker"}
    )
    assert response.status_code == 400
    assert "choose the person&#39;s own" in response.get_data(as_text=True)
    # A zone of another country is refused.
    response = client.post(
        BASE + "/new",
        data={
            "full_name": "Rui",
            "country": "BR",
            "timezone": "Asia/Tokyo",
            "role": "speaker",
        },
    )
    assert "Asia/Tokyo is not a time zone of Brazil" in response.get_data(as_text=True)
    # Japan has one zone: it is filled in.
    response = client.post(
        BASE + "/new", data={"full_name": "Sato", "country": "JP", "refresh_zones": "1"}
    )
    assert '<option selected value="Asia/Tokyo">' in response.get_data(as_text=True)
    response = client.post(
        BASE + "/new",
        data={
            "full_name": "Sato",
            "country": "JP",
            "timezone": "Asia/Tokyo",
            "role": "speaker",
            "email": "sato@example.jp",
            "organisation": "Kyoto",
        },
    )
    assert response.status_code in (302, 303)
    assert people(app)["Sato"] == ("speaker", "Asia/Tokyo", False)
    page = client.get(BASE).get_data(as_text=True)
    assert "JST" in page  # their current local time


def test_zone_list_json(client, conf):
    body = client.get("/organiser/zones?country=UZ").get_json()
    assert [z["zone"] for z in body["zones"]] == ["Asia/Samarkand", "Asia/Tashkent"]
    assert body["zones"][0]["offset"] == "UTC+05:00"
    assert (
        client.get("/organiser/zones?country=FR").get_json()["default"]
        == "Europe/Paris"
    )


def test_edit_and_remove_person(client, conf, app):
    with app.app_context():
        pid = db.session.scalar(select(Participation.id))
    page = client.get(f"{BASE}/{pid}/edit").get_data(as_text=True)
    assert 'value="Ana"' in page and "Local time for them now" in page
    response = client.post(
        f"{BASE}/{pid}/edit",
        data={
            "full_name": "Ana Paula",
            "country": "BR",
            "timezone": "America/Manaus",
            "role": "co_chair",
        },
    )
    assert response.status_code in (302, 303)
    assert people(app)["Ana Paula"] == ("co_chair", "America/Manaus", False)
    with app.app_context():
        revision = db.session.scalar(select(Conference.invite_revision))
    client.post(f"{BASE}/{pid}/remove")
    assert people(app)["Ana Paula"][2] is True  # kept, marked removed
    with app.app_context():
        # Their slot left the lineup: the invites changed.
        assert db.session.scalar(select(Conference.invite_revision)) == revision + 1
    assert client.get(f"{BASE}/{pid}/edit").status_code == 404


CSV_OK = (
    "full_name,country,timezone,role,email,organisation,languages\n"
    "Zhang Wei,CN,Asia/Shanghai,speaker,zhang@example.cn,Suzhou,zh;en\n"
    "Nino Beridze,GE,,delegate,,,ka\n"
)


def upload(client, text, bom=False):
    data = text.encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    return client.post(
        BASE + "/import",
        data={"file": (io.BytesIO(data), "people.csv")},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("bom", [False, True])
def test_csv_preview_then_confirm(client, conf, app, bom):
    response = upload(client, CSV_OK, bom=bom)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview: 2 rows" in page
    assert "Asia/Tbilisi" in page  # filled in: Georgia has one zone
    assert "Zhang Wei" not in people(app)  # nothing written yet
    confirmation = import_confirmation(page)
    response = client.post(BASE + "/import/confirm", data=confirmation)
    assert response.status_code in (302, 303)
    found = people(app)
    assert found["Zhang Wei"] == ("speaker", "Asia/Shanghai", False)
    assert found["Nino Beridze"] == ("delegate", "Asia/Tbilisi", False)
    # Confirming the same file again: nothing written.
    response = client.post(
        BASE + "/import/confirm", data=confirmation, follow_redirects=True
    )
    assert "Nothing was imported" in response.get_data(as_text=True)
    assert len(people(app)) == 3


def test_csv_row_errors_block_the_import(client, conf, app):
    text = (
        "full_name,country,timezone,email\n"
        "Bad Country,XX,,\n"
        "Bad Zone,FR,Europe/Lyon,\n"
        "Bad Email,FR,,not-an-email\n"
        "Brazilian,BR,,\n"
        "Dup,FR,,dup@example.org\n"
        "Dup Two,FR,,dup@example.org\n"
        "Ana,BR,America/Sao_Paulo,\n"
    )
    page = upload(client, text).get_data(as_text=True)
    assert "unknown country &#39;XX&#39;" in page
    assert "unknown time zone &#39;Europe/Lyon&#39;" in page
    assert "email: An email address must have an @-sign." in page
    assert "required: Brazil has 16 time zones" in page
    assert "duplicate: the same e-mail address as line 6" in page
    assert "duplicate: the same name and country as a participant already" in page
    assert "Import 7" not in page  # no confirm button
    assert len(people(app)) == 1


def test_csv_file_level_errors(client, conf):
    assert "Unknown column: shoe_size" in upload(
        client, "full_name,country,shoe_size\nA,FR,42\n"
    ).get_data(as_text=True)
    assert "Missing column: country" in upload(client, "full_name\nA\n").get_data(
        as_text=True
    )
    response = client.post(
        BASE + "/import",
        data={
            "file": (io.BytesIO("full_name,country\nÉ,FR\n".encode("latin-1")), "x.csv")
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "not UTF-8" in response.get_data(as_text=True)


def test_csv_confirm_with_a_tampered_payload_writes_nothing(client, conf, app):
    response = client.post(
        BASE + "/import/confirm", data={"payload": "%%%"}, follow_redirects=True
    )
    assert "Nothing was imported" in response.get_data(as_text=True)
    assert len(people(app)) == 1
