"""The day window: one definition of night, one rule for "outside", checked
against hand-computed local times."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from silkmeet.domain import hours


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_the_window_and_its_labels():
    assert (hours.DAY_WINDOW.start, hours.DAY_WINDOW.end) == (7 * 60, 22 * 60)
    assert hours.DAY_WINDOW.label == "07:00–22:00"
    assert hours.DAY_WINDOW.short_label == "07–22"
    assert hours.DAY_WINDOW.outside_label == "22–07"
    assert hours.WORK_WINDOW.short_label == "09–18"


@pytest.mark.parametrize(
    ("minute", "expected"),
    [
        (0, "night"),
        (6 * 60 + 59, "night"),
        (7 * 60, "stretch"),
        (8 * 60 + 59, "stretch"),
        (9 * 60, "work"),
        (17 * 60 + 59, "work"),
        (18 * 60, "stretch"),
        (21 * 60 + 59, "stretch"),
        (22 * 60, "night"),
    ],
)
def test_band(minute, expected):
    assert hours.band(minute) == expected


@pytest.mark.parametrize(
    ("minute", "depth"),
    [
        (7 * 60, 0),
        (12 * 60, 0),
        (22 * 60, 0),
        (23 * 60, 60),
        (0, 120),
        (2 * 60 + 30, 270),
        (6 * 60, 60),
        (6 * 60 + 45, 15),
    ],
)
def test_night_depth(minute, depth):
    assert hours.night_depth(minute) == depth


# The table of the former ``lineup.minutes_outside`` (a second algorithm, with
# its own window for the fairest order), now measured by the one rule.
@pytest.mark.parametrize(
    ("start", "zone", "depth"),
    [
        # 22:30-23:30 Tokyo on 20 Nov 2020: 90 min past 22:00 at its end.
        (utc(2020, 11, 20, 13, 30), "Asia/Tokyo", 90),
        # 20:30-21:30 Tokyo: inside (the fairest order used to count it).
        (utc(2020, 11, 20, 11, 30), "Asia/Tokyo", 0),
        # 21:00-22:00 Tokyo: ending at 22:00 is inside.
        (utc(2020, 11, 20, 12), "Asia/Tokyo", 0),
        # 21:01-22:01: one minute outside.
        (utc(2020, 11, 20, 12, 1), "Asia/Tokyo", 1),
        # Crossing local midnight: 23:30-00:30 Tokyo.
        (utc(2020, 11, 20, 14, 30), "Asia/Tokyo", 150),
        # Kathmandu +05:45: 06:15 UTC is 12:00 local.
        (utc(2026, 3, 20, 6, 15), "Asia/Kathmandu", 0),
        # 01:00 UTC is 06:45 in Kathmandu: 15 min before 07:00 at its start.
        (utc(2026, 3, 20, 1, 0), "Asia/Kathmandu", 15),
        # Paris goes back at 03:00 CEST on 25 Oct 2026: 00:30-01:30 UTC is
        # 02:30 CEST to 02:30 CET, the middle of the night both times.
        (utc(2026, 10, 25, 0, 30), "Europe/Paris", 270),
    ],
)
def test_depth_and_outside(start, zone, depth):
    end = start + timedelta(minutes=60)
    assert hours.depth(start, end, zone) == depth
    assert hours.is_outside(start, end, zone) is (depth > 0)


def test_a_conference_window_and_its_labels():
    day = hours.window(8, 21)
    assert (day.start, day.end, day.label) == (480, 1260, "08:00–21:00")
    assert (day.start_time, day.end_time) == ("08:00", "21:00")
    assert hours.window(7, 22) == hours.DAY_WINDOW
    assert hours.window(0, 23).label == "00:00–23:00"
    assert hours.window(1, 24).end_time == "24:00"


@pytest.mark.parametrize(
    ("start", "end"), [(22, 7), (7, 7), (-1, 22), (7, 25), (24, 24), (0, 24)]
)
def test_a_window_that_is_no_day(start, end):
    with pytest.raises(hours.WindowError):
        hours.window(start, end)


@pytest.mark.parametrize(
    ("minute", "expected"),
    [
        (7 * 60 + 30, "night"),  # before 08:00
        (8 * 60, "stretch"),
        (9 * 60, "work"),
        (20 * 60 + 59, "stretch"),
        (21 * 60, "night"),
    ],
)
def test_band_in_a_conference_window(minute, expected):
    assert hours.band(minute, hours.window(8, 21)) == expected


def test_depth_in_a_conference_window():
    day = hours.window(8, 21)
    # 21:30-21:55 in Tokyo: inside 07-22, 55 min outside 08-21.
    start, end = utc(2020, 11, 20, 12, 30), utc(2020, 11, 20, 12, 55)
    assert hours.depth(start, end, "Asia/Tokyo") == 0
    assert hours.depth(start, end, "Asia/Tokyo", day) == 55
    # Its night peak is 02:30 too (21 + 8 + 24 = 53, half is 26:30), 330 min deep.
    assert (day.night_peak, day.night_peak_depth) == (150, 330)
    whole_night = (utc(2020, 11, 20, 12), utc(2020, 11, 20, 23))  # 21:00-08:00 JST
    assert hours.depth(*whole_night, "Asia/Tokyo", day) == 330
