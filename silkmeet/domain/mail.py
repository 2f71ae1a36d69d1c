"""E-mail messages from plain values, in the layout calendars accept.

An invitation is ``multipart/mixed`` [ ``multipart/alternative`` [ text/plain,
text/html, ``text/calendar; method=…`` ], attachment ``invite.ics`` ]: the
layout Outlook and Gmail send and read (see EMAIL.md). The calendar part's
``method`` comes from the same :class:`~silkmeet.domain.ics.Itip` as the
calendar's METHOD, so the two cannot disagree. A message without a calendar
(reminder, nudge) is the ``multipart/alternative`` alone.

Every header value is one line: names and subjects come from people, and a line
break in them would start a header of their own. Non-ASCII display names and
subjects are RFC 2047 encoded-words (no SMTPUTF8 needed), and bodies are
7-bit clean (quoted-printable or base64), so no relay needs 8BITMIME.
"""

from __future__ import annotations

import email.policy
from collections.abc import Sequence
from datetime import datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.headerregistry import HeaderRegistry
from email.headerregistry import UniqueAddressHeader
from email.message import EmailMessage
from email.utils import format_datetime
from email.utils import make_msgid

from silkmeet.domain.ics import Itip
from silkmeet.domain.ics import one_line
from silkmeet.domain.ics import utc


class _AddressList(UniqueAddressHeader):
    """Reply-To with one address per line.

    CPython's folder (3.11.7 here; python/cpython#100884) can fold the comma
    between two addresses into an encoded-word (``=?utf-8?q?=2C?=``) when the
    one before has a non-ASCII name, and servers refuse the address list.
    Each address folds on its own, a character narrower to leave the comma
    room.
    """

    def fold(self, *, policy):
        if len(self.addresses) < 2:
            return super().fold(policy=policy)
        sep = policy.linesep
        narrower = policy.clone(max_line_length=policy.max_line_length - 1)
        folds = [
            policy.header_factory(self.name, [each]).fold(policy=narrower)
            for each in self.addresses
        ]
        # The first keeps its name; the others continue after a comma.
        rest = [f[len(self.name) + 1 :].lstrip(sep) for f in folds[1:]]
        return f",{sep}".join(f.removesuffix(sep) for f in [folds[0], *rest]) + sep


_HEADERS = HeaderRegistry()
_HEADERS.map_to_type("reply-to", _AddressList)
# CRLF line ends, 7-bit transfer encodings, headers folded at 78 if possible.
POLICY = email.policy.SMTP.clone(cte_type="7bit", header_factory=_HEADERS)
ATTACHMENT = "invite.ics"
# A display name or subject longer than this is cut: nobody reads more, and
# an encoded-word header grows about a third.
MAX_HEADER_TEXT = 200


class InvalidAddress(ValueError):
    """An address a message cannot be sent to or from."""


def header_text(text: str) -> str:
    """``text`` as one header line: control characters and every kind of line
    break (U+2028 too) become single spaces."""
    return " ".join(one_line(text).split())[:MAX_HEADER_TEXT]


def address(mailbox: tuple[str, str]) -> Address:
    """``(display name, address)`` as a header address; raise
    :class:`InvalidAddress` for anything but one plain ASCII address (an
    internationalised domain is written in its ASCII form)."""
    name, spec = mailbox
    spec = (spec or "").strip()
    local, at, domain = spec.rpartition("@")
    try:
        if not (local and at and domain) or not local.isascii():
            raise ValueError
        domain = domain.encode("idna").decode("ascii")
        found = Address(display_name=header_text(name), addr_spec=f"{local}@{domain}")
    except (ValueError, IndexError, UnicodeError, HeaderParseError):
        raise InvalidAddress(f"{spec!r} is not an e-mail address") from None
    return found


def compose(
    *,
    sender: tuple[str, str],
    to: tuple[str, str],
    subject: str,
    text: str,
    html: str,
    stamp: datetime,
    reply_to: Sequence[tuple[str, str]] = (),
    calendar: Itip | None = None,
    domain: str | None = None,
    language: str | None = None,
) -> EmailMessage:
    """One message to one recipient.

    ``sender``, ``to`` and each of ``reply_to``: ``(display name, address)``.
    ``stamp`` is the Date (and should be the calendar's DTSTAMP). The
    Message-ID is new, on ``domain`` (by default the sender's): store the
    message as it is to send the same one again. ``language``: the BCP 47 tag
    of the language it is written in (its Content-Language, RFC 3282).
    """
    sender_address = address(sender)
    message = EmailMessage(policy=POLICY)
    message["From"] = sender_address
    message["To"] = address(to)
    if reply_to:
        message["Reply-To"] = [address(each) for each in reply_to]
    message["Subject"] = header_text(subject)
    message["Date"] = format_datetime(utc(stamp))
    message["Message-ID"] = make_msgid(domain=domain or sender_address.domain)
    message.set_content(text, charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    if calendar is not None:
        # Base64, as Exchange sends it: the calendar's CRLF line ends and folds
        # arrive untouched.
        message.add_alternative(
            calendar.data.decode("utf-8"),
            subtype="calendar",
            charset="utf-8",
            cte="base64",
            params={"method": calendar.method},
        )
        # The same calendar as a file, for clients that only offer to open an
        # attachment; application/ics, as Google Calendar's invitations attach
        # it, so that no client reads a second calendar part.
        message.add_attachment(
            calendar.data,
            maintype="application",
            subtype="ics",
            filename=ATTACHMENT,
            params={"name": ATTACHMENT},
        )
    if language:
        # Last: the email package moves Content-* headers into the first part
        # when it makes the message multipart.
        message["Content-Language"] = header_text(language)
    return message
