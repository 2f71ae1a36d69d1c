"""Every e-mail to a participant is built in the language they read: its
Content-Language, the ``<html lang>`` of its HTML part, and the titles the
organisers gave in that language (subject, body, calendar), and the words
of the catalogs (read here from the catalog itself, under force_locale)."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.i18n import force_locale
from silkmeet.i18n import gettext
from silkmeet.invites.rows import personal_row
from silkmeet.mail import messages
from silkmeet.models import Participation
from silkmeet.models import Person

SENDER = ("Silk Cities invitations", "invites@silkmeet.example")
SITE = "https://silkmeet.example"
TITLE_FR = "Visioconférence du Réseau international des villes et métropoles de la soie"
TITLE_JA = "国際シルク都市・メトロポール・ネットワーク ビデオ会議"


def row_of(full_name: str):
    pid = db.session.scalar(
        select(Participation.id).join(Person).where(Person.full_name == full_name)
    )
    return personal_row(Participation.id == pid)


def read(built: messages.Built):
    return email.message_from_bytes(
        built.message.as_bytes(), policy=email.policy.default
    )


def html_of(parsed) -> str:
    return parsed.get_body(("html",)).get_content()


def test_an_invitation_to_a_french_reader_is_built_in_french(app, demo):
    with app.test_request_context(base_url=SITE):
        # Li Na speaks Chinese first, and chose French (the demo).
        parsed = read(messages.build_invitation(row_of("Li Na"), sender=SENDER))
    assert parsed["Content-Language"] == "fr"
    html = html_of(parsed)
    assert '<html lang="fr" dir="ltr">' in html
    with app.test_request_context(), force_locale("fr"):
        prefix = gettext("Invitation: %(title)s, %(start)s", title=TITLE_FR, start="")
    assert prefix.startswith("Invitation : ")  # French puts a space before ":"
    assert parsed["Subject"].startswith(prefix)
    # CLDR's French date and zone name.
    assert parsed["Subject"].endswith(
        "ven. 20 novembre 2020, 14:00 heure normale d’Europe centrale (UTC+01:00)"
    )
    assert TITLE_FR in html
    [part] = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(part.get_content().encode())
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == TITLE_FR


def test_a_speaker_s_slot_is_titled_in_their_language(app, demo):
    with app.test_request_context(base_url=SITE):
        # 佐藤 美咲 speaks Japanese: no choice made, her languages decide.
        parsed = read(
            messages.build_invitation(row_of("佐藤 美咲"), sender=SENDER, slot=1)
        )
    assert parsed["Content-Language"] == "ja"
    assert '<html lang="ja" dir="ltr">' in html_of(parsed)
    text = parsed.get_body(("plain",)).get_content()
    assert TITLE_JA in text
    with app.test_request_context(), force_locale("ja"):
        line = gettext(
            'You speak: %(time)s, in "%(title)s"',
            time="2020年11月20日(金) 23:04～23:11 日本標準時 (UTC+09:00)",
            title="日本",
        )
    assert line.startswith("あなたの登壇：")
    assert line in text


@pytest.mark.parametrize("kind", ["reminder", "nudge"])
def test_reminders_and_nudges_follow_the_language_too(app, demo, kind):
    with app.test_request_context(base_url=SITE):
        row = row_of("Li Na")
        if kind == "reminder":
            built = messages.build_reminder(row, sender=SENDER, lead=timedelta(hours=1))
        else:
            built = messages.build_nudge(row, sender=SENDER)
    parsed = read(built)
    assert parsed["Content-Language"] == "fr"
    assert '<html lang="fr"' in html_of(parsed)
    assert TITLE_FR in html_of(parsed)


def test_an_english_reader_gets_the_original(app, demo):
    with app.test_request_context(base_url=SITE):
        person = db.session.scalar(select(Person).where(Person.full_name == "Li Na"))
        person.preferred_language = "en"
        db.session.commit()
        parsed = read(messages.build_invitation(row_of("Li Na"), sender=SENDER))
    assert parsed["Content-Language"] == "en"
    assert TITLE_FR not in html_of(parsed)
    assert "Video Conference of the International Network" in parsed["Subject"]
