from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from silkmeet.domain import hours
from silkmeet.domain import lineup as lu
from silkmeet.domain.schedule import ItemIn
from silkmeet.domain.schedule import SpeakerIn
from silkmeet.domain.schedule import compute_schedule

START = datetime(2020, 11, 20, 13, tzinfo=UTC)  # 14:00 in Paris

ZONES = {
    "BR": "America/Sao_Paulo",
    "CN": "Asia/Shanghai",
    "FR": "Europe/Paris",
    "JP": "Asia/Tokyo",
    "US": "America/New_York",
    "VE": "America/Caracas",
    "DZ": "Africa/Algiers",
    "NP": "Asia/Kathmandu",
    "IN": "Asia/Kolkata",
    "UZ": "Asia/Tashkent",
}


def spk(pid, country, zone=None, minutes=None, name=None):
    return SpeakerIn(
        participant_id=pid,
        name=name or f"speaker {pid}",
        country=country,
        timezone=zone or ZONES[country],
        minutes=minutes,
    )


def it(n, minutes=10, kind="other", country=None, pinned=False, speakers=(), **kw):
    return ItemIn(
        id=n,
        title=kw.pop("title", f"item {n}"),
        kind=kind,
        duration_minutes=minutes,
        pinned=pinned,
        country=country,
        speakers=tuple(speakers),
        **kw,
    )


def block(n, country, minutes=10, speakers=None, **kw):
    if speakers is None:
        speakers = (spk(n, country),)
    return it(
        n,
        minutes,
        kind="country_presentation",
        country=country,
        speakers=speakers,
        **kw,
    )


def ids(items):
    return [i.id for i in items]


def lineup():
    """Opening (pinned), BR, CN, CN, FR, discussion, closing (pinned)."""
    return [
        it(1, 5, "opening", pinned=True, title="Opening"),
        block(2, "BR"),
        block(3, "CN"),
        block(4, "CN"),
        block(5, "FR"),
        it(6, 10, "discussion", title="Discussion"),
        it(7, 5, "closing", pinned=True, title="Closing"),
    ]


def test_units_group_consecutive_country_items():
    got = [(u.start, u.end, u.country, u.pinned) for u in lu.units(lineup())]
    assert got == [
        (0, 1, None, True),
        (1, 2, "BR", False),
        (2, 4, "CN", False),
        (4, 5, "FR", False),
        (5, 6, None, False),
        (6, 7, None, True),
    ]


@pytest.mark.parametrize(
    ("index", "delta", "expected"),
    [
        (1, +1, [1, 3, 4, 2, 5, 6, 7]),  # BR past the whole CN block
        (4, -1, [1, 2, 5, 3, 4, 6, 7]),  # FR before the CN block
        (2, -1, [1, 3, 4, 2, 5, 6, 7]),  # an item of CN moves its block
        (5, -1, [1, 2, 3, 4, 6, 5, 7]),  # discussion before FR
    ],
)
def test_move_unit(index, delta, expected):
    assert ids(lu.move_unit(lineup(), index, delta)) == expected


@pytest.mark.parametrize(
    ("index", "delta", "message"),
    [
        (1, -1, "cannot move past the pinned item “Opening”"),
        (5, +1, "cannot move past the pinned item “Closing”"),
        (0, +1, "is pinned to its position"),
        (6, -1, "is pinned to its position"),
    ],
)
def test_move_unit_refusals(index, delta, message):
    with pytest.raises(lu.LineupError, match=message):
        lu.move_unit(lineup(), index, delta)


def test_move_past_the_ends():
    items = [it(1), it(2)]
    with pytest.raises(lu.LineupError, match="already first"):
        lu.move_unit(items, 0, -1)
    with pytest.raises(lu.LineupError, match="already last"):
        lu.move_item(items, 1, +1)
    with pytest.raises(lu.LineupError, match="no item at position 3"):
        lu.move_item(items, 2, -1)


def test_move_item_inside_its_block_and_not_out_of_it():
    assert ids(lu.move_item(lineup(), 3, -1)) == [1, 2, 4, 3, 5, 6, 7]
    with pytest.raises(lu.LineupError, match="first item of the China block"):
        lu.move_item(lineup(), 2, -1)
    with pytest.raises(lu.LineupError, match="last item of the China block"):
        lu.move_item(lineup(), 3, +1)
    # A single item moves past a whole block.
    assert ids(lu.move_item(lineup(), 4, -1)) == [1, 2, 5, 3, 4, 6, 7]


@pytest.mark.parametrize(
    ("index", "position", "expected"),
    [
        (5, 1, [1, 6, 2, 3, 4, 5, 7]),
        (1, 5, [1, 3, 4, 5, 6, 2, 7]),
        (2, 4, [1, 2, 5, 6, 3, 4, 7]),  # CN block to start at position 5
        (4, 2, [1, 2, 5, 3, 4, 6, 7]),  # into the middle of CN: nearest unit edge
    ],
)
def test_move_to(index, position, expected):
    assert ids(lu.move_to(lineup(), index, position)) == expected


@pytest.mark.parametrize(
    ("index", "position", "message"),
    [
        (1, 0, "past the pinned item “Opening”: choose a position from 2 to 6"),
        (1, 6, "past the pinned item “Closing”"),
        (1, 9, "Position 10 does not exist"),
        (0, 3, "is pinned"),
    ],
)
def test_move_to_refusals(index, position, message):
    with pytest.raises(lu.LineupError, match=message):
        lu.move_to(lineup(), index, position)


def test_check_order():
    before = lineup()
    lu.check_order(before, lu.move_unit(before, 1, +1))
    by_id = {i.id: i for i in before}
    with pytest.raises(lu.LineupError, match="pinned at position 1"):
        lu.check_order(before, [by_id[n] for n in [2, 1, 3, 4, 5, 6, 7]])
    with pytest.raises(lu.LineupError, match="China block must stay together"):
        lu.check_order(before, [by_id[n] for n in [1, 3, 2, 4, 5, 6, 7]])
    with pytest.raises(lu.LineupError, match="other items"):
        lu.check_order(before, before[:-1])
    with pytest.raises(lu.LineupError, match="other items"):
        lu.check_order(before, before[:-1] + [before[1]])


def test_alphabetical_keeps_pinned_and_other_units_in_place():
    items = [
        it(1, pinned=True),
        block(2, "UZ"),
        block(3, "BR"),
        it(4, title="Video"),
        block(5, "FR"),
        it(6, pinned=True),
        block(7, "JP"),
        block(8, "CN"),
    ]
    # Segments are ordered separately; the video keeps its place among units.
    assert ids(lu.order_alphabetical(items)) == [1, 3, 5, 4, 2, 6, 8, 7]


# Offsets change with summer time: the order depends on the meeting's date.
@pytest.mark.parametrize(
    ("when", "east_to_west"),
    [
        # Algeria +01 all year; France +01 in winter, +02 in summer.
        (datetime(2026, 1, 15, 12, tzinfo=UTC), ["DZ", "FR"]),  # tie: alphabetical
        (datetime(2026, 6, 15, 12, tzinfo=UTC), ["FR", "DZ"]),
        # New York -05 in winter, -04 from 2026-03-08; Caracas -04 all year.
        (datetime(2026, 3, 2, 12, tzinfo=UTC), ["VE", "US"]),
        (datetime(2026, 3, 20, 12, tzinfo=UTC), ["US", "VE"]),  # US/EU gap week
        (datetime(2026, 10, 28, 12, tzinfo=UTC), ["US", "VE"]),  # autumn gap week
        (datetime(2026, 11, 3, 12, tzinfo=UTC), ["VE", "US"]),
        # Kathmandu +05:45 is east of Kolkata +05:30.
        (datetime(2026, 3, 20, 12, tzinfo=UTC), ["NP", "IN"]),
    ],
)
def test_order_by_offset_at_the_meeting_date(when, east_to_west):
    countries = sorted(east_to_west, reverse=True)
    items = [block(n, c) for n, c in enumerate(countries)]
    got = lu.order_by_offset(items, when, east_first=True)
    assert [i.country for i in got] == east_to_west


def test_order_by_offset_puts_empty_blocks_last():
    items = [block(1, "FR", speakers=()), block(2, "BR"), block(3, "JP")]
    got = lu.order_by_offset(items, START, east_first=False)
    assert [i.country for i in got] == ["BR", "JP", "FR"]


def test_fairest_order_minimises_speakers_outside_hours():
    # From 09:00 UTC, three 90-minute blocks: São Paulo (UTC-3) is before 07:00
    # in the first, Tokyo (UTC+9) past 22:00 in the third.
    start = datetime(2026, 3, 20, 9, tzinfo=UTC)
    items = [block(1, "BR", 90), block(2, "FR", 90), block(3, "JP", 90)]
    assert lu.fairness(compute_schedule(start, items)) == (2, 60)
    got = lu.order_fairest(items, start)
    # Three orders put nobody outside; the alphabetical tie-break picks France first.
    assert [i.country for i in got] == ["FR", "JP", "BR"]
    assert lu.fairness(compute_schedule(start, got)) == (0, 0)


def test_fairest_breaks_ties_alphabetically_and_respects_pins():
    start = datetime(2026, 6, 10, 10, tzinfo=UTC)  # midday in Europe
    items = [
        it(1, 5, pinned=True),
        block(2, "FR", 5),
        block(3, "DZ", 5),
        it(4, 5, pinned=True),
        block(5, "US", 5),
    ]
    # Nobody is outside the day window whatever the order: nothing to improve.
    assert ids(lu.order_fairest(items, start)) == [1, 2, 3, 4, 5]
    # After the pinned opening, the first block starts at 06:55 in Algiers
    # (+01): 5 min early. Of the four orders that put nobody outside, the
    # alphabetical tie-break picks France, Algeria, Japan; pins stay.
    early = datetime(2026, 6, 10, 5, 50, tzinfo=UTC)
    items = [
        it(1, 5, pinned=True),
        block(2, "DZ", 5),
        block(3, "FR", 5),
        block(4, "JP", 5),
        it(5, 5, pinned=True),
    ]
    assert lu.fairness(compute_schedule(early, items)) == (1, 5)
    got = lu.order_fairest(items, early)
    assert ids(got) == [1, 3, 2, 4, 5]
    assert lu.fairness(compute_schedule(early, got)) == (0, 0)


def test_fairest_counts_the_smallest_worst_case():
    # From 05:00 in São Paulo, the Brazilian speaker is early whatever the order;
    # after the 105-minute French block they start at 06:45, 15 min early
    # instead of 120: same count, smaller worst case.
    start = datetime(2026, 3, 20, 8, tzinfo=UTC)
    items = [block(1, "BR", 30), block(2, "FR", 105)]
    assert lu.fairness(compute_schedule(start, items)) == (1, 120)
    got = lu.order_fairest(items, start)
    assert [i.country for i in got] == ["FR", "BR"]
    assert lu.fairness(compute_schedule(start, got)) == (1, 15)


def test_fairest_uses_the_warnings_window_and_keeps_a_night_free_order():
    """The reported case: Japan first at 21:30-21:55 JST has no warning; the
    helper, counting outside 08:00-21:00, proposed Japan at 22:20-22:45 (Night).
    """
    start = datetime(2020, 11, 20, 12, 30, tzinfo=UTC)  # 21:30 in Tokyo
    items = [block(1, "JP", 25), block(2, "US", 25), block(3, "BR", 50)]
    now = compute_schedule(start, items)
    assert [w for w in lu.lineup_warnings(start, 120, "Europe/Paris", now)] == []
    assert lu.fairness(now) == (0, 0)
    got = lu.order_fairest(items, start)
    assert ids(got) == [1, 2, 3]  # none is fairer: the current order
    rows = lu.display_rows(start, "Europe/Paris", compute_schedule(start, got))
    assert not any(s.night for row in rows for s in row.speakers)
    preview = lu.preview_helper("fairest", items, start)
    assert preview.unchanged and preview.fairness_new == (0, 0)


def test_fairest_never_proposes_a_worse_order_than_the_current_one():
    # A fixed clock time (12:50 UTC) the search does not model: it lays the
    # blocks end to end, and its best order ends up with Japan after the fixed
    # item, 22:00-22:30 in Tokyo. The current order has nobody in the night.
    start = datetime(2020, 11, 20, 11, 0, tzinfo=UTC)  # 20:00 in Tokyo
    items = [
        block(1, "FR", 30),
        block(2, "JP", 30),
        it(3, 10, fixed_start=datetime(2020, 11, 20, 12, 50, tzinfo=UTC)),
        block(4, "BR", 30),
    ]
    searched = lu._search_fairest(items, start, 0, hours.DAY_WINDOW)
    assert lu.fairness(compute_schedule(start, searched)) == (1, 30)
    assert lu.fairness(compute_schedule(start, items)) == (0, 0)
    assert ids(lu.order_fairest(items, start)) == [1, 2, 3, 4]


def test_apply_helper_names():
    items = [block(1, "JP"), block(2, "BR")]
    assert ids(lu.apply_helper("alphabetical", items, START)) == [2, 1]
    assert ids(lu.apply_helper("east_to_west", items, START)) == [1, 2]
    assert ids(lu.apply_helper("west_to_east", items, START)) == [2, 1]
    with pytest.raises(lu.LineupError):
        lu.apply_helper("random", items, START)


def test_preview_helper_compares_fairness_and_writes_nothing():
    start = datetime(2026, 3, 20, 9, tzinfo=UTC)
    items = [block(1, "BR", 90), block(2, "FR", 90), block(3, "JP", 90)]
    preview = lu.preview_helper("fairest", items, start)
    assert [s.item.id for s in preview.scheduled] == [2, 3, 1]
    assert preview.fairness_now == (2, 60) and preview.fairness_new == (0, 0)
    assert not preview.unchanged
    assert ids(items) == [1, 2, 3]
    again = lu.preview_helper("alphabetical", [block(1, "BR"), block(2, "FR")], start)
    assert again.unchanged and again.fairness_now == again.fairness_new


def codes(warnings):
    return [w.code for w in warnings]


def test_warnings_overrun_and_no_chair():
    items = [it(1, 40), it(2, 30)]
    scheduled = compute_schedule(START, items)
    found = lu.lineup_warnings(START, 60, "Europe/Paris", scheduled, has_chair=False)
    assert codes(found) == ["no_chair", "overrun"]
    assert "ends at 15:10, 10 min after the planned end (15:00)" in found[1].message
    assert lu.lineup_warnings(START, 70, "Europe/Paris", scheduled) == []


@pytest.mark.parametrize(
    ("start", "night"),
    [
        # Paris 12:30: 06:30 in New York in summer, but 07:30 in the gap weeks.
        (datetime(2026, 3, 20, 11, 30, tzinfo=UTC), False),  # CET, EDT
        (datetime(2026, 3, 30, 10, 30, tzinfo=UTC), True),  # CEST, EDT
        (datetime(2026, 10, 28, 11, 30, tzinfo=UTC), False),  # CET, EDT
        (datetime(2026, 11, 2, 11, 30, tzinfo=UTC), True),  # CET, EST
    ],
)
def test_night_warning_in_the_gap_weeks(start, night):
    items = [block(1, "US", 20)]
    found = lu.lineup_warnings(
        start, 60, "Europe/Paris", compute_schedule(start, items)
    )
    assert ("night" in codes(found)) is night
    rows = lu.display_rows(start, "Europe/Paris", compute_schedule(start, items))
    assert rows[0].start == "12:30"
    assert rows[0].speakers[0].night is night


def test_lineup_crossing_local_midnight():
    # 14:45 UTC is 23:45 in Tokyo: the second item is on the next local day.
    start = datetime(2020, 11, 20, 14, 30, tzinfo=UTC)
    items = [block(1, "FR", 15), block(2, "JP", 30), block(3, "JP", 10)]
    scheduled = compute_schedule(start, items)
    rows = lu.display_rows(start, "Europe/Paris", scheduled)
    tokyo = rows[1].speakers[0]
    assert (tokyo.start, tokyo.end, tokyo.date) == ("23:45", "00:15", "Fri 20 Nov")
    # The row's date column names the day; the range says both ends.
    assert tokyo.when == "23:45 – 00:15 JST"
    assert rows[1].when == "15:45–16:15"
    assert (tokyo.day_shift, tokyo.night) == (0, True)
    after = rows[2].speakers[0]
    assert (after.start, after.date, rows[2].date) == (
        "00:15",
        "Sat 21 Nov",
        "Fri 20 Nov",
    )
    assert after.day_shift == +1  # Paris is still on Friday (16:15)
    found = lu.lineup_warnings(start, 60, "Europe/Paris", scheduled)
    assert [w.message for w in found if w.code == "night"] == [
        "speaker 2 speaks Fri 20 Nov, 23:45 – Sat 21 Nov, 00:15 JST in their own"
        " zone Asia/Tokyo: outside 07:00–22:00.",
        "speaker 3 speaks Sat 21 Nov, 00:15–00:25 JST in their own zone "
        "Asia/Tokyo: outside 07:00–22:00.",
    ]


def test_day_shift_minus_one_west_of_the_reference():
    # 00:30 on Saturday in Paris is still Friday evening in São Paulo.
    start = datetime(2020, 11, 20, 23, 30, tzinfo=UTC)
    rows = lu.display_rows(
        start, "Europe/Paris", compute_schedule(start, [block(1, "BR")])
    )
    assert rows[0].date == "Sat 21 Nov"
    assert rows[0].day_shift == 0  # the conference's first day, in Paris
    assert rows[0].speakers[0].day_shift == -1
    assert rows[0].speakers[0].start == "20:30"


def test_kathmandu_quarter_hour():
    start = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    rows = lu.display_rows(
        start, "Europe/Paris", compute_schedule(start, [block(1, "NP")])
    )
    speaker = rows[0].speakers[0]
    assert (speaker.start, speaker.end, speaker.abbreviation) == (
        "14:45",
        "14:55",
        "+0545",
    )


def test_block_warnings_empty_and_over_target():
    items = [
        block(1, "FR", 5, target_minutes=8),
        block(2, "FR", 5),
        block(3, "JP", 5, speakers=()),
    ]
    found = lu.lineup_warnings(
        START, 60, "Europe/Paris", compute_schedule(START, items)
    )
    assert codes(found) == ["over_target", "empty_block"]
    assert found[0].message == (
        "The France block lasts 10 min, 2 min more than its target of 8 min."
    )
    assert found[1].message == "The Japan block has no speaker."


def test_fixed_start_gap_overlap_and_double_booking():
    same = spk(9, "FR", name="Ada")
    items = [
        it(1, 20, speakers=(same,)),
        it(2, 10, fixed_start=START + timedelta(minutes=15), speakers=(same,)),
        it(3, 10, fixed_start=START + timedelta(minutes=40)),
        it(4, 5, fixed_start=START - timedelta(minutes=5)),
    ]
    found = lu.lineup_warnings(
        START, 120, "Europe/Paris", compute_schedule(START, items)
    )
    assert codes(found) == [
        "overlap",
        "gap",
        "overlap",
        "fixed_before_start",
        "double_booked",
    ]
    assert "overlaps the item before by 5 min" in found[0].message
    assert "15 min gap" in found[1].message
    assert found[-1].message == (
        "Ada is in two overlapping items: “item 1” and “item 2”."
    )


def test_speakers_longer_than_their_item():
    items = [it(1, 5, speakers=(spk(1, "FR", minutes=4), spk(2, "FR", minutes=3)))]
    found = lu.lineup_warnings(
        START, 60, "Europe/Paris", compute_schedule(START, items)
    )
    assert codes(found) == ["speakers_too_long"]


# The conference's own day window -------------------------------------------------

NARROW = hours.window(8, 21)


def test_the_conference_window_decides_the_warnings_badges_and_fairest():
    # Japan 21:30-21:55 JST: inside 07-22, outside a conference's 08-21.
    start = datetime(2020, 11, 20, 12, 30, tzinfo=UTC)
    items = [block(1, "JP", 25), block(2, "FR", 25)]
    now = compute_schedule(start, items)
    assert lu.fairness(now) == (0, 0)
    assert lu.fairness(now, NARROW) == (1, 55)
    night = lu.lineup_warnings(start, 120, "Europe/Paris", now, day=NARROW)
    assert codes(night) == ["night"]
    assert "outside 08:00–21:00" in night[0].message
    rows = lu.display_rows(start, "Europe/Paris", now, NARROW)
    assert [s.night for row in rows for s in row.speakers] == [True, False]
    # Under 08-21, France first would put Japan at 21:55-22:20 (80 min into
    # the night instead of 55): "fairest" keeps the current order, which the
    # preview says rather than propose a worse one.
    assert lu.order_fairest(items, start, day=NARROW) == items
    preview = lu.preview_helper("fairest", items, start, day=NARROW)
    assert preview.unchanged and preview.fairness_now == (1, 55)
    # An hour earlier with France first, Japan speaks 20:55-21:20 JST: fine
    # for 07-22, 20 min into an 08-21 night, which Japan first avoids.
    early = start - timedelta(hours=1)
    france_first = [items[1], items[0]]
    assert lu.order_fairest(france_first, early) == france_first
    got = lu.order_fairest(france_first, early, day=NARROW)
    assert ids(got) == [1, 2]
    assert lu.fairness(compute_schedule(early, got), NARROW) == (0, 0)


ZONE_CODES = sorted(ZONES)


@st.composite
def lineups(draw):
    """Country blocks (some pinned items between them) at any start, with a
    day window of the conference's choosing."""
    count = draw(st.integers(min_value=2, max_value=6))
    items = []
    for n in range(1, count + 1):
        if draw(st.integers(0, 5)) == 0:
            items.append(it(n, draw(st.integers(1, 60)), pinned=True))
        else:
            items.append(
                block(n, draw(st.sampled_from(ZONE_CODES)), draw(st.integers(1, 120)))
            )
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(
        minutes=15 * draw(st.integers(0, 4 * 24 * 365))
    )
    first = draw(st.integers(0, 22))
    last = draw(st.integers(first + 1, min(24, first + 23)))
    buffer = draw(st.sampled_from([0, 5]))
    return items, start, hours.window(first, last), buffer


@settings(max_examples=150, deadline=None)
@given(lineups())
def test_fairest_never_puts_more_speakers_in_the_night(case):
    """Whatever the lineup, start and window: the proposed order has no more
    speakers in the night, and no deeper worst case, than the current one;
    when it proposes a change, it is strictly fairer."""
    items, start, day, buffer = case
    now = lu.fairness(compute_schedule(start, items, buffer), day)
    got = lu.order_fairest(items, start, buffer, day)
    new = lu.fairness(compute_schedule(start, got, buffer), day)
    assert new[0] <= now[0] and new[1] <= now[1]
    if ids(got) != ids(items):
        assert new != now
    preview = lu.preview_helper("fairest", items, start, buffer, day)
    assert preview.unchanged == (ids(got) == ids(items))
    assert preview.fairness_now == now and preview.fairness_new == new
