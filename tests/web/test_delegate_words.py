"""What delegates read goes through Flask-Babel (issue 16, point 1): the
extraction finds the words of the agenda, the invites, the answers and the
e-mails; the pages render in any language (English while the catalogs are
being written); and what is kept between requests (the agenda table, the
invite plan) is kept per language, so one language's words never reach a
reader of another.

A pseudo-translation stands in for the catalogs the lead writes at the end:
in French every message comes back between « », so a test can see which
words were translated and which language built what it got."""

from __future__ import annotations

from pathlib import Path

import flask_babel
import icalendar
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS
from babel.messages.extract import extract_from_dir
from babel.support import NullTranslations
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.i18n import gettext
from silkmeet.models import Conference
from silkmeet.models import Participation

ROOT = Path(__file__).resolve().parents[2]
SLUG = "silk-cities-2020"
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "N_": None}


def extracted(folder: str, method_map) -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT / folder, method_map, keywords=KEYWORDS
    ):
        found.update([message] if isinstance(message, str) else message)
    return found


@pytest.fixture(scope="module")
def template_messages():
    return extracted(
        "templates",
        [
            (f"{folder}/**.{ext}", "jinja2")
            for folder in ("agenda", "invites", "answers", "mail")
            for ext in ("html", "txt")
        ],
    )


@pytest.fixture(scope="module")
def python_messages():
    return extracted("silkmeet", [("**.py", "python")])


@pytest.mark.parametrize(
    "message",
    [
        "Add it to your calendar",  # the delegate page
        "Your speaking slots",  # a plural
        "Will you join?",  # the answer box
        "Dear %(name)s,",  # every e-mail
        'You speak: %(time)s, in "%(title)s"',  # the text part
        "Invitation: %(title)s, %(start)s",  # a subject
        "Reminder: %(title)s starts in %(lead)s",
        "Send invitations by e-mail",  # the Invites page
        "No message matches.",  # the outbox
        "and shading: outside %(hours)s local time · “+1 day” the local date is"
        " after the conference date (%(date)s in %(zone)s).",
    ],
)
def test_extraction_finds_the_templates_words(template_messages, message):
    assert message in template_messages


@pytest.mark.parametrize(
    "message",
    [
        "Your role: %(role)s",  # the invite's DESCRIPTION (domain/ics.py)
        "Cancelled: %(summary)s",  # a cancelled event's SUMMARY
        "Your speaking slot in %(title)s.",
        "The conference moved: %(moved)s",  # domain/invitation_state.py
        "%(date)s (all day)",  # domain/ics_summary.py
        "Everyone not yet invited",  # invites/sending.py, marked with N_
        "not reachable: no e-mail address",  # invites/audience.py, N_
        "speaker_outside_hours",  # the schedule CSV's header (domain/exports.py)
        "Accept",  # domain/answers.py, the answer buttons
        "Thank you: your answer is recorded.",  # a flash
        "Choose one of the roles in the list.",  # a form's error
        "Nudges need a start that is still to come.",
        "not one mailbox: %(text)s",  # domain/mailbox.py
        "%(num)d day",  # the reminder's lead
    ],
)
def test_extraction_finds_the_python_words(python_messages, message):
    assert message in python_messages


class Pseudo(NullTranslations):
    """Every message between « »: visibly translated."""

    def ugettext(self, message):
        return f"«{message}»"

    def ungettext(self, singular, plural, n):
        return f"«{singular if n == 1 else plural}»"

    def upgettext(self, context, message):
        return f"«{message}»"

    def unpgettext(self, context, singular, plural, n):
        return f"«{singular if n == 1 else plural}»"

    gettext, ngettext, pgettext, npgettext = ugettext, ungettext, upgettext, unpgettext


@pytest.fixture
def pseudo_french(monkeypatch):
    real = flask_babel.Domain.get_translations

    def translations(self):
        if str(flask_babel.get_locale()) == "fr":
            return Pseudo()
        return real(self)

    monkeypatch.setattr(flask_babel.Domain, "get_translations", translations)


@pytest.fixture
def token(app, demo):
    with app.app_context():
        return db.session.scalar(
            select(Participation.token)
            .where(Participation.conference_id == demo)
            .order_by(Participation.id)
        )


def get(client, url, headers=None) -> str:
    response = client.get(url, headers=headers or {})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def test_the_delegate_pages_render_in_every_language(client, demo, token):
    for lang in ("fr", "zh-Hans", "ka"):
        page = get(client, f"/c/{SLUG}/me/{token}?lang={lang}")
        assert f'<html lang="{lang}"' in page
        with client.application.test_request_context(f"/?lang={lang}"):
            words = gettext("Add it to your calendar")
        assert words != "Add it to your calendar"
        assert words in page
        assert "Add it to your calendar" not in page
        if lang == "zh-Hans":
            assert "2020年11月20日" in page  # dates in the reader's conventions
        if lang == "fr":
            assert "20 novembre 2020" in page
        get(client, f"/c/{SLUG}/agenda?lang={lang}")
        icalendar.Calendar.from_ical(
            client.get(f"/c/{SLUG}/invites/{token}.ics?lang={lang}").data
        )


def test_the_organisers_pages_render_under_lang(client, demo, auth, token):
    auth.login_as(conferences=[demo])
    for url in (
        f"/organiser/c/{SLUG}/invites",
        f"/organiser/c/{SLUG}/answers",
        f"/organiser/c/{SLUG}/outbox",
    ):
        assert '<html lang="fr"' in get(client, f"{url}?lang=fr")


def test_the_agenda_table_is_kept_per_language(client, demo, pseudo_french):
    french = get(client, f"/c/{SLUG}/agenda?lang=fr")
    english = get(client, f"/c/{SLUG}/agenda?lang=en")
    # The table (built once, kept per content version and zone) says "Item"
    # in its header and on every row; French first must not leave its words
    # in the English page, nor the reverse.
    assert '<th scope="col">«Item»</th>' in french
    assert 'data-label="«Item»"' in french
    assert '<th scope="col">Item</th>' in english
    assert "«" not in english
    assert '<th scope="col">«Item»</th>' in get(client, f"/c/{SLUG}/agenda?lang=fr")


def description(data: bytes) -> str:
    calendar = icalendar.Calendar.from_ical(data)
    return str(next(iter(calendar.walk("VEVENT")))["DESCRIPTION"])


def test_an_invite_carries_the_words_of_the_language_it_was_built_in(
    app, client, demo, token, pseudo_french
):
    with app.app_context():
        conference = db.session.get(Conference, demo)
        conference.video_platform = ""  # the CONFERENCE label says "Video call"
        conference.join_url = "https://call.example.org/silk"
        db.session.commit()
    french = client.get(f"/c/{SLUG}/invites/{token}.ics?lang=fr").data
    english = client.get(f"/c/{SLUG}/invites/{token}.ics?lang=en").data
    assert "«Your role: %(role)s»" not in description(french)  # formatted
    assert description(french).startswith("«Your role: ")
    assert description(english).startswith("Your role: ")
    # The shared lines come from the plan kept per content version: its
    # CONFERENCE label is in the language the plan was built for.
    assert label(french) == "«Video call»"
    assert label(english) == "Video call" and "«".encode() not in english


def label(data: bytes) -> str:
    calendar = icalendar.Calendar.from_ical(data)
    return next(iter(calendar.walk("VEVENT")))["CONFERENCE"].params["LABEL"]


def test_a_speaker_with_the_floor_reads_their_page_in_french(
    app, client, demo, monkeypatch
):
    # While they speak, the page still holds the (hidden) "N speakers before
    # you" line, with no count to give: French's plural rule must not be asked
    # about a missing number.
    from silkmeet.models import Person
    from silkmeet.runofshow import operations as ros_ops

    with app.app_context():
        conference = db.session.get(Conference, demo)
        opening = db.session.scalar(  # the demo's opening speaker
            select(Participation.token)
            .join(Person)
            .where(Person.full_name == "Xavier Lepingle")
        )
        start_at = conference.start_at
        monkeypatch.setattr(ros_ops, "now", lambda: start_at)
        ros_ops.start(conference, None)
        db.session.commit()
    page = get(client, f"/c/{SLUG}/me/{opening}?lang=fr")
    assert '<html lang="fr"' in page
    assert '<p class="live-turn-big" data-show="speaking">' in page
