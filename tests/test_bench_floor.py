"""The benchmark's floor builds the same calendars silkmeet serves: read back
into plain tuples and built again by bare icalendar, byte for byte."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from bench import floor_build  # noqa: E402
from bench import floor_parts  # noqa: E402

from silkmeet.extensions import db  # noqa: E402
from silkmeet.models import Conference  # noqa: E402


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
