"""The large exports are streamed from rows: the same bytes as the in-memory
builders over the loaded conference, nothing read once the response is
returned, and memory that does not follow the size of the document."""

from __future__ import annotations

import json
import tracemalloc

import pytest
from factories import COPY_UID
from flask import has_app_context
from sqlalchemy import select
from sqlalchemy import update

from silkmeet.agenda import build
from silkmeet.agenda.exports import PUBLIC_ROLES
from silkmeet.db import utcnow
from silkmeet.domain import conference_format as fmt
from silkmeet.domain import exports
from silkmeet.domain import jsonstream
from silkmeet.domain import timezones as tz
from silkmeet.exchange.exports import ChangedDuringExport
from silkmeet.exchange.exports import export_chunks
from silkmeet.exchange.exports import export_conference
from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.models import Organisation
from silkmeet.models import Participation
from silkmeet.models import Person
from silkmeet.synthetic import synthetic_document
from silkmeet.timetable import active_people
from silkmeet.timetable import load_conference
from silkmeet.timetable import read_schedule
from silkmeet.timetable import schedule_for

DEMO = "silk-cities-2020"
VARIED = "varied"
NO_START = "no-start"


def varied_document(slug: str = VARIED, items: int = 30, people: int = 90) -> dict:
    """A synthetic conference with what the exports must get right: hosts and
    people sharing organisations, an organisation nobody uses, names that give
    the same key, text JSON escapes, a fixed start, a buffer, set minutes."""
    doc = synthetic_document(slug, items, people)
    doc["conference"]["buffer_minutes"] = 2
    doc["organisations"] = [
        {"key": "su", "name": "Silk Union", "short_name": "SU", "kind": "association"},
        {"key": "okaya", "name": "Okaya City", "country": "JP", "kind": "city"},
        {"key": "gone", "name": "Gone Guild", "short_name": "GG", "kind": "company"},
        {"key": "idle", "name": "Idle Body", "country": "IT", "kind": "public_body"},
    ]
    doc["hosts"] = [{"organisation": "okaya", "role": "host"}]
    people_ = [p["person"] for p in doc["participants"]]
    # p7 speaks, and is the only one of "gone": both leave with them.
    for n, org in ((3, "su"), (5, "okaya"), (7, "gone"), (40, "su")):
        people_[n]["organisation"] = org
    people_[10]["full_name"] = people_[11]["full_name"] = "Zoë Li"
    people_[12]["latin_name"] = "Zoe Li"
    people_[13]["full_name"] = 'Line\u2028break "quoted" \\ back 😀'
    doc["agenda"][4]["fixed_start"] = "2026-10-27T12:00:00Z"
    doc["agenda"][5]["speakers"][0]["minutes"] = 3
    doc["agenda"][6]["notes"] = 'Two\nlines, "quotes", tab\t.'
    return doc


@pytest.fixture
def conferences(app, auth, demo, make_conference):
    """The demo, the varied one (two participants removed) and one without a
    start; the client is logged in as their organiser."""
    varied = make_conference(data=varied_document())
    no_start = make_conference(slug=NO_START, start=None)
    with app.app_context():
        for email in ("p7@example.org", "p80@example.org"):
            participation = db.session.scalar(
                select(Participation)
                .join(Person)
                .where(Person.email == email, Participation.conference_id == varied)
            )
            participation.removed_at = utcnow()
        db.session.commit()
    auth.login_as(conferences=[demo, varied, no_start])
    return (DEMO, VARIED, NO_START)


def reference_schedule_json(slug: str, everyone: bool) -> str:
    """The schedule JSON as it was built before it was streamed: the loaded
    lineup, the whole document, one json.dumps."""
    conference = load_conference(slug, everyone=False)
    roles = None if everyone else PUBLIC_ROLES
    document = exports.schedule_document(
        build.conference_info(conference),
        schedule_for(conference),
        list(build.participant_infos_from_rows(active_people(conference.id, roles))),
        tz.ZONE_DATA_VERSION,
    )
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def reference_export(slug: str, include_tokens: bool = False) -> str:
    conference = load_conference(slug)
    return fmt.dumps(export_conference(conference, include_tokens=include_tokens))


def conference_row(slug: str) -> Conference:
    return db.session.scalar(select(Conference).where(Conference.slug == slug))


def test_schedule_json_is_the_documents_bytes(app, client, auth, conferences):
    for slug in conferences:
        for everyone in (True, False):
            if not everyone:
                auth.logout()
            with client.get(f"/c/{slug}/schedule.json") as r:
                assert r.status_code == 200
                assert r.mimetype == "application/json"
                assert r.headers["Access-Control-Allow-Origin"] == "*"
                assert (
                    f'filename="{slug}.schedule.json"'
                    in (r.headers["Content-Disposition"])
                )
                body = r.get_data(as_text=True)
            with app.app_context():
                assert body == reference_schedule_json(slug, everyone), slug
            auth.login()
    assert client.get("/c/nope/schedule.json").status_code == 404


def test_streamed_schedule_reads_nothing_after_the_view(
    app, client, conferences, sql_statements
):
    with app.app_context():
        expected = reference_schedule_json(VARIED, everyone=True).encode()
    with sql_statements() as statements:
        response = client.get(f"/c/{VARIED}/schedule.json")
        assert response.status_code == 200
        read = len(statements)
        # The request is over: its context and session are gone. Everything
        # the body needs was read before the view returned.
        assert not has_app_context()
        blocks = list(response.response)
        response.close()
    assert read > 0 and len(statements) == read
    assert len(blocks) > 1  # really streamed, block by block
    assert b"".join(blocks) == expected


def test_lineup_rows_give_the_loaded_lineups_schedule(app, conferences):
    with app.app_context():
        for slug in conferences:
            scheduled = read_schedule(conference_row(slug))
            assert scheduled == schedule_for(load_conference(slug, everyone=False))
        assert read_schedule(conference_row(NO_START)) == []
        scheduled = read_schedule(conference_row(VARIED))
        removed = db.session.scalar(
            select(Participation.id)
            .join(Person)
            .where(Person.email == "p7@example.org")
        )
    speakers = {s.speaker.participant_id for e in scheduled for s in e.slots}
    assert removed not in speakers and len(speakers) > 20
    assert tz.format_instant(scheduled[4].start) == "2026-10-27T12:00:00Z"


@pytest.mark.parametrize("include_tokens", [False, True])
def test_streamed_export_is_the_documents_bytes(app, conferences, include_tokens):
    with app.app_context():
        for slug in conferences:
            text = "".join(export_chunks(conference_row(slug), include_tokens))
            assert text == reference_export(slug, include_tokens), slug
        varied = json.loads("".join(export_chunks(conference_row(VARIED))))
    # The host's first, then in participant order; none only the removed used.
    assert [o["key"] for o in varied["organisations"]] == ["okaya-city", "su"]
    assert len(varied["participants"]) == 88


def test_export_round_trip_through_the_cli(app, runner, conferences, tmp_path):
    with app.app_context():
        expected = reference_export(VARIED)
    first = runner.invoke(args=["export", VARIED])
    assert first.exit_code == 0 and first.output == expected
    out = tmp_path / "varied.json"
    assert runner.invoke(args=["export", VARIED, "--out", str(out)]).exit_code == 0
    assert out.read_bytes() == expected.encode()
    # Import under another slug and uid (another meeting), export again:
    # identical but for the slug and the uid.
    uid = json.loads(expected)["conference"]["uid"]
    copy = expected.replace(f'"{VARIED}"', '"copy"', 1).replace(uid, COPY_UID, 1)
    out.write_text(copy, encoding="utf-8")
    assert runner.invoke(args=["import", str(out)]).exit_code == 0
    second = runner.invoke(args=["export", "copy"])
    assert second.output == copy
    folder = tmp_path / "all"
    result = runner.invoke(args=["export", "--all", "--out", str(folder)])
    assert result.exit_code == 0
    assert (folder / f"{VARIED}.json").read_text(encoding="utf-8") == expected


def test_export_refuses_to_write_a_key_it_has_not_defined(app, conferences):
    with app.app_context():
        chunks = export_chunks(conference_row(VARIED))  # organisations read
        # Meanwhile a person joins an organisation nobody else belongs to.
        db.session.execute(
            update(Person)
            .where(Person.email == "p20@example.org")
            .values(
                organisation_id=select(Organisation.id)
                .where(Organisation.name == "Idle Body")
                .scalar_subquery()
            )
        )
        with pytest.raises(ChangedDuringExport):
            "".join(chunks)
        db.session.rollback()
    # What the export command says then: tests/cli/test_exchange.py.


def traced_peak(fn) -> int:
    """Bytes allocated at the peak of ``fn()``, above what was held before."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        fn()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def test_streams_hold_a_fraction_of_the_document(app, client, auth, make_conference):
    conference_id = make_conference(data=varied_document("big", 100, 1500))
    auth.login_as(conferences=[conference_id])

    def stream_schedule():
        with client.get("/c/big/schedule.json") as r:
            for _block in r.response:
                pass

    def build_schedule():
        with app.app_context():
            reference_schedule_json("big", everyone=True)

    def stream_export():
        with app.app_context():
            for _block in jsonstream.batched(export_chunks(conference_row("big"))):
                pass

    def build_export():
        with app.app_context():
            reference_export("big")

    # Built whole, an export holds its document, its text and the text's
    # parts; streamed, the rows it reads and one block. A generous factor:
    # only a stream that builds the whole document again fails.
    stream_schedule()  # the first request of a client imports and caches more
    streamed, whole = traced_peak(stream_schedule), traced_peak(build_schedule)
    assert streamed < whole / 3, (streamed, whole)
    streamed, whole = traced_peak(stream_export), traced_peak(build_export)
    assert streamed < whole / 3, (streamed, whole)


def test_zip_reads_people_in_batches_with_the_same_names(app, demo, monkeypatch):
    from silkmeet.invites import files
    from silkmeet.invites import operations as ops
    from silkmeet.invites import rows

    monkeypatch.setattr(rows, "PEOPLE_BATCH", 5)
    with app.test_request_context():
        conference = conference_row(DEMO)
        people = db.session.execute(
            select(Participation.id, Person.full_name, Person.latin_name)
            .join(Person)
            .where(Participation.conference_id == demo)
            .order_by(Participation.id)
        ).all()
        names = [name for name, _data in ops.all_invites(conference)]
    assert len(people) > 3 * 5
    assert names == files.zip_names(people)


def test_streams_given_up_halfway_close_their_cursors(app, conferences, monkeypatch):
    """On PostgreSQL the batches come from a server-side cursor: one left open
    would warn (an error under this suite's filterwarnings) and hold the
    transaction's resources."""
    from silkmeet.exchange import exports as exchange
    from silkmeet.invites import operations as ops
    from silkmeet.invites import rows

    monkeypatch.setattr(exchange, "EXPORT_BATCH", 5)
    monkeypatch.setattr(rows, "PEOPLE_BATCH", 5)
    with app.test_request_context():
        chunks = export_chunks(conference_row(VARIED))
        text = ""
        while '"participants": [' not in text or text.count('"role"') < 12:
            text += next(chunks)
        chunks.close()
        invites = ops.all_invites(conference_row(VARIED))
        next(invites)
        invites.close()
        del chunks, invites
        # The session is still usable: no cursor is left half-read on it.
        assert db.session.scalar(
            select(Conference.slug).where(Conference.slug == VARIED)
        )
