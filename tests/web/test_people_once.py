"""One person, once: a conference holds an e-mail address at most once
(case-insensitive), in the database, and a CSV import is written once however
often it is confirmed."""

from __future__ import annotations

import io
import threading

import pytest
from factories import build_doc
from factories import import_confirmation
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from silkmeet.domain import conference_format as fmt
from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.models import Person
from silkmeet.synthetic import people_csv

BASE = "/organiser/c/test-conf/people"
PERSON = {
    "full_name": "Ana Souza",
    "country": "BR",
    "timezone": "America/Sao_Paulo",
    "role": "speaker",
}


@pytest.fixture
def conf(make_conference, auth):
    cid = make_conference(speakers=[("Nino", "GE", "Asia/Tbilisi")])
    auth.login_as(conferences=[cid])
    return cid


def participants(app) -> list[tuple[str, str | None]]:
    with app.app_context():
        return db.session.execute(
            select(Person.full_name, Person.email)
            .join(Participation)
            .where(Participation.removed_at.is_(None))
            .order_by(Participation.id)
        ).all()


def logged_in_client(app, auth, email: str, conference_id: int):
    client = app.test_client()
    auth.client = client
    auth.create(email=email, conferences=[conference_id])
    assert auth.login(email=email).status_code in (302, 303)
    return client


class FirstWriterWaits:
    """Holds the first request that runs ``statement`` just after it, until a
    second request is about to run it too (or a few seconds have passed), so
    that two requests really overlap where they would collide."""

    def __init__(self, app, statement: str):
        self.statement = statement
        self.first: int | None = None
        self.second_arrived = threading.Event()
        with app.app_context():
            self.engine = db.engine

    def before(self, conn, cursor, statement, *args):
        if statement.startswith(self.statement):
            if self.first is None:
                self.first = threading.get_ident()
            elif threading.get_ident() != self.first:
                self.second_arrived.set()

    def after(self, conn, cursor, statement, *args):
        if statement.startswith(self.statement):
            if threading.get_ident() == self.first:
                self.second_arrived.wait(timeout=5)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self.before)
        event.listen(self.engine, "after_cursor_execute", self.after)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self.before)
        event.remove(self.engine, "after_cursor_execute", self.after)


def at_once(*calls):
    """Run the calls in threads released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(n):
        barrier.wait()
        results[n] = calls[n]()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


# -- the database's rule ------------------------------------------------------------


def test_the_database_refuses_one_address_twice_in_a_conference(app, conf):
    with app.app_context():
        conference = db.session.get(Conference, conf)
        for email in ("ana@example.org", "Ana@Example.ORG"):
            person = Person(
                full_name=email, country="BR", timezone="America/Sao_Paulo", email=email
            )
            conference.participations.append(Participation(person=person))
        with pytest.raises(IntegrityError, match="email_key"):
            db.session.flush()
        db.session.rollback()


def test_the_form_refuses_an_address_differing_only_in_case(app, client, conf):
    response = client.post(BASE + "/new", data={**PERSON, "email": "ana@example.org"})
    assert response.status_code in (302, 303)
    response = client.post(
        BASE + "/new",
        data={**PERSON, "full_name": "Another Ana", "email": "ANA@example.org"},
    )
    assert response.status_code == 400
    assert "duplicate: the same e-mail address as a participant already" in (
        response.get_data(as_text=True)
    )
    # Editing someone else to that address is refused the same way.
    with app.app_context():
        nino = db.session.scalar(
            select(Participation.id).join(Person).where(Person.full_name == "Nino")
        )
    response = client.post(
        f"{BASE}/{nino}/edit",
        data={
            "full_name": "Nino",
            "country": "GE",
            "timezone": "Asia/Tbilisi",
            "role": "speaker",
            "email": "Ana@Example.org",
        },
    )
    assert response.status_code == 400
    assert "duplicate: the same e-mail address as a participant already" in (
        response.get_data(as_text=True)
    )
    assert [email for _name, email in participants(app)] == [None, "ana@example.org"]


def test_a_removed_participant_frees_their_address(app, client, conf):
    client.post(BASE + "/new", data={**PERSON, "email": "ana@example.org"})
    with app.app_context():
        ana = db.session.scalar(
            select(Participation.id).join(Person).where(Person.full_name == "Ana Souza")
        )
    client.post(f"{BASE}/{ana}/remove")
    response = client.post(
        BASE + "/new",
        data={**PERSON, "full_name": "Ana S.", "email": "ana@example.org"},
    )
    assert response.status_code in (302, 303)


def test_a_json_import_refuses_one_address_twice():
    doc = build_doc(speakers=[("A", "FR", "Europe/Paris"), ("B", "FR", "Europe/Paris")])
    doc["participants"][0]["person"]["email"] = "same@example.org"
    doc["participants"][1]["person"]["email"] = "Same@Example.org"
    with pytest.raises(fmt.FormatError) as info:
        fmt.parse(doc)
    assert info.value.field == "participants[1].person.email"
    assert "the same e-mail address as participants[0]" in str(info.value)


@pytest.mark.postgres_only
def test_two_organisers_adding_one_address_at_once(app, auth, make_conference):
    """Both pass the form's check at the same moment; the database lets one
    in, and the other organiser is told on the form."""
    cid = make_conference()
    clients = [
        logged_in_client(app, auth, f"{who}@example.org", cid) for who in ("a", "b")
    ]
    url = "/organiser/c/test-conf/people/new"

    def add(client, email):
        return lambda: client.post(
            url, data={**PERSON, "full_name": email, "email": email}
        )

    with FirstWriterWaits(app, "INSERT INTO participation"):
        responses = at_once(
            add(clients[0], "ana@example.org"), add(clients[1], "ANA@example.org")
        )
    codes = sorted(r.status_code for r in responses)
    assert codes in ([302, 400], [303, 400]), codes
    refused = next(r for r in responses if r.status_code == 400)
    assert "Another participant already uses this email." in refused.get_data(
        as_text=True
    )
    assert len(participants(app)) == 1


# -- the import, once ------------------------------------------------------------


def preview(client, text: str) -> dict:
    with client.post(
        BASE + "/import",
        data={"file": (io.BytesIO(text.encode()), "people.csv")},
        content_type="multipart/form-data",
    ) as response:
        assert response.status_code == 200
        return import_confirmation(response.get_data(as_text=True))


def test_a_confirm_sent_twice_imports_once(app, client, conf):
    fields = preview(client, people_csv(30))
    first = client.post(BASE + "/import/confirm", data=fields, follow_redirects=True)
    assert "Imported 30 participants." in first.get_data(as_text=True)
    again = client.post(BASE + "/import/confirm", data=fields, follow_redirects=True)
    assert "these people were imported already" in again.get_data(as_text=True)
    assert len(participants(app)) == 31
    # A ticket is for its own file only.
    other = preview(client, people_csv(3, first=100))
    swapped = {"payload": fields["payload"], "ticket": other["ticket"]}
    response = client.post(
        BASE + "/import/confirm", data=swapped, follow_redirects=True
    )
    assert "Nothing was imported: the preview was lost" in response.get_data(
        as_text=True
    )
    assert len(participants(app)) == 31


@pytest.mark.postgres_only
def test_two_confirms_at_once_import_once(app, auth, make_conference):
    """A double click: two confirms of one preview racing, each through its own
    connection. Exactly one writes; the other is told; nobody is there twice."""
    cid = make_conference(speakers=[("Nino", "GE", "Asia/Tbilisi")])
    clients = [
        logged_in_client(app, auth, f"{who}@example.org", cid) for who in ("a", "b")
    ]
    fields = preview(clients[0], people_csv(200))

    def confirm(client):
        def send():
            response = client.post(BASE + "/import/confirm", data=fields)
            status = response.status_code
            page = client.get(response.headers["Location"]).get_data(as_text=True)
            return status, page

        return send

    with FirstWriterWaits(app, "INSERT INTO people_import"):
        results = at_once(confirm(clients[0]), confirm(clients[1]))
    assert all(status in (302, 303) for status, _page in results)
    pages = [page for _status, page in results]
    assert sum("Imported 200 participants." in page for page in pages) == 1
    assert sum("these people were imported already" in page for page in pages) == 1
    people = participants(app)
    assert len(people) == 201
    assert len({email for _name, email in people if email}) == 200
    with app.app_context():
        assert db.session.scalar(
            select(func.count()).select_from(Participation)
        ) == len(people)
