"""Numbers in URLs beyond what an id column holds: 404, on every ``<int:>`` route.

PostgreSQL refuses 2**31 for an ``integer`` parameter (a 500 before the app-wide
converter); SQLite overflows at 2**63. New routes are covered automatically.
"""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from silkmeet.extensions import db
from silkmeet.models import Conference

TOO_BIG = [2**31, 2**63, 10**30]


def int_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values())
    ]


def test_there_are_int_routes_to_walk(app):
    assert len(int_rules(app)) >= 5


@pytest.mark.parametrize("number", TOO_BIG)
def test_every_int_route_refuses_numbers_beyond_a_column(
    app, client, auth, demo, number
):
    with app.app_context():
        slug = db.session.get(Conference, demo).slug
    auth.login_as(conferences=[demo])
    problems = []
    for rule in int_rules(app):
        values = {}
        for arg, converter in rule._converters.items():
            values[arg] = number if isinstance(converter, IntegerConverter) else slug
        # Built by hand: the converter may rightly refuse to build such a URL.
        path = rule.rule
        for arg, value in values.items():
            path = path.replace(f"<{arg}>", str(value))
            path = path.replace(f"<int:{arg}>", str(value))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            with client.open(path, method=method) as response:
                if response.status_code != 404:
                    problems.append(f"{method} {path} -> {response.status_code}")
    assert problems == []


def test_the_largest_id_still_reaches_the_view(app, client, auth, demo):
    """2**31 - 1 fits the column: the view runs and answers its own 404."""
    with app.app_context():
        slug = db.session.get(Conference, demo).slug
    auth.login_as(conferences=[demo])
    url = f"/organiser/c/{slug}/people/{2**31 - 1}/edit"
    with client.get(url) as response:
        assert response.status_code == 404
        assert app.url_map.bind("localhost").match(url)[1] == {
            "slug": slug,
            "participation_id": 2**31 - 1,
        }
