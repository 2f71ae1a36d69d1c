"""SILKMEET_MAIL_URL and the classification of SMTP errors (no server needed)."""

from __future__ import annotations

import smtplib

import pytest

from silkmeet.mail.transport import LocalTransport
from silkmeet.mail.transport import SMTPSettings
from silkmeet.mail.transport import SMTPTransport
from silkmeet.mail.transport import classify
from silkmeet.mail.transport import parse_mail_url
from silkmeet.mail.transport import transport_from_config


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://user:p%40ss@mail.example.org:587",
            SMTPSettings("smtp", "mail.example.org", 587, "user", "p@ss"),
        ),
        ("smtp://mail.example.org", SMTPSettings("smtp", "mail.example.org", 587)),
        (
            "smtps://u:p@mail.example.org",
            SMTPSettings("smtps", "mail.example.org", 465, "u", "p"),
        ),
        (
            "smtp://127.0.0.1:25?starttls=off",
            SMTPSettings("smtp", "127.0.0.1", 25, starttls="off"),
        ),
        (
            "SMTP://relay.example.org?starttls=required&cafile=/etc/ca.pem",
            SMTPSettings(
                "smtp",
                "relay.example.org",
                587,
                starttls="required",
                cafile="/etc/ca.pem",
            ),
        ),
    ],
)
def test_parse_mail_url(url, expected):
    assert parse_mail_url(url) == expected


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://mail.example.org", "smtp:// or smtps://"),
        ("mail.example.org:587", "smtp:// or smtps://"),
        ("smtp://:587", "no host"),
        ("smtp://mail.example.org:port", "port is not a number"),
        ("smtp://mail.example.org?tls=1", "unknown option 'tls'"),
        ("smtp://mail.example.org?starttls=0", "starttls is one of"),
        ("smtps://mail.example.org?starttls=off", "TLS already"),
        ("smtp://u:p@mail.example.org?starttls=off", "password in clear"),
    ],
)
def test_bad_mail_urls(url, error):
    with pytest.raises(ValueError, match=error):
        parse_mail_url(url)


def test_redacted_hides_the_password():
    settings = parse_mail_url("smtp://user:secret@mail.example.org:587")
    assert settings.redacted() == "smtp://user:***@mail.example.org:587"
    assert "secret" not in SMTPTransport(settings).describe()


def test_transport_from_config():
    assert isinstance(transport_from_config({"MAIL_URL": None}), LocalTransport)
    transport = transport_from_config(
        {"MAIL_URL": "smtps://mail.example.org", "MAIL_TIMEOUT_SECONDS": 7}
    )
    assert (transport.name, transport.settings.timeout) == ("smtps", 7.0)


@pytest.mark.parametrize(
    ("exc", "reply", "permanent"),
    [
        (smtplib.SMTPDataError(451, b"4.3.0 try later"), "451 4.3.0 try later", False),
        (smtplib.SMTPDataError(554, b"5.7.1 spam"), "554 5.7.1 spam", True),
        (
            smtplib.SMTPSenderRefused(553, b"5.7.1 not\r\n yours", "a@b.c"),
            "553 5.7.1 not yours",
            True,
        ),
        (
            smtplib.SMTPRecipientsRefused({"a@b.c": (550, b"no such user")}),
            "a@b.c: 550 no such user",
            True,
        ),
        (
            smtplib.SMTPRecipientsRefused(
                {"a@b.c": (550, b"no"), "d@e.f": (450, b"greylisted")}
            ),
            "a@b.c: 550 no; d@e.f: 450 greylisted",
            False,
        ),
        (ConnectionRefusedError(111, "Connection refused"), None, False),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), None, False),
        (TimeoutError("timed out"), "timed out waiting for the server", False),
    ],
)
def test_classify(exc, reply, permanent):
    error = classify(exc)
    assert error.permanent is permanent
    if reply is not None:
        assert error.reply == reply
    else:
        assert type(exc).__name__ in error.reply
