"""Times in words: checked against the tz database's published rules for each
date (offsets and abbreviations by hand) and CLDR's formats for each locale."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from babel import Locale
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from silkmeet.domain import timewords as tw
from silkmeet.domain import timezones as tz


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "end", "zone", "full", "short"),
    [
        # One offset, one date: the zone once, after the range.
        (
            utc(2020, 11, 20, 13, 0),
            utc(2020, 11, 20, 15, 0),
            "Europe/Paris",
            "Fri 20 Nov 2020, 14:00–16:00 CET (UTC+01:00)",
            "14:00–16:00 CET",
        ),
        # EU clocks go back (2026-10-25, 03:00 CEST → 02:00 CET): the known
        # bad case "02:30–02:30 CEST"; each end carries its own abbreviation.
        (
            utc(2026, 10, 25, 0, 30),
            utc(2026, 10, 25, 1, 30),
            "Europe/Paris",
            "Sun 25 Oct 2026, 02:30 CEST (UTC+02:00) – 02:30 CET (UTC+01:00)",
            "02:30 CEST – 02:30 CET",
        ),
        # EU clocks go forward (2027-03-28, 02:00 CET → 03:00 CEST) in Rome.
        (
            utc(2027, 3, 28, 0, 30),
            utc(2027, 3, 28, 2, 0),
            "Europe/Rome",
            "Sun 28 Mar 2027, 01:30 CET (UTC+01:00) – 04:00 CEST (UTC+02:00)",
            "01:30 CET – 04:00 CEST",
        ),
        # The local date changes: both ends carry their dates.
        (
            utc(2026, 10, 25, 22, 30),
            utc(2026, 10, 25, 23, 15),
            "Europe/Paris",
            "Sun 25 Oct 2026, 23:30 – Mon 26 Oct 2026, 00:15 CET (UTC+01:00)",
            "Sun 25 Oct, 23:30 – Mon 26 Oct, 00:15 CET",
        ),
        # US: back on 2026-11-01 (02:00 EDT → 01:00 EST), forward on 2026-03-08.
        (
            utc(2026, 11, 1, 5, 30),
            utc(2026, 11, 1, 6, 30),
            "America/New_York",
            "Sun 01 Nov 2026, 01:30 EDT (UTC-04:00) – 01:30 EST (UTC-05:00)",
            "01:30 EDT – 01:30 EST",
        ),
        (
            utc(2026, 3, 8, 6, 30),
            utc(2026, 3, 8, 7, 30),
            "America/New_York",
            "Sun 08 Mar 2026, 01:30 EST (UTC-05:00) – 03:30 EDT (UTC-04:00)",
            "01:30 EST – 03:30 EDT",
        ),
        # Both: the clocks go back after local midnight.
        (
            utc(2026, 11, 1, 3, 30),
            utc(2026, 11, 1, 7, 0),
            "America/New_York",
            "Sat 31 Oct 2026, 23:30 EDT (UTC-04:00) – Sun 01 Nov 2026, 02:00 EST"
            " (UTC-05:00)",
            "Sat 31 Oct, 23:30 EDT – Sun 01 Nov, 02:00 EST",
        ),
        # Half-hour zones, and Adelaide's summer time ending on 2027-04-04.
        (
            utc(2026, 11, 20, 3),
            utc(2026, 11, 20, 4),
            "Asia/Kolkata",
            "Fri 20 Nov 2026, 08:30–09:30 IST (UTC+05:30)",
            "08:30–09:30 IST",
        ),
        (
            utc(2026, 11, 20, 3),
            utc(2026, 11, 20, 4),
            "Australia/Adelaide",
            "Fri 20 Nov 2026, 13:30–14:30 ACDT (UTC+10:30)",
            "13:30–14:30 ACDT",
        ),
        (
            utc(2027, 4, 3, 16),
            utc(2027, 4, 3, 17),
            "Australia/Adelaide",
            "Sun 04 Apr 2027, 02:30 ACDT (UTC+10:30) – 02:30 ACST (UTC+09:30)",
            "02:30 ACDT – 02:30 ACST",
        ),
        # Kathmandu's abbreviation is its offset ("+0545"): said once, as UTC+05:45.
        (
            utc(2020, 11, 20, 13, 0),
            utc(2020, 11, 20, 15, 0),
            "Asia/Kathmandu",
            "Fri 20 Nov 2020, 18:45–20:45 UTC+05:45",
            "18:45–20:45 UTC+05:45",
        ),
        # Lord Howe moves its clocks by 30 minutes (02:00 → 02:30 on 2026-10-04).
        (
            utc(2026, 10, 3, 15),
            utc(2026, 10, 3, 16),
            "Australia/Lord_Howe",
            "Sun 04 Oct 2026, 01:30 UTC+10:30 – 03:00 UTC+11:00",
            "01:30 UTC+10:30 – 03:00 UTC+11:00",
        ),
        # The same instant on either side of the date line.
        (
            utc(2026, 3, 30, 12, 0),
            utc(2026, 3, 30, 13, 0),
            "Pacific/Kiritimati",
            "Tue 31 Mar 2026, 02:00–03:00 UTC+14:00",
            "02:00–03:00 UTC+14:00",
        ),
        (
            utc(2026, 3, 30, 12, 0),
            utc(2026, 3, 30, 13, 0),
            "Pacific/Apia",
            "Tue 31 Mar 2026, 01:00–02:00 UTC+13:00",
            "01:00–02:00 UTC+13:00",
        ),
        (
            utc(2026, 3, 30, 12, 0),
            utc(2026, 3, 30, 13, 0),
            "Pacific/Pago_Pago",
            "Mon 30 Mar 2026, 01:00–02:00 SST (UTC-11:00)",
            "01:00–02:00 SST",
        ),
        # Samoa crossed the date line: Friday 30 December 2011 never happened.
        (
            utc(2011, 12, 30, 9, 30),
            utc(2011, 12, 30, 10, 30),
            "Pacific/Apia",
            "Thu 29 Dec 2011, 23:30 UTC-10:00 – Sat 31 Dec 2011, 00:30 UTC+14:00",
            "Thu 29 Dec, 23:30 UTC-10:00 – Sat 31 Dec, 00:30 UTC+14:00",
        ),
        # UTC names itself once.
        (
            utc(2026, 3, 30, 12, 0),
            utc(2026, 3, 30, 13, 0),
            "UTC",
            "Mon 30 Mar 2026, 12:00–13:00 UTC",
            "12:00–13:00 UTC",
        ),
    ],
)
def test_range_words(start, end, zone, full, short):
    assert tw.range_words(start, end, zone) == full
    assert tw.range_words(start, end, zone, date_style="auto", zone_style="short") == (
        short
    )


def test_a_warning_names_the_whole_slot():
    # Yamada in Tokyo, 21:55–22:20 JST on 28 March 2027.
    start = utc(2027, 3, 28, 12, 55)
    assert (
        tw.range_words(
            start,
            start + timedelta(minutes=25),
            "Asia/Tokyo",
            date_style="short",
            zone_style="short",
        )
        == "Sun 28 Mar, 21:55–22:20 JST"
    )


def test_without_a_zone_the_text_still_says_a_change_of_offset():
    start, end = utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)
    assert (
        tw.range_words(start, end, "Europe/Paris", date_style="auto", zone_style="auto")
        == "02:30 CEST – 02:30 CET"
    )
    same = tw.range_words(
        utc(2026, 10, 26, 13),
        utc(2026, 10, 26, 14),
        "Europe/Paris",
        date_style="auto",
        zone_style="auto",
    )
    assert same == "14:00–15:00"
    # "none": the caller marks the change of date (the agenda's "+1 day").
    assert (
        tw.range_words(
            utc(2026, 10, 25, 22, 30),
            utc(2026, 10, 25, 23, 15),
            "Europe/Paris",
            date_style="none",
            zone_style="auto",
        )
        == "23:30 – 00:15"
    )


def test_when_words():
    assert (
        tw.when_words(utc(2020, 11, 20, 13, 0), "Europe/Paris")
        == "Fri 20 Nov 2020, 14:00 CET (UTC+01:00)"
    )
    assert (
        tw.when_words(utc(2020, 11, 20, 13, 0), "UTC") == "Fri 20 Nov 2020, 13:00 UTC"
    )
    assert (
        tw.when_words(
            utc(2020, 11, 20, 13, 0),
            "Asia/Tokyo",
            date_style="auto",
            zone_style="short",
        )
        == "22:00 JST"
    )


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (
            (utc(2020, 11, 20, 13, 20), utc(2020, 11, 20, 13, 25)),
            (utc(2020, 11, 20, 13, 40), utc(2020, 11, 20, 13, 45)),
            "Fri 20 Nov 2020, 14:20–14:25 → 14:40–14:45 CET (UTC+01:00)",
        ),
        # Moved across the clock change: each range says its own offsets.
        (
            (utc(2026, 10, 24, 23, 30), utc(2026, 10, 25, 0, 0)),
            (utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 2, 0)),
            "Sun 25 Oct 2026, 01:30–02:00 CEST (UTC+02:00) → "
            "Sun 25 Oct 2026, 02:30–03:00 CET (UTC+01:00)",
        ),
    ],
)
def test_moved_words(old, new, words):
    assert tw.moved_words(*old, *new, "Europe/Paris") == words


@pytest.mark.parametrize(
    ("locale", "instant", "zone", "words"),
    [
        (
            "fr",
            utc(2020, 11, 20, 13, 0),
            "Europe/Paris",
            "ven. 20 novembre 2020, 14:00 heure normale d’Europe centrale (UTC+01:00)",
        ),
        (
            "ja",
            utc(2020, 11, 20, 12, 0),
            "Asia/Tokyo",
            "2020年11月20日(金) 21:00 日本標準時 (UTC+09:00)",
        ),
        (
            "zh-Hans",
            utc(2020, 11, 20, 13, 0),
            "Asia/Shanghai",
            "2020年11月20日周五 21:00 中国标准时间 (UTC+08:00)",
        ),
        (
            "it",
            utc(2020, 11, 20, 13, 0),
            "Europe/Rome",
            "ven 20 novembre 2020, 14:00 Ora standard dell’Europa centrale (UTC+01:00)",
        ),
        # A zone CLDR has no name for is said by its offset alone.
        (
            "ru",
            utc(2020, 11, 20, 13, 0),
            "Etc/GMT-3",
            "пт, 20 ноября 2020\u202fг., 16:00 UTC+03:00",
        ),
        # A Locale object, a tag with a hyphen, an unknown tag (English).
        (
            Locale.parse("pt_BR"),
            utc(2020, 11, 20, 13, 0),
            "America/Sao_Paulo",
            "sex., 20 de novembro de 2020 10:00 Horário Padrão de Brasília (UTC-03:00)",
        ),
        (
            "pt-BR",
            utc(2020, 11, 20, 13, 0),
            "America/Sao_Paulo",
            "sex., 20 de novembro de 2020 10:00 Horário Padrão de Brasília (UTC-03:00)",
        ),
        (
            "tlh",
            utc(2020, 11, 20, 13, 0),
            "Europe/Paris",
            "Fri 20 Nov 2020, 14:00 CET (UTC+01:00)",
        ),
    ],
)
def test_when_words_in_other_languages(locale, instant, zone, words):
    assert tw.when_words(instant, zone, locale=locale) == words


def test_ranges_in_other_languages_keep_each_ends_offset():
    start, end = utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)
    assert tw.range_words(start, end, "Europe/Paris", locale="fr") == (
        "dim. 25 octobre 2026, 02:30 heure d’été d’Europe centrale (UTC+02:00)"
        "\u2009–\u2009"
        "02:30 heure normale d’Europe centrale (UTC+01:00)"
    )
    assert (
        tw.range_words(
            start,
            end,
            "Europe/Paris",
            date_style="auto",
            zone_style="short",
            locale="ja",
        )
        == "2:30 UTC+02:00～2:30 UTC+01:00"
    )
    # Japanese has a short name for Japan's zone.
    assert (
        tw.range_words(
            utc(2020, 11, 20, 12),
            utc(2020, 11, 20, 14),
            "Asia/Tokyo",
            date_style="auto",
            zone_style="short",
            locale="ja",
        )
        == "21:00～23:00 JST"
    )


ZONES = [
    "Europe/Paris",
    "America/New_York",
    "America/Santiago",
    "America/Nuuk",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Apia",
    "Pacific/Kiritimati",
    "Europe/Chisinau",
    "UTC",
]


@settings(max_examples=300, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime(2010, 1, 1), max_value=datetime(2036, 12, 31)
    ),
    minutes=st.integers(min_value=0, max_value=36 * 60),
    zone=st.sampled_from(ZONES),
    locale=st.sampled_from(["en", "fr", "ja", "ru", "ka"]),
)
def test_every_range_says_the_offset_of_each_end(start, minutes, zone, locale):
    start = start.replace(tzinfo=UTC)
    end = start + timedelta(minutes=minutes)
    first, last = tz.local_time(start, zone), tz.local_time(end, zone)
    text = tw.range_words(start, end, zone, locale=locale)
    assert first.offset_label in text and last.offset_label in text
    if first.offset_minutes != last.offset_minutes:
        # Each end its own: the start's offset comes before the end's.
        assert text.index(first.offset_label) < text.rindex(last.offset_label)
    short = tw.range_words(
        start, end, zone, date_style="auto", zone_style="auto", locale=locale
    )
    if first.wall.date() != last.wall.date():
        # The end's date is written (weekday and day of the month).
        assert tw.date_words(end, zone, date_style="short", locale=locale) in short


def test_a_day_in_words_in_the_house_form_and_in_cldr():
    day = date(2020, 11, 20)
    assert tw.day_words(day) == day.strftime("%a %d %b %Y") == "Fri 20 Nov 2020"
    assert tw.day_words(day, date_style="short") == "Fri 20 Nov"
    assert tw.day_words(day, locale="fr") == "ven. 20 novembre 2020"
    assert tw.day_words(day, date_style="short", locale="zh_Hans") == "11月20日周五"
