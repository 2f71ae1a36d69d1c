"""pytz (used to convert) and tzdata (read by zoneinfo and icalendar) must agree on
every zone the product offers."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from silkmeet.domain import timezones as tz

START = datetime(2000, 1, 1, tzinfo=UTC)
END = datetime(2037, 1, 1, tzinfo=UTC)


def instants_to_check(zone):
    # Around every offset change pytz knows, and every 61 days to catch changes
    # that tzdata has and pytz does not.
    for t in tz.transitions(zone, START, END):
        yield t.instant - timedelta(seconds=1)
        yield t.instant
    t = START
    while t < END:
        yield t
        t += timedelta(days=61, hours=7)


def test_offered_zones_are_known_and_many():
    zones = tz.offered_zones()
    assert len(zones) > 400
    assert "Europe/Paris" in zones and "Asia/Kathmandu" in zones
    assert "US/Eastern" not in zones
    assert all(tz.is_known_zone(z) for z in zones)


@pytest.mark.parametrize("zone", tz.offered_zones())
def test_pytz_and_tzdata_agree(zone):
    info = ZoneInfo(zone)
    for instant in instants_to_check(zone):
        expected = instant.astimezone(info).utcoffset() // timedelta(minutes=1)
        assert tz.utc_offset_minutes(instant, zone) == expected, (zone, instant)


def test_zoneinfo_reads_the_packaged_tzdata():
    import zoneinfo

    import tzdata

    # The system copy may be older than pytz; timezones points zoneinfo away from it.
    assert zoneinfo.TZPATH == ()
    assert tzdata.IANA_VERSION == tz.ZONE_DATA_VERSION
