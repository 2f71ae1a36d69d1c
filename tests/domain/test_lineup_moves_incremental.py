"""A move recomputes only what it changes: ``reschedule``, ``update_rows`` and
the per-item warnings give what a computation from scratch gives, and keep
the entries the move did not touch as the very same objects."""

from datetime import UTC
from datetime import datetime

import pytest

from silkmeet.domain import lineup as lu
from silkmeet.domain.schedule import ItemIn
from silkmeet.domain.schedule import SpeakerIn
from silkmeet.domain.schedule import compute_schedule
from silkmeet.domain.schedule import reschedule

START = datetime(2020, 11, 20, 13, 0, tzinfo=UTC)
ZONE = "Europe/Paris"


def lineup() -> list[ItemIn]:
    def block(first: int, country: str, zone: str, n: int) -> list[ItemIn]:
        return [
            ItemIn(
                id=first + k,
                title=f"{country} {k}",
                kind="country_presentation",
                duration_minutes=10 + k,
                country=country,
                speakers=(SpeakerIn(first + k, f"Speaker {first + k}", country, zone),),
            )
            for k in range(n)
        ]

    opening = ItemIn(
        id=1, title="Opening", kind="opening", duration_minutes=15, pinned=True
    )
    fixed = ItemIn(
        id=90,
        title="Keynote",
        kind="other",
        duration_minutes=30,
        fixed_start=datetime(2020, 11, 20, 16, 0, tzinfo=UTC),
    )
    return [
        opening,
        *block(10, "FR", "Europe/Paris", 3),
        *block(20, "JP", "Asia/Tokyo", 2),
        *block(30, "BR", "America/Sao_Paulo", 4),
        fixed,
        *block(40, "GE", "Asia/Tbilisi", 2),
        *block(50, "IT", "Europe/Rome", 1),
    ]


@pytest.mark.parametrize("index, delta", [(1, 1), (4, 1), (6, -1), (11, 1), (13, -1)])
def test_a_block_move_reschedules_only_what_changes(index, delta):
    items = lineup()
    before = compute_schedule(START, items, 5)
    moved = lu.move_unit(items, index, delta)
    after = reschedule(START, before, moved, 5)
    assert after == compute_schedule(START, moved, 5)
    # Past the swapped blocks (and the fixed start), the old entries stand.
    changed = [
        n for n, (a, b) in enumerate(zip(before, after, strict=True)) if a is not b
    ]
    assert changed, "a move changes something"
    assert all(after[n] is before[n] for n in range(len(items)) if n not in changed)

    rows = lu.display_rows(START, ZONE, before)
    new_rows = lu.update_rows(START, ZONE, after, before, rows)
    assert new_rows == lu.display_rows(START, ZONE, after)
    kept = [n for n in range(len(items)) if new_rows[n] is rows[n]]
    assert kept and len(kept) < len(items)

    per_item = [
        lu.item_warnings(START, ZONE, a) if a is not b else old
        for a, b, old in zip(
            after,
            before,
            [lu.item_warnings(START, ZONE, e) for e in before],
            strict=True,
        )
    ]
    twice = lu.speakers_twice(moved)
    assert lu.lineup_warnings(
        START, 120, ZONE, after, True, per_item, lu.units(moved), twice
    ) == lu.lineup_warnings(START, 120, ZONE, after)


def test_no_change_keeps_every_entry():
    items = lineup()
    before = compute_schedule(START, items)
    again = reschedule(START, before, list(items))
    assert all(a is b for a, b in zip(before, again, strict=True))
