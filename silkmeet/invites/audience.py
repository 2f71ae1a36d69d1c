"""Who holds which invitation: every participant of a conference with the
messages about their meeting (and their speaking slots mailed as events of their
own), whether what they hold is outdated and how, and the message they would
get now.

What each participant holds is read from the outbox, never kept a second time:
the messages about their events with the snapshot of what each said
(:mod:`silkmeet.domain.invitation_state`). The writes are in :mod:`.sending`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import NamedTuple

from flask import url_for
from sqlalchemy import Row
from sqlalchemy import func
from sqlalchemy import select

from silkmeet.cache import conference_key
from silkmeet.domain import invitation_state as istate
from silkmeet.domain import vocabulary as v
from silkmeet.domain.names import display_name
from silkmeet.domain.words import N_
from silkmeet.extensions import db
from silkmeet.invites import rows
from silkmeet.invites.operations import reading_as
from silkmeet.invites.plan import InvitePlan
from silkmeet.invites.plan import NoStartError
from silkmeet.invites.plan import agenda_url_template
from silkmeet.invites.plan import conference_uid
from silkmeet.invites.plan import invite_plan
from silkmeet.invites.plan import invitee
from silkmeet.invites.plan import reader_of
from silkmeet.invites.plan import slot_uid
from silkmeet.mail import messages
from silkmeet.mail import render
from silkmeet.mail.operations import sendable_address
from silkmeet.mail.queueing import SLOT_INVITATION
from silkmeet.models import Conference
from silkmeet.models import OutboxMessage


class Message(NamedTuple):
    """An outbox row as this page reads it (no bytes)."""

    id: int
    participation_id: int
    ics_uid: str
    slot: int | None
    kind: str
    status: str
    recipient: str
    created_at: datetime
    sent_at: datetime | None
    last_error: str | None
    snapshot: dict | None


@dataclass
class Standing:
    """One participant and the invitation they hold."""

    row: Row
    name: str
    # Their address as a message carries it; None: no message can reach them.
    address: str | None
    personal_url: str
    run_of_show_url: str
    # The last message about their meeting event that was not superseded.
    latest: Message | None = None
    # What their calendar holds of it (the last one that may have reached them).
    holds: Message | None = None
    # What changed since what they hold (empty: up to date, or nothing held).
    changes: tuple[str, ...] = ()
    # Their speaking slots mailed as events of their own: rank → latest message.
    slot_events: dict[int, Message] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def removed(self) -> bool:
        return self.row.removed_at is not None

    @property
    def reachable(self) -> bool:
        return self.address is not None

    @property
    def invited(self) -> bool:
        """A message about their meeting stands for them at their current
        address (queued, on its way or sent): an invitation, or the
        cancellation of a conference that may be on again (then outdated)."""
        latest = self.latest
        return (
            latest is not None
            and latest.status in render.STANDING
            and latest.recipient == self.address
        )

    @property
    def outdated(self) -> bool:
        return bool(self.changes)

    @property
    def status(self) -> str:
        """not_reachable, not_invited, queued, sending, sent, failed, or
        cancelled (a cancellation is their last message)."""
        if self.latest is not None and self.latest.kind == messages.CANCELLATION:
            return "cancelled"
        if self.latest is not None and self.latest.status == "failed":
            return "failed"
        if not self.reachable:
            return "not_reachable"
        if not self.invited:
            return "not_invited"
        return self.latest.status


# Marked for translation; the Invites page translates them where it shows them.
STATUS_LABELS = {
    "not_reachable": N_("not reachable: no e-mail address"),
    "not_invited": N_("not invited"),
    "queued": N_("queued"),
    "sending": N_("sending"),
    "sent": N_("sent"),
    "failed": N_("failed"),
    "cancelled": N_("cancellation"),
}


@dataclass
class Audience:
    """Everyone on the conference's Invites page."""

    conference: Conference
    plan: InvitePlan | None
    people: list[Standing]

    @property
    def current(self) -> list[Standing]:
        return [p for p in self.people if not p.removed]

    @property
    def outdated(self) -> list[Standing]:
        return [p for p in self.current if p.outdated]

    @property
    def unreachable(self) -> list[Standing]:
        return [p for p in self.current if not p.reachable]

    def counts(self) -> dict[str, int]:
        current = self.current
        counts = dict.fromkeys(STATUS_LABELS, 0)
        for person in current:
            counts[person.status] += 1
        counts["participants"] = len(current)
        counts["outdated"] = sum(1 for p in current if p.outdated)
        return counts

    def roles(self) -> list[tuple[str, str]]:
        present = {p.row.role for p in self.current}
        return [
            (value, text) for value, text in v.PARTICIPANT_ROLES if value in present
        ]

    def countries(self) -> list[str]:
        return sorted({p.row.delegation_country for p in self.current} - {None})


def of(conference: Conference, participation_id: int | None = None) -> Audience:
    """Every participant (or the one ``participation_id``) with their
    invitation's state: a fixed number of statements, whatever the size of the
    conference."""
    people = rows.page_rows(conference.id, participation_id)
    plan = None
    key = conference_key(conference)
    if conference.start_at is not None:
        plan = invite_plan(conference.id, key)
    # What each participant reads is in their language (reader_of).
    plans: dict[str, InvitePlan] = {}

    def plan_for(row: Row) -> InvitePlan:
        locale = reader_of(row)
        if locale not in plans:
            plans[locale] = invite_plan(conference.id, key)  # under reading_as
        return plans[locale]

    meeting_uid = conference_uid(conference)
    by_person = _messages(conference.id, participation_id)
    template = agenda_url_template()
    chairs = set(v.CHAIR_ROLES)
    found = []
    for row in people:
        standing = Standing(
            row=row,
            name=display_name(row.full_name, row.latin_name),
            address=sendable_address(row.email) if row.email else None,
            personal_url=template.format(slug=row.slug, token=row.token),
            run_of_show_url=_run_of_show_url(row) if row.role in chairs else "",
        )
        _read_messages(standing, by_person.get(row.id, ()), meeting_uid)
        if plan is not None and standing.holds is not None and not standing.removed:
            with reading_as(row):
                standing.changes = _changes(standing, plan_for(row), template)
        found.append(standing)
    return Audience(conference, plan, found)


def _run_of_show_url(row: Row) -> str:
    try:
        return url_for("runofshow.show", slug=row.slug, token=row.token, _external=True)
    except RuntimeError:  # no request and no SERVER_NAME: no address to give
        return ""


def _messages(
    conference_id: int, participation_id: int | None = None
) -> dict[int, list[Message]]:
    """Each participant's last message per calendar event and status, oldest
    first: enough to tell what they hold and what stands to reach them."""
    last = select(func.max(OutboxMessage.id)).where(
        OutboxMessage.conference_id == conference_id,
        OutboxMessage.participation_id.is_not(None),
        OutboxMessage.ics_uid.is_not(None),
    )
    if participation_id is not None:
        last = last.where(OutboxMessage.participation_id == participation_id)
    last = last.group_by(
        OutboxMessage.participation_id,
        OutboxMessage.ics_uid,
        OutboxMessage.status,
    )
    found: dict[int, list[Message]] = {}
    for row in db.session.execute(
        select(*(getattr(OutboxMessage, name) for name in Message._fields))
        .where(OutboxMessage.id.in_(last))
        .order_by(OutboxMessage.id)
    ):
        found.setdefault(row.participation_id, []).append(Message(*row))
    return found


def _read_messages(
    standing: Standing, found: Iterable[Message], meeting_uid: str
) -> None:
    for message in found:
        if message.status == "superseded":
            continue
        if message.ics_uid == meeting_uid and message.slot is None:
            standing.latest = message
            if message.status in render.DELIVERED:
                standing.holds = message
        elif message.slot is not None:
            standing.slot_events[message.slot] = message


def _changes(standing: Standing, plan: InvitePlan, template: str) -> tuple[str, ...]:
    latest, holds = standing.latest, standing.holds
    if latest is not holds and latest.status in ("queued", "sending"):
        return ()  # an update is on its way, rendered as things stand then
    if not holds.snapshot:
        return ()
    row = standing.row
    person = invitee(row, plan.slots_of(row), template)
    now = istate.state_of(plan.meeting, person, link=row.token)
    return tuple(
        istate.changes(istate.InviteState.from_json(holds.snapshot), now, row.timezone)
    )


class Preview(NamedTuple):
    """The message a participant would get now, as the worker would render it."""

    person: Standing
    kind: str
    rendered: render.Rendered


def preview(found: Audience, slot: int | None = None) -> Preview:
    """What the one participant of ``found`` would be sent now: a cancellation
    once they are removed or the conference is cancelled, an update when their
    invitation is outdated, else an invitation (``slot``: that speaking slot as
    an event of its own)."""
    if found.plan is None:
        raise NoStartError(found.conference.slug)
    [person] = found.people
    meeting_uid = found.plan.meeting.uid
    if person.removed or found.conference.status == "cancelled":
        kind = messages.CANCELLATION
    elif person.outdated:
        kind = messages.UPDATE
    else:
        kind = SLOT_INVITATION if slot is not None else messages.INVITATION
    uid = meeting_uid if slot is None else slot_uid(meeting_uid, person.row.uid, slot)
    holds = render.held(person.id, uid)
    return Preview(person, kind, render.render(person.row, kind, slot, holds))
