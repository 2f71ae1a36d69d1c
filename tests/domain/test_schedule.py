from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from silkmeet.domain.schedule import Before
from silkmeet.domain.schedule import ItemIn
from silkmeet.domain.schedule import SpeakerIn
from silkmeet.domain.schedule import compute_schedule
from silkmeet.domain.schedule import meeting_end
from silkmeet.domain.schedule import planned_end
from silkmeet.domain.schedule import schedule_end
from silkmeet.domain.schedule import turns_of

START = datetime(2020, 11, 20, 13, tzinfo=UTC)


def item(n, minutes, **kw):
    return ItemIn(id=n, title=f"item {n}", kind="other", duration_minutes=minutes, **kw)


def speaker(n, minutes=None):
    return SpeakerIn(
        participant_id=n,
        name=f"s{n}",
        country="FR",
        timezone="Europe/Paris",
        minutes=minutes,
    )


def test_items_follow_each_other_with_buffer():
    scheduled = compute_schedule(START, [item(1, 5), item(2, 10), item(3, 3)], 2)
    starts = [(s.start - START).total_seconds() / 60 for s in scheduled]
    assert starts == [0, 7, 19]
    assert schedule_end(scheduled, START) == START + timedelta(minutes=22)


def test_fixed_start_makes_a_gap_or_an_overlap():
    gap = compute_schedule(
        START, [item(1, 10), item(2, 5, fixed_start=START + timedelta(minutes=15))]
    )
    assert gap[1].start == START + timedelta(minutes=15)
    assert gap[1].gap_minutes == 5
    overlap = compute_schedule(
        START,
        [item(1, 10), item(2, 5, fixed_start=START + timedelta(minutes=8)), item(3, 1)],
    )
    assert overlap[1].gap_minutes == -2
    # Items after a fixed one flow from it.
    assert overlap[2].start == START + timedelta(minutes=13)


def test_speakers_share_the_item():
    scheduled = compute_schedule(
        START, [item(1, 12, speakers=(speaker(1, 2), speaker(2), speaker(3)))]
    )
    slots = scheduled[0].slots
    assert [(s.end - s.start) for s in slots] == [
        timedelta(minutes=2),
        timedelta(minutes=5),
        timedelta(minutes=5),
    ]
    assert slots[-1].end == scheduled[0].end


def test_dst_change_inside_the_meeting_keeps_elapsed_time():
    # Paris springs forward at 01:00 UTC on 2026-03-29: 2 h of items last 2 h.
    start = datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    scheduled = compute_schedule(start, [item(1, 60), item(2, 60)])
    assert scheduled[-1].end - start == timedelta(hours=2)


def test_naive_start_is_refused():
    with pytest.raises(ValueError):
        compute_schedule(datetime(2020, 11, 20, 13), [item(1, 5)])


@pytest.mark.parametrize(
    ("minutes", "end_after"),
    [
        ((), 60),  # no items: the planned end
        ((20, 20), 60),  # the lineup ends early: still the planned end
        ((40, 30), 70),  # an overrun moves the meeting's end
    ],
)
def test_meeting_end_is_the_planned_end_or_the_overrun(minutes, end_after):
    scheduled = compute_schedule(START, [item(n, m) for n, m in enumerate(minutes)])
    assert planned_end(START, 60) == START + timedelta(minutes=60)
    assert meeting_end(START, 60, scheduled) == START + timedelta(minutes=end_after)


def test_meeting_end_counts_a_fixed_start_late_in_the_day():
    late = START + timedelta(hours=5)
    scheduled = compute_schedule(START, [item(1, 10), item(2, 15, fixed_start=late)])
    assert meeting_end(START, 60, scheduled) == late + timedelta(minutes=15)


def test_turns_of_say_what_comes_just_before():
    lineup = [
        item(1, 4, speakers=(speaker(7),)),
        item(2, 10, speakers=(speaker(8), speaker(9))),
        item(3, 5),  # a video: nobody speaks
        item(4, 6, speakers=(speaker(9), speaker(9))),
    ]
    scheduled = compute_schedule(START, lineup)
    assert turns_of(scheduled, 7)[0].before is None
    [eight] = turns_of(scheduled, 8)
    assert eight.before == Before("item 1", "s7", "FR", is_me=False)
    assert eight.slot.start == START + timedelta(minutes=4)
    nine = turns_of(scheduled, 9)
    assert [t.item.id for t in nine] == [2, 4, 4]
    assert nine[0].before == Before("item 2", "s8", "FR", is_me=False)
    assert nine[1].before == Before("item 3", None, None, is_me=False)
    assert nine[2].before == Before("item 4", "s9", "FR", is_me=True)
    assert nine[2].slot.start == START + timedelta(minutes=22)
    assert turns_of(scheduled, 99) == []
