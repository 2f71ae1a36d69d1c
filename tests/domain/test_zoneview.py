"""Local views of instants, checked against hand-computed values (tz offsets from
the tz database's published rules for each date)."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from silkmeet.domain import hours
from silkmeet.domain import zoneview as zv
from silkmeet.domain.schedule import ItemIn
from silkmeet.domain.schedule import SpeakerIn
from silkmeet.domain.schedule import compute_schedule


def utc(*args):
    return datetime(*args, tzinfo=UTC)


# (instant, zone, local wall, abbreviation, offset, day shift vs 2020-11-20)
DEMO_DAY = date(2020, 11, 20)


@pytest.mark.parametrize(
    ("instant", "zone", "wall", "abbr", "offset", "shift"),
    [
        # The demo: 14:00 Lyon = 13:00 UTC.
        (utc(2020, 11, 20, 13), "Europe/Paris", "14:00", "CET", "UTC+01:00", 0),
        (utc(2020, 11, 20, 13), "Asia/Tokyo", "22:00", "JST", "UTC+09:00", 0),
        (utc(2020, 11, 20, 15), "Asia/Tokyo", "00:00", "JST", "UTC+09:00", 1),
        (utc(2020, 11, 20, 13), "America/Sao_Paulo", "10:00", "-03", "UTC-03:00", 0),
        (utc(2020, 11, 20, 13), "Asia/Kathmandu", "18:45", "+0545", "UTC+05:45", 0),
        (utc(2020, 11, 20, 13), "Asia/Kolkata", "18:30", "IST", "UTC+05:30", 0),
        # Lord Howe is on summer time (+11) in November.
        (utc(2020, 11, 20, 13), "Australia/Lord_Howe", "00:00", "+11", "UTC+11:00", 1),
        # Chatham summer time +13:45.
        (utc(2020, 11, 20, 13), "Pacific/Chatham", "02:45", "+1345", "UTC+13:45", 1),
        (utc(2020, 11, 20, 13), "Pacific/Kiritimati", "03:00", "+14", "UTC+14:00", 1),
        # Samoa still had summer time in 2020 (+14); it dropped it in 2021.
        (utc(2020, 11, 20, 13), "Pacific/Apia", "03:00", "+14", "UTC+14:00", 1),
        (utc(2020, 11, 20, 9), "Pacific/Honolulu", "23:00", "HST", "UTC-10:00", -1),
    ],
)
def test_zoned_demo_date(instant, zone, wall, abbr, offset, shift):
    z = zv.zoned(instant, zone, DEMO_DAY)
    assert z.time_label == wall
    assert z.abbreviation == abbr
    assert z.offset_label == offset
    assert z.day_shift == shift


def test_samoa_a_year_later_is_plus_13():
    z = zv.zoned(utc(2021, 11, 20, 13), "Pacific/Apia", date(2021, 11, 20))
    assert (z.time_label, z.offset_label, z.day_shift) == ("02:00", "UTC+13:00", 1)


@pytest.mark.parametrize(
    ("instant", "wall", "offset"),
    # São Paulo had summer time (-02) until 2019, none after (tzdata 2019b).
    [
        (utc(2018, 12, 10, 13), "11:00", "UTC-02:00"),
        (utc(2019, 12, 10, 13), "10:00", "UTC-03:00"),
        (utc(2026, 1, 10, 13), "10:00", "UTC-03:00"),
    ],
)
def test_sao_paulo_before_and_after_dropping_dst(instant, wall, offset):
    z = zv.zoned(instant, "America/Sao_Paulo", instant.date())
    assert (z.time_label, z.offset_label) == (wall, offset)


@pytest.mark.parametrize(
    ("start", "paris", "new_york"),
    [
        # Gap week in March 2026: US on EDT since 8 March, Europe on CET until the 29th.
        (utc(2026, 3, 20, 13), "14:00", "09:00"),
        (utc(2026, 4, 3, 13), "15:00", "09:00"),
        (utc(2026, 3, 6, 13), "14:00", "08:00"),
        # Gap week in Oct/Nov 2026: Europe back on CET 25 Oct, US on EDT until 1 Nov.
        (utc(2026, 10, 28, 13), "14:00", "09:00"),
        (utc(2026, 11, 4, 13), "14:00", "08:00"),
        (utc(2026, 10, 21, 13), "15:00", "09:00"),
    ],
)
def test_gap_weeks(start, paris, new_york):
    day = start.date()
    assert zv.zoned(start, "Europe/Paris", day).time_label == paris
    assert zv.zoned(start, "America/New_York", day).time_label == new_york


def test_span_crossing_dst_end_lasts_its_duration_not_its_wall_span():
    # 2026-10-25: Paris clocks go back at 03:00 CEST. 00:30 UTC = 02:30 CEST;
    # 60 minutes later it is 02:30 CET again.
    start = utc(2026, 10, 25, 0, 30)
    s = zv.span(start, start + timedelta(minutes=60), "Europe/Paris", start.date())
    assert (s.start.time_label, s.end.time_label) == ("02:30", "02:30")
    assert (s.start.abbreviation, s.end.abbreviation) == ("CEST", "CET")
    assert s.duration_minutes == 60
    assert s.outside and s.depth == 270


def test_span_depth_and_worst_point():
    # Demo slot seen from Tokyo: 22:00-00:00, worst at its end.
    s = zv.span(utc(2020, 11, 20, 13), utc(2020, 11, 20, 15), "Asia/Tokyo", DEMO_DAY)
    assert s.outside and s.depth == 120
    assert s.worst.time_label == "00:00" and s.end.day_marker == "+1 day"
    # Ending exactly at 22:00 is inside.
    s = zv.span(utc(2020, 11, 20, 11), utc(2020, 11, 20, 13), "Asia/Tokyo", DEMO_DAY)
    assert not s.outside
    # A long meeting through the night peaks at 02:30 local.
    s = zv.span(utc(2020, 11, 20, 12), utc(2020, 11, 21, 0), "Asia/Tokyo", DEMO_DAY)
    assert s.depth == 270 and s.worst.time_label == "02:30"


def test_span_depth_matches_brute_force():
    """Compare against minute-by-minute evaluation with zoneinfo."""
    for zone in ("Asia/Kathmandu", "Australia/Lord_Howe", "Europe/Paris"):
        info = ZoneInfo(zone)
        for hour in range(0, 48, 5):
            start = utc(2026, 10, 3, 0) + timedelta(hours=hour)
            end = start + timedelta(minutes=170)
            expected = 0.0
            t = start
            while t <= end:
                local = t.astimezone(info)
                expected = max(
                    expected, hours.night_depth(local.hour * 60 + local.minute)
                )
                t += timedelta(minutes=1)
            assert zv.span(start, end, zone, start.date()).depth == expected, (
                zone,
                hour,
            )


def opening_japan_brazil() -> list[ItemIn]:
    return [
        ItemIn(
            1,
            "Opening",
            "opening",
            10,
            speakers=(SpeakerIn(1, "Chair", "FR", "Europe/Paris"),),
        ),
        ItemIn(
            2,
            "Japan",
            "country_presentation",
            10,
            speakers=(SpeakerIn(2, "Sato", "JP", "Asia/Tokyo"),),
        ),
        ItemIn(
            3,
            "Brazil",
            "country_presentation",
            10,
            speakers=(SpeakerIn(3, "Souza", "BR", "America/Sao_Paulo"),),
        ),
    ]


def test_agenda_rows_and_columns():
    items = opening_japan_brazil()
    scheduled = compute_schedule(utc(2020, 11, 20, 14, 50), items)
    columns = zv.zone_columns(
        zv.speaker_zones(scheduled), scheduled[0].start, DEMO_DAY, skip={"Europe/Paris"}
    )
    assert [c.zone for c in columns] == ["America/Sao_Paulo", "Asia/Tokyo"]
    assert columns[1].countries == ("JP",)
    rows = zv.agenda_rows(scheduled, "Europe/Paris", "Asia/Kolkata", columns, DEMO_DAY)
    japan = rows[1]
    assert japan.reference.start.time_label == "16:00"
    assert japan.viewer.start.time_label == "20:30"
    assert japan.columns[1].start.time_label == "00:00"
    assert japan.columns[1].start.day_marker == "+1 day"
    assert japan.columns[1].outside
    assert not japan.columns[0].outside
    assert japan.speakers[0].span.start.time_label == "00:00"
    # The opening ends at 15:00 UTC, 00:00 the next day in Tokyo.
    assert rows[0].columns[1].end.day_shift == 1
    assert rows[0].columns[1].start.day_shift == 0


def test_elsewhere_leaves_out_the_readers_and_the_speakers_zones():
    scheduled = compute_schedule(utc(2020, 11, 20, 14, 50), opening_japan_brazil())
    viewer = "Asia/Tokyo"
    columns = zv.zone_columns(
        zv.speaker_zones(scheduled),
        scheduled[0].start,
        DEMO_DAY,
        skip={"Europe/Paris", viewer},
    )
    rows = zv.agenda_rows(scheduled, "Europe/Paris", viewer, columns, DEMO_DAY)
    shown = [
        [label for label, _ in zv.elsewhere(row, columns, "Europe/Paris", viewer)]
        for row in rows
    ]
    assert shown == [
        ["Sao Paulo"],  # the chair speaks in Paris: their line gives it
        ["Paris (conference zone)", "Sao Paulo"],  # Tokyo is the reader's
        ["Paris (conference zone)"],  # Sao Paulo is the speaker's
    ]
    _, paris = zv.elsewhere(rows[1], columns, "Europe/Paris", viewer)[0]
    assert paris.start.time_label == "16:00"
    # A reader in the conference zone is not told it twice.
    rows = zv.agenda_rows(scheduled, "Europe/Paris", "Europe/Paris", columns, DEMO_DAY)
    assert all(
        not label.startswith("Paris")
        for row in rows
        for label, _ in zv.elsewhere(row, columns, "Europe/Paris", "Europe/Paris")
    )
