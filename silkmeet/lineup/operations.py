"""Lineup use cases that write: moves, orders, ordering helpers, undo, items.
They add and flush; the view commits once.

Every change names the ``lineup_version`` it started from and claims the next
one in SQL (:func:`claim_version`); any change to what an invite says raises the
invite revision (:mod:`silkmeet.organiser.operations`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from silkmeet.db import utcnow
from silkmeet.domain import items as item_rules
from silkmeet.domain import lineup as lu
from silkmeet.domain import timezones as tz
from silkmeet.domain.schedule import ItemIn
from silkmeet.extensions import db
from silkmeet.lineup.state import LineupState
from silkmeet.models import AgendaItem
from silkmeet.models import AgendaItemSpeaker
from silkmeet.models import Conference
from silkmeet.models.versioning import bump
from silkmeet.organiser.operations import invite_snapshot
from silkmeet.organiser.operations import raise_counter
from silkmeet.organiser.operations import raise_invite_revision_if_changed
from silkmeet.organiser.operations import slots_changed


class StaleLineup(Exception):
    """Another organiser saved the lineup since this one was loaded."""

    message = (
        "Another organiser changed this lineup since you loaded it, so your change "
        "was not saved. The lineup below is the current one; make your change again."
    )


class NothingToUndo(Exception):
    message = "There is nothing to undo."


class CannotUndo(Exception):
    message = "The lineup's items changed since; that change cannot be undone."


def claim_version(
    conference: Conference, version: int | None, content: bool = False
) -> int:
    """Raise ``lineup_version`` if it still is ``version``, atomically; with
    ``content``, raise the content version in the same UPDATE (for writes that
    bypass the ORM's flush) and return the new one.

    The compare-and-set runs in the database, so two saves racing from two
    workers cannot both succeed.
    """
    if version is None or version != conference.lineup_version:
        raise StaleLineup
    content_version = db.session.execute(
        update(Conference)
        .where(Conference.id == conference.id, Conference.lineup_version == version)
        .values(lineup_version=version + 1, **(bump() if content else {}))
        .returning(Conference.content_version)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if content_version is None:
        raise StaleLineup
    set_committed_value(conference, "lineup_version", version + 1)
    if content:
        set_committed_value(conference, "content_version", content_version)
    return content_version


# Order -------------------------------------------------------------------------


@dataclass(frozen=True)
class Reordered:
    """What a change of order did: the sentence to announce, the new state, and
    whether the new content version is this change alone on top of the one
    ``state`` was read at (then the new state may be kept under it)."""

    message: str
    state: LineupState
    alone: bool


def apply_order(
    conference: Conference,
    order: list[int],
    version: int | None,
    state: LineupState | None = None,
) -> Reordered:
    """Save a whole new order after checking the version and the rules."""
    state = state or LineupState.read(conference)
    by_id = {i.id: i for i in state.items}
    if set(order) - set(by_id):
        raise lu.LineupError(
            "The order names other items than the lineup holds; reload the page."
        )
    new = [by_id[i] for i in order]
    lu.check_order(state.items, new)
    return write_order(conference, state, new, version, "")


def save_order(
    conference: Conference,
    state: LineupState,
    order: list[int],
    version: int | None,
    what: str,
    by: int,
) -> Reordered:
    """A whole new order from the editor (drag and drop); ``by`` may undo it."""
    done = apply_order(conference, order, version, state)
    _remember_undo(conference, [i.id for i in state.items], what, by)
    return Reordered(what, done.state, done.alone)


def apply_move(
    conference: Conference,
    state: LineupState,
    item_id: int | None,
    action: str,
    version: int | None,
    position: int | None,
    by: int,
) -> Reordered:
    """One move from the editor's buttons, with the sentence to announce."""
    items, units = state.items, state.units or None
    index = next((n for n, i in enumerate(items) if i.id == item_id), None)
    if index is None:
        raise lu.LineupError("That item is not in this lineup any more; reload.")
    if action == "up":
        new = lu.move_item(items, index, -1, units)
    elif action == "down":
        new = lu.move_item(items, index, +1, units)
    elif action == "block_up":
        new = lu.move_unit(items, index, -1, units)
    elif action == "block_down":
        new = lu.move_unit(items, index, +1, units)
    elif action == "to":
        if position is None:
            raise lu.LineupError("Give a position number.")
        new = lu.move_to(items, index, position - 1, units)
    else:
        raise lu.LineupError(f"Unknown move {action!r}.")
    done = write_order(conference, state, new, version, "")
    unit = lu.unit_of(
        new,
        next(n for n, i in enumerate(new) if i.id == item_id),
        done.state.units or None,
    )
    what = (
        f"The {tz.country_name(unit.country)} block"
        if unit.is_block and unit.size > 1 and action != "up" and action != "down"
        else f"“{items[index].title}”"
    )
    message = f"{what} moved to position {unit.start + 1} of {len(new)}."
    _remember_undo(conference, [i.id for i in items], message, by)
    return Reordered(message, done.state, done.alone)


def apply_helper(
    conference: Conference,
    state: LineupState,
    helper: str,
    version: int | None,
    by: int,
) -> str:
    """Order the country blocks with one of :data:`lu.HELPERS`; returns the
    sentence to announce."""
    items = state.items
    new = lu.apply_helper(
        helper, items, conference.start_at or utcnow(), conference.buffer_minutes
    )
    message = f"Country blocks ordered: {dict(lu.HELPERS)[helper].lower()}."
    write_order(conference, state, new, version, message)
    _remember_undo(conference, [i.id for i in items], message, by)
    return message


def write_order(
    conference: Conference,
    state: LineupState,
    items: list[ItemIn],
    version: int | None,
    message: str,
) -> Reordered:
    """Claim the version and write the positions of the items that moved, in
    one executemany; raise the invite revision when a slot changed. Work in
    proportion to what moved: ``state`` (read at ``conference``'s content
    version) gives the times before."""
    read_at = conference.content_version
    new = state.reordered(items)
    claimed = claim_version(conference, version, content=True)
    moved = [
        {"id": item.id, "position": n}
        for n, (old, item) in enumerate(zip(state.items, new.items, strict=True))
        if old.id != item.id
    ]
    if moved:
        db.session.execute(
            update(AgendaItem).execution_options(synchronize_session=False), moved
        )
        for item in conference.__dict__.get("items", ()):
            # A loaded lineup (the same session) sees the new order.
            db.session.expire(item, ["position"])
        db.session.expire(conference, ["items"])
    if slots_changed(state.scheduled, new.scheduled):
        raise_counter(conference, "invite_revision")
    return Reordered(message, new, alone=claimed == read_at + 1)


# Undo --------------------------------------------------------------------------


def _remember_undo(
    conference: Conference, previous_order: list[int], what: str, by: int
) -> None:
    """Keep the order before this organiser's change, on the conference row: a
    2,000-item order would overflow a session cookie (4 KB), which browsers
    then silently drop."""
    conference.lineup_undo = {
        "order": previous_order,
        "version": conference.lineup_version,
        "what": what,
        "by": by,
    }


def pending_undo(conference: Conference, by: int) -> dict | None:
    """The change organiser ``by`` can still undo: their own, and the last one."""
    undo = conference.lineup_undo
    if (
        not undo
        or undo.get("by") != by
        or undo.get("version") != conference.lineup_version
    ):
        return None
    return undo


def undo_last(conference: Conference, by: int, state: LineupState | None = None) -> str:
    """Put back the order before ``by``'s last change; returns what was undone."""
    undo = pending_undo(conference, by)
    if not undo:
        raise NothingToUndo
    try:
        apply_order(conference, undo["order"], undo["version"], state)
    except lu.LineupError:
        raise CannotUndo from None
    conference.lineup_undo = None
    return undo.get("what", "the last change")


# Items -------------------------------------------------------------------------


def save_item(
    conference: Conference,
    item: AgendaItem | None,
    version: int | None,
    draft: item_rules.ItemDraft,
) -> AgendaItem:
    """Create or update an item and its speakers after checking the item's
    rules (:class:`item_rules.ItemError`) and the version (:class:`StaleLineup`)."""
    participants = {p.id for p in conference.participations if p.removed_at is None}
    checked = item_rules.check_item(
        draft, participants, conference.timezone, conference.start_at
    )
    before = invite_snapshot(conference)
    claim_version(conference, version)
    fields = dict(draft.fields, fixed_start_at=checked.fixed_start)
    if item is None:
        item = AgendaItem(position=len(conference.items), **fields)
        conference.items.append(item)
    else:
        for name, value in fields.items():
            setattr(item, name, value)
    current = {s.participation_id: s for s in item.speakers}
    wanted = [pid for pid, _minutes in checked.speakers]
    for pid, speaker in current.items():
        if pid not in wanted:
            item.speakers.remove(speaker)
    db.session.flush()
    for position, (pid, minutes) in enumerate(checked.speakers):
        speaker = current.get(pid)
        if speaker is None:
            speaker = AgendaItemSpeaker(participation_id=pid)
            item.speakers.append(speaker)
        speaker.position = position
        speaker.minutes = minutes
    raise_invite_revision_if_changed(conference, before)
    return item


def remove_item(conference: Conference, item: AgendaItem, version: int | None) -> None:
    before = invite_snapshot(conference)
    claim_version(conference, version)
    conference.items.remove(item)
    db.session.flush()
    for position, other in enumerate(conference.items):
        other.position = position
    raise_invite_revision_if_changed(conference, before)
