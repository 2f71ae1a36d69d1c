import pytest
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.models import ConferenceOrganiser
from silkmeet.models import Participation

FORM = {
    "title": "Silk 2026",
    "slug": "silk-2026",
    "timezone": "Europe/Paris",
    "start": "2026-03-29T14:00",
    "duration_minutes": 90,
    "buffer_minutes": 0,
    "status": "draft",
    "join_url": "https://meet.example.org/x",
    "languages": "en, fr",
    "interpretation_channels": "en, zh",
}


def get_conference(app, slug):
    with app.app_context():
        c = db.session.scalar(select(Conference).where(Conference.slug == slug))
        db.session.expunge_all()
        return c


def test_dashboard_lists_only_my_conferences(client, auth, demo, make_conference):
    other = make_conference(slug="not-mine", title="Not mine")
    assert other
    auth.login_as(conferences=[demo])
    page = client.get("/organiser/").get_data(as_text=True)
    assert "Silk Cities and Metropoles" in page
    assert "Not mine" not in page
    assert "My conferences" in client.get("/").get_data(as_text=True)


def test_create_conference_makes_me_owner(client, auth, app):
    organiser_id = auth.create()
    auth.login()
    response = client.post("/organiser/new", data=FORM)
    assert response.status_code in (302, 303)
    assert response.headers["Location"] == "/organiser/c/silk-2026/edit"
    c = get_conference(app, "silk-2026")
    # 14:00 in Paris on 29 March 2026 is summer time already: 12:00 UTC.
    assert c.start_at.isoformat() == "2026-03-29T12:00:00+00:00"
    assert c.languages == ["en", "fr"]
    with app.app_context():
        link = db.session.get(ConferenceOrganiser, (c.id, organiser_id))
        assert link.access == "owner"


def test_non_existent_and_ambiguous_wall_times_are_refused(client, auth, app):
    auth.login_as()
    response = client.post("/organiser/new", data={**FORM, "start": "2026-03-29T02:30"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "2026-03-29 02:30 does not exist in Europe/Paris" in page
    assert 'value="Silk 2026"' in page  # what was typed is kept
    response = client.post("/organiser/new", data={**FORM, "start": "2026-10-25T02:30"})
    assert "happens twice in Europe/Paris" in response.get_data(as_text=True)
    assert get_conference(app, "silk-2026") is None


def test_bad_duration_and_taken_slug(client, auth, demo):
    auth.login_as()
    response = client.post(
        "/organiser/new",
        data={**FORM, "duration_minutes": 1441, "slug": "silk-cities-2020"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "give a number of minutes from 1 to 1440" in page
    assert "Another conference already uses this short name." in page


def test_edit_raises_invite_revision_only_when_invites_change(client, auth, app, demo):
    auth.login_as(conferences=[demo])
    url = "/organiser/c/silk-cities-2020/edit"
    before = get_conference(app, "silk-cities-2020")
    page = client.get(url).get_data(as_text=True)
    assert 'value="2020-11-20T14:00"' in page
    data = {
        "title": before.title,
        "slug": before.slug,
        "description": "A new description",
        "timezone": "Europe/Paris",
        "start": "2020-11-20T14:00",
        "duration_minutes": 120,
        "buffer_minutes": 0,
        "status": "published",
        "video_platform": before.video_platform,
        "join_url": before.join_url,
        "meeting_id": before.meeting_id,
        "passcode": before.passcode,
        "dial_in": before.dial_in,
        "languages": "en, fr, zh",
        "interpretation_channels": "en, fr, zh, ja, es",
    }
    client.post(url, data=data)
    assert (
        get_conference(app, "silk-cities-2020").invite_revision
        == before.invite_revision
    )
    response = client.post(url, data={**data, "start": "2020-11-20T13:00"})
    assert "The invites changed" in client.get(url).get_data(as_text=True)
    assert response.status_code in (302, 303)
    after = get_conference(app, "silk-cities-2020")
    assert after.invite_revision == before.invite_revision + 1
    assert after.start_at.hour == 12


def test_owner_adds_an_organiser_and_editor_cannot(client, auth, app, demo):
    auth.create(email="second@example.org")
    auth.login_as(conferences=[demo])
    client.post(
        "/organiser/c/silk-cities-2020/organisers",
        data={"org-email": "SECOND@example.org", "org-access": "editor"},
    )
    page = client.get("/organiser/c/silk-cities-2020/edit").get_data(as_text=True)
    assert "second@example.org" in page
    response = client.post(
        "/organiser/c/silk-cities-2020/organisers",
        data={"org-email": "nobody@example.org", "org-access": "editor"},
        follow_redirects=True,
    )
    assert "No organiser account uses nobody@example.org" in response.get_data(
        as_text=True
    )
    auth.logout()
    auth.login(email="second@example.org")
    assert client.get("/organiser/c/silk-cities-2020/lineup").status_code == 200
    response = client.post(
        "/organiser/c/silk-cities-2020/organisers",
        data={"org-email": "org@example.org", "org-access": "owner"},
    )
    assert response.status_code == 403


def test_hosts_and_chairs(client, auth, app, demo):
    auth.login_as(conferences=[demo])
    url = "/organiser/c/silk-cities-2020/hosts"
    page = client.get(url).get_data(as_text=True)
    assert "Intersoie France" in page
    response = client.post(
        url,
        data={
            "host-name": "Ville de Suzhou",
            "host-country": "CN",
            "host-kind": "city",
            "host-role": "partner",
        },
    )
    assert response.status_code in (302, 303)
    assert "Ville de Suzhou" in client.get(url).get_data(as_text=True)
    with app.app_context():
        c = db.session.scalar(
            select(Conference).where(Conference.slug == "silk-cities-2020")
        )
        people = {p.person.full_name: p.id for p in c.participations}
    claire = people["Claire Fabre"]
    bad = client.post(url, data={"chair-chair": claire, "chair-co_chair": claire})
    assert bad.status_code == 400
    assert "must be two people" in bad.get_data(as_text=True)
    ok = client.post(url, data={"chair-chair": claire, "chair-co_chair": 0})
    assert ok.status_code in (302, 303)
    with app.app_context():
        roles = {
            p.person.full_name: p.role
            for p in db.session.scalars(select(Participation))
        }
    assert roles["Claire Fabre"] == "chair"
    assert roles["Xavier Lepingle"] == "speaker"


def test_csrf_is_required_when_enabled(app, client, auth, demo):
    auth.login_as(conferences=[demo])
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(
        "/organiser/c/silk-cities-2020/lineup/order",
        json={"order": [], "lineup_version": 1},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert "expired" in response.get_json()["error"]


def test_the_sender_and_reply_address_are_set_on_the_form(client, auth, app):
    auth.login_as()
    sender = "Silk Cities <invitations@silk.example.org>"
    response = client.post(
        "/organiser/new",
        data={**FORM, "mail_from": sender, "mail_reply_to": "team@silk.example.org"},
    )
    assert response.status_code in (302, 303)
    c = get_conference(app, "silk-2026")
    assert (c.mail_from, c.mail_reply_to) == (sender, "team@silk.example.org")
    with app.app_context():
        from silkmeet.mail.operations import sender_address

        conference = db.session.get(Conference, c.id)
        assert sender_address(conference) == (
            "Silk Cities",
            "invitations@silk.example.org",
        )


def test_a_bad_sender_is_refused_with_the_import_rules_message(client, auth, app):
    from silkmeet.domain import fields

    auth.login_as()
    bad = "two@example.org, three@example.org"
    response = client.post("/organiser/new", data={**FORM, "mail_from": bad})
    assert response.status_code == 400
    with pytest.raises(fields.FieldError) as refused:
        fields.mailbox(bad, "conference.mail_from")
    page = response.get_data(as_text=True)
    from markupsafe import escape

    assert str(escape(str(refused.value))) in page
    assert get_conference(app, "silk-2026") is None


def test_an_empty_nudge_on_a_new_conference_means_no_nudge(client, auth, app):
    auth.login_as()
    response = client.post("/organiser/new", data={**FORM, "nudge_offset": ""})
    assert response.status_code in (302, 303)
    c = get_conference(app, "silk-2026")
    assert c.nudge_offset is None
    assert c.mail_from is None


def test_an_empty_short_name_is_made_from_the_title(client, auth, app, demo):
    auth.login_as()
    response = client.post(
        "/organiser/new",
        data={**FORM, "title": "Шёлковый путь 2027", "slug": ""},
    )
    assert response.headers["Location"] == "/organiser/c/shelkovyy-put-2027/edit"
    # Taken now, and taken by the demo: a number is added.
    response = client.post(
        "/organiser/new",
        data={**FORM, "title": "Шёлковый путь 2027", "slug": ""},
    )
    assert response.headers["Location"] == "/organiser/c/shelkovyy-put-2027-2/edit"
    response = client.post(
        "/organiser/new", data={**FORM, "title": "Silk Cities 2020", "slug": ""}
    )
    assert response.headers["Location"] == "/organiser/c/silk-cities-2020-2/edit"


def test_a_title_with_no_letters_still_needs_a_short_name(client, auth):
    auth.login_as()
    response = client.post("/organiser/new", data={**FORM, "title": "!!!", "slug": ""})
    assert response.status_code == 400
    assert "required: lower-case letters" in response.get_data(as_text=True)


def test_the_suggestion_the_page_script_asks_for(client, auth, demo):
    auth.login_as(conferences=[demo])
    ask = "/organiser/slug-suggestion?title=Silk+Cities+2020"
    assert client.get(ask).get_json() == {"slug": "silk-cities-2020-2"}
    # Editing the demo itself: its own short name is free for it.
    assert client.get(f"{ask}&for={demo}").get_json() == {"slug": "silk-cities-2020"}
    auth.logout()
    assert client.get(ask).status_code in (302, 303)


def test_the_chair_list_says_why_it_is_empty(client, auth, make_conference):
    cid = make_conference()
    auth.login_as(conferences=[cid])
    page = client.get("/organiser/c/test-conf/hosts").get_data(as_text=True)
    assert 'id="no-chair-choice"' in page
    assert 'href="/organiser/c/test-conf/people/new"' in page
    assert 'href="/organiser/c/test-conf/people/import"' in page
    assert "Save chair and co-chair" not in page


def test_the_chair_list_offers_the_people(client, auth, demo):
    auth.login_as(conferences=[demo])
    page = client.get("/organiser/c/silk-cities-2020/hosts").get_data(as_text=True)
    assert 'id="no-chair-choice"' not in page
    assert "Save chair and co-chair" in page
