"""Invites: conference models to :mod:`silkmeet.domain.ics` dataclasses, and the
writes around them (download records, token reissue)."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from datetime import datetime
from datetime import timedelta
from urllib.parse import quote

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from silkmeet.db import utcnow
from silkmeet.domain import ics
from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v
from silkmeet.domain.schedule import ScheduledItem
from silkmeet.domain.schedule import schedule_end
from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import AgendaItemSpeaker
from silkmeet.models import Conference
from silkmeet.models import ConferenceHost
from silkmeet.models import ConferenceOrganiser
from silkmeet.models import Organiser
from silkmeet.models import Participation
from silkmeet.models.conference import new_token
from silkmeet.timetable import load_conference
from silkmeet.timetable import schedule_for

DEFAULT_UID_DOMAIN = "silkmeet.invalid"
FALLBACK_ORGANIZER = "invites@silkmeet.invalid"
_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


class NoStartError(ValueError):
    """The conference has no start yet, so there is nothing to put in a calendar."""


def uid_domain() -> str:
    return current_app.config.get("INVITE_UID_DOMAIN") or DEFAULT_UID_DOMAIN


def organizer_email(conference: Conference) -> str:
    """The ORGANIZER address: configured, else the conference's first owner."""
    configured = current_app.config.get("INVITE_ORGANIZER_EMAIL")
    if configured:
        return configured
    email = db.session.scalar(
        select(Organiser.email)
        .join(ConferenceOrganiser)
        .where(
            ConferenceOrganiser.conference_id == conference.id,
            ConferenceOrganiser.access == "owner",
        )
        .order_by(ConferenceOrganiser.organiser_id)
        .limit(1)
    )
    return email or FALLBACK_ORGANIZER


def _conference_uid(conference: Conference) -> str:
    return ics.conference_uid(conference.slug, uid_domain())


def meeting_for(
    conference: Conference, scheduled: Sequence[ScheduledItem] | None = None
) -> ics.Meeting:
    """The shared part of every invite. Needs a conference with a start."""
    if conference.start_at is None:
        raise NoStartError(conference.slug)
    if scheduled is None:
        scheduled = schedule_for(conference)
    uid = _conference_uid(conference)
    start = conference.start_at
    end = max(
        start + timedelta(minutes=conference.duration_minutes),
        schedule_end(scheduled, start),
    )
    hosts = [h.organisation.name for h in conference.hosts]
    agenda = tuple(
        ics.Slot(
            uid=ics.derived_uid(uid, "item", s.item.id),
            title=s.item.title,
            start=s.start,
            end=s.end,
            detail=", ".join(sp.name for sp in s.item.speakers),
        )
        for s in scheduled
    )
    return ics.Meeting(
        uid=uid,
        title=conference.title,
        zone=conference.timezone,
        start=start,
        end=end,
        revision=conference.invite_revision,
        cancelled=conference.status == "cancelled",
        description=conference.description,
        platform=conference.video_platform,
        join_url=conference.join_url,
        meeting_id=conference.meeting_id,
        passcode=conference.passcode,
        dial_in=conference.dial_in,
        organizer_name=hosts[0] if hosts else conference.title,
        organizer_email=organizer_email(conference),
        agenda=agenda,
    )


def invitee_for(
    participation: Participation,
    meeting: ics.Meeting,
    scheduled: Sequence[ScheduledItem],
) -> ics.Invitee:
    person = participation.person
    slots = []
    for s in scheduled:
        for slot in s.slots:
            if slot.speaker.participant_id == participation.id:
                slots.append(
                    ics.Slot(
                        uid=ics.derived_uid(
                            meeting.uid, "slot", participation.id, s.item.id
                        ),
                        title=s.item.title,
                        start=slot.start,
                        end=slot.end,
                    )
                )
    if participation.removed_at is not None:
        # The lineup drops removed speakers; cancel the slots they had, at the
        # item's time, under the UIDs their invite gave them.
        by_id = {s.item.id: s for s in scheduled}
        for link in participation.speaking:
            item = by_id.get(link.item_id)
            if item is not None:
                slots.append(
                    ics.Slot(
                        uid=ics.derived_uid(
                            meeting.uid, "slot", participation.id, link.item_id
                        ),
                        title=item.item.title,
                        start=item.start,
                        end=item.end,
                    )
                )
    delegation = participation.delegation_country
    return ics.Invitee(
        name=person.display_name,
        role=v.label(v.PARTICIPANT_ROLES, participation.role),
        zone=person.timezone,
        email=person.email or "",
        delegation=tz.country_name(delegation) if delegation else "",
        removed=participation.removed_at is not None,
        slots=tuple(slots),
    )


def _invite_options():
    """What one invite needs: the lineup and hosts, not every participant."""
    return (
        selectinload(Conference.items)
        .selectinload(AgendaItem.speakers)
        .selectinload(AgendaItemSpeaker.participation)
        .selectinload(Participation.person),
        selectinload(Conference.hosts).selectinload(ConferenceHost.organisation),
    )


def _loaded(participation: Participation) -> tuple[Conference, list[ScheduledItem]]:
    conference = db.session.scalar(
        select(Conference)
        .where(Conference.id == participation.conference_id)
        .options(*_invite_options())
    )
    return conference, schedule_for(conference)


def personal_invite(participation: Participation, stamp: datetime | None = None):
    """``(bytes, filename)`` of one participant's invite (or cancellation)."""
    conference, scheduled = _loaded(participation)
    meeting = meeting_for(conference, scheduled)
    invitee = invitee_for(participation, meeting, scheduled)
    data = ics.invite(meeting, invitee, stamp or utcnow())
    return data, invite_filename(conference, participation)


def personal_feed(participation: Participation, stamp: datetime | None = None):
    conference, scheduled = _loaded(participation)
    meeting = meeting_for(conference, scheduled)
    invitee = invitee_for(participation, meeting, scheduled)
    return ics.feed(meeting, invitee, stamp or utcnow())


def conference_calendar(conference: Conference, stamp: datetime | None = None):
    """``(bytes, filename)``: one event per agenda item."""
    conference = load_conference(conference.slug)
    meeting = meeting_for(conference)
    return ics.agenda_calendar(meeting, stamp or utcnow()), f"{conference.slug}.ics"


def record_download(participation: Participation) -> None:
    participation.invite_downloaded_at = utcnow()
    participation.invite_download_count = (participation.invite_download_count or 0) + 1
    db.session.flush()


def reissue_token(participation: Participation) -> str:
    """Give a new personal link; the old one answers 404 from now on."""
    participation.token = new_token()
    participation.token_issued_at = utcnow()
    db.session.flush()
    return participation.token


def safe_filename(name: str) -> str:
    """A file name any OS accepts; non-ASCII letters are kept."""
    name = unicodedata.normalize("NFC", name)
    name = _UNSAFE_FILENAME.sub("-", name)
    name = re.sub(r"\s+", " ", name).strip(" .-")
    return name[:120].rstrip(" .-")


def ascii_filename(name: str) -> str:
    """The ASCII-only form used inside ZIPs and as the ``filename`` fallback."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip(".-")
    return re.sub(r"-{2,}", "-", text)[:80].strip(".-")


def invite_filename(conference: Conference, participation: Participation) -> str:
    name = safe_filename(participation.person.full_name) or "invite"
    return f"{conference.slug} - {name}.ics"


def content_disposition(filename: str, kind: str = "attachment") -> str:
    """RFC 6266: an ASCII ``filename`` and, when it differs, ``filename*``."""
    filename = safe_filename(filename) or "download"
    stem, dot, ext = filename.rpartition(".")
    fallback = (ascii_filename(stem) or "download") + dot + ext if dot else ""
    fallback = fallback or ascii_filename(filename) or "download"
    header = f'{kind}; filename="{fallback}"'
    if fallback != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def zip_names(participations: Sequence[Participation]) -> list[str]:
    """One unique ASCII file name per participant, in list order."""
    names = []
    width = max(2, len(str(len(participations))))
    for n, p in enumerate(participations, start=1):
        person = p.person
        base = ascii_filename(person.latin_name or "") or ascii_filename(
            person.full_name
        )
        names.append(f"{n:0{width}d}-{base or f'participant-{p.id}'}.ics")
    return names


def invites_zip(conference: Conference, stamp: datetime | None = None) -> bytes:
    """Every current participant's invite, one file each, in one ZIP."""
    conference = load_conference(conference.slug)
    scheduled = schedule_for(conference)
    meeting = meeting_for(conference, scheduled)
    stamp = stamp or utcnow()
    people = [p for p in conference.participations if p.removed_at is None]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, participation in zip(zip_names(people), people, strict=True):
            invitee = invitee_for(participation, meeting, scheduled)
            archive.writestr(name, ics.invite(meeting, invitee, stamp))
    return buffer.getvalue()
