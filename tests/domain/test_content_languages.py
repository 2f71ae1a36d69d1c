"""Who reads what (domain/languages.py) and content in several languages: the
default language rule, the fallback of a translated title, and the one
validation of both in fields, the JSON format and the CSV import."""

from __future__ import annotations

import copy

import pytest
from factories import build_doc

from silkmeet.domain import conference_format as fmt
from silkmeet.domain import fields
from silkmeet.domain import people_csv
from silkmeet.domain.languages import localised
from silkmeet.domain.languages import reader_locale
from silkmeet.domain.languages import supported_locale
from silkmeet.domain.languages import translation_pairs


@pytest.mark.parametrize(
    ("preferred", "spoken", "conference", "expected"),
    [
        ("fr", ["zh"], ["en"], "fr"),  # their choice first
        (None, ["zh", "fr"], ["en"], "zh_Hans"),  # then what they speak
        (None, ["ca", "es"], ["en"], "es"),  # the first one silkmeet speaks
        (None, ["ca"], ["ar", "fr", "en"], "fr"),  # then the conference's
        (None, [], ["pt"], "pt_BR"),
        (None, ["uz-Cyrl"], [], "en"),  # nothing silkmeet speaks: English
        (None, None, None, "en"),
        ("", ["ja"], [], "ja"),  # a blank choice is no choice
    ],
)
def test_the_language_a_participant_reads(preferred, spoken, conference, expected):
    assert reader_locale(preferred, spoken, conference) == expected


def test_a_title_falls_back_to_the_original():
    translations = {"fr": "Ouverture", "zh_Hans": "开幕"}
    assert localised("Opening", translations, "fr") == "Ouverture"
    assert localised("Opening", translations, "zh_Hans") == "开幕"
    assert localised("Opening", translations, "ja") == "Opening"
    assert localised("Opening", {}, "fr") == "Opening"
    assert localised("Opening", None, "fr") == "Opening"
    assert localised("Opening", translations, None) == "Opening"
    # An empty translation is none.
    assert localised("Opening", {"fr": ""}, "fr") == "Opening"


def test_a_babel_locale_reads_its_translation():
    from babel import Locale

    assert localised("Opening", {"pt_BR": "Abertura"}, Locale.parse("pt_BR")) == (
        "Abertura"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [("fr", "fr"), ("zh-CN", "zh_Hans"), ("pt", "pt_BR"), ("", None), (None, None)],
)
def test_a_preferred_language_is_stored_as_its_code(value, expected):
    assert fields.preferred_language(value) == expected
    assert supported_locale(value) == expected


@pytest.mark.parametrize("value", ["xx", "zh-Hant", "uz-Cyrl", 3])
def test_a_language_silkmeet_does_not_speak_is_refused(value):
    with pytest.raises(fields.FieldError, match="not a language silkmeet speaks"):
        fields.preferred_language(value)


def test_translations_are_checked_cleaned_and_ordered():
    found = fields.translations(
        {"zh-Hans": " 开幕 ", "fr": "Ouverture", "ja": "  "}, "agenda_item.title"
    )
    assert found == {"fr": "Ouverture", "zh_Hans": "开幕"}
    assert list(found) == ["fr", "zh_Hans"]  # SUPPORTED order, blanks left out
    assert translation_pairs({"ja": "開会", "fr": "Ouverture"}) == (
        ("fr", "Ouverture"),
        ("ja", "開会"),
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ({"xx": "?"}, "not a language silkmeet speaks"),
        ({"fr": 3}, "fr: expected text"),
        ({"fr": "x" * 301}, "fr: 301 characters; at most 300"),
        ({"fr": "a", "fr-CA": "b"}, "fr is given twice"),
        (["fr"], "expected an object"),
    ],
)
def test_bad_translations_are_refused(value, problem):
    with pytest.raises(fields.FieldError, match=problem):
        fields.translations(value, "agenda_item.title")


def translated_doc() -> dict:
    doc = build_doc(speakers=[("Li Na", "FR", "Europe/Paris")])
    doc["conference"]["title_translations"] = {"fr": "Conférence", "zh-Hans": "会议"}
    doc["conference"]["description_translations"] = {"ja": "説明"}
    doc["participants"][0]["person"]["preferred_language"] = "zh-CN"
    doc["agenda"][0]["title_translations"] = {"fr": "Li Na parle"}
    return doc


def test_the_json_format_reads_and_writes_translations_and_the_language():
    doc = fmt.parse(translated_doc())
    assert doc.title_translations == (("fr", "Conférence"), ("zh_Hans", "会议"))
    assert doc.description_translations == (("ja", "説明"),)
    assert doc.participants[0].person.preferred_language == "zh_Hans"
    assert doc.agenda[0].title_translations == (("fr", "Li Na parle"),)
    text = fmt.dumps(doc)
    assert fmt.dumps(fmt.loads(text)) == text
    data = fmt.to_data(doc)
    assert data["conference"]["title_translations"] == {
        "fr": "Conférence",
        "zh_Hans": "会议",
    }
    assert data["participants"][0]["person"]["preferred_language"] == "zh_Hans"
    assert data["agenda"][0]["title_translations"] == {"fr": "Li Na parle"}


def test_a_document_without_them_writes_as_before():
    data = fmt.to_data(fmt.parse(build_doc(speakers=[("A", "FR", "Europe/Paris")])))
    assert "title_translations" not in data["conference"]
    assert "description_translations" not in data["conference"]
    assert "preferred_language" not in data["participants"][0]["person"]
    assert "title_translations" not in data["agenda"][0]


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (
            ("conference", "title_translations"),
            {"xx": "?"},
            "conference.title_translations",
        ),
        (
            ("agenda", 0, "title_translations"),
            {"fr": 1},
            "agenda[0].title_translations",
        ),
        (
            ("participants", 0, "person", "preferred_language"),
            "tlh",
            "participants[0].person.preferred_language",
        ),
    ],
)
def test_the_json_format_names_the_bad_field(path, value, field):
    doc = copy.deepcopy(translated_doc())
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    with pytest.raises(fmt.FormatError) as error:
        fmt.parse(doc)
    assert error.value.field == field


def test_the_csv_import_reads_a_preferred_language():
    rows = people_csv.parse(
        "full_name,country,preferred_language\n"
        "Li Na,FR,zh-Hans\n"
        "Jean Dupont,FR,\n"
        "Nobody,FR,klingon\n"
    )
    assert rows[0].ok and people_csv.row_fields(rows[0])["preferred_language"] == (
        "zh_Hans"
    )
    assert rows[1].ok and people_csv.row_fields(rows[1])["preferred_language"] is None
    assert not rows[2].ok
    assert rows[2].errors[0].startswith("preferred_language: ")
