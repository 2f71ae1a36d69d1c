import copy
import json
import sys
from datetime import UTC
from datetime import datetime

import pytest
from factories import build_doc
from factories import demo_data

from silkmeet.domain import conference_format as fmt


def test_demo_document_parses():
    doc = fmt.parse(demo_data())
    assert doc.slug == "silk-cities-2020"
    assert doc.start == datetime(2020, 11, 20, 13, tzinfo=UTC)
    countries = {i.country for i in doc.agenda if i.kind == "country_presentation"}
    assert countries == {"BR", "CN", "FR", "GE", "IT", "JP", "ES", "UZ"}
    chair = [p for p in doc.participants if p.role == "chair"]
    assert [p.person.full_name for p in chair] == ["Xavier Lepingle"]
    assert sum(i.duration_minutes for i in doc.agenda) == doc.duration_minutes


def test_written_document_reads_back_unchanged():
    doc = fmt.parse(demo_data())
    text = fmt.dumps(doc)
    assert fmt.loads(text) == doc
    assert fmt.dumps(fmt.loads(text)) == text


def test_comments_are_ignored_anywhere():
    data = build_doc()
    data["_note"] = "top"
    data["conference"]["_why"] = "because"
    assert fmt.parse(data).slug == "test-conf"


def test_bom_is_accepted():
    text = "\ufeff" + json.dumps(build_doc())
    assert fmt.loads(text.encode("utf-8")).slug == "test-conf"


def _with(path, value):
    data = build_doc(speakers=[("Ana", "BR", "America/Sao_Paulo")])
    target = data
    *parents, last = path
    for key in parents:
        target = target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "field", "message"),
    [
        (
            ("conference", "timezone"),
            "Europe/Lyon",
            "conference.timezone",
            "unknown time zone",
        ),
        (("conference", "timezone"), KeyError, "conference.timezone", "required"),
        (
            ("conference", "duration_minutes"),
            0,
            "conference.duration_minutes",
            "out of range",
        ),
        (
            ("conference", "duration_minutes"),
            1441,
            "conference.duration_minutes",
            "out of range",
        ),
        (
            ("conference", "duration_minutes"),
            "60",
            "conference.duration_minutes",
            "whole number",
        ),
        (
            ("conference", "duration_minutes"),
            True,
            "conference.duration_minutes",
            "whole number",
        ),
        (
            ("conference", "duration_minutes"),
            60.5,
            "conference.duration_minutes",
            "whole number",
        ),
        (("conference", "title"), "   ", "conference.title", "must not be empty"),
        (("conference", "slug"), "Bad Slug", "conference.slug", "lower-case"),
        (("conference", "status"), "live", "conference.status", "not one of"),
        (
            ("conference", "start"),
            "2026-03-29T02:30:00",
            "conference.start",
            "does not exist",
        ),
        (
            ("conference", "start"),
            "2026-10-25T02:30:00",
            "conference.start",
            "happens twice",
        ),
        (("conference", "colour"), "red", "conference.colour", "unknown field"),
        (
            ("conference", "video_call", "join_url"),
            "javascript:alert(1)",
            "conference.video_call.join_url",
            "http",
        ),
        (
            ("participants", 0, "person", "country"),
            "XX",
            "participants[0].person.country",
            "unknown country",
        ),
        (
            ("participants", 0, "person", "timezone"),
            "Mars/Olympus",
            "participants[0].person.timezone",
            "unknown time zone",
        ),
        (
            ("participants", 0, "person", "timezone"),
            KeyError,
            "participants[0].person.timezone",
            "Brazil has 16 time zones",
        ),
        (
            ("participants", 0, "person", "full_name"),
            "",
            "participants[0].person.full_name",
            "must not be empty",
        ),
        (
            ("participants", 0, "person", "email"),
            "not-an-email",
            "participants[0].person.email",
            "@",
        ),
        (("participants", 0, "role"), "king", "participants[0].role", "not one of"),
        (
            ("agenda", 0, "duration_minutes"),
            2000,
            "agenda[0].duration_minutes",
            "out of range",
        ),
        (
            ("agenda", 0, "speakers", 0, "participant"),
            "ghost",
            "agenda[0].speakers[0].participant",
            "not a key in participants",
        ),
        (("agenda", 0, "kind"), "party", "agenda[0].kind", "not one of"),
        (("format",), 3, "format", "unsupported format version 3"),
        (("format",), KeyError, "format", "required"),
        (("agenda",), {}, "agenda", "expected a list"),
    ],
)
def test_bad_field_is_named(path, value, field, message):
    with pytest.raises(fmt.FormatError) as info:
        fmt.parse(_with(path, value))
    assert info.value.field == field
    assert message in info.value.problem


def test_person_zone_defaults_only_for_single_zone_country():
    data = build_doc(speakers=[("Aiko", "JP", "Asia/Tokyo")])
    del data["participants"][0]["person"]["timezone"]
    assert fmt.parse(data).participants[0].person.timezone == "Asia/Tokyo"


def test_alias_zone_is_stored_canonical():
    data = build_doc(speakers=[("Olena", "UA", "Europe/Kiev")])
    assert fmt.parse(data).participants[0].person.timezone == "Europe/Kyiv"


def test_duplicate_keys_are_refused():
    data = build_doc(
        speakers=[("A", "FR", "Europe/Paris"), ("B", "FR", "Europe/Paris")]
    )
    data["participants"][1]["key"] = "p0"
    with pytest.raises(fmt.FormatError, match=r"participants\[1\].key"):
        fmt.parse(data)


def test_speaker_twice_in_one_item_is_refused():
    data = build_doc(speakers=[("A", "FR", "Europe/Paris")])
    data["agenda"][0]["speakers"].append({"participant": "p0"})
    with pytest.raises(fmt.FormatError, match="speaks twice"):
        fmt.parse(data)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": 1, "conference": {', "not valid JSON at line 1"),
        ("", "not valid JSON"),
        ("[1, 2]", "expected an object"),
        ("null", "expected an object"),
    ],
)
def test_malformed_or_truncated_json(text, message):
    with pytest.raises(fmt.FormatError, match=message):
        fmt.loads(text)


def test_json_nested_too_deeply_is_refused():
    depth = sys.getrecursionlimit() * 2
    with pytest.raises(fmt.FormatError, match="not valid JSON: nested too deeply"):
        fmt.loads("[" * depth + "]" * depth)
    with pytest.raises(fmt.FormatError, match="nested too deeply"):
        fmt.loads('{"a": ' * depth + "1" + "}" * depth)


def test_a_number_too_long_to_read_is_refused():
    text = json.dumps(build_doc(duration=60))
    text = text.replace('"duration_minutes": 60', '"duration_minutes": ' + "9" * 5000)
    limit = sys.get_int_max_str_digits()
    with pytest.raises(
        fmt.FormatError, match=f"not valid JSON: a number has more than {limit} digits"
    ):
        fmt.loads(text)


def test_truncated_demo_file_is_refused():
    text = json.dumps(demo_data())
    with pytest.raises(fmt.FormatError, match="not valid JSON"):
        fmt.loads(text[: len(text) // 2])


def test_invalid_utf8_is_refused():
    with pytest.raises(fmt.FormatError, match="not UTF-8"):
        fmt.loads(b'{"format": 1, "x": "\xff"}')


def test_make_key():
    taken = set()
    assert fmt.make_key("Valérie De Rosa", taken, "p") == "valerie-de-rosa"
    assert fmt.make_key("Valérie De Rosa", taken, "p") == "valerie-de-rosa-2"
    assert fmt.make_key("张国强", taken, "participant") == "participant"
    assert fmt.make_key("ნინო", taken, "participant") == "participant-2"


def test_parse_does_not_mutate_input():
    data = demo_data()
    before = copy.deepcopy(data)
    fmt.parse(data)
    assert data == before


def _with_2(path, value):
    """:func:`_with` on a format-2 document."""
    data = _with(path, value)
    data["format"] = 2
    return data


@pytest.mark.parametrize(
    ("key", "value", "field", "message"),
    [
        (
            "day_window",
            {"start": "22:00", "end": "07:00"},
            "conference.day_window",
            "the day must end after it starts (22:00–07:00)",
        ),
        (
            "day_window",
            {"start": "07:30", "end": "22:00"},
            "conference.day_window",
            "not a whole hour written HH:00",
        ),
        (
            "day_window",
            {"start": "07:00", "until": "22:00"},
            "conference.day_window.until",
            "unknown field",
        ),
        ("day_window", "07-22", "conference.day_window", "expected an object"),
        ("speaking_minutes", 0, "conference.speaking_minutes", "out of range"),
    ],
)
def test_bad_day_window_or_speaking_time_is_named(key, value, field, message):
    with pytest.raises(fmt.FormatError) as info:
        fmt.parse(_with_2(("conference", key), value))
    assert info.value.field == field
    assert message in info.value.problem


def test_day_window_and_speaking_time_read_back_and_default():
    data = _with_2(("conference", "day_window"), {"start": "08:00", "end": "21:00"})
    data["conference"]["speaking_minutes"] = 5
    doc = fmt.parse(data)
    assert (doc.day_window, doc.speaking_minutes) == ((8, 21), 5)
    written = fmt.to_data(doc)["conference"]
    assert written["day_window"] == {"start": "08:00", "end": "21:00"}
    assert written["speaking_minutes"] == 5
    assert fmt.parse(fmt.to_data(doc)) == doc
    # A document without them (any written before they existed): the defaults.
    plain = _with_2(("conference", "title"), "Plain")
    plain["conference"].pop("day_window", None)
    plain["conference"].pop("speaking_minutes", None)
    assert (fmt.parse(plain).day_window, fmt.parse(plain).speaking_minutes) == (
        (7, 22),
        7,
    )
