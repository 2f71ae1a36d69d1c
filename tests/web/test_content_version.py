"""Conference.content_version: raised by every change to what a conference shows,
in the same transaction, and by nothing else; and the per-worker cache built on
it serves fresh content across workers."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

import pytest
from factories import build_doc
from sqlalchemy import select

from silkmeet import create_app
from silkmeet.auth.operations import claim_attempt
from silkmeet.domain import conference_format as fmt
from silkmeet.exchange.operations import import_conference
from silkmeet.extensions import db
from silkmeet.invites import operations as invite_ops
from silkmeet.models import AgendaItem
from silkmeet.models import AgendaItemSpeaker
from silkmeet.models import Conference
from silkmeet.models import ConferenceHost
from silkmeet.models import ConferenceOrganiser
from silkmeet.models import Organiser
from silkmeet.models import Participation
from silkmeet.runofshow import operations as ros_ops

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SPEAKERS = [
    ("Ana Souza", "BR", "America/Sao_Paulo"),
    ("Zhang Wei", "CN", "Asia/Shanghai"),
    ("Nino Beridze", "GE", "Asia/Tbilisi"),
]


def doc(slug: str) -> dict:
    data = build_doc(slug=slug, speakers=SPEAKERS)
    data["organisations"] = [
        {"key": "lyon", "name": "Lyon Metropole", "country": "FR", "kind": "city"}
    ]
    data["hosts"] = [{"organisation": "lyon"}]
    data["participants"][0]["person"]["organisation"] = "lyon"
    return data


@pytest.fixture
def two(app):
    """Two conferences with separate graphs, and an organiser of the first."""
    with app.app_context():
        first = import_conference(fmt.parse(doc("first")))
        second = import_conference(fmt.parse(doc("second")))
        organiser = Organiser(email="o@example.org", name="O")
        organiser.set_password("correct horse battery")
        db.session.add(organiser)
        db.session.flush()
        db.session.add(
            ConferenceOrganiser(conference=first, organiser=organiser, access="owner")
        )
        db.session.commit()
        return first.id, second.id


def versions(ids) -> tuple[int, int]:
    db.session.expire_all()
    found = dict(
        db.session.execute(
            select(Conference.id, Conference.content_version).where(
                Conference.id.in_(ids)
            )
        ).all()
    )
    return found[ids[0]], found[ids[1]]


def first_of(model, conference_id, *where):
    column = model.conference_id if hasattr(model, "conference_id") else None
    query = select(model)
    if column is not None:
        query = query.where(column == conference_id)
    return db.session.scalars(query.where(*where).order_by(model.id)).first()


def speaker_link(cid):
    return db.session.scalars(
        select(AgendaItemSpeaker)
        .join(AgendaItem)
        .where(AgendaItem.conference_id == cid)
        .order_by(AgendaItemSpeaker.id)
    ).first()


def person_of(cid):
    return first_of(Participation, cid).person


def host_organisation(cid):
    return first_of(ConferenceHost, cid).organisation


def set_(obj, **values):
    for name, value in values.items():
        setattr(obj, name, value)


def append_item(cid):
    conference = db.session.get(Conference, cid)
    conference.items.append(AgendaItem(title="Via list", duration_minutes=5))
    db.session.flush()


CONTENT_CHANGES = {
    "conference title": lambda c: set_(db.session.get(Conference, c), title="New"),
    "conference start": lambda c: set_(db.session.get(Conference, c), start_at=NOW),
    "item title": lambda c: set_(first_of(AgendaItem, c), title="Renamed"),
    "item duration": lambda c: set_(first_of(AgendaItem, c), duration_minutes=33),
    "item position": lambda c: set_(first_of(AgendaItem, c), position=99),
    "item added": lambda c: db.session.add(
        AgendaItem(conference_id=c, title="Extra", duration_minutes=5, position=50)
    ),
    "item deleted": lambda c: db.session.delete(first_of(AgendaItem, c)),
    "item appended through the relationship": lambda c: append_item(c),
    "speaker minutes": lambda c: set_(speaker_link(c), minutes=4),
    "speaker removed from item": lambda c: db.session.delete(speaker_link(c)),
    "speaker added to item": lambda c: db.session.add(
        AgendaItemSpeaker(
            item_id=first_of(AgendaItem, c).id,
            participation_id=db.session.scalars(
                select(Participation.id)
                .where(Participation.conference_id == c)
                .order_by(Participation.id.desc())
            ).first(),
            position=9,
        )
    ),
    "participant removed": lambda c: set_(first_of(Participation, c), removed_at=NOW),
    "participant role": lambda c: set_(first_of(Participation, c), role="chair"),
    "person renamed": lambda c: set_(person_of(c), full_name="Renamed Person"),
    "person zone": lambda c: set_(person_of(c), timezone="America/Manaus"),
    "host organisation renamed": lambda c: set_(host_organisation(c), name="Lyon"),
    "host removed": lambda c: db.session.delete(first_of(ConferenceHost, c)),
    "token reissued": lambda c: set_(first_of(Participation, c), token="x" * 43),
}


@pytest.mark.parametrize("change", sorted(CONTENT_CHANGES))
def test_a_content_change_raises_its_conference_version_only(app, two, change):
    with app.app_context():
        before = versions(two)
        CONTENT_CHANGES[change](two[0])
        db.session.commit()
        after = versions(two)
    assert after[0] == before[0] + 1, change
    assert after[1] == before[1], f"{change} raised another conference's version"


def test_a_shared_person_raises_every_conference_they_are_in(app, two):
    with app.app_context():
        person = person_of(two[0])
        db.session.add(Participation(conference_id=two[1], person=person))
        db.session.commit()
        before = versions(two)
        person.full_name = "Everywhere"
        db.session.commit()
        assert versions(two) == (before[0] + 1, before[1] + 1)


def test_an_organiser_email_raises_their_conferences(app, two):
    # The first owner's address is the invites' ORGANIZER.
    with app.app_context():
        before = versions(two)
        organiser = db.session.scalar(select(Organiser))
        organiser.email = "new@example.org"
        db.session.commit()
        assert versions(two) == (before[0] + 1, before[1])


BOOKKEEPING = {
    "invite download": lambda c: invite_ops.record_download(
        first_of(Participation, c).id
    ),
    "failed login": lambda c: claim_attempt(
        db.session.scalar(select(Organiser)).email, NOW
    ),
    "logout": lambda c: db.session.scalar(select(Organiser)).end_sessions(),
    "password": lambda c: db.session.scalar(select(Organiser)).set_password(
        "another horse battery"
    ),
    "live start of an item": lambda c: set_(
        first_of(AgendaItem, c), actual_start_at=NOW
    ),
    "live turn of a speaker": lambda c: set_(
        speaker_link(c), actual_start_at=NOW, actual_end_at=NOW
    ),
    "stage message": lambda c: ros_ops.show_message(
        db.session.get(Conference, c), "Please wrap up"
    ),
    "stage link": lambda c: ros_ops.issue_stage_link(db.session.get(Conference, c)),
    "live version": lambda c: set_(db.session.get(Conference, c), live_version=7),
    "nothing changed": lambda c: set_(
        db.session.get(Conference, c), title="Test conference"
    ),
}


@pytest.mark.parametrize("change", sorted(BOOKKEEPING))
def test_bookkeeping_leaves_the_version_alone(app, two, change):
    with app.app_context():
        before = versions(two)
        BOOKKEEPING[change](two[0])
        db.session.commit()
        assert versions(two) == before, change


def test_a_rolled_back_change_leaves_the_version_alone(app, two):
    with app.app_context():
        before = versions(two)
        first_of(AgendaItem, two[0]).title = "Never"
        db.session.flush()
        db.session.rollback()
        assert versions(two) == before


def test_a_conference_in_the_session_reads_its_new_version(app, two):
    with app.app_context():
        conference = db.session.get(Conference, two[0])
        before = conference.content_version
        first_of(AgendaItem, two[0]).title = "Seen"
        db.session.flush()
        assert conference.content_version == before + 1


def test_another_worker_sees_a_change_at_once(app, two, tmp_path):
    """Two workers (two apps, two caches) on one database: a change made
    through one is in the very next answer of the other, which had the old
    lineup cached."""
    if app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://":
        url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    else:
        url = app.config["SQLALCHEMY_DATABASE_URI"]
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
    }
    reader, writer = create_app(config), create_app(config)
    slug = "worker-test"
    with writer.app_context():
        if url != app.config["SQLALCHEMY_DATABASE_URI"]:
            db.create_all()
        conference = import_conference(
            fmt.parse(build_doc(slug=slug, speakers=SPEAKERS))
        )
        db.session.commit()
        token = conference.participations[0].token
    client = reader.test_client()
    try:
        first = client.get(f"/c/{slug}/invites/{token}.ics").get_data(as_text=True)
        agenda = client.get(f"/c/{slug}/agenda").get_data(as_text=True)
        assert "Ana Souza speaks" in first and "Ana Souza speaks" in agenda
        assert len(reader.extensions["silkmeet_cache"]) >= 2
        with writer.app_context():
            item = db.session.scalar(
                select(AgendaItem)
                .join(Conference)
                .where(Conference.slug == slug, AgendaItem.title == "Ana Souza speaks")
            )
            item.title = "Renamed by the other worker"
            db.session.commit()
        again = client.get(f"/c/{slug}/invites/{token}.ics").get_data(as_text=True)
        agenda = client.get(f"/c/{slug}/agenda").get_data(as_text=True)
        assert "Renamed by the other worker" in again
        assert "Renamed by the other worker" in agenda
        assert "Ana Souza speaks" not in agenda
    finally:
        with writer.app_context():
            db.session.delete(
                db.session.scalar(select(Conference).where(Conference.slug == slug))
            )
            db.session.commit()
        for each in (reader, writer):
            with each.app_context():
                db.session.remove()
                db.engine.dispose()


def test_a_new_conference_on_a_reused_id_is_not_served_the_old_ones(app, client):
    """SQLite gives a new row the highest id again after that row is deleted;
    the new conference runs through the same versions. Its pages and invites are its
    own (tests run with COMPUTE_CACHE_VERIFY: a stale entry would fail)."""
    first = build_doc(slug="reused", speakers=SPEAKERS[:1])
    with app.app_context():
        old = import_conference(fmt.parse(first))
        db.session.commit()
        old_id, old_version = old.id, old.content_version
    assert "Ana Souza speaks" in client.get("/c/reused/agenda").get_data(as_text=True)
    with app.app_context():
        db.session.delete(db.session.get(Conference, old_id))
        db.session.commit()
        second = build_doc(slug="reused", speakers=SPEAKERS[1:2])
        new = import_conference(fmt.parse(second))
        db.session.commit()
        new_id, version = new.id, new.content_version
        token = new.participations[0].token
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # The same id and the same version: only created_at tells them apart.
        assert (new_id, version) == (old_id, old_version)
    page = client.get("/c/reused/agenda").get_data(as_text=True)
    assert "Zhang Wei speaks" in page and "Ana Souza" not in page
    invite = client.get(f"/c/reused/invites/{token}.ics").get_data(as_text=True)
    assert "Zhang Wei speaks" in invite and "Ana Souza" not in invite
