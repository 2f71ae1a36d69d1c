"""Walk every route: who gets in where.

Anonymous visitors get a login redirect, 404 or a public page; an organiser gets
403/404 on another organiser's conference; a delegate token opens only its own
conference's pages. New routes are covered automatically: a route that is public
must be listed in PUBLIC with the reason.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.models import Participation

# Endpoints anybody may open: (endpoint, why).
PUBLIC = {
    "static": "stylesheets and scripts",
    "main.index": "lists published conferences",
    "main.healthz": "load balancer probe",
    "main.favicon": "the site icon (a redirect to a static file)",
    "auth.login": "the login form",
}
# Public only for a conference whose agenda is public (or with a token/key).
PUBLIC_WHEN_AGENDA_IS_PUBLIC = {
    "agenda.show_agenda",
    "agenda.schedule_json",
    "agenda.schedule_csv",
    "agenda.schedule_frab_xml",
    "agenda.schedule_frab_json",
    "invites.conference_calendar",
}
TOKEN_ARGS = {"token"}
FAKE_TOKEN = "A" * 43


def sample_url(app, rule, slug: str, token: str) -> str:
    values = {}
    for arg in path_args(rule):
        if arg in TOKEN_ARGS:
            values[arg] = token
        elif arg == "slug":
            values[arg] = slug
        elif isinstance(rule._converters[arg], IntegerConverter):
            values[arg] = 1
        elif arg == "filename":
            values[arg] = "css/site.css"
        else:
            values[arg] = "x"
    return rule.build(values)[1]


def path_args(rule) -> set[str]:
    """The arguments in the URL itself (not a rule's defaults)."""
    return set(rule._converters)


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def is_login_redirect(response) -> bool:
    return response.status_code in (301, 302, 303) and "/auth/login" in (
        response.headers.get("Location", "")
    )


def test_every_route_is_closed_to_anonymous_visitors(app, client, demo):
    with app.app_context():
        conference = db.session.get(Conference, demo)
        conference.agenda_visibility = "link"  # nothing public about it now
        db.session.commit()
        slug = conference.slug
    problems = []
    for rule, method in routes(app):
        if rule.endpoint in PUBLIC or rule.endpoint == "auth.logout":
            continue
        url = sample_url(app, rule, slug, FAKE_TOKEN)
        response = client.open(url, method=method)
        ok = is_login_redirect(response) or response.status_code in (401, 403, 404, 405)
        if not ok:
            problems.append(
                f"{method} {url} ({rule.endpoint}) -> {response.status_code}"
            )
    assert problems == []


def test_another_organisers_conference_is_closed(
    app, client, auth, demo, make_conference
):
    mine = make_conference(slug="mine", title="Mine")
    auth.login_as("a@example.org", conferences=[mine])
    with app.app_context():
        theirs = db.session.get(Conference, demo)
        theirs.agenda_visibility = "link"
        db.session.commit()
        slug = theirs.slug
    problems = []
    for rule, method in routes(app):
        if "slug" not in path_args(rule) or path_args(rule) & TOKEN_ARGS:
            continue
        if rule.endpoint in PUBLIC:
            continue
        url = sample_url(app, rule, slug, FAKE_TOKEN)
        response = client.open(url, method=method)
        body = response.get_data(as_text=True)
        if response.status_code not in (403, 404, 405):
            problems.append(f"{method} {url} -> {response.status_code}")
        elif "Lepingle" in body or "Silk Cities" in body:
            problems.append(f"{method} {url} leaks conference data")
    assert problems == []


def test_a_token_opens_only_its_own_conference(app, client, demo, make_conference):
    other = make_conference(slug="other", speakers=[("Ana", "BR", "America/Sao_Paulo")])
    with app.app_context():
        token = db.session.scalar(
            select(Participation.token).where(Participation.conference_id == other)
        )
        demo_slug = db.session.get(Conference, demo).slug
    problems = []
    for rule, method in routes(app):
        if not path_args(rule) & TOKEN_ARGS or "slug" not in path_args(rule):
            continue
        # The right token under the wrong conference, and a made-up token.
        for url in (
            sample_url(app, rule, demo_slug, token),
            sample_url(app, rule, "other", FAKE_TOKEN),
        ):
            response = client.open(url, method=method)
            if response.status_code not in (404, 405):
                problems.append(f"{method} {url} -> {response.status_code}")
    assert problems == []


@pytest.mark.parametrize("endpoint", sorted(PUBLIC))
def test_public_endpoints_exist(app, endpoint):
    assert endpoint in {rule.endpoint for rule in app.url_map.iter_rules()}


def test_tokens_are_not_guessable():
    from silkmeet.models.conference import new_token

    tokens = {new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", t) for t in tokens)


def test_agenda_visibility_decides_the_public_pages(app, client, demo):
    with app.app_context():
        slug = db.session.get(Conference, demo).slug
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint in PUBLIC_WHEN_AGENDA_IS_PUBLIC
        and "key" not in path_args(rule)
    ]
    assert {rule.endpoint for rule in rules} == PUBLIC_WHEN_AGENDA_IS_PUBLIC
    for rule in rules:
        url = sample_url(app, rule, slug, FAKE_TOKEN)
        assert client.get(url).status_code == 200, url
    with app.app_context():
        conference = db.session.get(Conference, demo)
        conference.agenda_visibility = "link"
        key = conference.agenda_share_token
        db.session.commit()
    for rule in rules:
        url = sample_url(app, rule, slug, FAKE_TOKEN)
        assert client.get(url).status_code == 404, url
        assert client.get(url + "?key=" + key).status_code == 200, url


def test_organiser_ids_never_reach_another_conference(
    app, client, auth, demo, make_conference
):
    """No IDOR: ids of conference B under organiser A's own slug give 404."""
    mine = make_conference(slug="mine", speakers=[("Ana", "BR", "America/Sao_Paulo")])
    auth.login_as("a@example.org", conferences=[mine])
    with app.app_context():
        foreign_ids = db.session.scalars(
            select(Participation.id).where(Participation.conference_id == demo)
        ).all()
    problems = []
    for rule, method in routes(app):
        ints = [
            arg
            for arg in path_args(rule)
            if isinstance(rule._converters[arg], IntegerConverter)
        ]
        if not ints or "slug" not in path_args(rule):
            continue
        for foreign in foreign_ids[:3]:
            values = {arg: foreign for arg in ints}
            values["slug"] = "mine"
            url = rule.build(values)[1]
            response = client.open(url, method=method)
            if response.status_code not in (404, 405):
                problems.append(f"{method} {url} -> {response.status_code}")
    assert problems == []
