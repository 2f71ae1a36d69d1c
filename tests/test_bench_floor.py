"""The benchmark's floor builds the same calendars silkmeet serves: read back
into plain tuples and built again by bare icalendar, byte for byte."""

from __future__ import annotations

import pytest

from silkmeet.bench_floor import floor_build
from silkmeet.bench_floor import floor_parts
from silkmeet.extensions import db
from silkmeet.models import Conference


@pytest.mark.parametrize("which", ["speaker", "chair", "removed", "calendar"])
def test_the_floor_rebuilds_silkmeets_own_bytes(app, client, demo, which):
    with app.app_context():
        conference = db.session.get(Conference, demo)
        people = {p.role: p for p in conference.participations}
        slug = conference.slug
        if which == "removed":
            person = people["speaker"]
            from silkmeet.db import utcnow

            person.removed_at = utcnow()
            db.session.commit()
            token = person.token
        elif which != "calendar":
            token = people[which].token
    url = (
        f"/c/{slug}/calendar.ics"
        if which == "calendar"
        else f"/c/{slug}/invites/{token}.ics"
    )
    data = client.get(url).data
    assert data.startswith(b"BEGIN:VCALENDAR")
    assert floor_build(floor_parts(data)) == data
