"""Turn a loaded conference into the plain dataclasses the domain modules take."""

from __future__ import annotations

from collections.abc import Iterator

from silkmeet.domain import exports
from silkmeet.domain import vocabulary as v
from silkmeet.domain.languages import translation_pairs
from silkmeet.models import Conference
from silkmeet.models import Participation


def active_participations(conference: Conference) -> list[Participation]:
    return [p for p in conference.participations if p.removed_at is None]


def country_of(participation: Participation) -> str:
    return participation.delegation_country or participation.person.country or ""


def conference_info(conference: Conference) -> exports.ConferenceInfo:
    return exports.ConferenceInfo(
        uid=conference.uid,
        slug=conference.slug,
        title=conference.title,
        title_translations=translation_pairs(conference.title_translations),
        timezone=conference.timezone,
        start=conference.start_at,
        duration_minutes=conference.duration_minutes,
        description=conference.description,
        platform=conference.video_platform,
        languages=tuple(conference.languages or ()),
        day_window=conference.day_window,
    )


def participant_infos(conference: Conference) -> list[exports.ParticipantInfo]:
    return [
        exports.ParticipantInfo(
            participant_id=p.id,
            name=p.person.full_name,
            latin_name=p.person.latin_name,
            role=p.role,
            country=country_of(p),
            timezone=p.person.timezone,
        )
        for p in active_participations(conference)
    ]


def participant_infos_from_rows(rows) -> Iterator[exports.ParticipantInfo]:
    """:func:`participant_infos` from ``timetable.active_people`` rows, one at
    a time as they are read."""
    return (
        exports.ParticipantInfo(
            participant_id=r.id,
            name=r.full_name,
            latin_name=r.latin_name,
            role=r.role,
            country=r.delegation_country or r.country or "",
            timezone=r.timezone,
        )
        for r in rows
    )


def chairs(conference: Conference) -> list[Participation]:
    return [p for p in active_participations(conference) if p.role in v.CHAIR_ROLES]
