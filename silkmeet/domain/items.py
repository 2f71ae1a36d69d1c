"""What makes an agenda item acceptable beyond each of its fields alone: who
speaks, its fixed clock time, its country. Pure: the item editor's operation
runs these rules, and so can any other writer of items.
"""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from silkmeet.domain import fields
from silkmeet.domain.lineup import COUNTRY_KIND
from silkmeet.domain.words import _


@dataclass(frozen=True)
class ItemDraft:
    """An item as an organiser typed it.

    ``fields`` are the model's columns, ready to set. ``speakers`` are the
    speaker rows in order, (participant as posted, minutes), blank rows
    included so that a problem can name its row. ``fixed_start_local`` is the
    clock time typed in the conference's zone.
    """

    fields: dict[str, Any]
    speakers: tuple[tuple[Any, int | None], ...] = ()
    fixed_start_local: datetime | None = None


@dataclass(frozen=True)
class ItemProblem:
    field: str  # "speakers", "fixed_start" or "country"
    message: str
    row: int | None = None  # the speaker row, for "speakers"


class ItemError(ValueError):
    """An item that cannot be saved; ``problems`` says why, field by field."""

    def __init__(self, problems: Sequence[ItemProblem]):
        self.problems = tuple(problems)
        super().__init__(" ".join(p.message for p in self.problems))


@dataclass(frozen=True)
class CheckedItem:
    # (participation id, minutes or None), in speaking order.
    speakers: tuple[tuple[int, int | None], ...]
    fixed_start: datetime | None
    # The country chosen, or the one its speakers share (see item_country).
    country: str | None = None


def item_country(
    kind: str, chosen: str | None, speaker_countries: Sequence[str | None]
) -> str | None:
    """The item's country: the one chosen, else for a country presentation the
    one all its speakers come from (a block's speakers say its country)."""
    if chosen or kind != COUNTRY_KIND:
        return chosen or None
    found = {c for c in speaker_countries if c}
    return found.pop() if len(found) == 1 else None


def country_problem(
    kind: str, country: str | None, speaker_countries: Sequence[str | None] = ()
) -> str | None:
    if kind == COUNTRY_KIND and not country:
        if len({c for c in speaker_countries if c}) > 1:
            return _(
                "The speakers come from several countries: choose the country "
                "of this presentation."
            )
        return _(
            "A country presentation needs its country, or a speaker to take it from."
        )
    return None


def fixed_start_problem(
    conference_start: datetime | None, fixed: datetime | None
) -> str | None:
    """A fixed clock time needs the conference's start, and cannot precede it."""
    if fixed is None:
        return None
    if conference_start is None:
        return _("Set the conference's start before locking an item to a clock time.")
    if fixed < conference_start:
        return _("A fixed start cannot be before the conference starts.")
    return None


def check_speakers(
    rows: Sequence[tuple[Any, int | None]], participants: Collection[int]
) -> tuple[list[tuple[int, int | None]], list[ItemProblem]]:
    """The speakers of the non-blank rows, and a problem for each row that names
    someone who is not a participant, or a speaker already listed above it."""
    allowed = {str(p) for p in participants}
    speakers: list[tuple[int, int | None]] = []
    problems: list[ItemProblem] = []
    seen: set[str] = set()
    for row, (chosen, minutes) in enumerate(rows):
        if chosen in (None, ""):
            continue
        chosen = str(chosen)
        if chosen not in allowed:
            message = _("This person is not a participant of the conference.")
        elif chosen in seen:
            message = _("Already a speaker of this item.")
        else:
            seen.add(chosen)
            speakers.append((int(chosen), minutes))
            continue
        problems.append(ItemProblem("speakers", message, row))
    return speakers, problems


def check_item(
    draft: ItemDraft,
    participants: Collection[int] | Mapping[int, str | None],
    zone: str,
    conference_start: datetime | None,
) -> CheckedItem:
    """The draft's speakers, fixed start (UTC) and country, or
    :class:`ItemError` with every problem found. ``participants`` may map each
    to their delegation's country, which a country presentation without a
    chosen country takes from its speakers."""
    speakers, problems = check_speakers(draft.speakers, participants)
    fixed = None
    if draft.fixed_start_local is not None:
        try:
            fixed = fields.local_instant(draft.fixed_start_local, zone)
        except fields.FieldError as exc:
            problems.append(ItemProblem("fixed_start", f"{exc}."))
        else:
            message = fixed_start_problem(conference_start, fixed)
            if message:
                problems.append(ItemProblem("fixed_start", message))
    kind = draft.fields.get("kind", "")
    countries = participants if isinstance(participants, Mapping) else {}
    said = [countries.get(pid) for pid, _minutes in speakers]
    country = item_country(kind, draft.fields.get("country"), said)
    message = country_problem(kind, country, said)
    if message:
        problems.append(ItemProblem("country", message))
    if problems:
        raise ItemError(problems)
    return CheckedItem(tuple(speakers), fixed, country)
