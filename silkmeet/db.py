"""Declarative base and column types shared by every model."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy import MetaData
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime, stored naive in UTC.

    SQLite keeps no offset, so every value is normalised to UTC on the way in and
    made aware again on the way out. Naive values are refused: they are a bug.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored as UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def sqlite_pragmas(dbapi_connection, _record) -> None:
    """Settings for every new SQLite connection.

    Foreign keys are off in SQLite unless asked for. WAL lets readers work while
    a worker writes, and with ``synchronous=NORMAL`` a commit no longer waits for
    the disk: a power cut may lose the last commits but never corrupts the file.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def number_new_rows(session, *groups: Sequence) -> None:
    """On SQLite, give new rows their primary keys before the flush, in order.

    The ORM needs each new row's id back. PostgreSQL returns them for a whole
    batch (insertmanyvalues, in order); SQLite cannot say which RETURNING row
    is whose, so the ORM inserts rows without an id one per statement (26,000
    for a congress's JSON import). With the ids known, each table goes in
    executemany batches instead. (A row that leaves a column to its server
    default is still inserted alone, to read it back: give every value.)

    ``groups``: lists of new rows of one model each. The caller must have
    written in this transaction already: SQLite lets one writer at a time, so
    nobody else can take these ids before the commit. Elsewhere this does
    nothing: PostgreSQL inserts in batches anyway and keeps its sequences.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    for rows in groups:
        fresh = [row for row in rows if row.id is None]
        if fresh:
            model = type(fresh[0])
            top = session.scalar(select(func.max(model.id))) or 0
            for n, row in enumerate(fresh, top + 1):
                row.id = n
