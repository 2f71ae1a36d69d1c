"""Composed messages, parsed back as a mail client would."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from email.header import decode_header
from email.header import make_header

import icalendar
import pytest

from silkmeet.domain import ics
from silkmeet.domain import mail

STAMP = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
START = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)
SENDER = ("Silk Cities invitations", "invites@silkmeet.example")
TO = ("山田 太郎", "taro.yamada@example.jp")
ORGANISERS = [("Шавкат Умурзаков", "shavkat@example.uz"), ("", "desk@example.org")]
MEETING = ics.Meeting(
    uid=ics.legacy_conference_uid("silk", "silkmeet.example"),
    title="Silk cities 丝绸",
    zone="Europe/Paris",
    start=START,
    end=START + timedelta(hours=2),
    revision=2,
    join_url="https://meet.example.org/j/1",
)
INVITEE = ics.Invitee(name="山田 太郎", role="Speaker", zone="Asia/Tokyo", email=TO[1])


def calendar(method: str) -> ics.Itip:
    person = (
        INVITEE
        if method == ics.REQUEST
        else ics.Invitee(**{**vars(INVITEE), "removed": True})
    )
    return ics.itip(MEETING, person, STAMP, method=method, organizer=SENDER)


def compose(**overrides):
    values = dict(
        sender=SENDER,
        to=TO,
        reply_to=ORGANISERS,
        subject="Invitation: Silk cities 丝绸",
        text="Dear 山田 太郎,\nthe meeting starts at 21:00 JST.\n",
        html="<p>Dear 山田 太郎,</p><p>the meeting starts at 21:00 JST.</p>",
        stamp=STAMP,
    )
    values.update(overrides)
    return mail.compose(**values)


def read(message) -> email.message.EmailMessage:
    raw = message.as_bytes()
    # 7-bit clean: no relay needs 8BITMIME, no header needs SMTPUTF8.
    assert max(raw) < 128
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    return email.message_from_bytes(raw, policy=email.policy.default)


def raw_headers(message) -> list[bytes]:
    """The header lines as sent, each unfolded."""
    head = message.as_bytes().split(b"\r\n\r\n", 1)[0]
    return head.replace(b"\r\n ", b" ").replace(b"\r\n\t", b"\t").split(b"\r\n")


def tree(message) -> list:
    """The content types, nested as the message nests them."""
    if message.is_multipart():
        return [message.get_content_type(), [tree(p) for p in message.iter_parts()]]
    return message.get_content_type()


@pytest.mark.parametrize("method", [ics.REQUEST, ics.CANCEL])
def test_an_invitation_has_the_layout_calendars_read(method):
    sent = calendar(method)
    parsed = read(compose(calendar=sent))
    assert tree(parsed) == [
        "multipart/mixed",
        [
            ["multipart/alternative", ["text/plain", "text/html", "text/calendar"]],
            "application/ics",
        ],
    ]
    alternative, attachment = parsed.iter_parts()
    plain, html, part = alternative.iter_parts()
    for each in (plain, html, part):
        assert each.get_content_charset() == "utf-8"
        assert each.get_content_disposition() is None
    assert "21:00 JST" in plain.get_content() and "<p>" in html.get_content()
    # The part's method and the calendar's METHOD agree.
    assert part.get_param("method") == method
    data = part.get_content().encode("utf-8")
    assert data == sent.data
    assert icalendar.Calendar.from_ical(data)["METHOD"] == method
    # The attachment is the same calendar.
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content() == sent.data


def test_headers():
    parsed = read(compose(calendar=calendar(ics.REQUEST)))
    assert parsed["From"].addresses[0].display_name == SENDER[0]
    assert parsed["From"].addresses[0].addr_spec == SENDER[1]
    assert [a.addr_spec for a in parsed["To"].addresses] == [TO[1]]
    assert [(a.display_name, a.addr_spec) for a in parsed["Reply-To"].addresses] == (
        ORGANISERS
    )
    assert parsed["Subject"] == "Invitation: Silk cities 丝绸"
    assert parsed["Date"].datetime == STAMP
    assert parsed["Message-ID"].endswith("@silkmeet.example>")
    other = read(compose(domain="mail.example.net"))
    assert other["Message-ID"].endswith("@mail.example.net>")
    assert other["Message-ID"] != parsed["Message-ID"]
    assert "Reply-To" not in read(compose(reply_to=()))


def test_a_reminder_has_no_calendar():
    parsed = read(compose(subject="Reminder"))
    assert tree(parsed) == ["multipart/alternative", ["text/plain", "text/html"]]
    assert b"VCALENDAR" not in parsed.as_bytes()


@pytest.mark.parametrize(
    "name",
    [
        "山田 太郎",
        "Шавкат Умурзаков",
        'Shrestha, Ramesh "Jr."',
        "O'Brien; Zoë <the chair>",
    ],
)
def test_display_names_are_encoded_and_read_back(name):
    message = compose(to=(name, "someone@example.org"))
    [to_line] = [h for h in raw_headers(message) if h.startswith(b"To:")]
    if not name.isascii():
        assert b"=?utf-8?" in to_line
    [found] = read(message)["To"].addresses
    assert (found.display_name, found.addr_spec) == (name, "someone@example.org")


def test_a_long_name_takes_several_encoded_words():
    name = "ნინო ბერიძე (Nino Beridze), Tbilisi City Hall"
    message = compose(to=(name, "nino@example.org"))
    [to_line] = [h for h in raw_headers(message) if h.startswith(b"To:")]
    assert to_line.count(b"=?utf-8?") > 1
    # RFC 2047 6.2: the space between two encoded-words is not text. Python's
    # address parser keeps it (CPython 3.11), its header decoder does not.
    decoded = str(make_header(decode_header(to_line[len(b"To:") :].decode())))
    assert decoded == f"{name} <nino@example.org>"
    assert read(message)["To"].addresses[0].addr_spec == "nino@example.org"


@pytest.mark.parametrize(
    "evil",
    [
        "Eve\r\nBcc: victim@example.org",
        "Eve\nBcc: victim@example.org",
        "Eve\rBcc: victim@example.org",
        "Eve\x85Bcc: victim@example.org",
        "Eve\u2028Bcc: victim@example.org",
    ],
)
def test_a_line_break_cannot_add_a_header(evil):
    message = compose(
        to=(evil, "eve@example.org"), subject=evil, sender=(evil, SENDER[1])
    )
    parsed = read(message)
    assert sorted(parsed.keys()) == sorted(
        [
            "From",
            "To",
            "Reply-To",
            "Subject",
            "Date",
            "Message-ID",
            "MIME-Version",
            "Content-Type",
        ]
    )
    assert "Bcc" not in parsed
    assert parsed["Subject"] == "Eve Bcc: victim@example.org"
    assert parsed["To"].addresses[0].display_name == "Eve Bcc: victim@example.org"
    assert [a.addr_spec for a in parsed["To"].addresses] == ["eve@example.org"]


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "nobody",
        "a b@example.org",
        "tarō@example.jp",
        "a@example.org\r\nBcc: victim@example.org",
        "a@example.org, victim@example.org",
        "<a@example.org>",
    ],
)
def test_a_bad_address_is_refused(spec):
    with pytest.raises(mail.InvalidAddress):
        compose(to=("Someone", spec))


def test_an_internationalised_domain_is_written_in_ascii():
    parsed = read(compose(to=("Taro", "taro@例え.jp")))
    assert parsed["To"].addresses[0].domain == "xn--r8jz45g.jp"


def test_many_organisers_in_reply_to():
    organisers = [
        ("山田 太郎", "taro@example.jp"),
        ("Шавкат Умурзаков", "shavkat@example.uz"),
        ("Valérie De Rosa", "valerie@example.org"),
        ("", "desk@example.org"),
        ('Lyon, "Métropole"', "lyon@example.org"),
        ("Desk", "desk2@example.org"),
    ]
    message = compose(reply_to=organisers)
    head = message.as_bytes().split(b"\r\n\r\n", 1)[0]
    # Folded: one address per line (RFC 5322 allows 998 octets; 78 is the
    # recommendation Python's folder aims at but does not promise).
    lines = head.split(b"\r\n")
    assert sum(line.startswith(b" ") and b"@" in line for line in lines) >= 5
    assert max(len(line) for line in lines) <= 80
    # python/cpython#100884: no comma folded into an encoded-word.
    assert b"=?utf-8?q?=2C?=" not in head
    found = read(message)["Reply-To"].addresses
    assert [(a.display_name, a.addr_spec) for a in found] == organisers
