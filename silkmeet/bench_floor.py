"""The benchmark's floor: bare icalendar building a calendar from plain tuples.

``make bench`` (scripts/bench.py) compares silkmeet's invites with it: silkmeet's
own calendar is read back into ``(name, value, parameters)`` tuples (outside any
timing), then built and serialised again by icalendar alone, with no database,
no web and no text to compose. tests/test_bench_floor.py checks that the floor
gives back silkmeet's bytes exactly, so the two build the same thing.
"""

from __future__ import annotations

from icalendar import Alarm
from icalendar import Calendar
from icalendar import Event


def _plain(component) -> tuple:
    """A component's properties as plain ``(name, value, parameters)`` tuples,
    and its subcomponents the same way."""
    props = []
    for name, value in component.property_items(recursive=False):
        if name in ("BEGIN", "END"):
            continue
        params = dict(getattr(value, "params", {}))
        props.append((name, component.decoded(name), params))
    return component.name, props, [_plain(sub) for sub in component.subcomponents]


def floor_parts(data: bytes) -> tuple:
    """silkmeet's own calendar read back into plain tuples (outside any timing)."""
    return _plain(Calendar.from_ical(data))


def floor_build(parts: tuple) -> bytes:
    """The floor: bare icalendar building and serialising the same calendar from
    plain tuples, with nothing else (no database, no web, no text to compose).
    Its output is byte for byte the calendar the tuples were read from."""
    kinds = {"VCALENDAR": Calendar, "VEVENT": Event, "VALARM": Alarm}

    def build(part):
        name, props, subs = part
        component = kinds[name]()
        for prop, value, params in props:
            component.add(prop, value, parameters=params or None)
        for sub in subs:
            component.add_component(build(sub))
        return component

    return build(parts).to_ical()
