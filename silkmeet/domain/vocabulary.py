"""The closed lists of the data model: value first, label second."""

from __future__ import annotations

from silkmeet.domain.words import N_

CONFERENCE_STATUSES = (
    ("draft", "Draft"),
    ("published", "Published"),
    ("cancelled", "Cancelled"),
)

ORGANISATION_KINDS = (
    ("city", "City"),
    ("association", "Association"),
    ("company", "Company"),
    ("public_body", "Public body"),
)

HOST_ROLES = (
    ("host", "Host"),
    ("co_host", "Co-host"),
    ("partner", "Partner"),
)

PARTICIPANT_ROLES = (
    ("host_representative", "Host representative"),
    ("chair", "Chair"),
    ("co_chair", "Co-chair"),
    ("speaker", "Speaker"),
    ("delegate", "Delegate"),
    ("interpreter", "Interpreter"),
    ("technical_host", "Technical host"),
    ("observer", "Observer"),
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
    ("opening", "Opening"),
    ("welcome", "Welcome speech"),
    ("keynote", "Keynote"),
    ("country_presentation", "Country presentation"),
    ("video", "Video"),
    ("discussion", "Discussion"),
    ("break", "Break"),
    ("closing", "Closing"),
    ("other", "Other"),
)

TECHNICAL_CUES = (
    ("none", "None"),
    ("play_video", "Play video"),
    ("share_screen", "Share screen"),
    ("switch_interpretation", "Switch interpretation"),
    ("other", "Other"),
)

AGENDA_VISIBILITIES = (
    ("public", "Public"),
    ("link", "Only with the share link"),
)

ORGANISER_RIGHTS = (
    ("owner", "Owner"),
    ("editor", "Editor"),
)

# What an outbox message is for; the list grows with the mail the app sends.
MAIL_KINDS = (
    ("invitation", "Invitation"),
    ("update", "Update"),
    ("cancellation", "Cancellation"),
    ("reminder", "Reminder"),
    ("nudge", "Nudge"),
    ("slot", "Speaking slot"),
    ("test", "Test message"),
)

# An outbox message's life: queued -> sending (claimed by a worker) -> sent or
# failed; a temporary failure puts it back to queued for a later attempt. A
# calendar message that a later one for the same event and recipient replaces
# before it went out is superseded, never sent (silkmeet/mail/render.py).
OUTBOX_STATUSES = (
    ("queued", "Queued"),
    ("sending", "Sending"),
    ("sent", "Sent"),
    ("failed", "Failed"),
    ("superseded", "Superseded"),
)

# A participant's answer to the invitation: the iTIP PARTSTAT words (RFC 5545,
# 3.2.12) in lower case, "needs-action" until they answer.
RSVP_ANSWERS = (
    ("needs-action", "No answer"),
    ("accepted", "Accepted"),
    ("tentative", "Tentative"),
    ("declined", "Declined"),
)
NO_ANSWER = "needs-action"
DECLINED = "declined"

# Where an answer was given: on the participant's personal page, or to an
# organiser (by phone, in person) who recorded it.
RSVP_SOURCES = (
    ("personal page", "Personal page"),
    ("organiser", "Organiser"),
)

MIN_DURATION = 1
MAX_DURATION = 1440

# Each speaker's minutes in the items the lineup builder creates.
DEFAULT_SPEAKING_MINUTES = 7
SPEAKING_MINUTES = (1, 240)


def values(choices: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    return tuple(value for value, _label in choices)


def label(choices: tuple[tuple[str, str], ...], value: str) -> str:
    return dict(choices).get(value, value)


def role_label(choices: tuple[tuple[str, str], ...], value: str, count: int = 1) -> str:
    """A role as people read it: ``Co-chair``, or ``Co-chairs`` for several."""
    if count != 1 and value in PLURAL_LABELS:
        return PLURAL_LABELS[value]
    return label(choices, value)


def by_role(
    choices: tuple[tuple[str, str], ...], pairs: list[tuple[str, str]]
) -> list[tuple[str, list[str]]]:
    """``(role, name)`` pairs as ``(label, names)`` groups, one per role, in
    the order of ``choices``: ``[("Chair", ["A"]), ("Co-chairs", ["B", "C"])]``."""
    groups: dict[str, list[str]] = {}
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
