"""Reminder offsets as organisers write them, and which message is due when."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from silkmeet.domain import reminders as r

START = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1d", 1440),
        ("2h", 120),
        ("30m", 30),
        ("90", 90),
        ("1d 6h", 1800),
        ("1d6h", 1800),
        ("2 days", 2880),
        ("1 hour 30 minutes", 90),
        (" 3D ", 4320),
        ("30d", 43200),
    ],
)
def test_an_offset_is_read(text, minutes):
    assert r.parse_offset(text) == minutes
    assert r.parse_offset(r.format_offset(minutes)) == minutes


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Give a time"),
        ("soon", "is not a time before the start"),
        ("1x", "is not a time before the start"),
        # Negative: refused by the range check, as the JSON import's -60 is.
        ("-1h", "^-1h is out of range"),
        ("1h -5m", "is not a time before the start"),
        ("2 dayz", "is not a time before the start"),
        ("0", "out of range"),
        ("31d", "out of range"),
        ("30d 1m", "out of range"),
    ],
)
def test_a_bad_offset_is_refused(text, says):
    with pytest.raises(r.OffsetError, match=says):
        r.parse_offset(text)


def test_offsets_are_stored_largest_first_without_repeats():
    assert r.parse_offsets("1h, 1d, 60m") == (1440, 60)
    assert r.parse_offsets("") == ()
    assert r.parse_offsets(" , ") == ()
    assert r.format_offsets((1440, 90)) == "1d, 1h 30m"
    with pytest.raises(r.OffsetError, match="At most 5 reminders"):
        r.parse_offsets("1d, 12h, 6h, 3h, 1h, 10m")
    assert len(r.parse_offsets("1d, 12h, 6h, 3h, 1h")) == 5


def at(**before) -> datetime:
    return START - timedelta(**before)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Before the first one's time: nothing.
        (at(days=1, seconds=1), []),
        # The worker polls every few seconds: "1 day" still.
        (at(days=1) + timedelta(seconds=5), [("reminder", 1440, timedelta(days=1))]),
        # Late but still useful (within a quarter of a day): the time left.
        (at(hours=20), [("reminder", 1440, timedelta(hours=20))]),
        # Found two hours before: the 1-day reminder is skipped, not sent late.
        (at(hours=2), []),
        (at(hours=1), [("reminder", 60, timedelta(hours=1))]),
        # The last one goes late, saying what is left.
        (at(minutes=20), [("reminder", 60, timedelta(minutes=20))]),
        # Never once the conference has started.
        (START, []),
        (START + timedelta(minutes=5), []),
    ],
)
def test_which_reminder_is_due(now, expected):
    found = r.due(START, now, (1440, 60), None)
    assert [(d.kind, d.offset, d.lead) for d in found] == expected


def test_only_the_latest_of_reminders_due_together_goes():
    # Three hours late for the first, on time for the second: one message.
    found = r.due(START, at(hours=21), (1440, 1320, 60), None)
    assert [(d.kind, d.offset) for d in found] == [("reminder", 1320)]


def test_the_nudge_goes_on_time_only():
    assert r.due(START, at(days=3, seconds=-5), (), 4320)[0].offset == 4320
    assert r.due(START, at(days=2, hours=7), (), 4320)[0].kind == "nudge"
    # More than a quarter of its offset late (18 hours): skipped.
    assert r.due(START, at(days=2, hours=5), (), 4320) == []
    assert r.due(START, at(days=3), (1440,), None) == []


@pytest.mark.parametrize(
    ("left", "said"),
    [
        (timedelta(days=1, seconds=-5), timedelta(days=1)),
        (timedelta(days=2, minutes=20), timedelta(days=2)),
        (timedelta(hours=5, minutes=3), timedelta(hours=5, minutes=5)),
        (timedelta(minutes=59, seconds=55), timedelta(hours=1)),
        (timedelta(minutes=7, seconds=20), timedelta(minutes=7)),
        (timedelta(seconds=10), timedelta(minutes=1)),
    ],
)
def test_the_time_left_is_rounded_as_a_person_would_say_it(left, said):
    assert r.rounded(left) == said


def test_a_nudge_sent_by_hand_is_keyed_by_the_minute():
    assert r.manual_offset(START, at(hours=5, seconds=30)) == 300
    assert r.manual_offset(START, at(hours=5, seconds=1)) == 300
    assert r.manual_offset(START, at(hours=5)) == 300
