"""Property tests for one rule per field:

- a value one way in refuses (the organiser forms, the CSV import, the JSON
  import) every other way refuses too, with the same message;
- a conference built through the forms and the CSV import exports
  (``export --all --with-tokens``: ``export_chunks``) and imports again into
  another database identically.
"""

from __future__ import annotations

import csv
import io
import itertools
from datetime import datetime

import pytest
from factories import build_doc
from factories import import_confirmation
from hypothesis import HealthCheck
from hypothesis import assume
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy import select

from silkmeet import create_app
from silkmeet.answers.forms import RecordAnswerForm
from silkmeet.domain import conference_format as fmt
from silkmeet.domain import people_csv
from silkmeet.domain import reminders
from silkmeet.domain import timezones as tz
from silkmeet.domain import vocabulary as v
from silkmeet.exchange.exports import export_chunks
from silkmeet.exchange.operations import import_conference
from silkmeet.extensions import db
from silkmeet.models import Conference
from silkmeet.organiser.forms import ConferenceForm
from silkmeet.organiser.forms import PersonForm

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# Values that sit on a rule's edge, and any text.
EDGES = [
    "",
    " ",
    "en",
    "en, fr",
    "zh;en",
    "pt-BR",
    "English",
    "en,,fr;",
    "x" * 36,
    "FR",
    "fr",
    "BR",
    "XX",
    "Europe/Paris",
    "europe/paris",
    "Europe/Kiev",
    "Asia/Tokyo",
    "Europe/Lyon",
    "ana@example.org",
    "Ana@Example.ORG",
    "not-an-email",
    "a@b",
    "https://meet.example.org/j/1?pwd=x",
    "HTTPS://meet.example.org",
    "ftp://meet.example.org",
    "https://",
    "https://meet example.org",
    "silk-2026",
    "silk-2026\n",
    "Silk",
    "a--b",
    "a\r\nb",
    "\x00",
    "x" * 51,
    "x" * 301,
]
values = st.sampled_from(EDGES) | st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40
)

PERSON = {
    "full_name": "Zed Person",
    "country": "FR",
    "timezone": "Europe/Paris",
    "email": "",
    "latin_name": "",
    "honorific": "",
    "position": "",
    "organisation": "",
    "languages": "",
    "pronunciation": "",
    "delegation_country": "",
}


def form_problem(app, form_class, data, name):
    """The form's message for ``name``, or None when it takes the value."""
    with app.test_request_context(method="POST", data=data):
        form = form_class()
        form.validate()
        problems = form.errors.get(name)
    return problems[0] if problems else None


def csv_problem(name, value):
    row = {**PERSON, name: value}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(row))
    writer.writerow(list(row.values()))
    [parsed] = people_csv.parse(out.getvalue())
    prefix = f"{name}: "
    found = [e[len(prefix) :] for e in parsed.errors if e.startswith(prefix)]
    return found[0] if found else None


def json_problem(name, value):
    person = {key: v for key, v in PERSON.items() if key != "delegation_country"}
    person["organisation"] = None
    person["email"] = None
    person["languages"] = []
    doc = build_doc()
    if name == "organisation" and not value.strip():
        where = "participants[0].person.organisation"  # blank: none, as in JSON
    elif name == "organisation":
        # In JSON an organisation is an entry of its own, named there.
        doc["organisations"] = [{"key": "o", "name": value, "kind": "city"}]
        person["organisation"] = "o"
        where = "organisations[0].name"
    elif name == "languages":
        # A list in JSON: the box's text, split as every way in splits it.
        person["languages"] = [
            p.strip() for p in value.replace(";", ",").split(",") if p.strip()
        ]
        where = "participants[0].person.languages"
    else:
        person[name] = value
        where = f"participants[0].person.{name}"
    participant = {"key": "p", "role": "speaker", "person": person}
    if name == "delegation_country":
        participant["delegation_country"] = value
        del person[name]
        where = "participants[0].delegation_country"
    doc["participants"] = [participant]
    return _problem(doc, where)


def _problem(doc, where):
    """The message for ``where``; any other field refused fails the test (the
    base values are all valid, so only a rule across fields may say more)."""
    try:
        fmt.parse(doc)
    except fmt.FormatError as exc:
        if exc.field == where or exc.field.startswith(where + "["):
            return exc.problem
        assert exc.field == "participants[0].person.timezone", str(exc)
    return None


@SETTINGS
@given(st.sampled_from(sorted(PERSON)), values)
def test_a_person_value_gets_one_verdict_and_one_message(app, name, value):
    by_form = form_problem(app, PersonForm, {**PERSON, name: value}, name)
    by_csv = csv_problem(name, value)
    by_json = json_problem(name, value)
    if name == "delegation_country" and not value.strip():
        by_json = None  # blank: the JSON leaves it out (null), as the others do
    assert by_form == by_csv == by_json, (name, value)


CONFERENCE = {
    "title": "Silk",
    "slug": "silk",
    "description": "",
    "timezone": "Europe/Paris",
    "duration_minutes": "60",
    "buffer_minutes": "0",
    "status": "draft",
    "video_platform": "",
    "join_url": "",
    "meeting_id": "",
    "passcode": "",
    "dial_in": "",
    "languages": "",
    "interpretation_channels": "",
}
VIDEO = {"video_platform": "platform", "join_url": "join_url"}
VIDEO |= {name: name for name in ("meeting_id", "passcode", "dial_in")}


def conference_json_problem(name, value):
    doc = build_doc(slug="silk", start=None)
    if name in VIDEO:
        doc["conference"]["video_call"] = {VIDEO[name]: value}
        where = f"conference.video_call.{VIDEO[name]}"
    elif name in ("languages", "interpretation_channels"):
        doc["conference"][name] = [
            p.strip() for p in value.replace(";", ",").split(",") if p.strip()
        ]
        where = f"conference.{name}"
    else:
        doc["conference"][name] = value
        where = f"conference.{name}"
    return _problem(doc, where)


@SETTINGS
@given(
    st.sampled_from(sorted(set(CONFERENCE) - {"status", "duration_minutes"})),
    values,
)
def test_a_conference_value_gets_one_verdict_and_one_message(app, name, value):
    if name == "buffer_minutes":
        return  # a number: see the dates and minutes test below
    by_form = form_problem(app, ConferenceForm, {**CONFERENCE, name: value}, name)
    if name == "slug" and not value.strip():
        # The form makes a short name left blank from the title (the JSON,
        # which has no title to ask, refuses it): one rule still judges it.
        assert by_form is None, value
        return
    assert by_form == conference_json_problem(name, value), (name, value)


@SETTINGS
@given(
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.sampled_from(["Europe/Paris", "Asia/Tokyo", "Pacific/Kiritimati", "UTC"]),
    st.integers(-10, 2000),
)
def test_dates_and_minutes_get_one_verdict_and_one_message(app, wall, zone, minutes):
    wall = wall.replace(second=0, microsecond=0)
    data = {
        **CONFERENCE,
        "timezone": zone,
        "start": wall.isoformat()[:16],
        "duration_minutes": str(minutes),
    }
    by_form = form_problem(app, ConferenceForm, data, "start")
    doc = build_doc(slug="silk", timezone=zone, start=wall.isoformat())
    doc["conference"]["duration_minutes"] = minutes
    by_json = None
    try:
        fmt.parse(doc)
    except fmt.FormatError as exc:
        assert exc.field in ("conference.start", "conference.duration_minutes")
        by_json = exc.problem if exc.field == "conference.start" else None
        if exc.field == "conference.duration_minutes":
            expected = form_problem(app, ConferenceForm, data, "duration_minutes")
            assert exc.problem == expected
            return
    assert by_form == by_json, (wall, zone)


# -- a conference built through the forms comes back from its export --------------

LANGUAGES = st.lists(st.sampled_from(["en", "fr", "zh", "pt-BR", "ja"]), max_size=3)
SEPARATORS = st.sampled_from([",", ", ", ";", " ; "])
names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(str.strip)
people = st.lists(
    st.tuples(
        names,
        st.sampled_from(
            [
                ("FR", ""),
                ("JP", ""),
                ("BR", "America/Sao_Paulo"),
                ("CN", "Asia/Urumqi"),
                ("NP", "Asia/Katmandu"),
            ]
        ),
        st.booleans(),
        LANGUAGES,
        SEPARATORS,
        st.text(max_size=50),
    ),
    max_size=6,
)
serial = itertools.count()


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    title=names,
    description=st.text(max_size=200),
    zone=st.sampled_from(tz.offered_zones()),
    start=st.datetimes(
        min_value=datetime(1970, 1, 2), max_value=datetime(2200, 12, 30)
    ),
    languages=LANGUAGES,
    separator=SEPARATORS,
    join=st.sampled_from(["", "https://meet.example.org/j/9?pwd=s3cret"]),
    rows=people,
    offsets=st.sampled_from(["", "1d, 1h", "90, 2 days, 30m", "30d"]),
    nudge=st.sampled_from(["", "3d", "1h 30m"]),
    sender=st.sampled_from([None, "Silk desk <desk@silk.example>", "a@b.example"]),
    # A NUL is refused whole before any view (web.refuse_nul, tested there).
    answer=st.tuples(
        st.sampled_from(["accepted", "declined"]),
        st.text(
            alphabet=st.characters(
                blacklist_categories=("Cs",), blacklist_characters="\x00"
            ),
            max_size=60,
        ),
    ),
)
def test_what_the_forms_and_the_csv_make_exports_and_imports_identically(
    app,
    client,
    auth,
    tmp_path,
    title,
    description,
    zone,
    start,
    languages,
    separator,
    join,
    rows,
    offsets,
    nudge,
    sender,
    answer,
):
    if not hasattr(app, "_logged_in"):
        auth.login_as()
        app._logged_in = True
    slug = f"c{next(serial)}"
    response = client.post(
        "/organiser/new",
        data={
            **CONFERENCE,
            "slug": slug,
            "title": title,
            "description": description,
            "timezone": zone,
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "languages": separator.join(languages),
            "join_url": join,
            "passcode": "s3cret" if join else "",
            "reminder_offsets": offsets,
            "nudge_offset": nudge,
        },
    )
    assume(response.status_code in (302, 303))  # a start the zone skips
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["full_name", "country", "timezone", "email", "languages", "position"]
    )
    for n, (name, (country, person_zone), has_email, tags, sep, position) in enumerate(
        rows
    ):
        email = f"p{n}@example.org" if has_email else ""
        writer.writerow([name, country, person_zone, email, sep.join(tags), position])
    imported = 0
    if rows:
        data = out.getvalue().encode()
        page = client.post(
            f"/organiser/c/{slug}/people/import",
            data={"file": (io.BytesIO(data), "people.csv")},
            content_type="multipart/form-data",
        ).get_data(as_text=True)
        if 'name="payload"' in page:
            response = client.post(
                f"/organiser/c/{slug}/people/import/confirm",
                data=import_confirmation(page),
            )
            assert response.status_code in (302, 303)
            imported = len(rows)
    with app.app_context():
        conference = db.session.scalar(
            select(Conference).where(Conference.slug == slug)
        )
        # No page sets the sender yet: the column, as the outbox reads it.
        conference.mail_from = conference.mail_reply_to = sender
        db.session.commit()
        first = conference.participations[0].id if imported else None
        settings_made = (list(conference.reminder_offsets), conference.nudge_offset)
    if first is not None:
        # An answer an organiser records, with its comment and source.
        response = client.post(
            f"/organiser/c/{slug}/answers/{first}",
            data={"answer": answer[0], "comment": answer[1]},
        )
        assert response.status_code in (302, 303)
    with app.app_context():
        conference = db.session.scalar(
            select(Conference).where(Conference.slug == slug)
        )
        exported = "".join(export_chunks(conference, include_tokens=True))
    other = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SECRET_KEY": "test-secret",
        }
    )
    with other.app_context():
        db.create_all()
        try:
            moved = import_conference(fmt.loads(exported))
            db.session.commit()
            again = "".join(export_chunks(moved, include_tokens=True))
        finally:
            db.session.remove()
            db.engine.dispose()
    assert again == exported
    doc = fmt.loads(exported)
    assert len(doc.participants) == imported
    assert doc.reminder_offsets == reminders.parse_offsets(offsets)
    assert (list(doc.reminder_offsets), doc.nudge_offset) == settings_made
    assert (doc.mail_from, doc.mail_reply_to) == (sender, sender)
    if first is not None:
        assert (doc.participants[0].rsvp, doc.participants[0].rsvp_source) == (
            answer[0],
            "organiser",
        )
        assert doc.participants[0].rsvp_comment == answer[1].strip()


def settings_json_problem(name, value):
    doc = build_doc(slug="silk", start=None)
    doc["format"] = 2
    doc["conference"][name] = value
    return _problem(doc, f"conference.{name}")


@SETTINGS
@given(
    st.sampled_from(["reminder_offsets", "nudge_offset"]),
    st.integers(-50000, 50000) | st.sampled_from([-1, 0, 1, 43200, 43201]),
)
def test_an_offset_gets_one_verdict_and_one_message(app, name, minutes):
    """The edit form's box (minutes written without a unit) and the JSON
    import's whole minutes pass through the one rule of domain/reminders.py."""
    data = {**CONFERENCE, name: str(minutes)}
    by_form = form_problem(app, ConferenceForm, data, name)
    by_json = settings_json_problem(
        name, [minutes] if name == "reminder_offsets" else minutes
    )
    assert by_form == by_json, (name, minutes)
    assert (by_json is None) == (1 <= minutes <= reminders.MAX_OFFSET)


@SETTINGS
@given(st.sampled_from([*v.values(v.RSVP_ANSWERS), "maybe", "Accepted"]) | values)
def test_an_answer_word_gets_one_verdict_and_one_message(app, word):
    """The organiser's answer form and a backup's ``rsvp``: domain/answers.py."""
    by_form = form_problem(app, RecordAnswerForm, {"answer": word}, "answer")
    doc = build_doc(speakers=[("Ana", "FR", "Europe/Paris")])
    doc["format"] = 2
    doc["participants"][0]["rsvp"] = word
    assert by_form == _problem(doc, "participants[0].rsvp"), word


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("desk@silk.example, team@silk.example", "not one mailbox: "),
        ("Desk <desk@silk.example>\r\nBcc: x@y.example", "a mailbox is one line"),
        ("Desk <desk@", "not "),
        ("Büro <büro@silk.example>", "not one mailbox: "),
        ("x" * 310 + " <a@silk.example>", "327 characters; at most 320"),
    ],
)
@pytest.mark.parametrize("name", ["mail_from", "mail_reply_to"])
def test_a_sender_is_checked_by_the_mail_codes_rule(name, value, problem):
    """The sender and reply-to a document gives pass the rule the outbox
    reads them with (domain/mailbox.py), and fit their column."""
    said = settings_json_problem(name, value)
    assert said is not None and said.startswith(problem), said
    fine = build_doc(slug="silk", start=None)
    fine["format"] = 2
    fine["conference"][name] = "  Silk desk <desk@silk.example> "
    assert getattr(fmt.parse(fine), name) == "Silk desk <desk@silk.example>"
    fine["conference"][name] = ""
    assert getattr(fmt.parse(fine), name) is None


@SETTINGS
@given(st.integers(0, 23), st.integers(1, 24))
def test_a_day_window_gets_one_verdict_and_one_message(app, start, end):
    """The conference form's two hours and the JSON's ``day_window`` pass
    through the one rule (fields.day_window, hours.window)."""
    data = {**CONFERENCE, "day_start_hour": str(start), "day_end_hour": str(end)}
    by_form = form_problem(app, ConferenceForm, data, "day_end_hour")
    by_json = settings_json_problem(
        "day_window", {"start": f"{start:02d}:00", "end": f"{end:02d}:00"}
    )
    assert by_form == by_json, (start, end)
    assert (by_json is None) == (start < end and end - start <= 23)


@SETTINGS
@given(st.integers(-5, 300))
def test_a_speaking_time_gets_one_verdict_and_one_message(app, minutes):
    data = {**CONFERENCE, "speaking_minutes": str(minutes)}
    by_form = form_problem(app, ConferenceForm, data, "speaking_minutes")
    assert by_form == settings_json_problem("speaking_minutes", minutes)
    assert (by_form is None) == (1 <= minutes <= 240)
