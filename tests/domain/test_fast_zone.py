"""timezones.FastZone (behind to_local and local_time) must give exactly what
pytz's localize/normalize give: the same wall time, tzinfo, offset and
abbreviation, around every offset change and in ordinary weeks."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest
import pytz

from silkmeet.domain import timezones as tz

ZONES = [
    "Europe/Paris",
    "Europe/London",
    "Europe/Dublin",  # negative summer time in the tables
    "Europe/Moscow",
    "America/New_York",
    "America/Mexico_City",
    "America/St_Johns",
    "America/Sao_Paulo",  # summer time until 2019, midnight jumps
    "America/Santiago",
    "Africa/Casablanca",
    "Asia/Kathmandu",  # +05:45
    "Asia/Kolkata",
    "Asia/Tehran",
    "Asia/Gaza",
    "Asia/Pyongyang",
    "Australia/Adelaide",
    "Australia/Lord_Howe",  # half-hour summer time
    "Pacific/Chatham",  # +12:45 / +13:45
    "Pacific/Apia",  # skipped 30 December 2011
    "Pacific/Kiritimati",  # +14
    "Pacific/Tongatapu",  # +13
    "Pacific/Marquesas",
    "Antarctica/Troll",
    "UTC",
    "Etc/GMT-14",
    "Etc/GMT+12",
]


def pytz_wall(instant, zone):
    zone_tz = pytz.timezone(zone)
    return zone_tz.normalize(instant.astimezone(zone_tz))


def instants(zone):
    table = getattr(pytz.timezone(zone), "_utc_transition_times", None) or []
    for naive in table:
        if datetime(1990, 1, 1) <= naive <= datetime(2037, 1, 1):
            at = naive.replace(tzinfo=UTC)
            for minutes in range(-180, 181, 15):
                yield at + timedelta(minutes=minutes)
            yield at - timedelta(seconds=1)
            yield at + timedelta(seconds=1)
    at = datetime(1900, 1, 1, 0, 7, tzinfo=UTC)
    while at < datetime(2040, 1, 1, tzinfo=UTC):
        yield at
        at += timedelta(days=23, hours=5, minutes=19)
    # The EU/US gap weeks (the US changes first), São Paulo 2018/2019, Apia 2011.
    for start, days in (
        (datetime(2026, 3, 7, tzinfo=UTC), 25),
        (datetime(2026, 10, 24, tzinfo=UTC), 10),
        (datetime(2018, 11, 3, tzinfo=UTC), 3),
        (datetime(2019, 2, 15, tzinfo=UTC), 3),
        (datetime(2011, 12, 28, tzinfo=UTC), 4),
    ):
        for quarter in range(days * 96):
            yield start + timedelta(minutes=15 * quarter)


@pytest.mark.parametrize("zone", ZONES)
def test_fast_conversion_equals_pytz(zone):
    checked = 0
    for instant in instants(zone):
        expected = pytz_wall(instant, zone)
        got = tz.to_local(instant, zone)
        assert got == expected and got.replace(tzinfo=None) == expected.replace(
            tzinfo=None
        ), (zone, instant)
        assert got.tzinfo is expected.tzinfo, (zone, instant)
        local = tz.local_time(instant, zone)
        offset = expected.utcoffset() // timedelta(minutes=1)
        assert (local.offset_minutes, local.abbreviation) == (
            offset,
            expected.tzname(),
        ), (zone, instant)
        checked += 1
    assert checked > 1000


@pytest.mark.parametrize("zone", ZONES)
def test_offset_changes_are_the_transitions(zone):
    start = datetime(1995, 1, 1, tzinfo=UTC)
    end = datetime(2036, 1, 1, tzinfo=UTC)
    changes = tz.transitions(zone, start, end)
    expected = [t.instant for t in changes if t.instant > start]
    assert tz.fast_zone(zone).offset_changes(start, end) == expected
    # And over short windows, as the night checks use them.
    for at in expected[:40]:
        window = (at - timedelta(hours=2), at + timedelta(hours=2))
        assert tz.fast_zone(zone).offset_changes(*window) == [at]
        assert tz.fast_zone(zone).offset_changes(at, at + timedelta(hours=1)) == []


def test_instants_in_other_offsets_and_pytz_zones():
    instant = datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC)
    kathmandu = instant.astimezone(timezone(timedelta(hours=5, minutes=45)))
    new_york = pytz_wall(instant, "America/New_York")
    for same in (instant, kathmandu, new_york):
        got = tz.to_local(same, "Europe/Paris")
        assert got.isoformat() == "2026-03-29T01:59:59+01:00"
        assert got.tzinfo is pytz_wall(instant, "Europe/Paris").tzinfo
    later = tz.to_local(instant + timedelta(seconds=1), "Europe/Paris")
    assert later.isoformat() == "2026-03-29T03:00:00+02:00"


def test_apia_skips_a_day_and_lord_howe_moves_half_an_hour():
    before = tz.local_time(datetime(2011, 12, 30, 9, 59, tzinfo=UTC), "Pacific/Apia")
    after = tz.local_time(datetime(2011, 12, 30, 10, 0, tzinfo=UTC), "Pacific/Apia")
    assert before.wall.strftime("%Y-%m-%d %H:%M") == "2011-12-29 23:59"
    assert after.wall.strftime("%Y-%m-%d %H:%M") == "2011-12-31 00:00"
    assert (before.offset_minutes, after.offset_minutes) == (-600, 840)
    summer = tz.local_time(datetime(2026, 1, 10, tzinfo=UTC), "Australia/Lord_Howe")
    winter = tz.local_time(datetime(2026, 7, 10, tzinfo=UTC), "Australia/Lord_Howe")
    assert (summer.offset_minutes, winter.offset_minutes) == (660, 630)


def test_naive_instants_are_refused():
    with pytest.raises(tz.TimeZoneError):
        tz.to_local(datetime(2026, 1, 1), "Europe/Paris")
    with pytest.raises(tz.TimeZoneError):
        tz.local_time(datetime(2026, 1, 1), "Europe/Paris")
