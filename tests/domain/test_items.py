"""The item rules (silkmeet/domain/items.py): who may speak, the fixed clock
time, the country of a country presentation. Pure, no app."""

from datetime import UTC
from datetime import datetime

import pytest

from silkmeet.domain import items as rules

PARIS = "Europe/Paris"
START = datetime(2020, 11, 20, 13, tzinfo=UTC)  # 14:00 in Paris


def draft(speakers=(), fixed=None, kind="other", country=None):
    return rules.ItemDraft(
        fields={"title": "Item", "kind": kind, "country": country},
        speakers=tuple(speakers),
        fixed_start_local=fixed,
    )


def problems(excinfo):
    return [(p.field, p.row, p.message) for p in excinfo.value.problems]


def test_speakers_in_order_blank_rows_skipped():
    checked = rules.check_item(
        draft([("7", 3), ("", None), ("5", None)]), {5, 7}, PARIS, START
    )
    assert checked.speakers == ((7, 3), (5, None))
    assert checked.fixed_start is None


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("99", None)], [(0, "This person is not a participant of the conference.")]),
        ([("x", None)], [(0, "This person is not a participant of the conference.")]),
        ([("5", None), ("", None), ("5", 2)], [(2, "Already a speaker of this item.")]),
    ],
)
def test_speaker_problems_name_their_row(rows, expected):
    with pytest.raises(rules.ItemError) as excinfo:
        rules.check_item(draft(rows), {5}, PARIS, START)
    assert problems(excinfo) == [("speakers", row, m) for row, m in expected]


@pytest.mark.parametrize(
    ("typed", "start", "message"),
    [
        (datetime(2020, 11, 20, 10), START, "cannot be before the conference starts"),
        (datetime(2020, 11, 20, 15), None, "Set the conference's start"),
        # 02:30 on 29 March 2026 does not exist in Paris (clocks go forward).
        (datetime(2026, 3, 29, 2, 30), START, "does not exist"),
    ],
)
def test_fixed_start_problems(typed, start, message):
    with pytest.raises(rules.ItemError) as excinfo:
        rules.check_item(draft(fixed=typed), set(), PARIS, start)
    [(field, row, text)] = problems(excinfo)
    assert field == "fixed_start" and row is None and message in text


def test_fixed_start_is_read_in_the_conference_zone():
    checked = rules.check_item(
        draft(fixed=datetime(2020, 11, 20, 15, 30)), set(), PARIS, START
    )
    assert checked.fixed_start == datetime(2020, 11, 20, 14, 30, tzinfo=UTC)


def test_a_country_presentation_needs_its_country():
    with pytest.raises(rules.ItemError) as excinfo:
        rules.check_item(draft(kind="country_presentation"), set(), PARIS, START)
    assert problems(excinfo) == [
        (
            "country",
            None,
            "A country presentation needs its country, or a speaker to take it from.",
        )
    ]
    checked = rules.check_item(
        draft(kind="country_presentation", country="JP"), set(), PARIS, START
    )
    assert checked.speakers == () and checked.country == "JP"


def test_a_country_presentation_takes_its_speakers_country():
    """No 250-entry list to scroll when the speakers say the country."""
    countries = {5: "JP", 6: "JP", 7: "BR", 8: None}
    presentation = "country_presentation"
    checked = rules.check_item(
        draft([("5", None), ("6", None)], kind=presentation), countries, PARIS, START
    )
    assert checked.country == "JP"
    # A speaker without a delegation does not hide the others' country.
    checked = rules.check_item(
        draft([("8", None), ("5", None)], kind=presentation), countries, PARIS, START
    )
    assert checked.country == "JP"
    # The organiser's choice wins over the speakers'.
    checked = rules.check_item(
        draft([("7", None)], kind=presentation, country="PT"), countries, PARIS, START
    )
    assert checked.country == "PT"
    # Speakers from two countries: the organiser must choose.
    with pytest.raises(rules.ItemError) as excinfo:
        rules.check_item(
            draft([("5", None), ("7", None)], kind=presentation),
            countries,
            PARIS,
            START,
        )
    [(field, _row, message)] = problems(excinfo)
    assert field == "country" and "several countries" in message
    # Other kinds take no country from their speakers.
    checked = rules.check_item(draft([("5", None)]), countries, PARIS, START)
    assert checked.country is None


def test_every_problem_is_reported_at_once():
    with pytest.raises(rules.ItemError) as excinfo:
        rules.check_item(
            draft([("1", None)], datetime(2020, 11, 20, 9)), set(), PARIS, START
        )
    assert [p.field for p in excinfo.value.problems] == ["speakers", "fixed_start"]
