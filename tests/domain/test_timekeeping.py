"""Speaking time: limits, block budgets, overruns taken from the block's
remaining speakers, and the sampled projection that followers draw from."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from silkmeet.domain import runofshow as ros
from silkmeet.domain import timekeeping as tk
from silkmeet.domain.schedule import ItemIn
from silkmeet.domain.schedule import SpeakerIn
from silkmeet.domain.schedule import compute_schedule

START = datetime(2020, 11, 20, 13, 0, tzinfo=UTC)


def m(minutes: float) -> timedelta:
    return timedelta(minutes=minutes)


def at(minutes: float) -> datetime:
    return START + m(minutes)


def lineup(*turns, pause=0):
    """Turns laid end to end from START: ``(group, minutes)`` each."""
    result, cursor = [], START
    for n, (group, minutes) in enumerate(turns):
        result.append(tk.Turn(n, None, group, cursor, m(minutes), m(pause)))
        cursor += m(minutes + pause)
    return result


def held(turns, *spans):
    """Record (start, end) minutes for the first turns; end None: running."""
    recorded = list(turns)
    for n, (start, end) in enumerate(spans):
        recorded[n] = tk.Turn(
            **{
                **turns[n].__dict__,
                "actual_start": at(start),
                "actual_end": None if end is None else at(end),
            }
        )
    return recorded


@pytest.mark.parametrize(
    ("left", "planned", "limits"),
    [
        # Enough left: everyone keeps their minutes; no bonus for time saved.
        (10, (3, 3), (3, 3)),
        (12, (3, 3), (3, 3)),
        # Two minutes short: taken in proportion to what is above a minute.
        (4, (3, 3), (2, 2)),
        (5, (5, 2), (3.4, 1.6)),
        # Nobody goes below a minute; what is still missing moves the meeting.
        (1, (3, 3), (1, 1)),
        (-5, (3, 3), (1, 1)),
        # A turn planned under a minute keeps it.
        (0, (0.5, 3), (0.5, 1)),
        (3, (), ()),
    ],
)
def test_share_out(left, planned, limits):
    shares = tk.share_out(m(left), [m(p) for p in planned])
    assert [round(s.total_seconds()) for s in shares] == [
        round(limit * 60) for limit in limits
    ]


@pytest.mark.parametrize(
    ("left", "status"),
    [(m(3), "ok"), (m(1) + timedelta(seconds=1), "ok"), (m(1), "amber")]
    + [(timedelta(0), "amber"), (timedelta(seconds=-1), "over")],
)
def test_countdown_status(left, status):
    assert tk.countdown_status(left) == status


# A Japan block of three speakers (4 + 3 + 3 min), then Spain (7 min) alone.
BLOCK = lineup((1, 4), (1, 3), (1, 3), (2, 7))


def starts(line):
    return {e.index: e.start for e in line.expected}


def limits(line):
    return {e.index: e.limit for e in line.expected}


def test_before_the_start_is_the_plan():
    line = tk.project(BLOCK, at(-5))
    assert line.phase == "before" and line.following == 0
    assert starts(line) == {0: at(0), 1: at(4), 2: at(7), 3: at(10)}
    assert line.block.left(at(-5)) == m(10)
    assert line.drift == timedelta(0)
    # Late to start: everything moves with the clock.
    assert starts(tk.project(BLOCK, at(3)))[3] == at(13)


@pytest.mark.parametrize(
    ("now", "limit_2", "limit_3", "spain", "block_left"),
    [
        # Within the first speaker's 4 minutes: the plan holds.
        (1, 3, 3, 10, 9),
        (4, 3, 3, 10, 6),
        # Two minutes over: taken from the two speakers after, a minute each;
        # the block (and Spain) still end on time.
        (6, 2, 2, 10, 4),
        # Four over: both are down to a minute; the block is full.
        (8, 1, 1, 10, 2),
        # Six over: nothing left to take; Spain moves by the rest.
        (10, 1, 1, 12, 0),
    ],
)
def test_an_overrun_is_taken_from_the_blocks_next_speakers(
    now, limit_2, limit_3, spain, block_left
):
    line = tk.project(held(BLOCK, (0, None)), at(now))
    assert line.phase == "running" and line.current == 0
    assert line.limit == m(4) and line.deadline == at(4)
    assert limits(line) == {1: m(limit_2), 2: m(limit_3), 3: m(7)}
    assert starts(line)[3] == at(spain)
    assert line.block.left(at(now)) == m(block_left)
    assert line.block.budget == m(10)


def test_a_limit_is_fixed_when_the_turn_starts():
    # The first speaker took 6 of 4: the second starts with 2 of their 3.
    line = tk.project(held(BLOCK, (0, 6), (6, None)), at(7))
    assert line.current == 1
    assert line.limit == m(2) and line.deadline == at(8)
    assert limits(line) == {2: m(2), 3: m(7)}
    # They run a minute over their 2: the last speaker loses another minute.
    line = tk.project(held(BLOCK, (0, 6), (6, None)), at(9))
    assert limits(line)[2] == m(1)
    assert starts(line)[3] == at(10)
    assert tk.over_limit(held(BLOCK, (0, 6), (6, 9)), 1) == m(1)
    assert tk.over_limit(held(BLOCK, (0, 6), (6, 9)), 0) == m(2)


def test_time_saved_is_not_handed_out():
    # The first speaker took 2 of 4: the others keep 3 each; the block ends early.
    line = tk.project(held(BLOCK, (0, 2), (2, None)), at(3))
    assert line.limit == m(3)
    assert limits(line)[2] == m(3)
    assert starts(line)[3] == at(8)
    assert line.drift == m(-2)


def test_an_overrun_outside_a_block_moves_the_meeting():
    alone = lineup((1, 4), (2, 3), (3, 3))
    line = tk.project(held(alone, (0, None)), at(6))
    assert limits(line) == {1: m(3), 2: m(3)}
    assert starts(line) == {1: at(6), 2: at(9)}
    assert line.drift == m(2)
    assert line.block.left(at(6)) == m(-2)


def test_pauses_between_turns_are_kept():
    spaced = lineup((1, 4), (2, 3), pause=2)
    line = tk.project(held(spaced, (0, None)), at(5))
    assert starts(line) == {1: at(7)}
    # Between two items: the pause after the last one held, then the next.
    line = tk.project(held(spaced, (0, 4)), at(4))
    assert line.phase == "between" and line.following == 1
    assert starts(line) == {1: at(6)}
    assert starts(tk.project(held(spaced, (0, 4)), at(9))) == {1: at(9)}


def test_finished():
    line = tk.project(held(BLOCK, (0, 4), (4, 7), (7, 10), (10, 18)), at(30))
    assert line.phase == "finished" and line.following is None
    assert line.end == at(18) and line.drift == m(1)


def test_skipped_turns_are_not_waiting():
    skipped = list(held(BLOCK, (0, 4)))
    skipped[1] = tk.Turn(**{**skipped[1].__dict__, "closed": True})
    line = tk.project(skipped, at(4))
    assert line.phase == "between"
    assert [e.index for e in line.expected] == [2, 3]


RECORDS = [
    (),
    ((0, None),),
    ((0, 6), (6, None)),
    ((0, 2), (2, None)),
    ((0, 4), (4, 7), (7, None)),
    ((0, 9), (9, None)),
    ((0, 4),),
    ((0, 4), (4, 7), (7, 10), (10, 18)),
]


def check_follow(turns, instants):
    """Every sampled value, interpolated, equals the projection at that instant."""
    follow = tk.follow(turns)
    xs = [s.timestamp() for s in follow.samples]
    for now in instants:
        direct = tk.project(turns, now)
        for n, expected in enumerate(direct.expected):
            for name in ("start", "end"):
                values = [
                    getattr(t.expected[n], name).timestamp() for t in follow.timelines
                ]
                assert tk.at(xs, values, now.timestamp()) == pytest.approx(
                    getattr(expected, name).timestamp(), abs=1e-3
                ), (now, n, name)
            values = [t.expected[n].limit.total_seconds() for t in follow.timelines]
            assert tk.at(xs, values, now.timestamp()) == pytest.approx(
                expected.limit.total_seconds(), abs=1e-3
            )
        values = [t.end.timestamp() for t in follow.timelines]
        assert tk.at(xs, values, now.timestamp()) == pytest.approx(
            direct.end.timestamp(), abs=1e-3
        )


@pytest.mark.parametrize("record", RECORDS)
def test_the_samples_give_every_instant(record):
    check_follow(held(BLOCK, *record), [at(n / 4) for n in range(-20, 120)])


@settings(max_examples=150, deadline=None)
@given(
    plan=st.lists(
        st.tuples(st.integers(0, 3), st.integers(1, 12)), min_size=1, max_size=7
    ),
    spans=st.lists(st.integers(0, 15), max_size=7),
    running=st.booleans(),
    pause=st.integers(0, 3),
    offsets=st.lists(st.integers(-60, 3000), min_size=1, max_size=12),
)
def test_the_samples_give_every_instant_of_any_meeting(
    plan, spans, running, pause, offsets
):
    # Groups are runs of equal numbers, as blocks are.
    turns = lineup(*sorted(plan, key=lambda p: p[0]), pause=pause)
    record, cursor = [], 0
    for length in spans[: len(turns)]:
        record.append((cursor, cursor + length))
        cursor += length + 1
    if running and record:
        record[-1] = (record[-1][0], None)
    turns = held(turns, *record)
    check_follow(turns, [at(0) + timedelta(seconds=s * 7) for s in offsets])


def test_at_is_constant_before_and_linear_after():
    assert tk.at([0, 10], [5, 5], -3) == 5
    assert tk.at([0, 10, 20], [0, 0, 10], 15) == 5
    assert tk.at([0, 10, 20], [0, 0, 10], 30) == 20
    assert tk.at([7], [3], 100) == 3


# --- from run-of-show rows ----------------------------------------------------


def items():
    speakers = (
        SpeakerIn(1, "Misaki Sato", "JP", "Asia/Tokyo", minutes=4),
        SpeakerIn(2, "Kenji Watanabe", "JP", "Asia/Tokyo", minutes=2),
    )
    return [
        ItemIn(1, "Japan", "country_presentation", 7, country="JP", speakers=speakers),
        ItemIn(
            2,
            "Japan: the silk museum",
            "country_presentation",
            3,
            country="JP",
            speakers=(SpeakerIn(3, "Aiko", "JP", "Asia/Tokyo"),),
        ),
        ItemIn(3, "Video", "video", 4),
        ItemIn(
            4,
            "Spain",
            "country_presentation",
            7,
            country="ES",
            speakers=(SpeakerIn(4, "Carmen", "ES", "Europe/Madrid"),),
        ),
    ]


def rows():
    return ros.build_rows(
        compute_schedule(START, items(), buffer_minutes=1), {}, "Europe/Paris", "UTC"
    )


def test_turns_of_rows():
    result = rows()
    turns = ros.turns(result)
    assert [(t.item, t.speaker, t.group) for t in turns] == [
        (0, 0, 0),
        (0, 1, 0),
        (1, 0, 0),
        (2, None, 1),
        (3, 0, 2),
    ]
    assert [result[0].block, result[2].block, result[3].block] == [True, False, True]
    assert [t.planned for t in turns] == [m(4), m(2), m(3), m(4), m(7)]
    # The minute the speakers leave free in Japan, and the buffers, are pauses.
    assert [t.pause for t in turns] == [m(0), m(2), m(1), m(1), m(0)]
    assert tk.budgets(turns)[0] == m(9)
    assert ros.turn_speaker(result, turns[1]).full_name == "Kenji Watanabe"
    assert ros.turn_speaker(result, turns[3]) is None


def test_recorded_times_reach_the_turns():
    record = ros.Record(
        items={1: (at(0), None)},
        speakers={(1, 1): (at(0), at(6)), (1, 2): (at(6), None)},
    )
    turns = ros.turns(ros.with_record(rows(), record))
    assert turns[0].held == m(6)
    assert turns[1].running
    line = tk.project(turns, at(7))
    # Misaki took 2 minutes over her 4: 3 of the block's 9 are left for Kenji
    # (2) and Aiko (3), who give 1/3 and 2/3 of it (what each has above a minute).
    assert line.limit == timedelta(seconds=80) == tk.limit_at_start(turns, 1)
    assert limits(line)[2] == timedelta(seconds=100)
    assert line.block.budget == m(9) and line.block.left(at(7)) == m(2)


def test_an_item_recorded_without_its_speakers_is_shared_equally():
    record = ros.Record(items={1: (at(0), at(8))})
    turns = ros.turns(ros.with_record(rows(), record))
    assert [turns[0].held, turns[1].held] == [m(4), m(4)]
    running = ros.turns(ros.with_record(rows(), ros.Record(items={1: (at(0), None)})))
    assert running[0].running and running[1].waiting


def test_a_turn_open_when_its_item_ends_ends_with_it_and_the_rest_are_skipped():
    record = ros.Record(
        items={1: (at(0), at(5))},
        speakers={(1, 1): (at(0), None)},
    )
    turns = ros.turns(ros.with_record(rows(), record))
    assert turns[0].held == m(5)
    assert turns[1].closed and turns[1].held is None and not turns[1].waiting


def test_report_has_limits_and_overruns():
    record = ros.Record(
        items={1: (at(0), at(8))},
        speakers={(1, 1): (at(0), at(6)), (1, 2): (at(6), at(8))},
    )
    report = ros.per_speaker(ros.with_record(rows(), record))
    misaki, kenji = report[0], report[1]
    assert misaki.limit == m(4) and misaki.over == m(2)
    # Kenji's 2 minutes were cut to 1:20 by what Misaki took over hers.
    assert kenji.limit == timedelta(seconds=80)
    assert kenji.over == timedelta(seconds=40)
    assert report[2].limit is None and report[2].over is None
    assert "Kenji Watanabe" in kenji.label
