"""The lineup builder: what one action adds to a lineup, and that a second
adds nothing."""

from silkmeet.domain import builder as b
from silkmeet.domain import timezones as tz
from silkmeet.domain.lineup import COUNTRY_KIND

# The newcomer's conference: seven people from Italy, Uzbekistan, Brazil and
# Japan, a chair and a host representative among them.
PEOPLE = [
    b.Person(1, "chair", "IT"),
    b.Person(2, "host_representative", "IT"),
    b.Person(3, "speaker", "IT"),
    b.Person(4, "speaker", "UZ"),
    b.Person(5, "speaker", "UZ"),
    b.Person(6, "speaker", "BR"),
    b.Person(7, "speaker", "JP"),
    b.Person(8, "delegate", "FR"),  # no speaker: no French block
    b.Person(9, "speaker", None),  # no delegation: in no block
]


def plan(existing=(), frame=False, people=PEOPLE, minutes=7):
    return b.plan_lineup(people, list(existing), minutes, tz.country_name, frame)


def as_existing(p: b.Plan, existing=()):
    """The lineup the plan makes, as the builder would read it next time."""
    return [
        existing[entry]
        if isinstance(entry, int)
        else b.Existing(entry.kind, entry.country, entry.speakers)
        for entry in p.order
    ]


def test_a_block_per_delegation_with_speakers_alphabetically():
    got = plan()
    assert [(i.title, i.country, i.speakers) for i in got.blocks] == [
        ("Brazil", "BR", (6,)),
        ("Italy", "IT", (3,)),
        ("Japan", "JP", (7,)),
        ("Uzbekistan", "UZ", (4, 5)),
    ]
    assert {i.kind for i in got.blocks} == {COUNTRY_KIND}
    # The default speaking time per speaker.
    assert [i.duration_minutes for i in got.blocks] == [7, 7, 7, 14]
    assert not any(i.pinned for i in got.blocks)
    assert got.frame == []


def test_the_frame_opens_and_closes_around_the_blocks():
    got = plan(frame=True, minutes=5)
    assert [(i.kind, i.title, i.speakers, i.pinned) for i in got.new_items] == [
        ("opening", "Opening of the conference", (1,), True),
        ("welcome", "Welcome by the hosts", (2,), True),
        ("keynote", "Keynote", (), True),
        ("country_presentation", "Brazil", (6,), False),
        ("country_presentation", "Italy", (3,), False),
        ("country_presentation", "Japan", (7,), False),
        ("country_presentation", "Uzbekistan", (4, 5), False),
        ("closing", "Closing words", (1,), True),
    ]
    assert [i.duration_minutes for i in got.frame] == [5, 5, 5, 5]


def test_running_it_again_adds_nothing():
    first = plan(frame=True)
    again = plan(as_existing(first), frame=True)
    assert again.new_items == []
    assert again.order == tuple(range(len(first.order)))


def test_existing_items_keep_their_order_and_only_what_is_missing_is_added():
    existing = [
        b.Existing("welcome", None, (2,)),
        b.Existing(COUNTRY_KIND, "JP", (7,)),
        b.Existing("other", None, ()),
        b.Existing("closing", None, (1,)),
    ]
    got = plan(existing, frame=True)
    # Japan has its block; the opening goes before the existing welcome, the
    # keynote after it; new blocks after the items there are, before the
    # closing; no second welcome or closing.
    shown = [e if isinstance(e, int) else (e.kind, e.country) for e in got.order]
    assert shown == [
        ("opening", None),
        0,
        ("keynote", None),
        1,
        2,
        (COUNTRY_KIND, "BR"),
        (COUNTRY_KIND, "IT"),
        (COUNTRY_KIND, "UZ"),
        3,
    ]


def test_a_speaker_already_speaking_is_not_put_in_a_block():
    # The keynote speaker is a Uzbek speaker: the Uzbek block keeps the other.
    existing = [b.Existing("keynote", None, (4,))]
    got = plan(existing)
    assert {i.country: i.speakers for i in got.blocks}["UZ"] == (5,)
    # And a delegation whose speakers all speak already gets no block.
    existing = [b.Existing("keynote", None, (4, 5))]
    assert "UZ" not in {i.country for i in plan(existing).blocks}


def test_no_chair_opens_with_the_co_chair_or_nobody():
    people = [b.Person(1, "co_chair", "IT"), b.Person(3, "speaker", "IT")]
    got = plan(frame=True, people=people)
    assert {i.kind: i.speakers for i in got.frame}["opening"] == (1,)
    got = plan(frame=True, people=[b.Person(3, "speaker", "IT")])
    assert {i.kind: i.speakers for i in got.frame} == {
        "opening": (),
        "welcome": (),
        "keynote": (),
        "closing": (),
    }


def test_nobody_to_place_and_no_frame_asked_is_an_empty_plan():
    got = plan(people=[b.Person(1, "delegate", "IT")])
    assert got.new_items == [] and got.order == ()
