"""Property tests: any document is either imported whole or refused with a message
naming a field; never a crash, never a half-written conference."""

from __future__ import annotations

import copy
import json

from factories import build_doc
from factories import demo_data
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlalchemy import select

from silkmeet.domain import conference_format as fmt
from silkmeet.exchange.operations import import_conference
from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.models import Person

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def paths(data, prefix=()):
    """Every (path) to a value inside a JSON document."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from paths(value, (*prefix, index))


BASE = build_doc(
    speakers=[("Ana", "BR", "America/Sao_Paulo"), ("张伟", "CN", "Asia/Shanghai")]
)
BASE_PATHS = [p for p in paths(BASE) if p]


def replace(data, path, value):
    data = copy.deepcopy(data)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@settings(max_examples=300, deadline=None)
@given(st.one_of(json_values, st.dictionaries(st.text(max_size=12), json_values)))
def test_any_json_value_is_parsed_or_refused(value):
    try:
        fmt.parse(value)
    except fmt.FormatError as exc:
        assert exc.problem


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(BASE_PATHS), json_values)
def test_any_field_replaced_is_parsed_or_refused_by_name(path, value):
    data = replace(BASE, path, value)
    try:
        fmt.parse(data)
    except fmt.FormatError as exc:
        assert exc.field, f"no field named for {path!r} = {value!r}"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_are_parsed_or_refused(blob):
    try:
        fmt.loads(blob)
    except fmt.FormatError as exc:
        assert exc.problem


def counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Conference, Person, Participation, AgendaItem)
    )


# Text within each field's limit, in any script: must fit every column on
# every database (PostgreSQL enforces VARCHAR lengths, SQLite does not).
text_fields = {
    ("conference", "title"): 300,
    ("participants", 0, "person", "full_name"): 300,
    ("participants", 0, "person", "latin_name"): 300,
    ("participants", 0, "person", "honorific"): 50,
    ("participants", 0, "person", "position"): 300,
    ("participants", 0, "person", "pronunciation"): 300,
    ("agenda", 0, "title"): 300,
    ("agenda", 0, "technical_note"): 500,
    ("conference", "video_call", "meeting_id"): 100,
    ("conference", "video_call", "passcode"): 100,
    ("conference", "video_call", "platform"): 100,
}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.sampled_from(sorted(text_fields, key=str)),
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs",), blacklist_characters="\x00"
        ),
        min_size=0,
        max_size=600,
    ),
    st.integers(min_value=0, max_value=10**6),
)
def test_import_writes_all_or_nothing(app_ctx, path, value, n):
    data = replace(BASE, path, value)
    data["conference"]["slug"] = f"c{n}"
    before = counts()
    try:
        doc = fmt.parse(json.loads(json.dumps(data)))
        import_conference(doc)
        db.session.commit()
    except fmt.FormatError as exc:
        db.session.rollback()
        assert exc.field == ".".join(str(p) for p in path).replace(".0.", "[0].")
        assert counts() == before
    else:
        assert counts()[0] == before[0] + 1
        stored = db.session.scalar(select(Conference).where(Conference.slug == f"c{n}"))
        db.session.delete(stored)
        db.session.commit()


def test_demo_survives_every_database(app_ctx):
    import_conference(fmt.parse(demo_data()))
    db.session.commit()
    assert counts()[0] == 1
