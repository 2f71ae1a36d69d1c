"""What an invitation said, and the sentences that say what changed since."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from silkmeet.domain import ics
from silkmeet.domain import invitation_state as istate
from silkmeet.domain import timewords as tw

START = datetime(2020, 11, 20, 13, 0, tzinfo=UTC)
MINUTES = timedelta(minutes=1)
SLOT = istate.SlotState("Japan", START + 20 * MINUTES, START + 25 * MINUTES)
HELD = istate.InviteState(
    title="Silk cities",
    start=START,
    end=START + 120 * MINUTES,
    platform="Zoom",
    join_url="https://zoom.example.org/j/1",
    meeting_id="845 1202 0112",
    passcode="soie2020",
    dial_in="+33 1 86 99 00 00",
    slots=(SLOT,),
    link="token-1",
)


def test_nothing_changed_says_nothing():
    assert istate.changes(HELD, HELD, "Europe/Paris") == []


def test_the_snapshot_survives_json():
    assert istate.InviteState.from_json(HELD.to_json()) == HELD
    # A snapshot written before a field existed reads with its default.
    old = HELD.to_json()
    del old["link"], old["cancelled"]
    assert istate.InviteState.from_json(old) == replace(HELD, link="")


@pytest.mark.parametrize(
    ("now", "said"),
    [
        (replace(HELD, passcode="soie2021"), ["Passcode changed"]),
        (replace(HELD, passcode=""), ["Passcode removed"]),
        (replace(HELD, join_url="https://meet.example.org/x"), ["Join link changed"]),
        (
            replace(HELD, meeting_id="111"),
            ["Meeting ID changed: 845 1202 0112 → 111"],
        ),
        (replace(HELD, platform="Jitsi"), ["Video platform changed: Zoom → Jitsi"]),
        (replace(HELD, dial_in="+81 3 0000"), ["Dial-in changed"]),
        (
            replace(HELD, title="Silk cities II"),
            ["Title changed: “Silk cities” → “Silk cities II”"],
        ),
        (replace(HELD, cancelled=True), ["The invitation is cancelled"]),
        (
            replace(HELD, link="token-2"),
            ["Your personal link changed: the old one no longer opens"],
        ),
    ],
)
def test_each_essential_has_its_sentence(now, said):
    assert istate.changes(HELD, now, "Europe/Paris") == said


def test_a_moved_slot_reads_in_the_participants_zone():
    moved = replace(SLOT, start=SLOT.start + 20 * MINUTES, end=SLOT.end + 20 * MINUTES)
    now = replace(HELD, slots=(moved,))
    assert istate.changes(HELD, now, "Europe/Paris") == [
        "Your speaking slot moved: Fri 20 Nov 2020, 14:20–14:25 → 14:40–14:45 "
        "CET (UTC+01:00)"
    ]
    # Past midnight in Tokyo: both ranges carry their date.
    late = replace(SLOT, start=START + 11 * 60 * MINUTES, end=START + 665 * MINUTES)
    said = istate.changes(HELD, replace(HELD, slots=(late,)), "Asia/Tokyo")
    assert said == [
        "Your speaking slot moved: Fri 20 Nov 2020, 22:20–22:25 JST (UTC+09:00)"
        " → Sat 21 Nov 2020, 09:00–09:05 JST (UTC+09:00)"
    ]


def test_slots_pair_by_rank():
    other = istate.SlotState("Closing", START + 110 * MINUTES, START + 115 * MINUTES)
    two = replace(HELD, slots=(SLOT, other))
    paris = "Europe/Paris"
    assert istate.changes(HELD, two, paris) == [
        "New speaking slot: Fri 20 Nov 2020, 15:50–15:55 CET (UTC+01:00), in “Closing”"
    ]
    assert istate.changes(two, HELD, paris) == [
        "Your speaking slot 2 is cancelled: Fri 20 Nov 2020, 15:50–15:55 CET "
        "(UTC+01:00), in “Closing”"
    ]
    renamed = replace(HELD, slots=(replace(SLOT, title="Japan, Kyoto"),))
    assert istate.changes(HELD, renamed, paris) == [
        "Your speaking slot is now in “Japan, Kyoto” (was “Japan”)"
    ]


def test_the_meeting_moving_over_a_clock_change():
    # Europe/Paris leaves summer time on 25 Oct 2026 at 03:00.
    held = replace(
        HELD,
        start=datetime(2026, 10, 24, 12, 0, tzinfo=UTC),
        end=datetime(2026, 10, 24, 14, 0, tzinfo=UTC),
    )
    now = replace(
        held, start=held.start + timedelta(days=1), end=held.end + timedelta(days=1)
    )
    assert istate.changes(held, now, "Europe/Paris") == [
        "The conference moved: Sat 24 Oct 2026, 14:00–16:00 CEST (UTC+02:00)"
        " → Sun 25 Oct 2026, 13:00–15:00 CET (UTC+01:00)"
    ]


def test_state_of_an_invite():
    meeting = ics.Meeting(
        uid="6f1c8a52-5a47-5f8e-9d7e-2b1f3f0c9a11",
        title="Silk",
        zone="Europe/Paris",
        start=START,
        end=START + 120 * MINUTES,
        revision=1,
        join_url="javascript:alert(1)",
        passcode="p",
    )
    slot = ics.Slot("u", "Japan", SLOT.start, SLOT.end)
    invitee = ics.Invitee("Misaki", "Speaker", "Asia/Tokyo", slots=(slot,))
    state = istate.state_of(meeting, invitee, link="t")
    # What the invitation shows: an unsafe link is left out of it.
    assert state.join_url == ""
    assert (state.slots, state.passcode, state.link) == ((SLOT,), "p", "t")
    assert not state.cancelled
    assert istate.state_of(meeting, replace(invitee, removed=True)).cancelled


def test_moved_label_on_one_date_in_utc():
    a = datetime(2020, 11, 20, 13, 20, tzinfo=UTC)
    label = tw.moved_words(
        a, a + 5 * MINUTES, a + 20 * MINUTES, a + 25 * MINUTES, "UTC"
    )
    assert label == "Fri 20 Nov 2020, 13:20–13:25 → 13:40–13:45 UTC"
