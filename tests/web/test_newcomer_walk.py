"""Issue 14's newcomer, end to end, counted in the requests their browser
makes: log in, create the Rome conference of Sunday 28 March 2027 (the EU
clock change) with the form, import seven people by CSV, build the lineup in
one action, then the agenda, an invite, the run-of-show (printed) and the
live view, rehearsed. It took 132 actions before; it must take under 40."""

from __future__ import annotations

import io
import re
from datetime import UTC
from datetime import datetime
from html.parser import HTMLParser

import icalendar
from factories import NEWCOMER_CSV
from factories import Browser
from factories import import_confirmation
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import Conference


class FormValues(HTMLParser):
    """What a browser submits from the page's first POST form with a field
    called ``marker``: every field with the value the page gave it."""

    def __init__(self, marker: str):
        super().__init__()
        self.marker = marker
        self.forms: list[dict] = []
        self.current: dict | None = None
        self.select: str | None = None
        self.first_option = False
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.current = {}
        if self.current is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.current[name] = a.get("value", "y")
            elif kind not in ("submit", "button", "file"):
                self.current[name] = a.get("value", "")
        elif tag == "select" and name:
            self.select = name
            self.first_option = True
        elif tag == "option" and self.select:
            # No option marked selected: a browser sends the first.
            if "selected" in a or self.first_option:
                self.current[self.select] = a.get("value", "")
            self.first_option = False
        elif tag == "textarea" and name:
            self.textarea = name
            self.current[name] = ""

    def handle_data(self, data):
        if self.textarea and self.current is not None:
            # A browser drops the newline that opens a textarea's content.
            text = self.current[self.textarea] + data
            self.current[self.textarea] = text.removeprefix("\r\n").removeprefix("\n")

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.current is not None:
            self.forms.append(self.current)
            self.current = None

    @classmethod
    def of(cls, page: str, marker: str) -> dict:
        parser = cls(marker)
        parser.feed(page)
        return next(form for form in parser.forms if marker in form)


def test_the_newcomers_rome_conference_takes_under_40_actions(client, auth, app):
    auth.create()
    browser = Browser(client)
    # Log in: the organiser lands on their conferences.
    browser.request("GET", "/auth/login")
    page = browser.request(
        "POST",
        "/auth/login",
        data={"email": "org@example.org", "password": "correct horse battery"},
    ).get_data(as_text=True)
    assert "New conference" in page

    # The conference, with the form: its link name is made from the title.
    page = browser.request("GET", "/organiser/new").get_data(as_text=True)
    form = FormValues.of(page, "title")
    form |= {
        "title": "Rome Silk Cities 2027",
        "slug": "",
        "timezone": "Europe/Rome",
        "start": "2027-03-28T10:00",
        "duration_minutes": "150",
        "languages": "it, en",
    }
    browser.request("POST", "/organiser/new", data=form)
    with app.app_context():
        conference = db.session.scalar(select(Conference))
        slug = conference.slug
    assert slug == "rome-silk-cities-2027"
    base = f"/organiser/c/{slug}"

    # Seven people by CSV: the form, the preview, the import.
    browser.request("GET", f"{base}/people/import")
    preview = browser.request(
        "POST",
        f"{base}/people/import",
        data={"file": (io.BytesIO(NEWCOMER_CSV.encode()), "people.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    browser.request(
        "POST", f"{base}/people/import/confirm", data=import_confirmation(preview)
    )

    # The lineup in one action: four country blocks and the frame.
    page = browser.request("GET", f"{base}/lineup").get_data(as_text=True)
    version = re.search(r'name="lineup_version" type="hidden" value="(\d+)"', page)
    page = browser.request(
        "POST",
        f"{base}/lineup/build",
        data={"frame": "y", "lineup_version": version.group(1)},
    ).get_data(as_text=True)
    assert "4 country blocks" in page

    # The agenda, as the organiser sees it (a draft, and it says so).
    agenda = browser.request("GET", f"/c/{slug}/agenda").get_data(as_text=True)
    assert "Draft." in agenda
    for country in ("Brazil", "Italy", "Japan", "Uzbekistan"):
        assert country in agenda
    # Shown as people wrote their names, with the Latin form beside them.
    assert "Шавкат Умурзаков" in agenda and "Shavkat Umurzakov" in agenda

    # An invite: the Invites page, then one person's calendar file.
    invites = browser.request("GET", f"{base}/invites").get_data(as_text=True)
    link = re.search(rf'href="({base}/invites/\d+\.ics)"', invites).group(1)
    calendar = icalendar.Calendar.from_ical(browser.request("GET", link).data)
    event = next(iter(calendar.walk("VEVENT")))
    # 10:00 in Rome on the day the clocks went forward: 08:00 UTC.
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(
        2027, 3, 28, 8, 0, tzinfo=UTC
    )
    assert str(event.get("SEQUENCE", 0)) == "0"

    # The run-of-show, printed, then the live view, rehearsed.
    sheet = browser.request("GET", f"/c/{slug}/run-of-show").get_data(as_text=True)
    browser.request(
        "POST",
        f"/c/{slug}/run-of-show/print",
        data=FormValues.of(sheet, "csrf_token") if "csrf_token" in sheet else {},
    )
    live = browser.request("GET", f"/c/{slug}/run-of-show/live").get_data(as_text=True)
    assert "rehearsal" in live.lower()
    live = browser.request("POST", f"/c/{slug}/run-of-show/live/rehearsal").get_data(
        as_text=True
    )
    assert "Rehearsal" in live

    assert [u for u, status in browser.answered if status != 200] == []
    assert browser.actions < 40, browser.actions
