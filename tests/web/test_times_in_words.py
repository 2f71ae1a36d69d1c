"""Times said in words on the pages and in the invites (issue 14, points 3 and
4): whole ranges, each end with its own offset and date, and the planner's
clock-change notice for the newcomer's Rome meeting on 28 March 2027."""

import html

import icalendar
from factories import OCTOBER_NIGHT
from factories import ROME_2027

from silkmeet.extensions import db
from silkmeet.models import Conference


def tokens(app, conference_id):
    with app.app_context():
        conference = db.session.get(Conference, conference_id)
        return {p.person.full_name: p.token for p in conference.participations}


def test_the_rome_planner_says_when_the_clocks_change(client, auth, make_conference):
    cid = make_conference(**ROME_2027)
    auth.login_as(conferences=[cid])
    text = html.unescape(client.get("/organiser/c/rome/planner").get_data(as_text=True))
    assert (
        "Time change: Europe/Rome (the conference's zone, 1 person): clocks go"
        " forward 1 hour on Sun 28 Mar 2027, 02:00 → 03:00 local time (UTC+01:00 →"
        " UTC+02:00), on the meeting day, before it starts (10:00–12:30 CEST there)"
        in text
    )
    assert "in the week before" not in text and "at 03:00 local time" not in text
    # Tashkent, São Paulo and Tokyo keep their clocks: no notice for them.
    assert text.count("Time change:") == 1
    assert (
        "Current start</strong> Sun 28 Mar 2027, 10:00–12:30 CEST (UTC+02:00)" in text
    )


def test_a_slot_across_the_clock_change_names_both_offsets(
    app, client, auth, make_conference
):
    # 00:30–01:30 UTC on 25 October 2026: 02:30 CEST to 02:30 CET in Paris.
    cid = make_conference(**OCTOBER_NIGHT)
    token = tokens(app, cid)["Claire Martin"]
    both = "Sun 25 Oct 2026, 02:30 CEST (UTC+02:00) – 02:30 CET (UTC+01:00)"

    invite = icalendar.Calendar.from_ical(
        client.get(f"/c/night/invites/{token}.ics").get_data()
    )
    description = str(invite.walk("VEVENT")[0]["DESCRIPTION"])
    assert f"Your time (Europe/Paris): {both}" in description
    assert f"You speak: {both}" in description
    assert "02:30–02:30" not in description

    page = html.unescape(client.get(f"/c/night/me/{token}").get_data(as_text=True))
    assert page.count(both) == 2  # the meeting, and the speaking slot
    assert "02:30–02:30" not in page

    # The organisers' lineup names the speaker's slot and the night the same way.
    auth.login_as(conferences=[cid])
    lineup = html.unescape(
        client.get("/organiser/c/night/lineup").get_data(as_text=True)
    )
    assert "02:30 CEST – 02:30 CET" in lineup
    assert (
        "Claire Martin speaks Sun 25 Oct, 02:30 CEST – 02:30 CET in their own zone"
        " Europe/Paris: outside 07:00–22:00." in lineup
    )
