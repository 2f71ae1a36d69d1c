"""A conference's schedule exports (JSON, CSV, frab), read from the database.

The formatting is :mod:`silkmeet.domain.exports`; this module reads the rows it
formats. The agenda's views and the ``schedule`` command both call it.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import url_for

from silkmeet.agenda import build
from silkmeet.domain import exports
from silkmeet.domain import jsonstream
from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v
from silkmeet.models import Conference
from silkmeet.timetable import active_people
from silkmeet.timetable import read_schedule

# Who the public schedule names: the people on stage, not every delegate.
PUBLIC_ROLES = (*v.CHAIR_ROLES, "host_representative", "speaker")


def schedule_json_chunks(
    conference: Conference, everyone: bool = True
) -> Iterator[str]:
    """The schedule JSON in pieces; ``everyone=False`` lists only the people on
    stage. Everything is read from the database before this returns: the
    pieces are only formatted as they are written, so they may be written after
    the request's session is gone, and no more than one entry is built whole."""
    roles = None if everyone else PUBLIC_ROLES
    document = exports.schedule_stream(
        build.conference_info(conference),
        read_schedule(conference),
        build.participant_infos_from_rows(active_people(conference.id, roles)),
        tz.ZONE_DATA_VERSION,
    )
    return jsonstream.iter_json(document)


def schedule_json_text(conference: Conference, everyone: bool = True) -> str:
    """The schedule JSON; ``everyone=False`` lists only the people on stage."""
    return "".join(schedule_json_chunks(conference, everyone)) + "\n"


def schedule_csv(conference: Conference) -> str:
    return exports.schedule_csv(
        build.conference_info(conference), read_schedule(conference)
    )


def frab(conference: Conference) -> dict:
    """The frab schedule document; its links point at the public agenda."""
    return exports.frab_document(
        build.conference_info(conference),
        read_schedule(conference),
        version=f"{conference.lineup_version}.{conference.invite_revision}",
        base_url=url_for("agenda.show_agenda", slug=conference.slug, _external=True),
    )
