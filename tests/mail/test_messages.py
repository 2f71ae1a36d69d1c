"""What a participant receives by e-mail, built from the database: the demo's
speakers, a meeting across a clock change, and zones on both sides of the date
line."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta

import icalendar
import pytest
from factories import build_doc
from ical.calendar_stream import IcsCalendarStream
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.invites.plan import NoStartError
from silkmeet.invites.rows import personal_row
from silkmeet.mail import messages
from silkmeet.models import Conference
from silkmeet.models import ConferenceOrganiser
from silkmeet.models import Participation
from silkmeet.models import Person
from silkmeet.organiser import operations as organiser_ops

SENDER = ("Silk Cities invitations", "invites@silkmeet.example")
SITE = "https://silkmeet.example"
DEMO = "silk-cities-2020"
TITLE = "Video Conference of the International Network of Silk Cities and Metropoles"
# The demo's title in Japanese (silk-cities-2020.json title_translations).
TITLE_JA = "国際シルク都市・メトロポール・ネットワーク ビデオ会議"


@pytest.fixture
def site(app):
    """An app and request context on the site's address, as when an organiser
    sends from a page."""
    with app.test_request_context(base_url=SITE) as ctx:
        yield ctx


def row_of(full_name: str):
    pid = db.session.scalar(
        select(Participation.id).join(Person).where(Person.full_name == full_name)
    )
    return personal_row(Participation.id == pid)


def read(built: messages.Built) -> email.message.EmailMessage:
    raw = built.message.as_bytes()
    assert max(raw) < 128
    return email.message_from_bytes(raw, policy=email.policy.default)


def bodies(parsed) -> tuple[str, str]:
    """The text and HTML bodies, with the CRLF line ends of the wire undone."""
    return tuple(
        parsed.get_body((kind,)).get_content().replace("\r\n", "\n")
        for kind in ("plain", "html")
    )


def calendar_of(parsed, method: str):
    """The one VEVENT of the message's calendar part, which agrees with the
    attachment."""
    [part] = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    [attachment] = list(parsed.iter_attachments())
    data = part.get_content().encode()
    assert attachment.get_content() == data
    assert part.get_param("method") == method
    loose = icalendar.Calendar.from_ical(data)
    strict = IcsCalendarStream.calendar_from_ics(data.decode())
    assert loose["METHOD"] == method
    [event] = loose.walk("VEVENT")
    assert len(strict.events) == 1
    return event


def download_uids(client, token: str) -> list[str]:
    with client.get(f"/c/{DEMO}/invites/{token}.ics") as response:
        assert response.status_code == 200
        data = response.get_data()
    return [str(e["UID"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")]


def test_a_japanese_speaker_s_invitation(app, client, auth, demo):
    """佐藤 美咲 chose no language; hers (ja) decides: the subject, both bodies
    and the calendar are in Japanese, with CLDR's Japanese dates and zone
    names, and the demo's Japanese title."""
    auth.create(email="owner@example.org", conferences=[demo])
    with app.test_request_context(base_url=SITE):
        row = row_of("佐藤 美咲")
        built = messages.build_invitation(row, sender=SENDER)
        parsed = read(built)
        token = row.token
    [to] = parsed["To"].addresses
    assert (to.display_name, to.addr_spec) == (
        "佐藤 美咲 (Misaki Sato)",
        "misaki.sato@example.org",
    )
    assert parsed["From"].addresses[0].addr_spec == SENDER[1]
    assert [a.addr_spec for a in parsed["Reply-To"].addresses] == ["owner@example.org"]
    assert parsed["Content-Language"] == "ja"
    assert parsed["Subject"] == (
        f"招待：{TITLE_JA}、2020年11月20日(金) 22:00 日本標準時 (UTC+09:00)"
    )
    text, html = bodies(parsed)
    # 13:00Z-15:00Z is 22:00 to midnight in Tokyo: the end carries its date.
    essentials = [
        "あなたの時刻（Asia/Tokyo）：2020年11月20日(金) 22:00～2020年11月21日(土) 0:00"
        " 日本標準時 (UTC+09:00)",
        "会議の時刻（Europe/Paris）：2020年11月20日(金) 14:00 中央ヨーロッパ標準時"
        " (UTC+01:00)",
        # Japan follows 64 minutes of opening, welcomes, keynote and countries.
        "あなたの登壇：2020年11月20日(金) 23:04～23:11 日本標準時 (UTC+09:00)"
        "、「日本」",
        # Italy's item, titled in Japanese; the speaker's name as she wrote it.
        "あなたの直前：Giulia Bernasconi（イタリア）– イタリア。",
        "https://zoom.example.org/j/84512020112?pwd=c2lsay1jaXRpZXM",
        "ミーティング ID：845 1202 0112",
        "パスコード：soie2020",
        f"{SITE}/c/{DEMO}/me/{token}\n",
        f"{SITE}/c/{DEMO}/agenda?tz=Asia/Tokyo\n",
    ]
    for line in essentials:
        assert line in text, line
    assert "Your time" not in text and "Fri 20 Nov" not in text
    for piece in [
        '<html lang="ja" dir="ltr">',
        "2020年11月20日(金) 22:00～2020年11月21日(土) 0:00 日本標準時 (UTC+09:00)",
        "2020年11月20日(金) 23:04～23:11 日本標準時 (UTC+09:00)",
        'あなたの直前：<bdi class="person-name">Giulia Bernasconi</bdi>'
        "（イタリア）&ndash; イタリア。",
        "<td>soie2020</td>",
        f'<a href="{SITE}/c/{DEMO}/me/{token}">',
        'href="https://zoom.example.org/j/84512020112?pwd=c2lsay1jaXRpZXM"',
    ]:
        assert piece in html, piece
    event = calendar_of(parsed, "REQUEST")
    uids = download_uids(client, token)
    assert built.ics_uid == event["UID"] == uids[0]
    assert built.ics_sequence == event["SEQUENCE"] == 1
    assert event["ORGANIZER"] == f"mailto:{SENDER[1]}"
    assert event["ATTENDEE"] == "mailto:misaki.sato@example.org"
    assert event["ATTENDEE"].params["RSVP"] == "TRUE"
    assert event["SUMMARY"] == TITLE_JA
    description = str(event["DESCRIPTION"])
    assert "あなたの時刻（Asia/Tokyo）：2020年11月20日(金) 22:00～" in description
    assert "23:04 日本（あなたの登壇）" in description
    with client.get(f"/c/{DEMO}/me/{token}") as response:
        assert response.status_code == 200
        page = response.get_data(as_text=True)
    assert '<html lang="ja"' in page
    assert TITLE_JA in page
    assert "2020年11月20日(金) 22:00" in page


def test_the_first_speaker_opens_and_a_delegate_has_no_slot(
    demo, english_readers, site
):
    chair = messages.build_invitation(row_of("Xavier Lepingle"), sender=SENDER)
    text, _ = bodies(read(chair))
    assert "You open the conference." in text
    delegate = messages.build_invitation(row_of("Li Na"), sender=SENDER)
    text, _ = bodies(read(delegate))
    assert "You speak" not in text and "Your role: Interpreter" in text


def test_a_speaking_slot_as_an_event_of_its_own(client, demo, english_readers, site):
    row = row_of("佐藤 美咲")
    built = messages.build_invitation(row, sender=SENDER, slot=1)
    parsed = read(built)
    event = calendar_of(parsed, "REQUEST")
    assert built.ics_uid == event["UID"] == download_uids(client, row.token)[1]
    assert event["SUMMARY"] == "You speak: Japan"
    assert parsed["Subject"].startswith("Your speaking slot: Japan, ")
    assert parsed["Subject"].endswith("Fri 20 Nov 2020, 23:04 JST (UTC+09:00)")
    text, _ = bodies(parsed)
    assert 'You speak: Fri 20 Nov 2020, 23:04–23:11 JST (UTC+09:00), in "Japan"' in (
        text
    )
    with pytest.raises(messages.CannotSend, match="no speaking slot 2"):
        messages.build_invitation(row, sender=SENDER, slot=2)


def test_an_update_says_what_changed_and_raises_the_sequence(
    app, demo, english_readers
):
    with app.test_request_context(base_url=SITE):
        first = messages.build_invitation(row_of("佐藤 美咲"), sender=SENDER)
        with pytest.raises(messages.CannotSend, match="ignore"):
            messages.build_invitation(
                row_of("佐藤 美咲"),
                sender=SENDER,
                kind=messages.UPDATE,
                sent={first.ics_uid: first.ics_sequence},
            )
        conference = db.session.get(Conference, demo)
        organiser_ops.update_conference(
            conference, start_at=conference.start_at + timedelta(minutes=30)
        )
        db.session.commit()
        update = messages.build_invitation(
            row_of("佐藤 美咲"),
            sender=SENDER,
            kind=messages.UPDATE,
            changes=["The meeting starts 30 minutes later.\r\nBcc: x@example.org"],
            sent={first.ics_uid: first.ics_sequence, "another-event": 9},
        )
    assert update.ics_uid == first.ics_uid
    assert update.ics_sequence == 2 > first.ics_sequence
    parsed = read(update)
    assert "Bcc" not in parsed
    assert (
        parsed["Subject"] == f"Updated: {TITLE}, Fri 20 Nov 2020, 22:30 JST (UTC+09:00)"
    )
    text, html = bodies(parsed)
    assert (
        "What changed:\n- The meeting starts 30 minutes later. Bcc: x@example.org\n"
        in text
    )
    assert "<li>The meeting starts 30 minutes later. Bcc: x@example.org</li>" in html
    assert "Your time (Asia/Tokyo): Fri 20 Nov 2020, 22:30 – Sat 21 Nov 2020" in text
    event = calendar_of(parsed, "REQUEST")
    assert event["SEQUENCE"] == 2 and event["UID"] == first.ics_uid


def test_a_removed_speaker_gets_a_cancellation_only(app, demo, english_readers):
    with app.test_request_context(base_url=SITE):
        row = row_of("佐藤 美咲")
        request = messages.build_invitation(row, sender=SENDER)
        slot = messages.build_invitation(row, sender=SENDER, slot=1)
        with pytest.raises(messages.CannotSend, match="only for a removed participant"):
            messages.build_invitation(row, sender=SENDER, kind=messages.CANCELLATION)
        participation = db.session.get(Participation, row.id)
        organiser_ops.remove_participant(participation)
        db.session.commit()
        row = row_of("佐藤 美咲")
        cancel = messages.build_invitation(
            row, sender=SENDER, kind=messages.CANCELLATION
        )
        slot_cancel = messages.build_invitation(
            row, sender=SENDER, kind=messages.CANCELLATION, slot=1
        )
        for build in (
            lambda: messages.build_invitation(row, sender=SENDER),
            lambda: messages.build_reminder(row, sender=SENDER, lead=timedelta(1)),
            lambda: messages.build_nudge(row, sender=SENDER),
        ):
            with pytest.raises(
                messages.CannotSend, match="gets a cancellation|not expected"
            ):
                build()
    parsed = read(cancel)
    event = calendar_of(parsed, "CANCEL")
    assert cancel.ics_uid == request.ics_uid == event["UID"]
    assert event["STATUS"] == "CANCELLED"
    assert cancel.ics_sequence == event["SEQUENCE"] > request.ics_sequence
    assert parsed["Subject"] == f"Cancelled: {TITLE}"
    text, _ = bodies(parsed)
    assert f"You are no longer on the list of {TITLE}." in text
    assert "Passcode" not in text and "/me/" not in text
    event = calendar_of(read(slot_cancel), "CANCEL")
    assert slot_cancel.ics_uid == slot.ics_uid == event["UID"]
    assert event["SEQUENCE"] > slot.ics_sequence


def test_reminder_and_nudge_carry_no_calendar(demo, english_readers, site):
    row = row_of("张国强")
    for built, line in [
        (
            messages.build_reminder(row, sender=SENDER, lead=timedelta(days=1)),
            f"{TITLE} starts in 1 day.",
        ),
        (
            messages.build_reminder(row, sender=SENDER, lead=timedelta(hours=1)),
            f"{TITLE} starts in 1 hour.",
        ),
        (
            messages.build_nudge(row, sender=SENDER),
            f"Please tell us whether you will join {TITLE}. You can answer on your"
            f" personal page:\n{SITE}/c/{DEMO}/me/{row.token}\n",
        ),
    ]:
        parsed = read(built)
        assert (built.ics_uid, built.ics_sequence) == (None, None)
        assert parsed.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in parsed.iter_parts()] == [
            "text/plain",
            "text/html",
        ]
        text, _ = bodies(parsed)
        assert line in text
        assert "Your time (Asia/Shanghai): Fri 20 Nov 2020, 21:00–23:00 CST" in text
        assert "Passcode: soie2020" in text


@pytest.mark.parametrize(
    ("span", "words"),
    [
        (timedelta(days=1), "1 day"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=30), "1 day 6 hours"),
        (timedelta(minutes=90), "1 hour 30 minutes"),
        (timedelta(minutes=15), "15 minutes"),
    ],
)
def test_in_words(span, words):
    assert messages.in_words(span) == words


def make_zones_conference(make_conference) -> int:
    """Summer time starts in London at 01:00Z on 29 March 2026, inside the
    meeting (00:30Z-02:00Z); Kiritimati (UTC+14) and Pago Pago (UTC-11) see it
    on two different dates."""
    doc = build_doc(
        slug="zones",
        timezone="Europe/London",
        start="2026-03-29T00:30:00",
        duration=90,
        speakers=[
            ("Teuea", "KI", "Pacific/Kiritimati"),
            ("Tavita", "AS", "Pacific/Pago_Pago"),
            ("Ellis", "GB", "Europe/London"),
        ],
    )
    for n, participant in enumerate(doc["participants"]):
        participant["person"]["email"] = f"p{n}@example.org"
    return make_conference(data=doc)


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        (
            "Teuea",
            [
                "Your time (Pacific/Kiritimati): Sun 29 Mar 2026, 14:30–16:00"
                " UTC+14:00",
                'You speak: Sun 29 Mar 2026, 14:30–14:40 UTC+14:00, in "Teuea speaks"',
                "You open the conference.",
            ],
        ),
        (
            "Tavita",
            [
                "Your time (Pacific/Pago_Pago): Sat 28 Mar 2026, 13:30–15:00 SST"
                " (UTC-11:00)",
                'You speak: Sat 28 Mar 2026, 13:40–13:50 SST (UTC-11:00), in "Tavita'
                ' speaks"',
                "Just before you: Teuea (Kiribati) – Teuea speaks.",
            ],
        ),
        (
            "Ellis",
            [
                "Your time (Europe/London): Sun 29 Mar 2026, 00:30 GMT (UTC) – 03:00"
                " BST (UTC+01:00)",
                # Ten minutes, ending as the clocks jump from 01:00 to 02:00.
                "You speak: Sun 29 Mar 2026, 00:50 GMT (UTC) – 02:00 BST (UTC+01:00),"
                ' in "Ellis speaks"',
                "Just before you: Tavita (American Samoa) – Tavita speaks.",
            ],
        ),
    ],
)
def test_local_times_across_a_clock_change_and_the_date_line(
    app, make_conference, name, lines
):
    make_zones_conference(make_conference)
    with app.test_request_context(base_url=SITE):
        built = messages.build_invitation(row_of(name), sender=SENDER)
    text, html = bodies(read(built))
    for line in lines:
        assert line in text, line
    assert "Conference time (Europe/London): Sun 29 Mar 2026, 00:30 GMT (UTC)" in text
    assert lines[0].split(": ", 1)[1] in html


def test_user_text_is_escaped_in_html(app, make_conference):
    doc = build_doc(
        slug="xss",
        title="<b>Silk</b> & co",
        speakers=[("<script>alert(1)</script>", "FR", "Europe/Paris")],
    )
    doc["participants"][0]["person"]["email"] = "x@example.org"
    make_conference(data=doc)
    with app.test_request_context(base_url=SITE):
        built = messages.build_invitation(
            row_of("<script>alert(1)</script>"), sender=SENDER
        )
    text, html = bodies(read(built))
    assert "<script>" not in html and "<b>Silk" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Silk&lt;/b&gt; &amp; co" in html
    assert "Dear <script>alert(1)</script>," in text


def test_what_cannot_be_sent(app, make_conference, demo):
    doc = build_doc(slug="no-mail", speakers=[("Nomail", "FR", "Europe/Paris")])
    make_conference(data=doc)
    with app.test_request_context(base_url=SITE):
        with pytest.raises(messages.CannotSend, match="no e-mail address"):
            messages.build_invitation(row_of("Nomail"), sender=SENDER)
        with pytest.raises(ValueError, match="carries no calendar"):
            messages.build_invitation(
                row_of("张国强"), sender=SENDER, kind=messages.REMINDER
            )
        with pytest.raises(messages.CannotSend, match="not an e-mail address"):
            messages.build_invitation(row_of("张国强"), sender=("Us", "nobody"))
    # Outside a request, links need the site's configured address.
    with app.app_context():
        with pytest.raises(messages.CannotSend, match="SERVER_NAME"):
            messages.build_nudge(row_of("张国强"), sender=SENDER)
    with app.test_request_context(base_url=SITE):
        conference = db.session.get(Conference, demo)
        conference.start_at = None
        db.session.commit()
        with pytest.raises(NoStartError):
            messages.build_invitation(row_of("张国强"), sender=SENDER)


def test_links_without_a_request_come_from_server_name(app, demo):
    app.config.update(SERVER_NAME="meet.example.org", PREFERRED_URL_SCHEME="https")
    with app.app_context():
        row = row_of("张国强")
        text, _ = bodies(read(messages.build_nudge(row, sender=SENDER)))
    assert f"https://meet.example.org/c/{DEMO}/me/{row.token}\n" in text


@pytest.mark.parametrize(
    ("changes", "agenda"),
    [
        ({"agenda_visibility": "link"}, "/agenda/{key}?tz=Asia/Shanghai"),
        ({"status": "draft"}, None),
    ],
)
def test_the_agenda_link_opens_for_the_recipient(app, client, demo, changes, agenda):
    with app.test_request_context(base_url=SITE):
        conference = db.session.get(Conference, demo)
        for name, value in changes.items():
            setattr(conference, name, value)
        db.session.commit()
        key = conference.agenda_share_token
        text, _ = bodies(read(messages.build_nudge(row_of("张国强"), sender=SENDER)))
    if agenda is None:
        assert "/agenda" not in text
    else:
        path = f"/c/{DEMO}{agenda.format(key=key)}"
        assert f"{SITE}{path}\n" in text
        with client.get(path) as response:
            assert response.status_code == 200


def test_replies_go_to_the_organisers_unless_told_otherwise(app, auth, demo):
    auth.create(email="first@example.org", conferences=[demo])
    editor = auth.create(email="editor@example.org")
    auth.create(email="second@example.org", conferences=[demo])
    with app.test_request_context(base_url=SITE):
        db.session.add(
            ConferenceOrganiser(
                conference_id=demo, organiser_id=editor, access="editor"
            )
        )
        db.session.commit()
        row = row_of("张国强")
        default = read(messages.build_nudge(row, sender=SENDER))
        told = read(
            messages.build_nudge(
                row,
                sender=SENDER,
                reply_to=[("Silk desk", "desk@example.org")],
                domain="mail.example.net",
            )
        )
    # Owners first, then the editor.
    assert [a.addr_spec for a in default["Reply-To"].addresses] == [
        "first@example.org",
        "second@example.org",
        "editor@example.org",
    ]
    assert default["Message-ID"].endswith("@silkmeet.example>")
    assert [a.addr_spec for a in told["Reply-To"].addresses] == ["desk@example.org"]
    assert told["Message-ID"].endswith("@mail.example.net>")
