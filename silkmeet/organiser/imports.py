"""The CSV import of people: the one-time ticket its preview issues, and the
write, in a number of statements that does not grow with the file.

A preview hands the browser a signed ticket (conference, a nonce, a digest of
the file); confirming records the nonce in ``people_import`` in the same
transaction as the people. A second confirm of the same preview (a double
click, a re-sent form) finds the nonce recorded and writes nothing: on
PostgreSQL, a second confirm racing the first waits on the nonce's unique key
until the first commits, then is refused. The database's one-address-per-
conference key (``Participation.email_key``) catches what two separate
previews of one file could still double.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from flask import current_app
from itsdangerous import BadSignature
from itsdangerous import SignatureExpired
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from silkmeet.db import number_new_rows
from silkmeet.domain import people_csv
from silkmeet.extensions import db
from silkmeet.i18n import lazy_gettext
from silkmeet.models import Conference
from silkmeet.models import PeopleImport
from silkmeet.organiser.operations import flush_people
from silkmeet.organiser.operations import new_participation
from silkmeet.organiser.operations import organisation_key
from silkmeet.organiser.operations import organisations_named

# A preview older than this must be uploaded again.
TICKET_MAX_AGE = 24 * 3600
UPLOAD_AGAIN = lazy_gettext("the preview was lost: upload the file again.")
_SALT = "silkmeet.people-import"


class ImportRefused(Exception):
    """The confirm cannot be carried out; the message says why."""


class AlreadyImported(Exception):
    message = lazy_gettext(
        "Nothing was imported this time: these people were imported already "
        "(the import was confirmed twice)."
    )


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def issue_ticket(conference: Conference, text: str) -> str:
    """The ticket a preview of ``text`` hands to its confirm form."""
    return _serializer().dumps(
        {
            "conference": conference.id,
            "nonce": secrets.token_urlsafe(24),
            "file": _digest(text),
        }
    )


def claim_ticket(conference: Conference, ticket: str, text: str, rows: int) -> None:
    """Record the ticket as used, in the caller's transaction, before anything
    else is written; raise :class:`AlreadyImported` when it was,
    :class:`ImportRefused` when it is no ticket for this file and conference."""
    try:
        data = _serializer().loads(ticket or "", max_age=TICKET_MAX_AGE)
    except SignatureExpired:
        raise ImportRefused(
            lazy_gettext("the preview is more than a day old: upload the file again.")
        ) from None
    except BadSignature:
        raise ImportRefused(UPLOAD_AGAIN) from None
    if data.get("conference") != conference.id or data.get("file") != _digest(text):
        raise ImportRefused(UPLOAD_AGAIN)
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # On PostgreSQL a second confirm racing the first waits here, on the key,
    # until the first commits; then it inserts nothing.
    claimed = db.session.scalar(
        insert(PeopleImport)
        .values(ticket=data["nonce"], conference_id=conference.id, rows=rows)
        .on_conflict_do_nothing(index_elements=[PeopleImport.ticket])
        .returning(PeopleImport.ticket)
    )
    if claimed is None:
        raise AlreadyImported


def import_people(conference: Conference, rows: Sequence[people_csv.PersonRow]) -> int:
    """Add every row's person (all rows valid), after :func:`claim_ticket`, in
    a fixed number of statements: organisations found in one, people and
    participants inserted in batches at one flush. Raises
    :class:`~silkmeet.organiser.operations.EmailTaken` when someone with one of
    the addresses was added meanwhile."""
    fields = [people_csv.row_fields(row) for row in rows]
    # Nothing is flushed before all is added: a flush per row rescanned the
    # whole session each time (an import grew as the square of its rows).
    with db.session.no_autoflush:
        organisations = organisations_named(
            (f["organisation"], f["country"]) for f in fields
        )
        participations = []
        for f in fields:
            organisation = organisations.get(organisation_key(f.pop("organisation")))
            participation = new_participation(organisation, **f)
            participation.conference_id = conference.id
            # Given here, not left to the column's server default: a row that
            # leaves one to the database is inserted alone, to read it back.
            participation.cancelled_slots = []
            participations.append(participation)
        number_new_rows(
            db.session,
            [o for o in organisations.values() if o.id is None],
            [p.person for p in participations],
            participations,
        )
        db.session.add_all(participations)
    flush_people()
    return len(participations)
