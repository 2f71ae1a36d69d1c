from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest

from silkmeet.domain import planner as p
from silkmeet.domain import timezones as tz


def utc(*args):
    return datetime(*args, tzinfo=UTC)


DEMO = [
    ("FR", "Europe/Paris", 5),
    ("CN", "Asia/Shanghai", 2),
    ("BR", "America/Sao_Paulo", 1),
    ("GE", "Asia/Tbilisi", 1),
    ("IT", "Europe/Rome", 1),
    ("JP", "Asia/Tokyo", 1),
    ("ES", "Europe/Madrid", 1),
    ("UZ", "Asia/Tashkent", 1),
]


def demo_groups():
    people = [
        p.Attendee(f"{country}{n}", country, zone)
        for country, zone, count in DEMO
        for n in range(count)
    ]
    return p.group_attendees(people)


def test_grouping_counts_people_per_country_and_zone():
    groups = demo_groups()
    assert [(g.country, g.count) for g in groups][:3] == [
        ("BR", 1),
        ("CN", 2),
        ("ES", 1),
    ]
    assert sum(g.count for g in groups) == 13


def test_demo_date_fair_window_is_10_to_11_utc():
    # Verified by hand (TIMEZONES.md): only 10:00-11:00 UTC starts keep everyone
    # within 07:00-22:00 for 120 minutes on 2020-11-20.
    ranked = p.rank(
        date(2020, 11, 20),
        date(2020, 11, 20),
        120,
        demo_groups(),
        "Europe/Paris",
        limit=8,
    )
    fair = [c.start for c in ranked if c.outside_people == 0]
    assert fair == [
        utc(2020, 11, 20, 10, 0) + timedelta(minutes=15 * n) for n in range(5)
    ]
    sixth = ranked[5]
    assert sixth.outside_people == 1 and sixth.worst_depth == 15
    # Ranked by (outside, worst, total, start): nothing later beats anything earlier.
    keys = [c.rank_key for c in ranked]
    assert keys == sorted(keys)


def test_demo_actual_start_puts_japan_and_china_out():
    c = p.evaluate(utc(2020, 11, 20, 13), 120, demo_groups(), "Europe/Paris")
    assert c.outside_people == 3
    assert c.worst_depth == 120
    worst = c.worst
    assert worst.group.zone == "Asia/Tokyo"
    assert (worst.span.start.time_label, worst.span.end.time_label) == (
        "22:00",
        "00:00",
    )
    assert [a.group.country for a in c.affected] == ["JP", "CN"]
    assert c.total_depth == 120 + 2 * 60


def test_candidates_on_dst_days():
    # Paris, 2026-03-29 has 23 hours, 2026-10-25 has 25.
    assert (
        len(p.candidate_starts(date(2026, 3, 29), date(2026, 3, 29), "Europe/Paris"))
        == 92
    )
    assert (
        len(p.candidate_starts(date(2026, 10, 25), date(2026, 10, 25), "Europe/Paris"))
        == 100
    )
    assert (
        len(p.candidate_starts(date(2026, 1, 5), date(2026, 1, 6), "Asia/Kathmandu"))
        == 192
    )
    first = p.candidate_starts(date(2026, 1, 5), date(2026, 1, 5), "Asia/Kathmandu")[0]
    assert first == utc(2026, 1, 4, 18, 15)


def test_sao_paulo_midnight_that_did_not_exist():
    # 2018-11-04: São Paulo jumped from 00:00 to 01:00; the day starts at 01:00 -02.
    assert tz.start_of_day(date(2018, 11, 4), "America/Sao_Paulo") == utc(
        2018, 11, 4, 3
    )
    starts = p.candidate_starts(
        date(2018, 11, 4), date(2018, 11, 4), "America/Sao_Paulo"
    )
    assert len(starts) == 92


@pytest.mark.parametrize(
    ("first", "last", "minutes", "message"),
    [
        (date(2026, 1, 1), date(2026, 2, 1), 60, "at most 31 days"),
        (date(2026, 1, 2), date(2026, 1, 1), 60, "before the first"),
        (date(2026, 1, 1), date(2026, 1, 1), 1441, "minutes from 1 to 1440"),
        (date(2026, 1, 1), date(2026, 1, 1), 0, "minutes from 1 to 1440"),
    ],
)
def test_refused_requests(first, last, minutes, message):
    with pytest.raises(p.PlannerError, match=message):
        p.check_request(first, last, minutes)


def test_31_days_and_24_hours_are_accepted():
    p.check_request(date(2026, 1, 1), date(2026, 1, 31), 1440)


def test_dst_warning_in_the_gap_week_before():
    groups = p.group_attendees(
        [
            p.Attendee("A", "US", "America/New_York"),
            p.Attendee("B", "FR", "Europe/Paris"),
        ]
    )
    start = utc(2026, 3, 12, 13)
    warnings = p.dst_warnings(start, start + timedelta(hours=1), groups, "Europe/Paris")
    assert [(w.transition.zone, w.inside) for w in warnings] == [
        ("America/New_York", False)
    ]
    assert warnings[0].transition.instant == utc(2026, 3, 8, 7)
    assert warnings[0].when == "earlier" and warnings[0].days_before == 4
    assert (
        "America/New_York (1 person): clocks go forward 1 hour on Sun 08 Mar 2026,"
        " 02:00 → 03:00 local time (UTC-05:00 → UTC-04:00), 4 days before the"
        " meeting day (Thu 12 Mar, 09:00–10:00 EDT there)" in warnings[0].message
    )


def test_dst_warning_inside_the_meeting_and_lord_howe_half_hour():
    groups = p.group_attendees([p.Attendee("L", "AU", "Australia/Lord_Howe")])
    # Lord Howe: +10:30 to +11 at 02:00 local on 2026-10-04 (15:30 UTC on the 3rd).
    start = utc(2026, 10, 3, 15)
    warnings = p.dst_warnings(
        start, start + timedelta(hours=1), groups, "Australia/Lord_Howe"
    )
    assert len(warnings) == 1 and warnings[0].inside
    assert warnings[0].transition.delta_minutes == 30
    assert (
        "clocks go forward 30 minutes on Sun 04 Oct 2026, 02:00 → 02:30 local time"
        " (UTC+10:30 → UTC+11:00), during the meeting (01:30 UTC+10:30 – 03:00"
        " UTC+11:00 there)" in warnings[0].message
    )


def test_no_warning_for_a_quiet_week():
    start = utc(2026, 6, 10, 13)
    assert (
        p.dst_warnings(start, start + timedelta(hours=2), demo_groups(), "Europe/Paris")
        == []
    )


def test_typed_times():
    ok = p.read_typed_start(datetime(2026, 3, 30, 14), "Europe/Paris")
    assert ok.ok and ok.readings == (utc(2026, 3, 30, 12),)
    missing = p.read_typed_start(datetime(2026, 3, 29, 2, 30), "Europe/Paris")
    assert (
        not missing.ok
        and missing.readings == ()
        and "does not exist" in missing.message
    )
    twice = p.read_typed_start(datetime(2026, 10, 25, 2, 30), "Europe/Paris")
    assert twice.readings == (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30))
    assert "happens twice" in twice.message and "CEST" in twice.message


def test_strip_marks_meeting_and_bands():
    rows = p.strip(
        date(2020, 11, 20),
        "Europe/Paris",
        demo_groups(),
        meeting=(utc(2020, 11, 20, 13), utc(2020, 11, 20, 15)),
    )
    assert len(rows) == 1 + len(DEMO)
    assert all(len(r.cells) == 96 for r in rows)
    paris = rows[0]
    assert paris.cells[0].local.time_label == "00:00"
    assert sum(c.in_meeting for c in paris.cells) == 8
    assert paris.cells[14 * 4].in_meeting and paris.cells[14 * 4].band == "work"
    tokyo = next(r for r in rows if r.zone == "Asia/Tokyo")
    assert tokyo.cells[0].local.time_label == "08:00"
    assert tokyo.cells[14 * 4].band == "night"
    assert tokyo.cells[16 * 4].is_midnight and tokyo.cells[16 * 4].local.day_shift == 1


def zone_groups(*zones):
    return p.group_attendees(
        [p.Attendee(f"P{n}", "", zone) for n, zone in enumerate(zones)]
    )


@pytest.mark.parametrize(
    ("start", "minutes", "reference", "zones", "expected"),
    [
        # Issue 14's newcomer: Rome, Sunday 28 March 2027 at 10:00 CEST, 150 min.
        # The EU change is at 02:00 that morning, on the meeting day itself.
        (
            utc(2027, 3, 28, 8),
            150,
            "Europe/Rome",
            ("Europe/Rome", "Asia/Tashkent", "America/Sao_Paulo", "Asia/Tokyo"),
            [
                (
                    "Europe/Rome",
                    "meeting_day",
                    0,
                    "Europe/Rome (the conference's zone, 1 person): clocks go forward"
                    " 1 hour on Sun 28 Mar 2027, 02:00 → 03:00 local time (UTC+01:00"
                    " → UTC+02:00), on the meeting day, before it starts (10:00–12:30"
                    " CEST there)",
                )
            ],
        ),
        # The same night, with the meeting across it; back in October.
        (
            utc(2027, 3, 28, 0, 30),
            90,
            "Europe/Rome",
            (),
            [
                (
                    "Europe/Rome",
                    "during",
                    0,
                    "on Sun 28 Mar 2027, 02:00 → 03:00 local time (UTC+01:00 →"
                    " UTC+02:00), during the meeting (01:30 CET – 04:00 CEST there)",
                )
            ],
        ),
        (
            utc(2027, 10, 31, 8),
            60,
            "Europe/Rome",
            (),
            [
                (
                    "Europe/Rome",
                    "meeting_day",
                    0,
                    "clocks go back 1 hour on Sun 31 Oct 2027, 03:00 → 02:00 local"
                    " time (UTC+02:00 → UTC+01:00), on the meeting day, before it"
                    " starts (09:00–10:00 CET there)",
                )
            ],
        ),
        # Southern hemisphere: Sydney's summer time ends on Sunday 4 April 2027
        # at 03:00; a meeting on Monday 10:00 AEST.
        (
            utc(2027, 4, 5, 0),
            60,
            "Australia/Sydney",
            (),
            [
                (
                    "Australia/Sydney",
                    "earlier",
                    1,
                    "clocks go back 1 hour on Sun 04 Apr 2027, 03:00 → 02:00 local"
                    " time (UTC+11:00 → UTC+10:00), the day before the meeting day"
                    " (Mon 05 Apr, 10:00–11:00 AEST there)",
                )
            ],
        ),
        # Santiago changes at midnight: Saturday's 24:00 becomes 23:00 ...
        (
            utc(2026, 4, 6, 13),
            60,
            "Europe/Paris",
            ("America/Santiago",),
            [
                (
                    "America/Santiago",
                    "earlier",
                    2,
                    "America/Santiago (1 person): clocks go back 1 hour on Sat 04 Apr"
                    " 2026, 24:00 → 23:00 local time (UTC-03:00 → UTC-04:00), 2 days"
                    " before the meeting day (Mon 06 Apr, 09:00–10:00 UTC-04:00"
                    " there)",
                )
            ],
        ),
        # ... and in September Saturday's 24:00 becomes Sunday 01:00.
        (
            utc(2026, 9, 6, 13),
            60,
            "Europe/Paris",
            ("America/Santiago",),
            [
                (
                    "America/Santiago",
                    "earlier",
                    1,
                    "clocks go forward 1 hour on Sat 05 Sep 2026, 24:00 → Sun 06 Sep"
                    " 2026, 01:00 local time (UTC-04:00 → UTC-03:00), the day before"
                    " the meeting day (Sun 06 Sep, 10:00–11:00 UTC-03:00 there)",
                )
            ],
        ),
        # Chisinau changes at 03:00 local (01:00 UTC, with the EU), Paris at 02:00.
        (
            utc(2026, 3, 29, 0, 30),
            90,
            "Europe/Paris",
            ("Europe/Chisinau",),
            [
                (
                    "Europe/Chisinau",
                    "during",
                    0,
                    "Europe/Chisinau (1 person): clocks go forward 1 hour on Sun 29"
                    " Mar 2026, 03:00 → 04:00 local time (UTC+02:00 → UTC+03:00),"
                    " during the meeting (02:30 EET – 05:00 EEST there)",
                ),
                (
                    "Europe/Paris",
                    "during",
                    0,
                    "Europe/Paris (the conference's zone): clocks go forward 1 hour on"
                    " Sun 29 Mar 2026, 02:00 → 03:00 local time",
                ),
            ],
        ),
        # Nuuk changes at 23:00 on Saturday (01:00 UTC): the day before.
        (
            utc(2026, 3, 29, 10),
            60,
            "UTC",
            ("America/Nuuk",),
            [
                (
                    "America/Nuuk",
                    "earlier",
                    1,
                    "on Sat 28 Mar 2026, 23:00 → Sun 29 Mar 2026, 00:00 local time",
                )
            ],
        ),
        # Lord Howe moves by half an hour, back from 02:00 to 01:30.
        (
            utc(2027, 4, 3, 20),
            60,
            "Australia/Lord_Howe",
            (),
            [
                (
                    "Australia/Lord_Howe",
                    "meeting_day",
                    0,
                    "clocks go back 30 minutes on Sun 04 Apr 2027, 02:00 → 01:30"
                    " local time (UTC+11:00 → UTC+10:30), on the meeting day, before"
                    " it starts (06:30–07:30 UTC+10:30 there)",
                )
            ],
        ),
    ],
)
def test_clock_change_notices(start, minutes, reference, zones, expected):
    end = start + timedelta(minutes=minutes)
    warnings = p.dst_warnings(start, end, zone_groups(*zones), reference)
    assert [(w.zone, w.when, w.days_before) for w in warnings] == [
        (zone, when, days) for zone, when, days, _ in expected
    ]
    for warning, (*_, words) in zip(warnings, expected, strict=True):
        assert words in warning.message
        assert warning.inside == (warning.when == "during")


def test_a_change_at_the_very_start_is_before_the_meeting():
    # Rome's clocks jump at 01:00 UTC; a meeting starting then is all on CEST.
    start = utc(2027, 3, 28, 1)
    (warning,) = p.dst_warnings(start, start + timedelta(hours=1), [], "Europe/Rome")
    assert not warning.inside and warning.when == "meeting_day"
    assert "(03:00–04:00 CEST there)" in warning.message


def test_no_notice_for_zones_without_a_change():
    start = utc(2027, 3, 28, 8)
    warnings = p.dst_warnings(
        start,
        start + timedelta(minutes=150),
        zone_groups("Asia/Tokyo", "Asia/Tashkent", "America/Sao_Paulo"),
        "Asia/Tokyo",
    )
    assert warnings == []
