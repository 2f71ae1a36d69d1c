"""The benchmark's premise: the agenda, delegate page, planner and schedule
exports run the same number of SQL statements whatever the conference's size."""

from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import Participation
from silkmeet.synthetic import synthetic_document


def make_synthetic(make_conference, slug, items, people):
    doc = synthetic_document(slug, items, people)
    # A chair: the agenda names them.
    doc["participants"][-1]["role"] = "chair"
    return make_conference(data=doc)


def statements_for(sql_statements, client, urls):
    counts = {}
    for label, url in urls:
        with sql_statements() as statements:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[label] = len(statements)
    return counts


def conference_urls(app, conference_id, slug):
    with app.app_context():
        tokens = db.session.scalars(
            select(Participation.token)
            .where(Participation.conference_id == conference_id)
            .order_by(Participation.id)
        ).all()
    return [
        ("agenda", f"/c/{slug}/agenda"),
        ("agenda in another zone", f"/c/{slug}/agenda?tz=Asia/Kathmandu"),
        ("speaker's page", f"/c/{slug}/me/{tokens[0]}"),
        ("delegate's page", f"/c/{slug}/me/{tokens[-2]}"),
        ("chair's page", f"/c/{slug}/me/{tokens[-1]}"),
        ("schedule JSON", f"/c/{slug}/schedule.json"),
        ("frab XML", f"/c/{slug}/schedule.frab.xml"),
        ("frab JSON", f"/c/{slug}/schedule.frab.json"),
        ("planner", f"/organiser/c/{slug}/planner"),
    ]


def test_statements_do_not_grow_with_the_conference(
    app, client, auth, make_conference, sql_statements
):
    small = make_synthetic(make_conference, "small", items=4, people=20)
    large = make_synthetic(make_conference, "large", items=40, people=300)
    auth.login_as(conferences=(small, large))
    counts_small = statements_for(
        sql_statements, client, conference_urls(app, small, "small")
    )
    counts_large = statements_for(
        sql_statements, client, conference_urls(app, large, "large")
    )
    assert counts_small == counts_large
    # Loading the lineup is a handful of statements, not one per item or person.
    assert all(n <= 12 for n in counts_large.values()), counts_large
