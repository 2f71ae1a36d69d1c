"""SQL statements per request must not grow with the size of the conference.

The benchmark (scripts/bench.py) relies on this: a page that issues one query per
item or per person would be fine at S and unusable at L.
"""

from __future__ import annotations

import io

import pytest
from factories import import_confirmation
from sqlalchemy import func
from sqlalchemy import select

from silkmeet.domain import conference_format as fmt
from silkmeet.exchange.operations import import_conference
from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.models import ConferenceOrganiser
from silkmeet.models import Organiser
from silkmeet.models import Participation
from silkmeet.synthetic import people_csv
from silkmeet.synthetic import synthetic_document

PAGES = {
    "agenda": "/c/{slug}/agenda",
    "delegate page": "/c/{slug}/me/{token}",
    "invite": "/c/{slug}/invites/{token}.ics",
    "feed": "/c/{slug}/feed/{token}.ics",
    "conference calendar": "/c/{slug}/calendar.ics",
    "schedule json": "/c/{slug}/schedule.json",
    "frab xml": "/c/{slug}/schedule.frab.xml",
    "run-of-show": "/c/{slug}/run-of-show",
    "run-of-show live state": "/c/{slug}/run-of-show/live/state",
    "lineup editor": "/organiser/c/{slug}/lineup",
    "planner": "/organiser/c/{slug}/planner",
    "people": "/organiser/c/{slug}/people",
    "invites page": "/organiser/c/{slug}/invites",
    "outbox": "/organiser/c/{slug}/outbox",
}


def statements(sql_statements, client, url: str, **post) -> int:
    """The statements of one GET of ``url`` (200), or of one POST when
    ``post`` holds its arguments (any status but an error)."""
    with sql_statements() as seen:
        response = client.post(url, **post) if post else client.get(url)
        ok = response.status_code < 400 if post else response.status_code == 200
        assert ok, (url, response.status_code)
        response.close()
    return len(seen)


@pytest.fixture
def sized(app, auth):
    organiser = auth.create(email="bench@example.org")
    auth.login(email="bench@example.org")

    def make(slug: str, items: int, people: int) -> dict:
        with app.app_context():
            conference = import_conference(
                fmt.parse(synthetic_document(slug, items, people))
            )
            db.session.add(
                ConferenceOrganiser(
                    conference=conference,
                    organiser=db.session.get(Organiser, organiser),
                    access="owner",
                )
            )
            db.session.commit()
            token = db.session.scalar(
                select(Participation.token)
                .where(Participation.conference_id == conference.id)
                .order_by(Participation.id)
            )
            return {"slug": slug, "token": token}

    return make


def test_statements_do_not_grow_with_the_conference(client, sized, sql_statements):
    small = sized("small", items=4, people=12)
    # Over 500 items and speakers: eager loads that work in chunks of 500 ids
    # (selectinload) would show here.
    large = sized("large", items=520, people=700)
    grew = {}
    for name, pattern in PAGES.items():
        few = statements(sql_statements, client, pattern.format(**small))
        many = statements(sql_statements, client, pattern.format(**large))
        assert few > 0, name  # the listener really counts
        if many > few:
            grew[name] = (few, many)
    assert grew == {}


def test_export_statements_do_not_grow(app, sized, sql_statements):
    from silkmeet.exchange.exports import export_conference
    from silkmeet.timetable import load_conference

    sized("small", items=4, people=12)
    sized("large", items=520, people=700)
    counts = []
    with app.app_context():
        for slug in ("small", "large"):
            db.session.expire_all()
            with sql_statements() as seen:
                doc = export_conference(load_conference(slug))
                fmt.dumps(doc)
            counts.append(len(seen))
            assert len(doc.participants) in (12, 700)
    assert counts[0] == counts[1] > 0


def test_streamed_export_statements_do_not_grow(app, sized, sql_statements):
    from silkmeet.exchange.exports import export_chunks
    from silkmeet.models import Conference

    sized("small", items=4, people=12)
    # Over EXPORT_BATCH people and items: the batches are fetched from one
    # statement, not one statement each.
    sized("large", items=1010, people=1050)
    counts = []
    with app.app_context():
        for slug in ("small", "large"):
            conference = db.session.scalar(
                select(Conference).where(Conference.slug == slug)
            )
            with sql_statements() as seen:
                text = "".join(export_chunks(conference))
            counts.append(len(seen))
            assert text.count('"role": ') == {"small": 12, "large": 1050}[slug]
    assert counts[0] == counts[1] > 0


def test_csv_import_statements_do_not_grow(app, client, sized, sql_statements):
    """A CSV import's preview and confirm: the same statements whatever the
    number of rows and of people already in the conference (no query, insert
    or flush per row)."""
    sized("small", items=4, people=12)
    sized("large", items=20, people=700)
    counts = {}
    first = 0
    for slug, rows in (("small", 5), ("small", 120), ("large", 120)):
        text = people_csv(rows, first)
        first += rows

        def upload(text=text):
            return {
                "data": {"file": (io.BytesIO(text.encode()), "people.csv")},
                "content_type": "multipart/form-data",
            }

        url = f"/organiser/c/{slug}/people/import"
        preview = statements(sql_statements, client, url, **upload())
        with client.post(url, **upload()) as response:
            fields = import_confirmation(response.get_data(as_text=True))
        confirm = statements(sql_statements, client, url + "/confirm", data=fields)
        counts[slug, rows] = (preview, confirm)
        with app.app_context():
            imported = db.session.scalar(
                select(func.count())
                .select_from(Participation)
                .join(Conference)
                .where(Conference.slug == slug)
            )
        assert imported == {"small": 12, "large": 700}[slug] + rows + (
            5 if (slug, rows) == ("small", 120) else 0
        )
    assert len(set(counts.values())) == 1, counts


def test_json_import_statements_do_not_grow(app, sql_statements):
    """The conference JSON import inserts each table in batches (on SQLite too:
    the rows get their ids first), whatever the number of items and people."""
    counts = []
    with app.app_context():
        for slug, items, people in (("small", 4, 12), ("large", 520, 700)):
            doc = fmt.parse(synthetic_document(slug, items, people))
            with sql_statements() as seen:
                conference = import_conference(doc)
            counts.append(len(seen))
            db.session.commit()
            assert len(conference.items) == items
            assert len(conference.participations) == people
    assert counts[0] == counts[1] > 0


def move_block(client, slug: str) -> dict:
    """One block move down through the editor's JSON endpoint; its answer."""
    with client.get(f"/organiser/c/{slug}/lineup") as page:
        version = int(
            page.get_data(as_text=True).split('data-version="')[1].split('"')[0]
        )
    from silkmeet.models import AgendaItem

    moving = db.session.scalars(
        select(AgendaItem.id)
        .join(Conference)
        .where(Conference.slug == slug, AgendaItem.country.is_not(None))
        .order_by(AgendaItem.position)
    ).all()[5]
    response = client.post(
        f"/organiser/c/{slug}/lineup/move",
        json={"item_id": moving, "action": "block_down", "lineup_version": version},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()


@pytest.mark.parametrize("cache", ["kept", "off"])
def test_lineup_moves_do_not_grow(app, client, sized, sql_statements, cache):
    """A view of the editor and a block move: the same statements at every
    size, with the editor's page kept by this worker or not (another
    worker's, or the cache off)."""
    sized("small", items=40, people=60)
    sized("large", items=520, people=700)
    if cache == "off":
        app.extensions["silkmeet_cache"].max_bytes = 0
    counts = {}
    with app.app_context():
        for slug in ("small", "large"):
            move_block(client, slug)  # warm: the page, then a first move
            with sql_statements() as seen:
                body = move_block(client, slug)
            counts[slug] = len(seen)
            assert len(body["order"]) == {"small": 40, "large": 520}[slug]
    assert counts["small"] == counts["large"] > 0, counts


def test_a_second_zone_after_a_change_does_not_read_the_lineup_again(
    app, client, sized, sql_statements
):
    """What does not depend on the viewer's zone is worked out once per
    content version: the agenda in a second zone reads no lineup."""
    large = sized("large", items=60, people=80)
    # Hits as a server has them (the suite otherwise builds every hit again
    # to compare it with what was kept).
    app.extensions["silkmeet_cache"].verify = False
    url = "/c/{slug}/agenda?tz=".format(**large)
    statements(sql_statements, client, url + "Asia/Tokyo")
    with app.app_context():
        conference = db.session.scalar(
            select(Conference).where(Conference.slug == "large")
        )
        conference.title = "Changed"
        db.session.commit()
    first = statements(sql_statements, client, url + "Europe/Paris")
    second = statements(sql_statements, client, url + "America/Lima")
    again = statements(sql_statements, client, url + "America/Lima")
    # The second zone costs what a page already kept costs.
    assert again == second < first, (first, second, again)
    with client.get(url + "America/Lima") as response:
        assert "Changed" in response.get_data(as_text=True)
