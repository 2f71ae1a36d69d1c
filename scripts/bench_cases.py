"""What `scripts/bench.py` measures: each case is ``(name, callable)`` in ms, or
``(name, callable, runs)`` for a case timed more often than the default.

Cases record derived figures (p95, the floor, peak memory) into ``extra``.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import subprocess
import sys
import time
from pathlib import Path

from bench import median_ms
from bench import p95_ms
from sqlalchemy import select

from silkmeet.bench_floor import floor_build
from silkmeet.bench_floor import floor_parts
from silkmeet.domain import conference_format as fmt
from silkmeet.exchange.exports import export_chunks
from silkmeet.exchange.operations import import_conference
from silkmeet.extensions import db
from silkmeet.models import Conference


def ok(response):
    assert response.status_code == 200, (response.status_code, response.request.path)
    response.get_data()  # the whole body, as a server writes it out
    response.close()
    return response


def by_turns(floor, served, runs: int) -> tuple[float, float]:
    """Median ms of ``floor`` and of ``served``, run by turns after a warm-up."""
    floor(), served()
    floor_times, served_times = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        floor()
        floor_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        served()
        served_times.append(time.perf_counter() - t0)
    return median_ms(floor_times), median_ms(served_times)


def routed(app, path: str) -> bool:
    try:
        app.url_map.bind("localhost").match(path)
    except Exception:
        return False
    return True


def cases(app, client, info, size: str, extra: dict, runs: int):
    slug, tokens = info["slug"], info["tokens"]
    speaker = tokens[0]

    def get(url):
        return lambda: ok(client.get(url))

    yield "agenda_page", get(f"/c/{slug}/agenda")
    yield "delegate_page", get(f"/c/{slug}/me/{speaker}")
    yield "runofshow_page", get(f"/c/{slug}/run-of-show")
    yield "planner_page", get(f"/organiser/c/{slug}/planner")
    if routed(app, f"/organiser/c/{slug}/lineup"):
        yield "lineup_page", get(f"/organiser/c/{slug}/lineup")

    # One participant's invite, a different participant each time (as in the
    # hour before a congress starts): median and p95.
    urls = [f"/c/{slug}/invites/{t}.ics" for t in tokens[:200]]
    for url in urls[:10]:
        ok(client.get(url))
    times = []
    for url in urls:
        t0 = time.perf_counter()
        ok(client.get(url))
        times.append(time.perf_counter() - t0)
    extra[f"invite_ms_p95_{size}"] = round(p95_ms(times), 3)
    rotation = itertools.cycle(urls)
    # A millisecond case: 200 runs, not the few a page gets.
    yield "invite", lambda: ok(client.get(next(rotation))), len(urls)

    # The floor: bare icalendar building the same events (every property,
    # parameter and alarm of silkmeet's own output, read back as plain tuples).
    # Floor and request run by turns, so that a machine whose speed drifts
    # (a shared VM does) slows both alike and the ratio stays fair.
    invite = floor_parts(client.get(f"/c/{slug}/invites/{speaker}.ics").data)
    floor_ms, served_ms = by_turns(
        lambda: floor_build(invite), lambda: ok(client.get(next(rotation))), 200
    )
    extra[f"invite_floor_ms_{size}"] = round(floor_ms, 3)
    extra[f"invite_ratio_to_floor_{size}"] = round(served_ms / floor_ms, 2)
    whole = floor_parts(client.get(f"/c/{slug}/calendar.ics").data)
    floor_ms, served_ms = by_turns(
        lambda: floor_build(whole), get(f"/c/{slug}/calendar.ics"), max(runs, 3)
    )
    extra[f"ics_floor_ms_{size}"] = round(floor_ms, 3)
    extra[f"ics_ratio_to_floor_{size}"] = round(served_ms / floor_ms, 2)
    yield "conference_ics", get(f"/c/{slug}/calendar.ics")
    yield "frab_xml", get(f"/c/{slug}/schedule.frab.xml")
    yield "frab_json", get(f"/c/{slug}/schedule.frab.json")
    yield "schedule_json", get(f"/c/{slug}/schedule.json")
    yield "invites_zip", get(f"/organiser/c/{slug}/invites.zip")

    def export():
        # What `flask --app silkmeet export SLUG` runs (streamed, in batches).
        with app.app_context():
            conference = db.session.scalar(
                select(Conference).where(Conference.slug == slug)
            )
            return "".join(export_chunks(conference))

    yield "json_export", export
    text = export()
    imports = iter(range(1, 10**6))

    def import_():
        with app.app_context():
            n = next(imports)
            doc = fmt.loads(text.replace(f'"{slug}"', f'"imported-{n}"', 1))
            # A copy is another meeting: without the original's uid.
            import_conference(dataclasses.replace(doc, uid=None))
            db.session.rollback()

    yield "json_import", import_
    move = block_move(app, client, slug)
    yield "reorder_block_save", move
    # What the move's answer carries (rows and size), to watch as it changes.
    answer = move()
    extra[f"reorder_answer_rows_{size}"] = len(answer["items"])
    extra[f"reorder_answer_kib_{size}"] = round(
        len(json.dumps(answer).encode()) / 1024, 1
    )

    # The first agenda pages after a change, in several zones: the first pays
    # for what every zone shares (once per content version), the others only
    # for their own zone.
    zones = ["Europe/Paris", "Asia/Tokyo", "America/Lima", "Africa/Nairobi"]
    firsts, others = [], []
    for _ in range(max(2, runs // 2)):
        move()
        t0 = time.perf_counter()
        ok(client.get(f"/c/{slug}/agenda?tz={zones[0]}"))
        firsts.append(time.perf_counter() - t0)
        for zone in zones[1:]:
            t0 = time.perf_counter()
            ok(client.get(f"/c/{slug}/agenda?tz={zone}"))
            others.append(time.perf_counter() - t0)
    extra[f"agenda_first_zone_after_change_ms_{size}"] = round(median_ms(firsts), 3)
    extra[f"agenda_next_zone_after_change_ms_{size}"] = round(median_ms(others), 3)
    extra[f"agenda_next_zone_ratio_to_first_{size}"] = round(
        median_ms(others) / median_ms(firsts), 2
    )

    # The same pages and invite with the worker's cache off: what the first
    # request after a change costs (silkmeet/cache.py).
    cache = app.extensions["silkmeet_cache"]
    limit = cache.max_bytes
    cache.max_bytes = 0
    yield "agenda_page_uncached", get(f"/c/{slug}/agenda")
    yield "delegate_page_uncached", get(f"/c/{slug}/me/{speaker}")
    yield "runofshow_page_uncached", get(f"/c/{slug}/run-of-show")
    if routed(app, f"/organiser/c/{slug}/lineup"):
        yield "lineup_page_uncached", get(f"/organiser/c/{slug}/lineup")
    yield "invite_uncached", lambda: ok(client.get(next(rotation)))
    cache.max_bytes = limit

    # Peak memory of each export in a fresh process, above that process idle.
    paths = {
        "conference_ics": f"/c/{slug}/calendar.ics",
        "frab_xml": f"/c/{slug}/schedule.frab.xml",
        "frab_json": f"/c/{slug}/schedule.frab.json",
        "schedule_json": f"/c/{slug}/schedule.json",
        "invites_zip": f"/organiser/c/{slug}/invites.zip",
        "json_export": f"export:{slug}",
    }
    peaks = peak_in_child(app.config["SQLALCHEMY_DATABASE_URI"], list(paths.values()))
    for name, path in paths.items():
        extra[f"peak_rss_extra_mib_{name}_{size}"] = peaks[path]
    extra[f"idle_rss_mib_{size}"] = peaks["idle_mib"]
    extra[f"peak_rss_extra_mib_{size}"] = max(peaks[path] for path in paths.values())


def block_move(app, client, slug: str):
    """Move one country block down, then up again, through the lineup editor's
    JSON endpoint: each call is a reorder and its save (times recomputed,
    version checked, the invite revision compared)."""
    from silkmeet.models import AgendaItem

    with app.app_context():
        conference = db.session.scalar(
            select(Conference).where(Conference.slug == slug)
        )
        items = db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.conference_id == conference.id)
            .order_by(AgendaItem.position, AgendaItem.id)
        ).all()
        movable = [i for i in items if i.country and not i.pinned]
        item_id = movable[len(movable) // 2].id
        state = {"version": conference.lineup_version, "action": "block_down"}

    def move():
        response = client.post(
            f"/organiser/c/{slug}/lineup/move",
            json={
                "item_id": item_id,
                "action": state["action"],
                "lineup_version": state["version"],
            },
        )
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        body = response.get_json()
        state["version"] = body["version"]
        state["action"] = (
            "block_up" if state["action"] == "block_down" else "block_down"
        )
        return body

    return move


def peak_in_child(url: str, paths: list[str]) -> dict:
    script = Path(__file__).with_name("bench_peak.py")
    out = subprocess.run(
        [sys.executable, str(script), url, *paths],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)
