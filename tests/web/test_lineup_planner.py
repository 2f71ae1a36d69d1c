"""The planner (/organiser/c/<slug>/planner, the lineup blueprint): organisers
only, the ranking of starts, refused queries, typed times around clock changes."""

import pytest

SLUG = "silk-cities-2020"


def test_planner_requires_rights(app, client, auth, demo):
    r = client.get(f"/organiser/c/{SLUG}/planner")
    assert r.status_code in (302, 303) and "/auth/login" in r.headers["Location"]
    auth.login_as("other@example.org")
    assert client.get(f"/organiser/c/{SLUG}/planner").status_code == 403
    assert client.get("/organiser/c/nope/planner").status_code == 404


def test_planner_default_and_ranking(client, auth, demo):
    auth.login_as(conferences=[demo])
    r = client.get(f"/organiser/c/{SLUG}/planner")
    text = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "3 outside 07–22" in text
    assert "Fri 20 Nov, 11:00–13:00</a>" in text
    # The current start, and who is outside the day window, as ranges.
    assert "Fri 20 Nov 2020, 14:00–16:00 CET (UTC+01:00) &mdash;" in text
    assert "Japan (1): Fri 20 Nov, 22:00 – Sat 21 Nov, 00:00 JST" in text
    assert text.count('class="q ') == 96 * 9


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date=2026-01-01&until=2026-02-15&duration=60", "at most 31 days"),
        ("date=2026-01-01&duration=1500", "give a number of minutes from 1 to 1440"),
        ("date=2026-01-01&time=25:00", "HH:MM"),
    ],
)
def test_planner_refuses(client, auth, demo, query, message):
    auth.login_as(conferences=[demo])
    r = client.get(f"/organiser/c/{SLUG}/planner?{query}")
    assert r.status_code == 400 and message in r.get_data(as_text=True)


def test_planner_typed_times_and_dst(client, auth, make_conference):
    cid = make_conference(
        start="2026-10-20T14:00:00", speakers=[("Ann", "US", "America/New_York")]
    )
    auth.login_as(conferences=[cid])
    text = client.get(
        "/organiser/c/test-conf/planner?date=2026-10-25&time=02:30&duration=60"
    ).get_data(as_text=True)
    assert "happens twice" in text and "at=2026-10-25T00:30:00Z" in text
    text = client.get(
        "/organiser/c/test-conf/planner?date=2026-03-29&time=02:30&duration=60"
    ).get_data(as_text=True)
    assert "does not exist" in text
    text = client.get(
        "/organiser/c/test-conf/planner?date=2026-10-28&time=14:00&duration=60"
    ).get_data(as_text=True)
    assert (
        "Europe/Paris (the conference&#39;s zone): clocks go back 1 hour on Sun 25"
        " Oct 2026, 03:00 → 02:00 local time (UTC+02:00 → UTC+01:00), 3 days"
        " before the meeting day (Wed 28 Oct, 14:00–15:00 CET there)" in text
    )
    text = client.get(
        "/organiser/c/test-conf/planner?date=2026-11-01&duration=60"
        "&at=2026-11-01T05:30:00Z"
    ).get_data(as_text=True)
    assert (
        "America/New_York (1 person): clocks go back 1 hour on Sun 01 Nov 2026,"
        " 02:00 → 01:00 local time (UTC-04:00 → UTC-05:00), during the meeting"
        " (01:30 EDT – 01:30 EST there)" in text
    )
