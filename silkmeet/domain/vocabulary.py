"""The closed lists of the data model: value first, label second.

The labels are English marked for translation (:func:`N_`); :func:`label` and
:func:`choices` give them in the reader's language.
"""

from __future__ import annotations

from typing import TypeVar

from silkmeet.domain.words import N_
from silkmeet.domain.words import _

# A name as by_role groups it: whatever the caller shows.
T = TypeVar("T")

CONFERENCE_STATUSES = (
    ("draft", N_("Draft")),
    ("published", N_("Published")),
    ("cancelled", N_("Cancelled")),
)

ORGANISATION_KINDS = (
    ("city", N_("City")),
    ("association", N_("Association")),
    ("company", N_("Company")),
    ("public_body", N_("Public body")),
)

HOST_ROLES = (
    ("host", N_("Host")),
    ("co_host", N_("Co-host")),
    ("partner", N_("Partner")),
)

PARTICIPANT_ROLES = (
    ("host_representative", N_("Host representative")),
    ("chair", N_("Chair")),
    ("co_chair", N_("Co-chair")),
    ("speaker", N_("Speaker")),
    ("delegate", N_("Delegate")),
    ("interpreter", N_("Interpreter")),
    ("technical_host", N_("Technical host")),
    ("observer", N_("Observer")),
)

# Who presides: sees the run-of-show, is named as chair or co-chair on the agenda.
CHAIR_ROLES = ("chair", "co_chair")

# The labels of the roles people see in lists, for two or more.
PLURAL_LABELS = {
    "host": N_("Hosts"),
    "co_host": N_("Co-hosts"),
    "partner": N_("Partners"),
    "host_representative": N_("Host representatives"),
    "chair": N_("Chairs"),
    "co_chair": N_("Co-chairs"),
    "speaker": N_("Speakers"),
    "delegate": N_("Delegates"),
    "interpreter": N_("Interpreters"),
    "technical_host": N_("Technical hosts"),
    "observer": N_("Observers"),
}

ITEM_KINDS = (
    ("opening", N_("Opening")),
    ("welcome", N_("Welcome speech")),
    ("keynote", N_("Keynote")),
    ("country_presentation", N_("Country presentation")),
    ("video", N_("Video")),
    ("discussion", N_("Discussion")),
    ("break", N_("Break")),
    ("closing", N_("Closing")),
    ("other", N_("Other")),
)

TECHNICAL_CUES = (
    ("none", N_("None")),
    ("play_video", N_("Play video")),
    ("share_screen", N_("Share screen")),
    ("switch_interpretation", N_("Switch interpretation")),
    ("other", N_("Other")),
)

AGENDA_VISIBILITIES = (
    ("public", N_("Public")),
    ("link", N_("Only with the share link")),
)

ORGANISER_RIGHTS = (
    ("owner", N_("Owner")),
    ("editor", N_("Editor")),
)

# What an outbox message is for; the list grows with the mail the app sends.
MAIL_KINDS = (
    ("invitation", N_("Invitation")),
    ("update", N_("Update")),
    ("cancellation", N_("Cancellation")),
    ("reminder", N_("Reminder")),
    ("nudge", N_("Nudge")),
    ("slot", N_("Speaking slot")),
    ("test", N_("Test message")),
)

# An outbox message's life: queued -> sending (claimed by a worker) -> sent or
# failed; a temporary failure puts it back to queued for a later attempt. A
# calendar message that a later one for the same event and recipient replaces
# before it went out is superseded, never sent (silkmeet/mail/render.py).
OUTBOX_STATUSES = (
    ("queued", N_("Queued")),
    ("sending", N_("Sending")),
    ("sent", N_("Sent")),
    ("failed", N_("Failed")),
    ("superseded", N_("Superseded")),
)

# A participant's answer to the invitation: the iTIP PARTSTAT words (RFC 5545,
# 3.2.12) in lower case, "needs-action" until they answer.
RSVP_ANSWERS = (
    ("needs-action", N_("No answer")),
    ("accepted", N_("Accepted")),
    ("tentative", N_("Tentative")),
    ("declined", N_("Declined")),
)
NO_ANSWER = "needs-action"
DECLINED = "declined"

# Where an answer was given: on the participant's personal page, or to an
# organiser (by phone, in person) who recorded it.
RSVP_SOURCES = (
    ("personal page", N_("Personal page")),
    ("organiser", N_("Organiser")),
)

MIN_DURATION = 1
MAX_DURATION = 1440

# Each speaker's minutes in the items the lineup builder creates.
DEFAULT_SPEAKING_MINUTES = 7
SPEAKING_MINUTES = (1, 240)


def values(choices: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    return tuple(value for value, _label in choices)


def label(choices: tuple[tuple[str, str], ...], value: str) -> str:
    """A value's label in the reader's language (an unknown value as it is)."""
    labels = dict(choices)
    return _(labels[value]) if value in labels else value


def choices(options: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """``(value, label)`` pairs with the labels in the reader's language: a
    form's choices, built for each form (the language is the request's)."""
    return [(value, _(text)) for value, text in options]


def role_label(choices: tuple[tuple[str, str], ...], value: str, count: int = 1) -> str:
    """A role as people read it, in the reader's language: ``Co-chair``, or
    ``Co-chairs`` for several."""
    if count != 1 and value in PLURAL_LABELS:
        return _(PLURAL_LABELS[value])
    return label(choices, value)


def by_role(
    choices: tuple[tuple[str, str], ...], pairs: list[tuple[str, T]]
) -> list[tuple[str, list[T]]]:
    """``(role, name)`` pairs as ``(label, names)`` groups, one per role, in
    the order of ``choices``: ``[("Chair", ["A"]), ("Co-chairs", ["B", "C"])]``
    (a name is whatever the caller shows: a string, a (full, Latin) pair)."""
    groups: dict[str, list[T]] = {}
    for role, name in pairs:
        groups.setdefault(role, []).append(name)
    order = [value for value, _label in choices]
    return [
        (role_label(choices, role, len(names)), names)
        for role, names in sorted(
            groups.items(),
            key=lambda g: order.index(g[0]) if g[0] in order else len(order),
        )
    ]
