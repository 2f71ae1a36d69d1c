"""Plain helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import copy
import json
import os
from importlib import resources

import icalendar
from ical.calendar_stream import IcsCalendarStream

TEST_DATABASE_URL = os.environ.get("SILKMEET_TEST_DATABASE_URL", "sqlite://")
# The uid of a conference imported as a copy of another (another meeting).
COPY_UID = "0b9cf2a4-3c1e-4f5e-9d7a-2f6b8c1d4e30"

# ``make_conference(**ROME_2027)``: issue 14's newcomer, Rome on Sunday 28 March
# 2027 at 10:00, the night the EU clocks go forward, 150 minutes.
ROME_2027 = dict(
    slug="rome",
    title="Rome on the night of the clock change",
    timezone="Europe/Rome",
    start="2027-03-28T10:00:00",
    duration=150,
    speakers=[
        ("Giulia Rossi", "IT", "Europe/Rome"),
        ("Shavkat Umurzakov", "UZ", "Asia/Tashkent"),
        ("Ana Souza", "BR", "America/Sao_Paulo"),
        ("山田 太郎", "JP", "Asia/Tokyo"),
    ],
    item_minutes=25,
)
# One Paris speaker, 00:30–01:30 UTC on 25 October 2026: 02:30 CEST to 02:30 CET.
OCTOBER_NIGHT = dict(
    slug="night",
    timezone="UTC",
    start="2026-10-25T00:30:00",
    duration=60,
    speakers=[("Claire Martin", "FR", "Europe/Paris")],
    item_minutes=60,
)


def demo_data() -> dict:
    text = (
        resources.files("silkmeet.demo").joinpath("silk-cities-2020.json").read_text()
    )
    return json.loads(text)


BASE_DOC = {
    "format": 1,
    "conference": {
        "slug": "test-conf",
        "title": "Test conference",
        "timezone": "Europe/Paris",
        "start": "2026-03-30T14:00:00",
        "duration_minutes": 60,
        "status": "published",
        "video_call": {"join_url": "https://meet.example.org/abc?x=1&y=2"},
    },
    "organisations": [],
    "hosts": [],
    "participants": [],
    "agenda": [],
}


def build_doc(
    slug: str = "test-conf",
    timezone: str = "Europe/Paris",
    start: str | None = "2026-03-30T14:00:00",
    duration: int = 60,
    speakers: list[tuple] = (),
    item_minutes: int = 10,
    **conference,
) -> dict:
    """A format-1 document: each speaker ``(name, country, zone)`` gets one item."""
    doc = copy.deepcopy(BASE_DOC)
    doc["conference"].update(
        slug=slug,
        timezone=timezone,
        start=start,
        duration_minutes=duration,
        **conference,
    )
    for n, (name, country, zone) in enumerate(speakers):
        key = f"p{n}"
        doc["participants"].append(
            {
                "key": key,
                "role": "speaker",
                "delegation_country": country,
                "person": {"full_name": name, "country": country, "timezone": zone},
            }
        )
        doc["agenda"].append(
            {
                "kind": "country_presentation",
                "title": f"{name} speaks",
                "country": country,
                "duration_minutes": item_minutes,
                "speakers": [{"participant": key}],
            }
        )
    return doc


def parse_ics(data: bytes):
    """``data`` read by icalendar and by the stricter ical: both must accept it."""
    loose = icalendar.Calendar.from_ical(data)
    strict = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    return loose, strict


def import_confirmation(page: str) -> dict:
    """The hidden fields of a CSV preview's Import button."""
    return {
        name: page.split(marker)[1].split('"')[0]
        for name in ("payload", "ticket")
        if (marker := f'name="{name}" type="hidden" value="') in page
    }


def live_clock(monkeypatch, app, conference_id: int):
    """A settable clock for the live run-of-show, starting at the conference's
    start: ``tick(minutes=, seconds=, days=)`` moves it on (back, if
    negative) and returns the new now."""
    from datetime import timedelta

    from silkmeet.extensions import db
    from silkmeet.models import Conference
    from silkmeet.runofshow import operations

    with app.app_context():
        start = db.session.get(Conference, conference_id).start_at
    state = {"now": start}
    monkeypatch.setattr(operations, "now", lambda: state["now"])

    def tick(minutes=0, seconds=0, days=0):
        state["now"] += timedelta(days=days, minutes=minutes, seconds=seconds)
        return state["now"]

    return tick


# The same conference before its people are in: for the lineup builder.
ROME_2027_NO_PEOPLE = {**ROME_2027, "speakers": []}
# The newcomer's seven people of issue 14 (Rome, 28 March 2027): Italy,
# Uzbekistan, Brazil and Japan; a chair and a host representative among them.
NEWCOMER_CSV = (
    "full_name,latin_name,country,timezone,role,delegation_country,email\n"
    "Giulia Conti,,IT,Europe/Rome,chair,IT,giulia@example.it\n"
    "Marco Rossi,,IT,Europe/Rome,host_representative,IT,marco@example.it\n"
    "Luca Bianchi,,IT,Europe/Rome,speaker,IT,luca@example.it\n"
    "Шавкат Умурзаков,Shavkat Umurzakov,UZ,Asia/Tashkent,speaker,UZ,"
    "shavkat@example.uz\n"
    "Dilnoza Karimova,,UZ,Asia/Tashkent,speaker,UZ,dilnoza@example.uz\n"
    "Ana Souza,,BR,America/Sao_Paulo,speaker,BR,ana@example.br\n"
    "山田 太郎,Yamada Taro,JP,,speaker,JP,yamada@example.jp\n"
)


def personal_token(app, full_name: str) -> str:
    """The personal-link token of the participant named ``full_name``."""
    from sqlalchemy import select

    from silkmeet.extensions import db
    from silkmeet.models import Participation
    from silkmeet.models import Person

    with app.app_context():
        return db.session.scalar(
            select(Participation.token)
            .join(Person, Person.id == Participation.person_id)
            .where(Person.full_name == full_name)
        )
