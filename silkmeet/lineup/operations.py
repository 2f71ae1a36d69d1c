"""Lineup use cases that write: moves, orders, ordering helpers, undo, items.
They add and flush; the view commits once.

Every change names the ``lineup_version`` it started from and claims the next
one in SQL (:func:`claim_version`); any change to what an invite says raises the
invite revision (:mod:`silkmeet.organiser.operations`).
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from silkmeet.agenda.build import country_of
from silkmeet.db import utcnow
from silkmeet.domain import builder
from silkmeet.domain import items as item_rules
from silkmeet.domain import lineup as lu
from silkmeet.domain import timezones as tz
from silkmeet.extensions import db
from silkmeet.i18n import gettext as _
from silkmeet.i18n import lazy_gettext
from silkmeet.i18n import ngettext
from silkmeet.models import AgendaItem
from silkmeet.models import AgendaItemSpeaker
from silkmeet.models import Conference
from silkmeet.organiser.operations import invite_snapshot
from silkmeet.organiser.operations import raise_invite_revision_if_changed
from silkmeet.timetable import lineup_items


class StaleLineup(Exception):
    """Another organiser saved the lineup since this one was loaded."""

    message = lazy_gettext(
        "Another organiser changed this lineup since you loaded it, so your change "
        "was not saved. The lineup below is the current one; make your change again."
    )


class NothingToUndo(Exception):
    message = lazy_gettext("There is nothing to undo.")


class CannotUndo(Exception):
    message = lazy_gettext(
        "The lineup's items changed since; that change cannot be undone."
    )


def claim_version(conference: Conference, version: int | None) -> None:
    """Raise ``lineup_version`` if it still is ``version``, atomically.

    The compare-and-set runs in the database, so two saves racing from two
    workers cannot both succeed.
    """
    if version is None or version != conference.lineup_version:
        raise StaleLineup
    result = db.session.execute(
        update(Conference)
        .where(Conference.id == conference.id, Conference.lineup_version == version)
        .values(lineup_version=version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleLineup
    set_committed_value(conference, "lineup_version", version + 1)


# Order -------------------------------------------------------------------------


def current_order(conference: Conference) -> list[int]:
    return [item.id for item in conference.items]


def apply_order(conference: Conference, order: list[int], version: int) -> None:
    """Save a whole new order after checking the version and the rules."""
    before_items = lineup_items(conference)
    by_id = {i.id: i for i in before_items}
    if set(order) - set(by_id):
        raise lu.LineupError(
            "The order names other items than the lineup holds; reload the page."
        )
    lu.check_order(before_items, [by_id[i] for i in order])
    claim_version(conference, version)
    _write_positions(conference, order)


def save_order(
    conference: Conference, order: list[int], version: int | None, what: str, by: int
) -> None:
    """A whole new order from the editor (drag and drop); ``by`` may undo it."""
    previous = current_order(conference)
    apply_order(conference, order, version)
    _remember_undo(conference, previous, what, by)


def apply_move(
    conference: Conference,
    item_id: int | None,
    action: str,
    version: int | None,
    position: int | None,
    by: int,
) -> str:
    """One move from the editor's buttons; returns the sentence to announce."""
    items = lineup_items(conference)
    index = next((n for n, i in enumerate(items) if i.id == item_id), None)
    if index is None:
        raise lu.LineupError(_("That item is not in this lineup any more; reload."))
    if action == "up":
        new = lu.move_item(items, index, -1)
    elif action == "down":
        new = lu.move_item(items, index, +1)
    elif action == "block_up":
        new = lu.move_unit(items, index, -1)
    elif action == "block_down":
        new = lu.move_unit(items, index, +1)
    elif action == "to":
        if position is None:
            raise lu.LineupError(_("Give a position number."))
        new = lu.move_to(items, index, position - 1)
    else:
        raise lu.LineupError(_("Unknown move %(action)s.", action=repr(action)))
    claim_version(conference, version)
    _write_positions(conference, [i.id for i in new])
    unit = lu.unit_of(new, next(n for n, i in enumerate(new) if i.id == item_id))
    if unit.is_block and unit.size > 1 and action != "up" and action != "down":
        message = _(
            "The %(country)s block moved to position %(position)s of %(count)s.",
            country=tz.country_name(unit.country),
            position=unit.start + 1,
            count=len(new),
        )
    else:
        message = _(
            "“%(title)s” moved to position %(position)s of %(count)s.",
            title=items[index].title,
            position=unit.start + 1,
            count=len(new),
        )
    _remember_undo(conference, [i.id for i in items], message, by)
    return message


def apply_helper(
    conference: Conference, helper: str, version: int | None, by: int
) -> str:
    """Order the country blocks with one of :data:`lu.HELPERS`; returns the
    sentence to announce."""
    items = lineup_items(conference)
    new = lu.apply_helper(
        helper,
        items,
        conference.start_at or utcnow(),
        conference.buffer_minutes,
        conference.day_window,
    )
    claim_version(conference, version)
    _write_positions(conference, [i.id for i in new])
    message = _(
        "Country blocks ordered: %(order)s.", order=_(dict(lu.HELPERS)[helper]).lower()
    )
    _remember_undo(conference, [i.id for i in items], message, by)
    return message


def _write_positions(conference: Conference, order: list[int]) -> None:
    before = invite_snapshot(conference)
    by_id = {item.id: item for item in conference.items}
    for position, item_id in enumerate(order):
        by_id[item_id].position = position
    raise_invite_revision_if_changed(conference, before)


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


def undo_last(conference: Conference, by: int) -> str:
    """Put back the order before ``by``'s last change; returns what was undone."""
    undo = pending_undo(conference, by)
    if not undo:
        raise NothingToUndo
    try:
        apply_order(conference, undo["order"], undo["version"])
    except lu.LineupError:
        raise CannotUndo from None
    conference.lineup_undo = None
    return undo.get("what") or _("the last change")


# Items -------------------------------------------------------------------------


def save_item(
    conference: Conference,
    item: AgendaItem | None,
    version: int | None,
    draft: item_rules.ItemDraft,
) -> AgendaItem:
    """Create or update an item and its speakers after checking the item's
    rules (:class:`item_rules.ItemError`) and the version (:class:`StaleLineup`)."""
    participants = {
        p.id: country_of(p) for p in conference.participations if p.removed_at is None
    }
    checked = item_rules.check_item(
        draft, participants, conference.timezone, conference.start_at
    )
    before = invite_snapshot(conference)
    claim_version(conference, version)
    fields = dict(
        draft.fields, fixed_start_at=checked.fixed_start, country=checked.country
    )
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


# The builder -------------------------------------------------------------------

# How the built message names the frame's parts.
FRAME_WORDS = {
    builder.OPENING: lazy_gettext("opening"),
    builder.WELCOME: lazy_gettext("welcome"),
    builder.KEYNOTE: lazy_gettext("keynote"),
    builder.CLOSING: lazy_gettext("closing"),
}


def build_lineup(
    conference: Conference, version: int | None, frame: bool
) -> builder.Plan:
    """Add what :func:`builder.plan_lineup` says the lineup lacks (a country
    block per delegation with speakers, and the frame when asked), after
    checking the version; existing items keep their order. Returns the plan;
    a plan with nothing new changes nothing, not even the version."""
    people = [
        builder.Person(p.id, p.role, country_of(p) or None)
        for p in conference.participations
        if p.removed_at is None
    ]
    existing = list(conference.items)
    plan = builder.plan_lineup(
        people,
        [
            builder.Existing(
                item.kind,
                item.country,
                tuple(s.participation_id for s in item.speakers),
            )
            for item in existing
        ],
        conference.speaking_minutes,
        tz.country_name,
        frame=frame,
    )
    if not plan.new_items:
        return plan  # nothing changes, so nothing can conflict
    before = invite_snapshot(conference)
    claim_version(conference, version)
    for position, entry in enumerate(plan.order):
        if isinstance(entry, int):
            existing[entry].position = position
            continue
        item = AgendaItem(
            position=position,
            kind=entry.kind,
            title=entry.title,
            country=entry.country,
            duration_minutes=entry.duration_minutes,
            pinned=entry.pinned,
        )
        item.speakers = [
            AgendaItemSpeaker(participation_id=pid, position=n)
            for n, pid in enumerate(entry.speakers)
        ]
        conference.items.append(item)
    raise_invite_revision_if_changed(conference, before)
    return plan


def built_message(plan: builder.Plan, frame: bool) -> str:
    """What the builder did, in a sentence."""
    if not plan.new_items:
        if frame:
            nothing = _(
                "Nothing to add: every delegation with speakers has its country "
                "block, and the lineup has its opening, welcome, keynote and closing."
            )
        else:
            nothing = _(
                "Nothing to add: every delegation with speakers has its country block."
            )
        return (
            nothing
            + " "
            + _(
                "A speaker is someone with the role “Speaker” and a delegation "
                "country who speaks in no item yet."
            )
        )
    blocks = ngettext(
        "%(num)d country block (%(names)s)",
        "%(num)d country blocks (%(names)s)",
        len(plan.blocks),
        names=", ".join(item.title for item in plan.blocks),
    )
    kinds = [str(FRAME_WORDS[item.kind]) for item in plan.frame]
    frame_text = ""
    if len(kinds) > 1:
        frame_text = _(
            "the %(items)s and %(last)s", items=", ".join(kinds[:-1]), last=kinds[-1]
        )
    elif kinds:
        frame_text = _("the %(last)s", last=kinds[0])
    if plan.blocks and kinds:
        done = _(
            "Lineup built: added %(blocks)s and %(frame)s.",
            blocks=blocks,
            frame=frame_text,
        )
    elif plan.blocks:
        done = _("Lineup built: added %(blocks)s.", blocks=blocks)
    else:
        done = _("Lineup built: added %(frame)s.", frame=frame_text)
    return done + " " + _("Adjust the order, times and speakers below.")
