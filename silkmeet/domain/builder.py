"""The lineup builder: from the people of a conference, the items it still
lacks, in one go, for the organisers to adjust afterwards in the editor.

- A **country block** for every delegation with speakers and no block yet: one
  ``country_presentation`` item titled with the country's name, its speakers
  (people with the role ``speaker`` who speak in no item yet) in the order they
  were added, each given the conference's default speaking time.
- On request, the **frame** the demo conference has: the opening by the chair,
  the welcome by the host representatives, a keynote (its speaker is for the
  organisers to choose) and the closing by the chair; pinned, so that ordering
  the blocks never moves them. Each is added only when the lineup has no item
  of its kind.

Running it again adds nothing that is there already: what it adds depends only
on what the lineup lacks. It never moves or changes an existing item: new frame
items go before or after the items there are, new blocks after the existing
ones (before the closing), alphabetically among themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass

from silkmeet.domain import vocabulary as v
from silkmeet.domain.lineup import COUNTRY_KIND
from silkmeet.domain.words import N_
from silkmeet.domain.words import _

OPENING, WELCOME, KEYNOTE, CLOSING = "opening", "welcome", "keynote", "closing"
# The frame's head, in the order it opens a meeting.
HEAD_KINDS = (OPENING, WELCOME, KEYNOTE)
# Titles in the organiser's language when the item is created; theirs after.
FRAME_TITLES = {
    OPENING: N_("Opening of the conference"),
    WELCOME: N_("Welcome by the hosts"),
    KEYNOTE: N_("Keynote"),
    CLOSING: N_("Closing words"),
}
SPEAKER_ROLE = "speaker"
HOST_ROLE = "host_representative"


@dataclass(frozen=True)
class Person:
    participation_id: int
    role: str
    # The delegation's country (or the person's own): the block they speak in.
    country: str | None


@dataclass(frozen=True)
class Existing:
    """An item the lineup holds, in lineup order."""

    kind: str
    country: str | None
    speakers: tuple[int, ...] = ()


@dataclass(frozen=True)
class NewItem:
    kind: str
    title: str
    duration_minutes: int
    speakers: tuple[int, ...] = ()
    country: str | None = None
    pinned: bool = False


@dataclass(frozen=True)
class Plan:
    """The lineup after the build: an ``int`` is the index of an existing item,
    a :class:`NewItem` is one to create there."""

    order: tuple[int | NewItem, ...]

    @property
    def new_items(self) -> list[NewItem]:
        return [entry for entry in self.order if isinstance(entry, NewItem)]

    @property
    def blocks(self) -> list[NewItem]:
        return [i for i in self.new_items if i.kind == COUNTRY_KIND]

    @property
    def frame(self) -> list[NewItem]:
        return [i for i in self.new_items if i.kind != COUNTRY_KIND]


def plan_lineup(
    people: Sequence[Person],
    existing: Sequence[Existing],
    speaking_minutes: int,
    country_name: Callable[[str], str],
    frame: bool = False,
) -> Plan:
    """What to add to ``existing`` (see the module's docstring)."""
    speaking = {pid for item in existing for pid in item.speakers}
    has_block = {i.country for i in existing if i.kind == COUNTRY_KIND and i.country}
    delegations: dict[str, list[int]] = {}
    for person in people:
        if (
            person.role == SPEAKER_ROLE
            and person.country
            and person.country not in has_block
            and person.participation_id not in speaking
        ):
            delegations.setdefault(person.country, []).append(person.participation_id)
    blocks = [
        NewItem(
            kind=COUNTRY_KIND,
            title=country_name(code),
            duration_minutes=speaking_minutes * len(speakers),
            speakers=tuple(speakers),
            country=code,
        )
        for code, speakers in sorted(
            delegations.items(), key=lambda pair: (country_name(pair[0]), pair[0])
        )
    ]
    head: list[NewItem] = []
    tail: list[NewItem] = []
    if frame:
        kinds = {item.kind for item in existing}
        chair = _chair(people)
        hosts = tuple(p.participation_id for p in people if p.role == HOST_ROLE)
        speakers = {OPENING: chair, WELCOME: hosts, KEYNOTE: (), CLOSING: chair}
        for kind in (*HEAD_KINDS, CLOSING):
            if kind in kinds:
                continue
            item = NewItem(
                kind=kind,
                title=_(FRAME_TITLES[kind]),
                duration_minutes=speaking_minutes * max(1, len(speakers[kind])),
                speakers=speakers[kind],
                pinned=True,
            )
            (tail if kind == CLOSING else head).append(item)
    return Plan(tuple(_arrange(existing, head, blocks, tail)))


def _chair(people: Sequence[Person]) -> tuple[int, ...]:
    """The chair who opens and closes: the first with the first chair role
    anyone has (the chair, else the co-chair); nobody when there is none."""
    for role in v.CHAIR_ROLES:
        for person in people:
            if person.role == role:
                return (person.participation_id,)
    return ()


def _arrange(
    existing: Sequence[Existing],
    head: list[NewItem],
    blocks: list[NewItem],
    tail: list[NewItem],
) -> list[int | NewItem]:
    """The existing items in their order, with the new head items among the
    leading opening/welcome/keynote items in the frame's order, the new blocks
    before the trailing closing items, and the new closing last."""
    lead = 0
    while lead < len(existing) and existing[lead].kind in HEAD_KINDS:
        lead += 1
    trail = len(existing)
    while trail > lead and existing[trail - 1].kind == CLOSING:
        trail -= 1
    opening: list[int | NewItem] = list(range(lead))
    for item in head:
        rank = HEAD_KINDS.index(item.kind)
        # After the last item of the opening run that comes no later in the
        # frame's order than this one.
        at = 0
        for n, entry in enumerate(opening):
            kind = entry.kind if isinstance(entry, NewItem) else existing[entry].kind
            if HEAD_KINDS.index(kind) <= rank:
                at = n + 1
        opening.insert(at, item)
    return [
        *opening,
        *range(lead, trail),
        *blocks,
        *range(trail, len(existing)),
        *tail,
    ]
