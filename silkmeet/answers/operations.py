"""Answers: recorded from the personal page or by an organiser, listed, counted
and exported. Writes add and flush; the view commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row
from sqlalchemy import func
from sqlalchemy import select

from silkmeet.db import utcnow
from silkmeet.domain import answers
from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v
from silkmeet.extensions import db
from silkmeet.i18n import gettext as _
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.models import Person

# The country a participant is counted under: the delegation they speak for,
# else their own (as the people list shows it).
COUNTRY = func.coalesce(Participation.delegation_country, Person.country)


class CannotAnswer(ValueError):
    """This answer cannot be recorded; the text says why."""


def record_answer(
    participation: Participation,
    answer: str,
    comment: str | None,
    *,
    source: str,
    now: datetime | None = None,
) -> None:
    """Record ``participation``'s answer (``source``: the personal page or an
    organiser). An organiser's "no answer" clears it. Flushes.

    The answer is bookkeeping (models/versioning.py): the conference's content
    version, and so every cached page of it, stays as it is.
    """
    if participation.removed_at is not None:
        raise CannotAnswer(_("This person is no longer a participant."))
    if participation.conference.status == "cancelled":
        raise CannotAnswer(
            _("This conference is cancelled: there is nothing to answer.")
        )
    page = source == answers.FROM_PAGE
    answer = answers.check_answer(
        answer, answers.PAGE_ANSWERS if page else v.RSVP_ANSWERS
    )
    if answer == v.NO_ANSWER:
        participation.rsvp = v.NO_ANSWER
        participation.rsvp_comment = ""
        participation.rsvp_at = None
        participation.rsvp_source = None
    else:
        participation.rsvp = answer
        participation.rsvp_comment = answers.clean_comment(comment)
        participation.rsvp_at = now or utcnow()
        participation.rsvp_source = source
    db.session.flush()


def _current(conference_id: int) -> tuple:
    return (
        Participation.conference_id == conference_id,
        Participation.removed_at.is_(None),
    )


def answer_rows(conference_id: int, answer: str | None = None) -> list[Row]:
    """The current participants and their answers (only ``answer``'s, if given),
    by country (its name) and name, in one statement."""
    query = (
        select(
            Participation.id,
            Person.full_name,
            Person.latin_name,
            Person.email,
            COUNTRY.label("country"),
            Participation.role,
            Participation.rsvp,
            Participation.rsvp_comment,
            Participation.rsvp_at,
            Participation.rsvp_source,
        )
        .join(Person, Person.id == Participation.person_id)
        .where(*_current(conference_id))
        .order_by(Person.full_name, Participation.id)
    )
    if answer is not None:
        query = query.where(Participation.rsvp == answer)
    found = db.session.execute(query).all()
    return sorted(found, key=lambda row: tz.country_name(row.country))


def counts_by(conference_id: int, group) -> list[answers.Tally]:
    """The answers of the current participants counted per ``group`` (a column
    such as :data:`COUNTRY` or ``Participation.role``), in SQL, one statement."""
    rows = db.session.execute(
        select(group.label("key"), Participation.rsvp, func.count())
        .join(Person, Person.id == Participation.person_id)
        .where(*_current(conference_id))
        .group_by(group, Participation.rsvp)
        .order_by(group)
    ).all()
    return answers.tallies(rows)


def counts_by_country(conference_id: int) -> list[answers.Tally]:
    """As :func:`counts_by`, the countries in the order of their names."""
    found = counts_by(conference_id, COUNTRY)
    return sorted(found, key=lambda tally: tz.country_name(tally.key))


def counts_by_role(conference_id: int) -> list[answers.Tally]:
    """As :func:`counts_by`, the roles in their vocabulary order."""
    order = {role: n for n, role in enumerate(v.values(v.PARTICIPANT_ROLES))}
    found = counts_by(conference_id, Participation.role)
    return sorted(found, key=lambda tally: order.get(tally.key, len(order)))


CSV_HEADER = (
    "name",
    "latin_name",
    "country",
    "role",
    "email",
    "answer",
    "comment",
    "answered_at_utc",
    "source",
)


def answers_table(conference: Conference) -> list[list]:
    """The answers CSV's rows, header first."""
    table: list[list] = [list(CSV_HEADER)]
    for row in answer_rows(conference.id):
        table.append(
            [
                row.full_name,
                row.latin_name,
                row.country,
                row.role,
                row.email or "",
                row.rsvp,
                row.rsvp_comment,
                tz.format_instant(row.rsvp_at) if row.rsvp_at else "",
                row.rsvp_source or "",
            ]
        )
    return table
