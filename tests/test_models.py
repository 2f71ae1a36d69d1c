from datetime import UTC
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import StatementError

from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.models import Person


def conference(**overrides):
    values = dict(slug="c", title="T", timezone="Europe/Paris", duration_minutes=60)
    values.update(overrides)
    return Conference(**values)


def test_start_is_stored_utc_and_comes_back_aware(app_ctx):
    start = datetime(2020, 11, 20, 13, tzinfo=UTC)
    db.session.add(conference(start_at=start))
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalar(select(Conference))
    assert stored.start_at == start
    assert stored.start_at.tzinfo is not None


def test_naive_datetime_is_refused(app_ctx):
    db.session.add(conference(start_at=datetime(2020, 11, 20, 13)))
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.commit()


def test_slug_is_unique(app_ctx):
    db.session.add(conference())
    db.session.commit()
    db.session.add(conference())
    with pytest.raises(IntegrityError):
        db.session.commit()


@pytest.mark.parametrize(
    "overrides",
    [
        {"duration_minutes": 0},
        {"duration_minutes": 1441},
        {"title": "  "},
        {"status": "live"},
        {"buffer_minutes": -5},
    ],
)
def test_conference_constraints(app_ctx, overrides):
    db.session.add(conference(**overrides))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_item_duration_constraint(app_ctx):
    conf = conference()
    conf.items.append(AgendaItem(title="x", duration_minutes=0))
    db.session.add(conf)
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_person_takes_part_once_per_conference(app_ctx):
    conf = conference()
    person = Person(full_name="Aziz", country="UZ", timezone="Asia/Tashkent")
    conf.participations.append(Participation(person=person, role="speaker"))
    conf.participations.append(Participation(person=person, role="delegate"))
    db.session.add(conf)
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_tokens_are_long_and_distinct(app_ctx):
    conf = conference()
    for n in range(3):
        person = Person(full_name=f"P{n}", country="FR", timezone="Europe/Paris")
        conf.participations.append(Participation(person=person))
    db.session.add(conf)
    db.session.commit()
    tokens = [p.token for p in conf.participations]
    assert len(set(tokens)) == 3
    # token_urlsafe(32): 32 random bytes = 256 bits, 43 characters.
    assert all(len(t) == 43 for t in tokens)
    assert conf.agenda_share_token not in tokens


def test_names_in_any_script_survive(app_ctx):
    names = ["张国强", "ნინო ბერიძე", "佐藤 美咲", "Valérie De Rosa", "Zoë 👩‍🔬"]
    conf = conference()
    for name in names:
        person = Person(full_name=name, country="FR", timezone="Europe/Paris")
        conf.participations.append(Participation(person=person))
    db.session.add(conf)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalars(select(Person.full_name).order_by(Person.id)).all()
    assert stored == names


def test_deleting_a_conference_removes_its_agenda(app_ctx):
    conf = conference()
    conf.items.append(AgendaItem(title="x", duration_minutes=5))
    db.session.add(conf)
    db.session.commit()
    db.session.delete(conf)
    db.session.commit()
    assert db.session.scalars(select(AgendaItem)).all() == []


def test_field_lengths_are_the_columns_lengths():
    """``fields.MAX_LENGTH`` names each text column once: a String column's
    limit is its length; a Text column has none, so the table gives it one."""
    from sqlalchemy import String
    from sqlalchemy import Text

    from silkmeet.domain import fields
    from silkmeet.extensions import db

    tables = db.metadata.tables
    for name, limit in fields.MAX_LENGTH.items():
        table, column = name.split(".")
        kind = tables[table].columns[column].type
        if isinstance(kind, Text):
            assert kind.length is None and limit > 0, name
        else:
            assert isinstance(kind, String) and kind.length == limit, name
    # Every text column a person types into has its entry.
    typed = {
        "conference": ("title", "description", "video_platform", "join_url"),
        "person": ("full_name", "latin_name", "honorific", "position", "email"),
        "agenda_item": ("title", "notes", "technical_note"),
        "organisation": ("name", "short_name"),
    }
    for table, columns in typed.items():
        for column in columns:
            assert f"{table}.{column}" in fields.MAX_LENGTH
