import csv
import io
import json

import pytest
from factories import live_clock
from sqlalchemy import select
from sqlalchemy import update

from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.models import RunOfShowPrint
from silkmeet.runofshow import operations as ops

SLUG = "silk-cities-2020"


def token_of(app, role):
    with app.app_context():
        return db.session.scalar(
            select(Participation.token).where(Participation.role == role).limit(1)
        )


@pytest.fixture
def chair_url(app, demo):
    return f"/c/{SLUG}/me/{token_of(app, 'chair')}/run-of-show"


@pytest.fixture
def clock(monkeypatch, app, demo):
    """A settable clock for the live view, starting at the demo's start."""
    return live_clock(monkeypatch, app, demo)


def test_chair_opens_the_run_of_show_by_personal_link(client, chair_url):
    r = client.get(chair_url)
    assert r.status_code == 200
    assert r.headers["Referrer-Policy"] == "no-referrer"
    page = r.get_data(as_text=True)
    for text in (
        "张国强",
        "向锋",
        "ნინო ბერიძე",
        "Nino Beridze",
        "NEE-no beh-REE-dzeh",
    ):
        assert text in page
    assert "Europe/Paris" in page and "845 1202 0112" in page
    assert "draft, not printed yet" in page
    assert "<script>" not in page and "style=" not in page


def test_access_rules(client, app, demo, auth):
    delegate = token_of(app, "speaker")
    assert client.get(f"/c/{SLUG}/me/{delegate}/run-of-show").status_code == 403
    assert client.get(f"/c/{SLUG}/me/nope/run-of-show").status_code == 404
    other = token_of(app, "chair")
    assert client.get(f"/c/other/me/{other}/run-of-show").status_code == 404
    anonymous = client.get(f"/c/{SLUG}/run-of-show")
    assert anonymous.status_code in (302, 303)
    assert "/auth/login" in anonymous.headers["Location"]
    auth.login_as("stranger@example.org")
    assert client.get(f"/c/{SLUG}/run-of-show").status_code == 403
    assert client.get("/c/missing/run-of-show").status_code == 404
    auth.logout()
    auth.login_as("owner@example.org", conferences=[demo])
    r = client.get(f"/c/{SLUG}/run-of-show")
    assert r.status_code == 200
    assert r.headers["Referrer-Policy"] != "no-referrer"


def test_record_print_then_mark_changes(client, app, chair_url):
    r = client.post(chair_url + "/print")
    assert r.status_code in (302, 303)
    page = client.get(chair_url).get_data(as_text=True)
    assert "revision 1, printed at" in page
    # Printing again without a change records nothing new.
    client.post(chair_url + "/print")
    with app.app_context():
        assert db.session.scalar(select(db.func.count(RunOfShowPrint.id))) == 1
        item = db.session.scalar(select(AgendaItem).where(AgendaItem.title == "France"))
        item.duration_minutes = 9
        db.session.commit()
    page = client.get(chair_url).get_data(as_text=True)
    assert "draft after revision 1" in page
    assert "changes since revision 1" in page
    assert "✱ duration" in page and "✱ start" in page
    client.post(chair_url + "/print")
    page = client.get(chair_url).get_data(as_text=True)
    # Revision 2 carries the marks against revision 1, as revised scripts do.
    assert "revision 2, printed at" in page
    assert "since revision 1" in page


def test_record_print_needs_csrf(app, client, chair_url):
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(chair_url + "/print").status_code == 400


def test_country_blocks_on_new_pages(client, chair_url):
    page = client.get(chair_url + "?country_pages=1").get_data(as_text=True)
    assert page.count("new-page") >= 7


def test_exports(client, chair_url, app):
    with app.app_context():
        item = db.session.scalar(select(AgendaItem).where(AgendaItem.title == "Italy"))
        item.notes = '=HYPERLINK("http://evil")'
        db.session.commit()
    with client.get(chair_url + ".csv") as r:
        assert r.status_code == 200
        assert r.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "cue" and len(rows) == 19
    italy = next(row for row in rows if row[7] == "Italy")
    assert italy[11].startswith("'=")
    assert any("张国强" in row[9] for row in rows)
    with client.get(chair_url + ".json") as r:
        document = json.loads(r.get_data(as_text=True))
    assert document["reference_zone"] == "Europe/Paris"
    assert len(document["items"]) == 18
    assert document["items"][0]["start"] == "2020-11-20T13:00:00Z"
    assert document["items"][-1]["back_time_minutes"] == 3


def state(client, url):
    return client.get(url + "/live/state").get_json()


def test_live_start_next_and_report(client, chair_url, clock):
    s = state(client, chair_url)
    assert s["phase"] == "before" and s["next"]["cue"] == "1"
    first = s["next"]["id"]
    r = client.post(chair_url + "/live/start", data={"item_id": first})
    assert r.status_code in (302, 303)
    clock(minutes=3)
    s = state(client, chair_url)
    assert s["current"]["cue"] == "1" and s["time_left"] == "1:00"
    assert s["wrap_up"] is True
    # A second start on the running item is refused without writing.
    r = client.post(chair_url + "/live/start", data={"item_id": first})
    page = client.get(chair_url + "/live").get_data(as_text=True)
    assert "already running" in page
    clock(minutes=3)
    client.post(chair_url + "/live/next", data={"item_id": first})
    s = state(client, chair_url)
    assert s["current"]["cue"] == "2"
    assert s["words"] == "Running 2 min over" and s["status"] == "over"
    # Run through the rest, then press next once too often.
    for _ in range(17):
        clock(minutes=5)
        current = state(client, chair_url)["current"]["id"]
        r = client.post(
            chair_url + "/live/next",
            data={"item_id": current},
            headers={"Accept": "application/json"},
        )
        assert r.status_code == 200
    assert r.get_json()["state"]["phase"] == "finished"
    # A second press for the last item, from a page that did not see it end.
    r = client.post(
        chair_url + "/live/next",
        headers={"Accept": "application/json"},
        data={"item_id": current},
    )
    assert r.status_code == 409
    assert "no next item" in r.get_json()["message"]
    report = client.get(chair_url + "/report").get_data(as_text=True)
    assert "ნინო ბერიძე" in report and "Georgia" in report
    with client.get(chair_url + "/report.csv") as r:
        lines = r.get_data(as_text=True).splitlines()
    assert lines[0].lstrip("\ufeff").startswith("level,")
    assert any(line.startswith("country,Georgia") for line in lines)


def test_two_chairs_press_next_at_once(client, app, chair_url, clock):
    """The loser of a race is told, and the recorded times stay the winner's."""
    first = state(client, chair_url)["next"]["id"]
    client.post(chair_url + "/live/start", data={"item_id": first})
    clock(minutes=4)
    other = app.test_client()  # the co-chair's screen, with its own page
    r1 = client.post(chair_url + "/live/next", data={"item_id": first})
    assert r1.status_code in (302, 303)
    clock(seconds=2)
    r2 = other.post(
        chair_url + "/live/next",
        data={"item_id": first},
        headers={"Accept": "application/json"},
    )
    assert r2.status_code == 409
    assert "Someone else already moved on" in r2.get_json()["message"]
    with app.app_context():
        held = db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.actual_start_at.is_not(None))
            .order_by(AgendaItem.position)  # PostgreSQL keeps no row order
        ).all()
        assert len(held) == 2
        assert held[0].actual_end_at == held[1].actual_start_at


def recorded_times(app):
    """(id, started, ended) of every item, in lineup order."""
    with app.app_context():
        return [
            (row.id, row.actual_start_at is not None, row.actual_end_at is not None)
            for row in db.session.execute(
                select(
                    AgendaItem.id, AgendaItem.actual_start_at, AgendaItem.actual_end_at
                ).order_by(AgendaItem.position)
            )
        ]


def test_next_without_the_item_it_ends_is_refused(client, app, chair_url, clock):
    """Next must name the running item the chair saw: without it, a second
    press meant for one item would end the next one, which nobody saw."""
    first = state(client, chair_url)["next"]["id"]
    client.post(chair_url + "/live/start", data={"item_id": first})
    clock(minutes=4)
    before = recorded_times(app)
    for data in ({}, {"item_id": ""}, {"item_id": "cue 1"}):
        r = client.post(
            chair_url + "/live/next", data=data, headers={"Accept": "application/json"}
        )
        assert r.status_code == 400
        body = r.get_json()
        assert "did not say which item" in body["error"]
        assert body["state"]["current"]["id"] == first
    r = client.post(chair_url + "/live/next", json={})
    assert r.status_code == 400 and "error" in r.get_json()
    # The form (no JavaScript): told on the live page, nothing changed.
    r = client.post(chair_url + "/live/next", data={})
    assert r.status_code in (302, 303)
    assert r.headers["Location"].endswith("/run-of-show/live")
    page = client.get(chair_url + "/live").get_data(as_text=True)
    assert "did not say which item" in page
    assert recorded_times(app) == before
    # A JSON client names it in its body.
    r = client.post(chair_url + "/live/next", json={"item_id": first})
    assert r.status_code == 200
    assert r.get_json()["state"]["current"]["id"] != first


def test_two_nexts_for_one_item_end_only_it(client, app, chair_url, clock):
    """One after the other (the second page has not caught up): the second
    press is refused as stale, and the item after it keeps running."""
    first = state(client, chair_url)["next"]["id"]
    client.post(chair_url + "/live/start", data={"item_id": first})
    clock(minutes=4)
    answers = [
        client.post(
            chair_url + "/live/next",
            data={"item_id": first},
            headers={"Accept": "application/json"},
        ).status_code
        for _press in range(2)
    ]
    assert answers == [200, 409]
    times = recorded_times(app)
    assert [started for _id, started, _ended in times][:3] == [True, True, False]
    assert [ended for _id, _started, ended in times][:2] == [True, False]


def test_guarded_update_refuses_a_stale_next(app, demo, clock):
    """Both chairs read item 1 as running; the second UPDATE matches no row."""
    with app.app_context():
        conference = db.session.get(Conference, demo)
        item = ops.start(conference, None)
        db.session.commit()
        conference = db.session.get(Conference, demo)
        stale = list(conference.items)  # loaded: item 1 running
        assert stale[0].actual_end_at is None
        clock(minutes=4)
        # The other chair wins in between, behind this session's back.
        moment = ops.now()
        with db.engine.begin() as other_chair:
            other_chair.execute(
                update(AgendaItem)
                .where(AgendaItem.id == item.id)
                .values(actual_end_at=moment)
            )
        clock(seconds=1)
        with pytest.raises(ops.LiveConflict, match="same moment"):
            ops.next_item(conference, item.id)
        db.session.expire_all()
        recorded = db.session.get(AgendaItem, item.id)
        assert recorded.actual_end_at == moment
        second = db.session.get(AgendaItem, stale[1].id)
        assert second.actual_start_at is None


def test_reset_is_for_organisers(client, app, demo, auth, chair_url, clock):
    client.post(chair_url + "/live/start", data={})
    assert client.post(chair_url + "/live/reset").status_code == 403
    auth.login_as("owner@example.org", conferences=[demo])
    client.post(f"/c/{SLUG}/run-of-show/live/reset")
    assert state(client, chair_url)["phase"] == "before"


def test_queries_do_not_grow_with_items(app, make_conference, auth, sql_statements):
    def count(n):
        slug = f"c{n}"
        conference_id = make_conference(
            slug=slug,
            speakers=[(f"P{i}", "FR", "Europe/Paris") for i in range(n)],
            item_minutes=5,
            duration=600,
        )
        with app.app_context():
            token = db.session.scalar(
                select(Participation.token).where(
                    Participation.conference_id == conference_id
                )
            )
            db.session.execute(
                update(Participation)
                .where(Participation.token == token)
                .values(role="chair")
            )
            db.session.commit()
        client = app.test_client()
        with sql_statements() as statements:
            for path in ("", "/live/state", "/report", ".csv"):
                assert (
                    client.get(f"/c/{slug}/me/{token}/run-of-show{path}").status_code
                    == 200
                )
        return len(statements)

    assert count(3) == count(12)


def test_delegate_link_partial(app, demo):
    with app.test_request_context():
        from flask import render_template_string

        conference = db.session.get(Conference, demo)
        chair = next(p for p in conference.participations if p.role == "chair")
        speaker = next(p for p in conference.participations if p.role == "speaker")
        template = '{% include "runofshow/_delegate_link.html" %}'
        html = render_template_string(
            template, conference=conference, participation=chair
        )
        assert f"/me/{chair.token}/run-of-show/live" in html
        assert (
            render_template_string(
                template, conference=conference, participation=speaker
            ).strip()
            == ""
        )
