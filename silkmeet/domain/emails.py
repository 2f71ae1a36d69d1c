"""When two e-mail addresses are the same participant's."""

from __future__ import annotations


def email_key(email: str | None) -> str | None:
    """The form two addresses are compared in: case-insensitive (people type
    ``Ana@Example.org`` and ``ana@example.org`` for one mailbox), blank is none.

    A conference holds each key at most once (``Participation.email_key``),
    and so does the list of organiser accounts (``Organiser.email_key``).
    """
    key = (email or "").strip().lower()
    return key or None
