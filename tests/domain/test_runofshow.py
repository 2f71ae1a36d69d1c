from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from silkmeet.domain import runofshow as ros
from silkmeet.domain.schedule import ItemIn
from silkmeet.domain.schedule import SpeakerIn
from silkmeet.domain.schedule import compute_schedule

START = datetime(2020, 11, 20, 13, 0, tzinfo=UTC)


def items(*minutes):
    return [
        ItemIn(
            id=n + 1,
            title=f"Item {n + 1}",
            kind="other",
            duration_minutes=m,
            speakers=(SpeakerIn(n + 1, f"Speaker {n + 1}", "FR", "Europe/Paris"),),
        )
        for n, m in enumerate(minutes)
    ]


def rows(*minutes, facts=None, planned_end=None, buffer=0):
    scheduled = compute_schedule(START, items(*minutes), buffer)
    return ros.build_rows(
        scheduled, facts or {}, "Europe/Paris", "Asia/Tokyo", planned_end
    )


def test_cumulative_and_back_times():
    result = rows(4, 5, 10, planned_end=START + timedelta(minutes=30))
    assert [r.cue for r in result] == ["1", "2", "3"]
    assert [r.elapsed for r in result] == [
        timedelta(0),
        timedelta(minutes=4),
        timedelta(minutes=9),
    ]
    assert [r.cumulative for r in result] == [
        timedelta(minutes=4),
        timedelta(minutes=9),
        timedelta(minutes=19),
    ]
    assert [r.back_time for r in result] == [
        timedelta(minutes=30),
        timedelta(minutes=26),
        timedelta(minutes=21),
    ]
    assert ros.format_span(result[2].back_time) == "0:21"


def test_back_time_goes_negative_past_the_planned_end():
    result = rows(20, 20, planned_end=START + timedelta(minutes=30))
    assert result[1].back_time == timedelta(minutes=10)
    result = rows(40, 20, planned_end=START + timedelta(minutes=30))
    assert ros.format_span(result[1].back_time, signed=True) == "-0:10"


def test_reference_and_chair_zones():
    row = rows(4)[0]
    assert row.start_reference.wall.strftime("%H:%M %Z") == "14:00 CET"
    assert row.start_chair.wall.strftime("%H:%M %Z") == "22:00 JST"


def test_introduction_and_handover():
    nino = ros.Introduction(
        full_name="ნინო ბერიძე",
        latin_name="Nino Beridze",
        honorific="Ms",
        position="Head of Culture",
        organisation="Tbilisi City Hall",
        country="GE",
        pronunciation="NEE-no",
    )
    facts = {2: ros.ItemFacts(speakers=(nino,), technical_cue="play_video")}
    first, second = rows(4, 5, facts=facts)
    assert nino.name == "Ms ნინო ბერიძე (Nino Beridze)"
    assert nino.credentials == "Head of Culture, Tbilisi City Hall, Georgia"
    assert (
        first.handover == "Thank Speaker 1; give the floor to Ms Nino Beridze: Item 2."
    )
    assert second.handover == "Thank Ms Nino Beridze; close the conference."
    assert second.technical == "Play video"


def test_no_marks_before_the_first_print():
    changes = ros.mark_changes(rows(4, 5), None)
    assert [r.changed for r in changes.rows] == [(), ()]
    assert changes.count == 0


def test_changed_since_revision_marks():
    printed = ros.snapshot(rows(4, 5, 6))
    assert ros.same_as(rows(4, 5, 6), printed)
    # Item 2 grows: its duration and the starts after it change.
    later = rows(4, 7, 6)
    changes = ros.mark_changes(later, printed)
    assert changes.rows[0].changed == ()
    assert changes.rows[1].changed == ("duration",)
    assert changes.rows[2].changed == ("start",)
    assert changes.count == 2
    assert not ros.same_as(later, printed)


def test_new_and_removed_items_are_marked():
    printed = ros.snapshot(rows(4, 5, 6))
    current = rows(4, 5, 6)[:2]
    changes = ros.mark_changes(current, printed)
    assert changes.removed == ("Item 3",)
    printed_two = ros.snapshot(rows(4, 5))
    changes = ros.mark_changes(rows(4, 5, 6), printed_two)
    assert changes.rows[2].changed == ("new",)
    assert changes.rows[1].changed == ("handover",)


def with_actuals(result, actuals):
    return [
        ros.Row(**{**r.__dict__, "actual_start": a[0], "actual_end": a[1]}) if a else r
        for r, a in zip(
            result, actuals + [None] * (len(result) - len(actuals)), strict=True
        )
    ]


def at(minutes):
    return START + timedelta(minutes=minutes)


def test_projection_before_the_start_is_the_plan():
    live = ros.project(rows(4, 5, 10), at(-10))
    assert live.phase == "before"
    assert live.current is None and live.following.cue == "1"
    assert [p.start for p in live.projected] == [at(0), at(4), at(9)]
    assert live.words == "Not started yet"


def test_projection_from_actual_progress_running_late():
    # Item 1 ran 4 → 6 min; item 2 started 2 min late and runs now.
    result = with_actuals(rows(4, 5, 10), [(at(0), at(6)), (at(6), None)])
    live = ros.project(result, at(8))
    assert live.phase == "running"
    assert live.current.cue == "2" and live.following.cue == "3"
    assert live.time_left == timedelta(minutes=3)
    assert not live.wrap_up
    assert [p.start for p in live.projected] == [at(11)]
    assert live.projected[0].slip == timedelta(minutes=2)
    assert live.drift == timedelta(minutes=2)
    assert live.status == "over"
    assert live.words == "Running 2 min over"


def test_wrap_up_and_overrun_of_the_current_item():
    result = with_actuals(rows(4, 5, 10), [(at(0), None)])
    assert ros.project(result, at(2)).wrap_up is False
    assert ros.project(result, at(3)).wrap_up is True
    late = ros.project(result, at(6))
    assert late.overrunning_item and ros.format_clock(late.time_left) == "-2:00"
    # The rest flows from now once the item overran.
    assert late.projected[0].start == at(6)
    assert late.words == "Running 2 min over"


def test_running_under_and_finished():
    result = with_actuals(rows(4, 5, 10), [(at(0), at(2))])
    live = ros.project(result, at(2))
    assert live.phase == "between"
    assert live.following.cue == "2"
    assert live.words == "Running 2 min under" and live.status == "under"
    done = with_actuals(
        rows(4, 5, 10), [(at(0), at(4)), (at(4), at(9)), (at(9), at(18))]
    )
    live = ros.project(done, at(30))
    assert live.phase == "finished"
    assert live.words == "Finished 1 min early"
    assert live.following is None


@pytest.mark.parametrize(
    ("drift", "words"),
    [
        (timedelta(seconds=20), "On time"),
        (timedelta(minutes=75), "Running 1 h 15 min over"),
        (timedelta(minutes=-3), "Running 3 min under"),
    ],
)
def test_drift_words(drift, words):
    assert ros.drift_words(drift) == words


def test_report_per_speaker_and_country():
    result = with_actuals(rows(4, 6), [(at(0), at(5)), (at(5), None)])
    speakers = ros.per_speaker(result)
    assert speakers[0].planned == timedelta(minutes=4)
    assert speakers[0].actual == timedelta(minutes=5)
    assert speakers[0].difference == timedelta(minutes=1)
    assert speakers[1].actual is None
    countries = ros.per_country(result)
    assert len(countries) == 1
    assert countries[0].planned == timedelta(minutes=10)
    assert countries[0].actual is None  # France has not finished yet


def test_before_the_start_never_says_running():
    from datetime import timedelta

    from silkmeet.domain.runofshow import before_words

    assert before_words(timedelta(0)) == "Not started yet"
    assert before_words(timedelta(minutes=-10)) == "Not started yet"
    assert before_words(timedelta(minutes=7)) == "Not started: 7 min late"
    assert before_words(timedelta(days=2000)) == (
        "Not started: the planned start was more than a day ago"
    )


# --- rehearsals ------------------------------------------------------------------


def test_a_rehearsal_shifts_the_lineup_by_instants_across_a_clock_change():
    """Rehearsed at 00:55 UTC on 29 March 2026 (01:55 CET, Paris), the lineup
    runs across the change to summer time: each item keeps its length, the
    wall clock jumps an hour."""
    planned = rows(4, 5, 10)
    at = datetime(2026, 3, 29, 0, 55, tzinfo=UTC)
    rehearsed = ros.shifted(planned, at, "Europe/Paris", "Asia/Tokyo")
    assert [r.start for r in rehearsed] == [
        at,
        at + timedelta(minutes=4),
        at + timedelta(minutes=9),
    ]
    assert [r.duration for r in rehearsed] == [r.duration for r in planned]
    assert [r.cumulative for r in rehearsed] == [r.cumulative for r in planned]
    assert [r.back_time for r in rehearsed] == [r.back_time for r in planned]
    assert [f"{r.start_reference.wall:%H:%M %Z}" for r in rehearsed] == [
        "01:55 CET",
        "01:59 CET",
        "03:04 CEST",
    ]
    assert f"{rehearsed[0].start_chair.wall:%H:%M %Z}" == "09:55 JST"
    assert [(s.start, s.end) for s in rehearsed[1].slots] == [
        (at + timedelta(minutes=4), at + timedelta(minutes=9))
    ]
    # The plan itself is unchanged.
    assert planned[0].start == START


def test_shifting_needs_an_aware_start():
    with pytest.raises(ValueError):
        ros.shifted(rows(4), datetime(2026, 3, 29, 1, 0), "Europe/Paris", "UTC")
    assert ros.shifted([], START, "Europe/Paris", "UTC") == []


TOKYO_START = datetime(2020, 11, 20, 14, 30, tzinfo=UTC)  # 23:30 JST on the 20th
TOKYO_END = TOKYO_START + timedelta(hours=2)  # 01:30 JST on the 21st


@pytest.mark.parametrize(
    ("now", "zone", "on_the_day"),
    [
        (datetime(2020, 11, 20, 13, 0, tzinfo=UTC), "Europe/Paris", True),
        (datetime(2020, 11, 20, 22, 59, tzinfo=UTC), "Europe/Paris", True),
        # Midnight in Paris: Saturday the 21st there.
        (datetime(2020, 11, 20, 23, 0, tzinfo=UTC), "Europe/Paris", False),
        (datetime(2020, 11, 19, 13, 0, tzinfo=UTC), "Europe/Paris", False),
        # The same meeting read in Tokyo: 23:30 on the 20th to 01:30 on the 21st.
        (datetime(2020, 11, 19, 15, 30, tzinfo=UTC), "Asia/Tokyo", True),
        (datetime(2020, 11, 21, 14, 0, tzinfo=UTC), "Asia/Tokyo", True),
        (datetime(2020, 11, 21, 15, 0, tzinfo=UTC), "Asia/Tokyo", False),
        (datetime(2020, 11, 19, 14, 59, tzinfo=UTC), "Asia/Tokyo", False),
    ],
)
def test_the_meeting_day_is_read_in_the_reference_zone(now, zone, on_the_day):
    assert ros.meeting_day(TOKYO_START, TOKYO_END, now, zone) is on_the_day
