"""A participant's answer to their invitation, and the counts of answers.

The words are the iTIP PARTSTAT values (:data:`vocabulary.RSVP_ANSWERS`); the
personal page, the organiser's form and the stored row all pass through
:func:`check_answer` and :func:`clean_comment`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from silkmeet.domain import vocabulary as v
from silkmeet.domain.words import N_
from silkmeet.domain.words import _

# What a participant may write beside their answer ("I join from the car").
COMMENT_MAX = 1000
# What a participant may choose on their page, as its buttons say it;
# organisers may also clear an answer back to "no answer".
PAGE_ANSWERS = (
    ("accepted", N_("Accept")),
    ("tentative", N_("Tentative")),
    ("declined", N_("Decline")),
)
# Where an answer was given (vocabulary.RSVP_SOURCES).
FROM_PAGE, FROM_ORGANISER = v.values(v.RSVP_SOURCES)
# The order of the counts' columns: the answers, then no answer.
COUNT_ORDER = v.values(PAGE_ANSWERS) + (v.NO_ANSWER,)


def check_answer(value: str, choices=v.RSVP_ANSWERS) -> str:
    """``value`` if it is one of ``choices``, else ValueError."""
    if value not in v.values(choices):
        raise ValueError(f"{value!r} is not an answer.")
    return value


def clean_comment(text: str | None) -> str:
    """The comment as stored: trimmed, at most :data:`COMMENT_MAX` characters
    (ValueError beyond, said for the person who wrote it)."""
    comment = (text or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValueError(
            _(
                "Keep the comment to %(max)d characters (it has %(length)d).",
                max=COMMENT_MAX,
                length=len(comment),
            )
        )
    return comment


@dataclass(frozen=True)
class Tally:
    """The answers of one group (a country, a role): a count per answer."""

    key: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def tallies(rows: Iterable[tuple[str, str, int]]) -> list[Tally]:
    """``(group, answer, count)`` rows (a GROUP BY's) as one :class:`Tally` per
    group, in the groups' order, every answer present (zeros included)."""
    groups: dict[str, dict[str, int]] = {}
    for key, answer, count in rows:
        counts = groups.setdefault(key, dict.fromkeys(COUNT_ORDER, 0))
        counts[answer] = counts.get(answer, 0) + count
    return [Tally(key, counts) for key, counts in groups.items()]


def overall(groups: Iterable[Tally]) -> Tally:
    """The sum of ``groups``."""
    counts = dict.fromkeys(COUNT_ORDER, 0)
    for group in groups:
        for answer, count in group.counts.items():
            counts[answer] = counts.get(answer, 0) + count
    return Tally("", counts)
