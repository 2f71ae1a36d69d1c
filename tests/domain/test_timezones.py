from datetime import UTC
from datetime import datetime

import pytest

from silkmeet.domain import timezones as tz


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("Europe/Paris", "Europe/Paris"),
        ("europe/paris", "Europe/Paris"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("Asia/Katmandu", "Asia/Kathmandu"),
        ("US/Eastern", "America/New_York"),
        (" Asia/Tokyo ", "Asia/Tokyo"),
    ],
)
def test_canonical_zone(given, canonical):
    assert tz.canonical_zone(given) == canonical


@pytest.mark.parametrize("bad", ["Europe/Lyon", "", "   ", "UTC+2", "../etc/passwd"])
def test_unknown_zone_is_refused(bad):
    with pytest.raises(tz.TimeZoneError):
        tz.canonical_zone(bad)


@pytest.mark.parametrize(
    ("country", "zone"),
    [
        ("FR", "Europe/Paris"),
        ("JP", "Asia/Tokyo"),
        ("GE", "Asia/Tbilisi"),
        ("IT", "Europe/Rome"),
    ],
)
def test_single_zone_country_gives_its_zone(country, zone):
    assert tz.default_zone_for_country(country) == zone


@pytest.mark.parametrize("country", ["BR", "CN", "ES", "UZ", "RU", "US", "AU"])
def test_several_zone_country_gives_none(country):
    # Never the first listed zone: Brazil's is America/Noronha, two hours off.
    assert tz.default_zone_for_country(country) is None


@pytest.mark.parametrize(
    ("wall", "zone", "utc"),
    [
        # The demo: 14:00 in Lyon on 2020-11-20 is 13:00 UTC (CET, +01:00).
        (datetime(2020, 11, 20, 14), "Europe/Paris", datetime(2020, 11, 20, 13)),
        # pytz with tzinfo= would give LMT +09:19 here; localize gives JST.
        (datetime(2020, 11, 20, 22), "Asia/Tokyo", datetime(2020, 11, 20, 13)),
        (datetime(2026, 1, 10, 9), "Asia/Kathmandu", datetime(2026, 1, 10, 3, 15)),
        (datetime(2026, 1, 10, 9), "Asia/Kolkata", datetime(2026, 1, 10, 3, 30)),
        # Across the date line: Kiritimati is UTC+14.
        (
            datetime(2026, 1, 1, 0, 30),
            "Pacific/Kiritimati",
            datetime(2025, 12, 31, 10, 30),
        ),
        # The EU/US gap week: New York already on EDT, Paris still on CET.
        (datetime(2026, 3, 20, 9), "America/New_York", datetime(2026, 3, 20, 13)),
        (datetime(2026, 3, 20, 14), "Europe/Paris", datetime(2026, 3, 20, 13)),
    ],
)
def test_localize_gives_the_right_instant(wall, zone, utc):
    assert tz.localize(wall, zone) == utc.replace(tzinfo=UTC)


def test_non_existent_wall_time_is_refused():
    with pytest.raises(tz.TimeZoneError, match="does not exist"):
        tz.localize(datetime(2026, 3, 29, 2, 30), "Europe/Paris")


def test_ambiguous_wall_time_is_refused():
    with pytest.raises(tz.TimeZoneError, match="happens twice"):
        tz.localize(datetime(2026, 10, 25, 2, 30), "Europe/Paris")


@pytest.mark.parametrize(
    ("instant", "zone", "wall", "abbreviation", "offset"),
    [
        (
            datetime(2020, 11, 20, 13, tzinfo=UTC),
            "Asia/Tokyo",
            "2020-11-20 22:00",
            "JST",
            "UTC+09:00",
        ),
        (
            datetime(2020, 11, 20, 13, tzinfo=UTC),
            "America/Sao_Paulo",
            "2020-11-20 10:00",
            "-03",
            "UTC-03:00",
        ),
        # São Paulo kept DST until 2019: in November 2018 it was -02.
        (
            datetime(2018, 11, 20, 13, tzinfo=UTC),
            "America/Sao_Paulo",
            "2018-11-20 11:00",
            "-02",
            "UTC-02:00",
        ),
        (
            datetime(2026, 6, 1, 0, tzinfo=UTC),
            "Asia/Kathmandu",
            "2026-06-01 05:45",
            "+0545",
            "UTC+05:45",
        ),
        # Samoa: +14 with DST in November 2020, +13 all year since 2021.
        (
            datetime(2020, 11, 20, 13, tzinfo=UTC),
            "Pacific/Apia",
            "2020-11-21 03:00",
            "+14",
            "UTC+14:00",
        ),
        (
            datetime(2021, 11, 20, 13, tzinfo=UTC),
            "Pacific/Apia",
            "2021-11-21 02:00",
            "+13",
            "UTC+13:00",
        ),
    ],
)
def test_local_time(instant, zone, wall, abbreviation, offset):
    local = tz.local_time(instant, zone)
    assert local.wall.strftime("%Y-%m-%d %H:%M") == wall
    assert local.abbreviation == abbreviation
    assert local.offset_label == offset


def test_parse_instant_with_and_without_offset():
    assert tz.parse_instant("2020-11-20T13:00:00Z") == datetime(
        2020, 11, 20, 13, tzinfo=UTC
    )
    assert tz.parse_instant("2020-11-20T14:00", "Europe/Paris") == datetime(
        2020, 11, 20, 13, tzinfo=UTC
    )
    with pytest.raises(tz.TimeZoneError, match="no UTC offset"):
        tz.parse_instant("2020-11-20T14:00")
    with pytest.raises(tz.TimeZoneError, match="not an ISO 8601"):
        tz.parse_instant("20 November", "Europe/Paris")


def test_format_offset():
    assert tz.format_offset(0) == "UTC"
    assert tz.format_offset(345) == "UTC+05:45"
    assert tz.format_offset(-570) == "UTC-09:30"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("GB", "United Kingdom"),
        ("TC", "Turks & Caicos Islands"),
        ("KR", "South Korea"),
        ("UZ", "Uzbekistan"),
        ("XX", "XX"),  # unknown: the code as given
    ],
)
def test_country_names_come_from_cldr(code, name):
    assert tz.country_name(code) == name


def test_country_names_in_another_language():
    assert tz.country_name("GB", "fr") == "Royaume-Uni"


def test_country_choices_sorted_by_name_accents_aside():
    names = [name for _, name in tz.country_choices()]
    assert names.index("Åland Islands") < names.index("Albania")
    assert "United Kingdom" in names and "Britain (UK)" not in names
