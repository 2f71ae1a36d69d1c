"""The invite plan: a conference's lineup, times and speaking slots, turned into
:mod:`silkmeet.domain.ics` dataclasses once per content version and shared by
every invite of that version."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask import current_app
from flask import has_request_context
from flask import request
from flask import url_for
from sqlalchemy import Row

from silkmeet.cache import cached
from silkmeet.domain import ics
from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v
from silkmeet.domain.languages import localised
from silkmeet.domain.languages import reader_locale
from silkmeet.domain.names import display_name
from silkmeet.domain.schedule import ItemIn
from silkmeet.domain.schedule import SpeakerIn
from silkmeet.domain.schedule import compute_schedule
from silkmeet.domain.schedule import meeting_end
from silkmeet.extensions import db
from silkmeet.i18n import get_locale
from silkmeet.i18n import gettext as _
from silkmeet.invites import rows
from silkmeet.mail.operations import sender_address
from silkmeet.models import Conference


class NoStartError(ValueError):
    """The conference has no start yet, so there is nothing to put in a calendar."""


def conference_uid(conference: Conference) -> str:
    """The meeting's UID: the same for every participant, every update and
    every slug the conference has had."""
    return conference.uid


def slot_uid(conference_uid: str, participation_uid: str, rank: int) -> str:
    """The UID of a participant's ``rank``-th speaking slot (from 1); from the
    participation's uid, which export and import keep."""
    return ics.derived_uid(conference_uid, "slot", participation_uid, rank)


class _Lineup:
    """Items, their times and speaking slots, from :func:`rows.item_rows` and
    :func:`rows.speaker_rows`; shared by every invite built from it."""

    def __init__(
        self,
        conference: Conference,
        items: list[Row],
        speakers: list[Row],
        locale: str | None = None,
    ):
        self.uid = conference_uid(conference)
        self.items = items
        self.position = {row.id: n for n, row in enumerate(items)}
        self.by_item: dict[int, list[Row]] = {}
        # Removed speakers are out of the lineup, as in timetable.schedule_for.
        current: dict[int, list[SpeakerIn]] = {}
        for row in speakers:
            self.by_item.setdefault(row.item_id, []).append(row)
            if row.removed_at is None:
                current.setdefault(row.item_id, []).append(
                    SpeakerIn(row.participation_id, "", "", "", row.minutes)
                )
        self._item_uids: dict[int, str] = {}
        self._row_uids = {row.id: row.uid for row in items}
        # Participation id → its uid, for every speaker.
        self.speaker_uids = {
            row.participation_id: row.participation_uid for row in speakers
        }
        # The domain's one computation of the times.
        self.scheduled = compute_schedule(
            conference.start_at,
            [
                ItemIn(
                    id=row.id,
                    title=localised(row.title, row.title_translations, locale),
                    kind="",
                    duration_minutes=row.duration_minutes,
                    fixed_start=row.fixed_start_at,
                    speakers=tuple(current.get(row.id, ())),
                )
                for row in items
            ],
            conference.buffer_minutes,
        )
        self.end = meeting_end(
            conference.start_at, conference.duration_minutes, self.scheduled
        )

    def item_uid(self, item_id: int) -> str:
        uid = self._item_uids.get(item_id)
        if uid is None:
            uid = self._item_uids[item_id] = ics.derived_uid(
                self.uid, "item", self._row_uids[item_id]
            )
        return uid

    def agenda_slot(self, n: int, detail: str = "") -> ics.Slot:
        scheduled = self.scheduled[n]
        return ics.Slot(
            uid=self.item_uid(scheduled.item.id),
            title=scheduled.item.title,
            start=scheduled.start,
            end=scheduled.end,
            detail=detail,
        )

    def speaking_slots(self) -> dict[int, list[ics.Slot]]:
        """Participation id → its speaking slots, in lineup order.

        A slot's UID names the participant and the slot's rank among theirs
        (first, second…), not the item: a speaker moved to another item, or
        whose item moves, gets the same event updated in their calendar rather
        than a second one beside the first."""
        slots: dict[int, list[ics.Slot]] = {}
        for scheduled in self.scheduled:
            if not scheduled.slots:
                continue
            item_uid = self.item_uid(scheduled.item.id)
            for turn in scheduled.slots:
                pid = turn.speaker.participant_id
                mine = slots.setdefault(pid, [])
                mine.append(
                    ics.Slot(
                        uid=slot_uid(self.uid, self.speaker_uids[pid], len(mine) + 1),
                        title=scheduled.item.title,
                        start=turn.start,
                        end=turn.end,
                        item=item_uid,
                    )
                )
        return slots

    def removed_slots(
        self,
        participation_id: int,
        participation_uid: str,
        cancelled: Sequence[dict] = (),
    ) -> list[ics.Slot]:
        """A removed speaker's former slots, under the UIDs their invite gave
        them, so that the cancel reaches them: those recorded at their removal
        (``cancelled``), else those of the items they are still linked to."""
        if cancelled:
            return [
                ics.Slot(
                    uid=slot_uid(self.uid, participation_uid, rank),
                    title=slot["title"],
                    start=datetime.fromisoformat(slot["start"]),
                    end=datetime.fromisoformat(slot["end"]),
                )
                for rank, slot in enumerate(cancelled, start=1)
            ]
        linked = sorted(
            self.position[item_id]
            for item_id, links in self.by_item.items()
            if item_id in self.position
            and any(s.participation_id == participation_id for s in links)
        )
        found = []
        for rank, n in enumerate(linked, start=1):
            scheduled = self.scheduled[n]
            found.append(
                ics.Slot(
                    uid=slot_uid(self.uid, participation_uid, rank),
                    title=scheduled.item.title,
                    start=scheduled.start,
                    end=scheduled.end,
                    item=self.item_uid(scheduled.item.id),
                )
            )
        return found


def _meeting(
    conference: Conference,
    lineup: _Lineup,
    agenda: tuple[ics.Slot, ...],
    agenda_total: int = 0,
    locale: str | None = None,
) -> ics.Meeting:
    # The ORGANIZER of every calendar is the mailbox silkmeet sends from (the
    # conference's own sender, else SILKMEET_MAIL_FROM), the same as in the
    # e-mailed invitations; never an organiser's login address.
    organizer_name, organizer_email = sender_address(conference)
    return ics.Meeting(
        uid=lineup.uid,
        title=localised(conference.title, conference.title_translations, locale),
        zone=conference.timezone,
        start=conference.start_at,
        end=lineup.end,
        revision=conference.invite_revision,
        cancelled=conference.status == "cancelled",
        description=localised(
            conference.description, conference.description_translations, locale
        ),
        platform=conference.video_platform,
        join_url=conference.join_url,
        meeting_id=conference.meeting_id,
        passcode=conference.passcode,
        dial_in=conference.dial_in,
        organizer_name=organizer_name,
        organizer_email=organizer_email,
        agenda=agenda,
        agenda_total=agenda_total,
    )


def agenda_url_template() -> str:
    """The delegate page's address with ``{slug}`` and ``{token}`` to fill in;
    ``""`` where no address can be built (the CLI without ``SERVER_NAME``).
    Built once per host a request came in by."""
    if not has_request_context():
        return _build_agenda_url_template()
    templates = current_app.extensions.setdefault("silkmeet_agenda_urls", {})
    host = request.host_url
    if host not in templates:
        if len(templates) >= 16:
            templates.clear()  # Host is the client's to choose: stay bounded
        templates[host] = _build_agenda_url_template()
    return templates[host]


def _build_agenda_url_template() -> str:
    try:
        url = url_for(
            "agenda.delegate_page", slug="SLUG", token="TOKEN", _external=True
        )
    except RuntimeError:
        return ""
    return url.replace("TOKEN", "{token}").replace("SLUG", "{slug}")


def invitee(
    row: Row, slots: Sequence[ics.Slot], agenda_url_template: str
) -> ics.Invitee:
    """The invitee of a :data:`rows.PERSONAL_COLUMNS` row."""
    delegation = row.delegation_country
    removed = row.removed_at is not None
    return ics.Invitee(
        name=display_name(row.full_name, row.latin_name),
        role=_(v.label(v.PARTICIPANT_ROLES, row.role)),
        zone=row.timezone,
        email=row.email or "",
        delegation=tz.country_name(delegation) if delegation else "",
        removed=removed,
        slots=tuple(slots),
        agenda_url=""
        if removed
        else agenda_url_template.format(slug=row.slug, token=row.token),
    )


class InvitePlan:
    """Everything the invites of one conference version share in one language:
    the meeting with its whole agenda, and every speaker's slots, titled in
    ``locale`` where the organisers gave it. Built once per content version
    and language and kept by the worker (:mod:`silkmeet.cache`); an invite
    then costs only its participant's row and its own events."""

    def __init__(
        self,
        conference: Conference,
        items: list[Row],
        speakers: list[Row],
        locale: str | None = None,
    ):
        self.lineup = _Lineup(conference, items, speakers, locale)
        agenda = tuple(self.lineup.agenda_slot(n) for n in range(len(items)))
        self.meeting = _meeting(conference, self.lineup, agenda, locale=locale)
        self.slots = self.lineup.speaking_slots()
        self.cache_size = 2048 + 1024 * len(items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InvitePlan) and (self.meeting, self.slots) == (
            other.meeting,
            other.slots,
        )

    __hash__ = None  # type: ignore[assignment]

    def slots_of(self, row: Row) -> Sequence[ics.Slot]:
        """The slots in the invite of a :data:`rows.PERSONAL_COLUMNS` row: its
        speaking slots, or the cancelled ones of a removed participant."""
        if row.removed_at is not None:
            return self.lineup.removed_slots(row.id, row.uid, row.cancelled_slots or ())
        return self.slots.get(row.id, ())


def reader_of(row: Row) -> str:
    """The language the participant of a :data:`rows.PERSONAL_COLUMNS` row
    reads: their invite, feed and every e-mail to them are in it."""
    return reader_locale(
        row.preferred_language, row.person_languages, row.conference_languages
    )


def invite_plan(conference_id: int, key: tuple) -> InvitePlan:
    """The conference's :class:`InvitePlan` at the version ``key`` names
    (:func:`silkmeet.cache.conference_key`), built at most once per version and
    language by this worker: its meeting keeps the invite's shared lines
    serialised (:attr:`ics.Meeting.published_invite`), words included (the
    video call's label), and its titles as the organisers gave them in that
    language (:func:`localised`), so a plan serves the one language it was
    built in (the request's, or the participant's under ``force_locale``:
    :func:`silkmeet.invites.operations.reading_as`)."""

    locale = str(get_locale())

    def build() -> InvitePlan:
        conference = db.session.get(Conference, conference_id)
        if conference.start_at is None:
            raise NoStartError(conference.slug)
        return InvitePlan(
            conference,
            rows.item_rows(conference_id),
            rows.speaker_rows(conference_id),
            locale,
        )

    return cached("invite-plan", key, locale, build)


def conference_meeting(conference: Conference) -> ics.Meeting:
    """The meeting of the conference calendar: every item, each with its
    current speakers' names."""
    if conference.start_at is None:
        raise NoStartError(conference.slug)
    lineup = _Lineup(
        conference,
        rows.item_rows(conference.id),
        rows.speaker_rows(conference.id, names=True),
    )
    agenda = tuple(
        lineup.agenda_slot(
            n,
            ", ".join(
                s.full_name
                for s in lineup.by_item.get(row.id, ())
                if s.removed_at is None
            ),
        )
        for n, row in enumerate(lineup.items)
    )
    return _meeting(conference, lineup, agenda)
