"""Mailboxes as settings and forms give them: ``Name <address>`` or ``address``."""

from __future__ import annotations

from email import errors
from email import policy

from silkmeet.domain.words import _


class MailboxError(ValueError):
    """Not one valid mailbox."""


def parse_mailbox(text: str) -> tuple[str, str]:
    """``(display name, address)`` from ``"Name <a@example.org>"`` or an address.

    Parsed as the e-mail package parses a From header. One mailbox only, no line
    breaks (it goes into a header), an ASCII address with a domain (mail goes
    out without SMTPUTF8). ``silkmeet@localhost`` is accepted: it is the
    default of a silkmeet that keeps its mail.
    """
    if any(ch in text for ch in "\r\n\x00"):
        raise MailboxError(_("a mailbox is one line"))
    try:
        header = policy.default.header_factory("From", text)
        addresses = header.addresses
    except (IndexError, ValueError, errors.HeaderParseError):
        # The parser trips on some broken input (``"junk <"``) with IndexError.
        raise MailboxError(_("not a mailbox: %(text)s", text=repr(text))) from None
    if len(addresses) != 1 or header.defects:
        raise MailboxError(_("not one mailbox: %(text)s", text=repr(text)))
    address = addresses[0]
    if not address.username or not address.domain or not address.addr_spec.isascii():
        raise MailboxError(
            _("not an ASCII address with a domain: %(text)s", text=repr(text))
        )
    return address.display_name, address.addr_spec
