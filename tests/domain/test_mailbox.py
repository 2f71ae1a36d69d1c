import pytest

from silkmeet.domain.mailbox import MailboxError
from silkmeet.domain.mailbox import parse_mailbox


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a@example.org", ("", "a@example.org")),
        ("<a@example.org>", ("", "a@example.org")),
        ("Zoë Ndiaye <zoe@example.org>", ("Zoë Ndiaye", "zoe@example.org")),
        ('"Lyon, Métropole" <x@lyon.example>', ("Lyon, Métropole", "x@lyon.example")),
        ("silkmeet@localhost", ("", "silkmeet@localhost")),
    ],
)
def test_parse_mailbox(text, expected):
    assert parse_mailbox(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "nobody",
        "@example.org",
        "a@",
        "a@example.org, b@example.org",
        "Name <a@example.org> trailing",
        "junk <",
        "zoë@example.org",  # needs SMTPUTF8
        "a@example.org\r\nBcc: victim@example.org",
        "Name\n <a@example.org>",
    ],
)
def test_parse_mailbox_refuses(text):
    with pytest.raises(MailboxError):
        parse_mailbox(text)
