"""Pages behind a login are never kept by a browser or a proxy cache: after
logout, Back must not show an organiser's page from the cache."""

from __future__ import annotations

from mailtest import make_message
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from silkmeet.extensions import db
from silkmeet.mail.operations import enqueue
from silkmeet.models import AgendaItem
from silkmeet.models import Conference
from silkmeet.models import ConferenceHost
from silkmeet.models import OutboxMessage
from silkmeet.models import Participation

PRIVATE = "private, no-store"


def real_ids(app, conference_id) -> dict[str, int]:
    """A row of the conference for each id a route may take (a message in its
    outbox is queued for it)."""
    with app.app_context():
        enqueue(make_message(), kind="test", conference_id=conference_id)
        db.session.commit()

        def first(column):
            return db.session.scalar(
                select(column)
                .where(column.class_.conference_id == conference_id)
                .order_by(column)
                .limit(1)
            )

        return {
            "participation_id": first(Participation.id),
            "item_id": first(AgendaItem.id),
            "host_id": first(ConferenceHost.id),
            "message_id": first(OutboxMessage.id),
        }


def get_urls(app, slug, ids):
    """Every GET route of the organisers' pages, with this conference's rows."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not rule.rule.startswith("/organiser"):
            continue
        values = {}
        for arg, converter in rule._converters.items():
            if arg == "slug":
                values[arg] = slug
            elif isinstance(converter, IntegerConverter):
                values[arg] = ids.get(arg, 1)
            else:
                values[arg] = "x"
        yield rule.build(values)[1]


def test_every_organiser_page_is_private_and_not_stored(app, client, auth, demo):
    with app.app_context():
        slug = db.session.get(Conference, demo).slug
    auth.login_as(conferences=[demo])
    urls = list(get_urls(app, slug, real_ids(app, demo)))
    assert len(urls) >= 10
    opened = 0
    problems = []
    for url in urls:
        with client.get(url) as response:
            opened += response.status_code == 200
            if response.headers.get("Cache-Control") != PRIVATE:
                problems.append(
                    f"{url} -> {response.status_code} "
                    f"Cache-Control: {response.headers.get('Cache-Control')}"
                )
    assert problems == []
    assert opened >= len(urls) - 2  # real pages, not just 404s


def test_any_page_seen_while_logged_in_is_not_stored(app, client, auth, demo):
    with app.app_context():
        slug = db.session.get(Conference, demo).slug
    auth.login_as(conferences=[demo])
    for url in ("/", f"/c/{slug}/agenda", "/no/such/page"):
        with client.get(url) as response:
            assert response.headers.get("Cache-Control") == PRIVATE, url


def test_public_pages_stay_cacheable_for_visitors(app, client, demo):
    with app.app_context():
        slug = db.session.get(Conference, demo).slug
    for url in ("/", f"/c/{slug}/agenda", f"/c/{slug}/schedule.json"):
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert "no-store" not in response.headers.get("Cache-Control", ""), url


def test_static_files_stay_cacheable_while_logged_in(client, auth):
    auth.login_as()
    with client.get("/static/css/site.css") as response:
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")
