"""Who reads what, and content in several languages, through the pages: the
person form, the CSV column, the JSON round trip, the delegate's page in their
language, the organiser's account language, the conference and item forms,
the agenda with ?lang=, the schedule exports, and the invite's SUMMARY."""

from __future__ import annotations

import email
import email.policy
import io
import json
import re

import pytest
from factories import build_doc
from factories import import_confirmation
from factories import parse_ics
from sqlalchemy import select

from silkmeet.domain import conference_format as fmt
from silkmeet.exchange.exports import export_chunks
from silkmeet.exchange.exports import export_conference
from silkmeet.exchange.operations import import_conference
from silkmeet.extensions import db
from silkmeet.i18n import force_locale
from silkmeet.i18n import gettext
from silkmeet.invites.rows import personal_row
from silkmeet.mail import messages
from silkmeet.models import AgendaItem
from silkmeet.models import Conference
from silkmeet.models import Organiser
from silkmeet.models import Participation
from silkmeet.models import Person
from silkmeet.timetable import load_conference

SLUG = "test-conf"
DEMO = "silk-cities-2020"
PEOPLE = f"/organiser/c/{SLUG}/people"


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


def translated_conference(make_conference, **person) -> int:
    """A conference in English with French and Chinese titles; its one
    speaker, Li Na, has ``person``'s fields."""
    doc = build_doc(speakers=[("Li Na", "FR", "Europe/Paris")], languages=["en"])
    doc["conference"]["title"] = "Silk roads"
    doc["conference"]["title_translations"] = {"fr": "Routes de la soie"}
    doc["conference"]["description"] = "A meeting."
    doc["conference"]["description_translations"] = {"fr": "Une réunion."}
    doc["participants"][0]["person"].update(
        email="li.na@example.org", languages=["zh", "fr"], **person
    )
    doc["agenda"][0]["title"] = "Opening"
    doc["agenda"][0]["title_translations"] = {"fr": "Ouverture", "zh_Hans": "开幕"}
    return make_conference(data=doc)


def person_of(app, name: str) -> Person:
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.full_name == name))
        db.session.expunge(person)
        return person


def token_of(app, name: str) -> str:
    with app.app_context():
        return db.session.scalar(
            select(Participation.token).join(Person).where(Person.full_name == name)
        )


# -- the delegate's page -----------------------------------------------------------


def test_the_delegate_page_is_in_their_language_and_lang_overrides(
    app, client, make_conference
):
    translated_conference(make_conference, preferred_language="fr")
    url = f"/c/{SLUG}/me/{token_of(app, 'Li Na')}"
    page = client.get(url, headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert html_lang(page) == "fr"  # their choice beats the browser's
    assert "Routes de la soie" in page and "Ouverture" in page
    assert "Silk roads" not in page
    # The switcher's links: ?lang= wins, titles follow.
    page = client.get(url + "?lang=zh-Hans").get_data(as_text=True)
    assert html_lang(page) == "zh-Hans"
    assert "开幕" in page
    assert "Silk roads" in page  # no Chinese title given: the original
    page = client.get(url + "?lang=en").get_data(as_text=True)
    assert html_lang(page) == "en" and "Opening" in page and "Ouverture" not in page
    assert f"{url}?lang=fr" in page.replace("&amp;", "&")  # the footer switcher


def test_without_a_preference_their_languages_decide(app, client, make_conference):
    translated_conference(make_conference)  # speaks zh, fr
    page = client.get(f"/c/{SLUG}/me/{token_of(app, 'Li Na')}").get_data(as_text=True)
    assert html_lang(page) == "zh-Hans" and "开幕" in page


def test_the_public_agenda_follows_lang(client, make_conference):
    translated_conference(make_conference)
    page = client.get(f"/c/{SLUG}/agenda").get_data(as_text=True)
    assert "<h1>Silk roads</h1>" in page and "Opening" in page
    page = client.get(f"/c/{SLUG}/agenda?lang=fr").get_data(as_text=True)
    assert "<h1>Routes de la soie</h1>" in page and "Ouverture" in page
    # Kept per language: English readers still get the English table.
    page = client.get(f"/c/{SLUG}/agenda").get_data(as_text=True)
    assert "Opening" in page and "Ouverture" not in page


# -- the invite ------------------------------------------------------------------


def test_the_invite_is_titled_in_their_language(app, client, make_conference):
    translated_conference(make_conference, preferred_language="fr")
    token = token_of(app, "Li Na")
    with client.get(f"/c/{SLUG}/invites/{token}.ics") as response:
        loose, _strict = parse_ics(response.get_data())
    summaries = {str(e["SUMMARY"]) for e in loose.walk("VEVENT")}
    assert any("Routes de la soie" in s for s in summaries), summaries
    assert any("Ouverture" in s for s in summaries), summaries
    assert not any("Silk roads" in s or "Opening" in s for s in summaries)
    # Another participant's language is kept apart (the plan is per language).
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.full_name == "Li Na"))
        person.preferred_language = "en"
        db.session.commit()
    with client.get(f"/c/{SLUG}/invites/{token}.ics") as response:
        loose, _strict = parse_ics(response.get_data())
    summaries = {str(e["SUMMARY"]) for e in loose.walk("VEVENT")}
    assert any("Silk roads" in s for s in summaries)
    assert not any("Routes de la soie" in s for s in summaries)


# -- organisers' forms ------------------------------------------------------------


@pytest.fixture
def organiser(app, make_conference, auth):
    cid = translated_conference(make_conference)
    auth.login_as(conferences=[cid])
    return cid


def test_the_person_form_sets_a_preferred_language(app, client, organiser):
    with app.app_context():
        pid = db.session.scalar(select(Participation.id))
    page = client.get(f"{PEOPLE}/{pid}/edit").get_data(as_text=True)
    assert '<option value="zh_Hans">中文 (简体)</option>' in page
    assert '<option value="fr">français</option>' in page
    form = {
        "full_name": "Li Na",
        "country": "FR",
        "timezone": "Europe/Paris",
        "role": "speaker",
        "email": "li.na@example.org",
        "languages": "zh, fr",
    }
    response = client.post(
        f"{PEOPLE}/{pid}/edit", data=form | {"preferred_language": "ja"}
    )
    assert response.status_code in (302, 303)
    assert person_of(app, "Li Na").preferred_language == "ja"
    page = client.get(f"{PEOPLE}/{pid}/edit").get_data(as_text=True)
    assert '<option selected value="ja">' in page
    response = client.post(
        f"{PEOPLE}/{pid}/edit", data=form | {"preferred_language": "tlh"}
    )
    assert response.status_code == 400
    assert "not a language silkmeet speaks" in response.get_data(as_text=True)
    assert person_of(app, "Li Na").preferred_language == "ja"
    client.post(f"{PEOPLE}/{pid}/edit", data=form | {"preferred_language": ""})
    assert person_of(app, "Li Na").preferred_language is None


def test_the_csv_import_reads_preferred_language(app, client, organiser):
    csv = "full_name,country,preferred_language\nZhang Wei,JP,zh-CN\nAna,GE,\n"
    response = client.post(
        f"{PEOPLE}/import",
        data={"file": (io.BytesIO(csv.encode()), "people.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    client.post(
        f"{PEOPLE}/import/confirm",
        data=import_confirmation(response.get_data(as_text=True)),
    )
    assert person_of(app, "Zhang Wei").preferred_language == "zh_Hans"
    assert person_of(app, "Ana").preferred_language is None


def test_the_conference_form_keeps_translations(app, client, organiser):
    url = f"/organiser/c/{SLUG}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'name="title_translations-fr"' in page
    assert 'value="Routes de la soie"' in page
    assert "<details" in page
    with app.app_context():
        conference = db.session.get(Conference, organiser)
        revision = conference.invite_revision
        form = {
            "title": conference.title,
            "slug": SLUG,
            "description": conference.description,
            "timezone": conference.timezone,
            "start": "2026-03-30T14:00",
            "duration_minutes": 60,
            "buffer_minutes": 0,
            "status": "published",
            "languages": "en",
            "interpretation_channels": "",
        }
    response = client.post(
        url,
        data=form
        | {
            "title_translations-fr": "Routes de la soie 2026",
            "title_translations-ja": " シルクロード ",
            "description_translations-fr": "",
        },
    )
    assert response.status_code in (302, 303), re.findall(
        r'class="errors"[^>]*>(.*?)</ul>', response.get_data(as_text=True), re.S
    )
    with app.app_context():
        conference = db.session.get(Conference, organiser)
        assert conference.title_translations == {
            "fr": "Routes de la soie 2026",
            "ja": "シルクロード",
        }
        assert conference.description_translations == {}
        # What the invites say changed: their revision goes up.
        assert conference.invite_revision == revision + 1
    response = client.post(url, data=form | {"title_translations-fr": "x" * 301})
    assert response.status_code == 400
    assert "301 characters; at most 300" in response.get_data(as_text=True)


def test_the_item_form_keeps_translations(app, client, organiser):
    with app.app_context():
        item = db.session.scalar(select(AgendaItem))
        item_id, version = item.id, item.conference.lineup_version
    url = f"/organiser/c/{SLUG}/lineup/items/{item_id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'name="title_translations-zh_Hans"' in page and 'value="开幕"' in page
    response = client.post(
        url,
        data={
            "lineup_version": version,
            "title": "Opening",
            "title_translations-fr": "Ouverture officielle",
            "title_translations-zh_Hans": "",
            "kind": "other",
            "duration_minutes": 10,
            "speakers-0-participant": "",
        },
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    with app.app_context():
        item = db.session.get(AgendaItem, item_id)
        assert item.title_translations == {"fr": "Ouverture officielle"}


def test_an_organiser_chooses_their_language(app, client, auth):
    auth.login_as()
    page = client.get("/auth/password", headers={"Accept-Language": "en"})
    page = page.get_data(as_text=True)
    assert html_lang(page) == "en"
    assert 'name="lang-language"' in page
    response = client.post("/auth/language", data={"lang-language": "fr"})
    assert response.status_code in (302, 303)
    with app.app_context():
        assert db.session.scalar(select(Organiser.language)) == "fr"
    page = client.get("/organiser/", headers={"Accept-Language": "ja"})
    assert html_lang(page.get_data(as_text=True)) == "fr"
    # ?lang= still wins for one page.
    page = client.get("/organiser/?lang=ja").get_data(as_text=True)
    assert html_lang(page) == "ja"
    response = client.post("/auth/language", data={"lang-language": "xx"})
    assert response.status_code == 400
    response = client.post("/auth/language", data={"lang-language": ""})
    with app.app_context():
        assert db.session.scalar(select(Organiser.language)) is None
    page = client.get("/organiser/", headers={"Accept-Language": "ja"})
    assert html_lang(page.get_data(as_text=True)) == "ja"


# -- exports ------------------------------------------------------------------------


def test_the_json_round_trip_keeps_translations_and_languages(app, demo):
    with app.app_context():
        conference = load_conference("silk-cities-2020")
        whole = fmt.dumps(export_conference(conference))
        streamed = "".join(export_chunks(db.session.get(Conference, demo)))
        assert streamed == whole
        data = json.loads(whole)
        assert data["conference"]["title_translations"]["fr"].startswith(
            "Visioconférence"
        )
        assert all("fr" in item["title_translations"] for item in data["agenda"])
        li_na = next(
            p for p in data["participants"] if p["person"]["full_name"] == "Li Na"
        )
        assert li_na["person"]["preferred_language"] == "fr"
        doc = fmt.loads(whole)
        copy = import_conference(_renamed(doc, "copy"))
        db.session.flush()
        again = fmt.dumps(export_conference(load_conference("copy")))
        assert [
            {k: v for k, v in item.items() if k != "uid"}
            for item in json.loads(again)["agenda"]
        ] == [{k: v for k, v in item.items() if k != "uid"} for item in data["agenda"]]
        assert copy.title_translations == dict(doc.title_translations)


def _renamed(doc: fmt.ConferenceDoc, slug: str) -> fmt.ConferenceDoc:
    """The document as another conference: another slug, no uids."""
    import dataclasses

    return dataclasses.replace(
        doc,
        slug=slug,
        uid=None,
        participants=tuple(dataclasses.replace(p, uid=None) for p in doc.participants),
        agenda=tuple(dataclasses.replace(i, uid=None) for i in doc.agenda),
    )


def test_the_schedule_exports_carry_translations(client, make_conference):
    translated_conference(make_conference)
    with client.get(f"/c/{SLUG}/schedule.json") as response:
        data = json.loads(response.get_data())
    assert data["conference"]["title"] == "Silk roads"
    assert data["conference"]["title_translations"] == {"fr": "Routes de la soie"}
    [item] = data["items"]
    assert item["title"] == "Opening"
    assert item["title_translations"] == {"fr": "Ouverture", "zh-Hans": "开幕"}
    with client.get(f"/c/{SLUG}/schedule.frab.json") as response:
        frab = json.loads(response.get_data())["schedule"]["conference"]
    assert frab["title"] == "Silk roads"
    assert frab["title_translations"] == {"fr": "Routes de la soie"}
    [event] = frab["days"][0]["rooms"]["Video call"]
    assert event["title"] == "Opening"
    assert event["title_translations"] == {"fr": "Ouverture", "zh-Hans": "开幕"}
    with client.get(f"/c/{SLUG}/schedule.frab.xml") as response:
        xml = response.get_data(as_text=True)
    assert "<title>Opening</title>" in xml
    assert '<title xml:lang="zh-Hans">开幕</title>' in xml


# -- issue 16's "done when" -----------------------------------------------------------


def test_a_chinese_delegate_reads_page_invite_and_e_mail_in_chinese(app, client, demo):
    """张国强 chose no language; his (zh) decides: his page, his invite and
    his invitation e-mail are in Chinese, with CLDR's Chinese dates and zone
    names and the demo's Chinese titles."""
    title = "国际丝绸城市与大都市网络视频会议"
    when = "2020年11月20日周五 21:00 – 23:00 中国标准时间 (UTC+08:00)"
    with app.app_context():
        pid, token = db.session.execute(
            select(Participation.id, Participation.token)
            .join(Person)
            .where(Person.full_name == "张国强")
        ).one()
    with app.test_request_context(), force_locale("zh_Hans"):
        your_slot = gettext("Your speaking slot")
        you_speak = gettext("You speak: %(title)s", title="主旨演讲")
    assert your_slot != "Your speaking slot" and not you_speak.startswith("You")

    page = client.get(f"/c/{DEMO}/me/{token}", headers={"Accept-Language": "en"})
    page = page.get_data(as_text=True)
    assert html_lang(page) == "zh-Hans"
    assert title in page and when in page and your_slot in page
    assert "2020年11月20日周五 21:19 – 21:29 中国标准时间 (UTC+08:00)" in page
    assert "Your speaking slot" not in page

    with client.get(f"/c/{DEMO}/invites/{token}.ics") as response:
        loose, _strict = parse_ics(response.get_data())
    meeting, slot = loose.walk("VEVENT")
    assert str(meeting["SUMMARY"]) == title
    assert f"您的时间（Asia/Shanghai）：{when}" in str(meeting["DESCRIPTION"])
    with app.test_request_context(), force_locale("zh_Hans"):
        assert str(slot["SUMMARY"]) == gettext(
            "You speak: %(title)s", title="主旨演讲：后疫情时代丝绸作为交流的载体"
        )

    with app.test_request_context(base_url="https://silkmeet.example"):
        built = messages.build_invitation(
            personal_row(Participation.id == pid),
            sender=("Silk Cities", "invites@silkmeet.example"),
        )
    parsed = email.message_from_bytes(
        built.message.as_bytes(), policy=email.policy.default
    )
    assert parsed["Content-Language"] == "zh-Hans"
    assert parsed["Subject"] == (
        f"邀请：{title}，2020年11月20日周五 21:00 中国标准时间 (UTC+08:00)"
    )
    text = parsed.get_body(("plain",)).get_content()
    assert f"您的时间（Asia/Shanghai）：{when}" in text
    assert "入会密码：soie2020" in text
    assert "Your time" not in text and "Fri 20 Nov" not in text


def test_a_french_organiser_works_in_french(app, client, auth, demo):
    """An organiser whose account language is French gets the dashboard and
    the lineup in French, whatever their browser says, with French dates."""
    auth.login_as(conferences=[demo])
    with app.app_context():
        organiser = db.session.scalar(select(Organiser))
        organiser.language = "fr"
        db.session.commit()
    with app.test_request_context(), force_locale("fr"):
        words = [gettext("My conferences"), gettext("Lineup"), gettext("Add an item")]
    assert words == ["Mes conférences", "Ordre de passage", "Ajouter un point"]
    english = {"Accept-Language": "en"}
    dashboard = client.get("/organiser/", headers=english).get_data(as_text=True)
    assert html_lang(dashboard) == "fr"
    assert words[0] in dashboard and "My conferences" not in dashboard
    assert "ven. 20 novembre 2020, 14:00" in dashboard
    lineup = client.get(f"/organiser/c/{DEMO}/lineup", headers=english)
    lineup = lineup.get_data(as_text=True)
    assert html_lang(lineup) == "fr"
    assert words[1] in lineup and words[2] in lineup
    assert "Add an item" not in lineup
    # Days in French too, wherever the lineup writes one (a speaker's slot
    # on another day than the conference's: Tokyo is past midnight).
    assert "Fri 20 Nov" not in lineup and "Sat 21 Nov" not in lineup
    assert "ven. 20 nov." in lineup
    # The conference's own title is the organisers' text: never translated
    # for its organisers' pages.
    assert "Video Conference of the International Network" in lineup
