import re

import pytest
from factories import build_doc
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import Conference

SLUG = "silk-cities-2020"
URL = f"/organiser/c/{SLUG}/lineup"


def order(app, slug=SLUG):
    with app.app_context():
        conference = db.session.scalar(
            select(Conference).where(Conference.slug == slug)
        )
        return [i.title for i in conference.items], conference.lineup_version


def conference_state(app, slug=SLUG):
    with app.app_context():
        c = db.session.scalar(select(Conference).where(Conference.slug == slug))
        return c.lineup_version, c.invite_revision


def item_id(app, title, slug=SLUG):
    with app.app_context():
        return db.session.scalar(
            select(AgendaItem.id)
            .join(Conference)
            .where(Conference.slug == slug, AgendaItem.title.startswith(title))
        )


@pytest.fixture
def organiser(demo, auth):
    auth.login_as(conferences=[demo])
    return demo


def test_lineup_page_shows_times_in_both_zones(client, organiser):
    page = client.get(URL).get_data(as_text=True)
    assert "Opening of the conference" in page
    # The opening at 14:00 in Paris; the keynote speaker in Shanghai.
    assert "14:00–14:04" in page
    # Japan's block: 15:04 in Paris is 23:04 in Tokyo, a night slot.
    assert "15:04–15:11" in page
    assert re.search(r"23:04–23:11 JST</span>\s*<span class=\"date\">Fri 20 Nov", page)
    assert (
        "佐藤 美咲 (Misaki Sato) speaks Fri 20 Nov, 23:04–23:11 JST in their own zone"
        " Asia/Tokyo: outside 07:00–22:00." in page
    )
    assert 'role="status"' in page
    assert "<script>" not in page and 'style="' not in page


def test_anonymous_is_sent_to_login(client, demo):
    response = client.get(URL)
    assert response.status_code in (302, 303)
    assert "/auth/login" in response.headers["Location"]


def test_other_organisers_conference_is_forbidden(client, demo, auth, app):
    auth.login_as(email="other@example.org")
    response = client.get(URL)
    assert response.status_code == 403
    assert "Opening of the conference" not in response.get_data(as_text=True)
    response = client.post(
        URL + "/order",
        json={"order": [], "lineup_version": 1},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 403
    assert "error" in response.get_json()
    assert client.get("/organiser/c/nope/lineup").status_code == 404


def test_move_block_down_with_the_form(client, organiser, app):
    titles, version = order(app)
    assert titles[5] == "Brazil"
    _, revision = conference_state(app)
    response = client.post(
        URL + "/move",
        data={
            "item_id": item_id(app, "Brazil"),
            "action": "down",
            "lineup_version": version,
        },
    )
    assert response.status_code in (302, 303)
    titles, new_version = order(app)
    assert titles[5].startswith("China") and titles[6] == "Brazil"
    assert new_version == version + 1
    assert conference_state(app)[1] == revision + 1  # times changed → invites
    page = client.get(URL).get_data(as_text=True)
    assert "moved to position 7 of 18" in page
    assert "Undo" in page


def test_moving_a_pinned_item_or_past_a_pin_is_refused(client, organiser, app):
    titles, version = order(app)
    response = client.post(
        URL + "/move",
        data={
            "item_id": item_id(app, "Brazil"),
            "action": "up",
            "lineup_version": version,
        },
    )
    assert response.status_code == 400
    assert "cannot move past the pinned item" in response.get_data(as_text=True)
    response = client.post(
        URL + "/move",
        data={
            "item_id": item_id(app, "Opening"),
            "action": "down",
            "lineup_version": version,
        },
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert "pinned" in response.get_json()["error"]
    assert order(app) == (titles, version)


def test_move_to_position_and_past_the_end(client, organiser, app):
    titles, version = order(app)
    other = item_id(app, "The Network")
    response = client.post(
        URL + "/move",
        data={
            "item_id": other,
            "action": "to",
            "position": 6,
            "lineup_version": version,
        },
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["version"] == version + 1
    assert body["order"][5] == other
    assert body["items"][5]["start"] == "14:29"
    assert "moved to position 6" in body["message"]
    response = client.post(
        URL + "/move",
        data={
            "item_id": other,
            "action": "to",
            "position": 99,
            "lineup_version": version + 1,
        },
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert "Position 99 does not exist" in response.get_json()["error"]


def test_stale_version_is_refused_and_nothing_changes(client, organiser, app):
    titles, version = order(app)
    with app.app_context():
        c = db.session.scalar(select(Conference).where(Conference.slug == SLUG))
        ids = [i.id for i in c.items]
    ok = client.post(
        URL + "/move",
        data={
            "item_id": item_id(app, "Brazil"),
            "action": "down",
            "lineup_version": version,
        },
    )
    assert ok.status_code in (302, 303)
    after_first, v2 = order(app)
    # A second organiser, still on the old version, drags Georgia first.
    theirs = ids[:5] + [ids[8], ids[5], ids[6], ids[7]] + ids[9:]
    stale = client.post(
        URL + "/order", json={"order": theirs, "lineup_version": version}
    )
    assert stale.status_code == 409
    body = stale.get_json()
    assert "Another organiser changed this lineup" in body["error"]
    assert body["version"] == v2  # the current state comes back
    assert body["order"][6] == ids[5]  # with the first organiser's move in it
    assert order(app) == (after_first, v2)
    html = client.post(
        URL + "/move",
        data={
            "item_id": item_id(app, "France"),
            "action": "up",
            "lineup_version": version,
        },
    )
    assert html.status_code == 409
    assert "Another organiser changed this lineup" in html.get_data(as_text=True)
    assert order(app) == (after_first, v2)


def test_save_order_json_checks_blocks_and_pins(client, organiser, app):
    titles, version = order(app)
    with app.app_context():
        c = db.session.scalar(select(Conference).where(Conference.slug == SLUG))
        ids = [i.id for i in c.items]
    swapped = ids[:5] + [ids[6], ids[5]] + ids[7:]
    response = client.post(
        URL + "/order", json={"order": swapped, "lineup_version": version}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["order"] == swapped
    assert "<tbody" in body["rows_html"]
    assert any(w["code"] == "night" for w in body["warnings"])
    pinned_moved = [ids[1], ids[0]] + ids[2:]
    response = client.post(
        URL + "/order", json={"order": pinned_moved, "lineup_version": version + 1}
    )
    assert response.status_code == 400
    assert "pinned at position 1" in response.get_json()["error"]
    response = client.post(
        URL + "/order", json={"order": ids[:-1], "lineup_version": version + 1}
    )
    assert response.status_code == 400
    response = client.post(URL + "/order", data="nonsense")
    assert response.status_code == 400
    assert "error" in response.get_json()
    assert order(app)[1] == version + 1


def test_undo_restores_the_previous_order(client, organiser, app):
    titles, version = order(app)
    client.post(
        URL + "/move",
        data={
            "item_id": item_id(app, "Brazil"),
            "action": "down",
            "lineup_version": version,
        },
    )
    assert order(app)[0] != titles
    response = client.post(URL + "/undo")
    assert response.status_code in (302, 303)
    assert order(app)[0] == titles
    assert client.post(URL + "/undo").status_code == 400


def test_helper_preview_then_apply(client, organiser, app):
    titles, version = order(app)
    page = client.get(URL + "/helper?helper=alphabetical").get_data(as_text=True)
    assert "Preview: Alphabetical by country name" in page
    assert order(app) == (titles, version)  # a preview writes nothing
    page = client.get(URL + "/helper?helper=fairest").get_data(as_text=True)
    assert re.search(r"now \d+ \(worst \d+ min\),\s+with this order \d+", page)
    response = client.post(
        URL + "/helper", data={"helper": "east_to_west", "lineup_version": version}
    )
    assert response.status_code in (302, 303)
    new, _ = order(app)
    # Japan (+09) first, Brazil (-03) last among the country blocks.
    assert new[5] == "Japan" and new[12] == "Brazil"
    assert new[:5] == titles[:5]  # the pinned opening speeches did not move
    client.post(URL + "/undo")
    assert order(app)[0] == titles


def test_add_item_with_speakers_and_bad_input(client, organiser, app):
    _, version = order(app)
    url = URL + "/items/new"
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        data={
            "lineup_version": version,
            "title": "Thanks",
            "kind": "closing",
            "duration_minutes": 0,
            "speakers-0-participant": "99999",
            "fixed_start": "2020-11-20T10:00",
        },
    )
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert "give a number of minutes from 1 to 1440" in page
    assert 'value="Thanks"' in page
    assert order(app)[1] == version
    bad = client.post(
        url,
        data={
            "lineup_version": version,
            "title": "Thanks",
            "kind": "closing",
            "duration_minutes": 5,
            "speakers-0-participant": "99999",
            "fixed_start": "2020-11-20T10:00",
        },
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "not a participant of the conference" in page
    assert "cannot be before the conference starts" in page
    with app.app_context():
        chair = db.session.scalar(
            select(Conference).where(Conference.slug == SLUG)
        ).participations[0]
        chair_id = chair.id
    ok = client.post(
        url,
        data={
            "lineup_version": version,
            "title": "Thanks",
            "kind": "closing",
            "duration_minutes": 5,
            "pinned": "y",
            "speakers-0-participant": str(chair_id),
        },
    )
    assert ok.status_code in (302, 303)
    titles, v2 = order(app)
    assert titles[-1] == "Thanks" and v2 == version + 1
    # The demo fills its 120 minutes exactly: 5 more run past the end.
    page = client.get(URL).get_data(as_text=True)
    assert "5 min after the planned end (16:00)" in page


def test_item_form_with_stale_version_keeps_what_was_typed(client, organiser, app):
    _, version = order(app)
    response = client.post(
        URL + "/items/new",
        data={
            "lineup_version": version - 1,
            "title": "Late idea",
            "kind": "other",
            "duration_minutes": 3,
        },
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Another organiser changed this lineup" in page
    assert 'value="Late idea"' in page
    assert order(app)[1] == version


def test_remove_item(client, organiser, app):
    titles, version = order(app)
    response = client.post(
        URL + f"/items/{item_id(app, 'Brazil')}/remove",
        data={"lineup_version": version},
    )
    assert response.status_code in (302, 303)
    assert "Brazil" not in order(app)[0]


def test_empty_block_and_no_chair_warnings(client, auth, app, make_conference):
    doc = build_doc(speakers=[("Ana", "BR", "America/Sao_Paulo")])
    doc["agenda"].append(
        {
            "kind": "country_presentation",
            "title": "Japan",
            "country": "JP",
            "duration_minutes": 5,
            "speakers": [],
        }
    )
    cid = make_conference(data=doc)
    auth.login_as(conferences=[cid])
    page = client.get("/organiser/c/test-conf/lineup").get_data(as_text=True)
    assert "The Japan block has no speaker." in page
    assert "No chair is named for this conference." in page


def undo_offered(client, url) -> bool:
    page = client.get(url).get_data(as_text=True)
    form = re.search(r'<form[^>]*id="undo-form"[^>]*>', page).group(0)
    return "hidden" not in form


def test_undo_is_kept_server_side_and_only_for_who_made_the_change(
    client, auth, app, make_conference
):
    """A 600-item order would overflow a session cookie (browsers drop cookies
    over 4 KB); the undo lives on the conference, for its author only."""
    from silkmeet.synthetic import synthetic_document

    cid = make_conference(data=synthetic_document("big", 600, 700))
    auth.login_as(email="first@example.org", conferences=[cid])
    url = "/organiser/c/big/lineup"
    titles, version = order(app, "big")
    with app.app_context():
        moving = db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.conference_id == cid, AgendaItem.country.is_not(None))
            .order_by(AgendaItem.position)
        ).all()[10]
        moving_id = moving.id
    response = client.post(
        url + "/move",
        data={"item_id": moving_id, "action": "block_down", "lineup_version": version},
    )
    assert response.status_code in (302, 303)
    for header in response.headers.getlist("Set-Cookie"):
        assert len(header) < 4000, len(header)
    assert order(app, "big")[0] != titles
    assert undo_offered(client, url)

    # Another organiser sees no undo for a change they did not make.
    auth.logout()
    auth.login_as(email="second@example.org", conferences=[cid])
    assert not undo_offered(client, url)
    assert client.post(url + "/undo").status_code == 400

    auth.logout()
    auth.login(email="first@example.org")
    assert client.post(url + "/undo").status_code in (302, 303)
    assert order(app, "big")[0] == titles


def test_a_block_move_saves_in_a_fixed_number_of_statements(
    client, auth, app, make_conference, sql_statements
):
    from silkmeet.synthetic import synthetic_document

    counts = []
    for slug, items in (("small", 40), ("large", 400)):
        cid = make_conference(data=synthetic_document(slug, items, items + 50))
        auth.login_as(email=f"{slug}@example.org", conferences=[cid])
        _titles, version = order(app, slug)
        with app.app_context():
            moving_id = db.session.scalars(
                select(AgendaItem.id)
                .where(AgendaItem.conference_id == cid, AgendaItem.country.is_not(None))
                .order_by(AgendaItem.position)
            ).all()[5]
        with sql_statements() as seen:
            response = client.post(
                f"/organiser/c/{slug}/lineup/move",
                json={
                    "item_id": moving_id,
                    "action": "block_down",
                    "lineup_version": version,
                },
            )
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        counts.append(len(seen))
        auth.logout()
    # The moved items' positions are written in executemany batches; nothing
    # is read per item.
    assert counts[1] <= counts[0] + 2, counts


def test_save_item_runs_the_item_rules_without_the_form(app, demo):
    """The rules live in the operation, not the view: any writer of items
    (the editor today, an API or import tomorrow) is held to them."""
    from datetime import datetime

    from silkmeet.db import utcnow
    from silkmeet.domain.items import ItemDraft
    from silkmeet.domain.items import ItemError
    from silkmeet.lineup import operations as ops

    with app.app_context():
        conference = db.session.get(Conference, demo)
        version, count = conference.lineup_version, len(conference.items)
        gone = conference.participations[1]
        gone.removed_at = utcnow()
        db.session.commit()
        fields = {"title": "Late", "kind": "other", "duration_minutes": 5}
        cases = [
            ItemDraft(fields, fixed_start_local=datetime(2020, 11, 20, 9)),
            ItemDraft(fields, speakers=((str(gone.id), None),)),
            ItemDraft(dict(fields, kind="country_presentation")),
        ]
        for draft in cases:
            with pytest.raises(ItemError):
                ops.save_item(conference, None, version, draft)
        db.session.rollback()
        conference = db.session.get(Conference, demo)
        assert (conference.lineup_version, len(conference.items)) == (version, count)


def test_fairest_says_when_no_order_is_fairer(client, auth, make_conference):
    """Japan first at 21:30-21:55 JST: nobody is in the night, so the fairest
    helper proposes the current order and says so (it once proposed Japan
    past 22:00 with a Night badge)."""
    cid = make_conference(
        slug="fair",
        start="2020-11-20T13:30:00",  # 12:30 UTC, 21:30 in Tokyo
        item_minutes=25,
        speakers=[
            ("Sato", "JP", "Asia/Tokyo"),
            ("Ann", "US", "America/New_York"),
            ("Rui", "BR", "America/Sao_Paulo"),
        ],
    )
    auth.login_as(conferences=[cid])
    with client.get("/organiser/c/fair/lineup/helper?helper=fairest") as r:
        page = r.get_data(as_text=True)
    assert "No order is fairer than the current one" in page
    assert "now 0 (worst 0 min), with this order 0 (worst 0 min)" in page
    assert "badge night" not in page
