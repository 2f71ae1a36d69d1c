"""A rehearsal of the demo in chromium: the chair starts, a speaker overruns,
the block's remaining minutes shrink, the chair sends "Please wrap up", the
stage screen shows it, the next speaker's page says "You're next", and the
report shows the overrun.

The live view's clock is injected (``ops.now``, as the web tests do): the
rehearsal runs in seconds, with no sleeps. Screenshots of the stage screen and
the live view go to ``SILKMEET_SCREENSHOTS`` (a folder) when it is set.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import AgendaItemSpeaker
from silkmeet.models import Conference
from silkmeet.models import Participation
from silkmeet.models import Person
from silkmeet.runofshow import operations as ops

pytestmark = pytest.mark.browser

SLUG = "silk-cities-2020"
WAIT = 10_000  # ms: the pages poll every second or two


def seconds(text: str) -> int:
    """``-1:05`` → -65."""
    match = re.fullmatch(r"(-?)(\d+):(\d\d)", text.strip())
    assert match, text
    value = int(match.group(2)) * 60 + int(match.group(3))
    return -value if match.group(1) else value


@pytest.fixture
def rehearsal(app, demo, monkeypatch):
    """The demo with a second Japanese speaker (Misaki Sato 4 min, then Kenji
    Watanabe 3 min in Japan's 7), and a clock the test moves."""
    with app.app_context():
        conference = db.session.get(Conference, demo)
        japan = db.session.scalar(select(AgendaItem).where(AgendaItem.title == "Japan"))
        japan.speakers[0].minutes = 4
        kenji = Participation(
            conference=conference,
            role="speaker",
            delegation_country="JP",
            person=Person(
                full_name="渡辺 健二",
                latin_name="Kenji Watanabe",
                honorific="Mr.",
                country="JP",
                timezone="Asia/Tokyo",
            ),
        )
        japan.speakers.append(
            AgendaItemSpeaker(participation=kenji, position=1, minutes=3)
        )
        db.session.commit()
        items = list(conference.items)
        durations = [item.duration_minutes for item in items]
        start = conference.start_at
        chair = next(p.token for p in conference.participations if p.role == "chair")
        kenji_token = kenji.token
    clock = {"now": start}
    monkeypatch.setattr(ops, "now", lambda: clock["now"])
    return {
        "clock": clock,
        "start": start,
        "durations": durations,
        "chair": chair,
        "kenji": kenji_token,
    }


def shoot(page, name: str, tmp_path) -> Path:
    folder = Path(os.environ.get("SILKMEET_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_rehearsal_of_the_demo(browser, live_server, rehearsal, tmp_path):
    clock, start = rehearsal["clock"], rehearsal["start"]
    base = f"{live_server}/c/{SLUG}"
    chair = browser.new_page(viewport={"width": 1280, "height": 900})
    chair.goto(f"{base}/me/{rehearsal['chair']}/run-of-show/live")

    # The chair makes the stage screen's link and opens it on a second screen.
    chair.get_by_role("button", name="Create a stage screen link").click()
    stage_url = chair.locator("a.stage-url").get_attribute("href")
    stage = browser.new_page(viewport={"width": 1280, "height": 720})
    stage.goto(stage_url)
    expect(stage.get_by_text("The meeting starts soon.")).to_be_visible()

    # The chair starts, and runs the first ten items on time, to Japan.
    chair.get_by_role("button", name="Start cue 1").click()
    elapsed = 0
    for cue, minutes in enumerate(rehearsal["durations"][:10], start=1):
        chair.get_by_role("button", name=f"Next: cue {cue + 1}").wait_for()
        elapsed += minutes
        clock["now"] = start + timedelta(minutes=elapsed)
        chair.get_by_role("button", name=f"Next: cue {cue + 1}").click()
    chair.get_by_role("button", name="Next: cue 12").wait_for()

    speaker = chair.locator('[data-html="speaker"]')
    block = chair.locator('[data-html="block"]')
    expect(speaker).to_contain_text("佐藤 美咲")
    expect(block.locator("h2")).to_have_text("Japan block")
    block_left = block.locator('[data-field="block-left"]')
    at_start = seconds(block_left.inner_text())
    assert 6 * 60 + 55 <= at_start <= 7 * 60
    expect(stage.locator('[data-field="name"]')).to_have_text(
        "Ms. 佐藤 美咲", timeout=WAIT
    )
    expect(stage.locator('[data-field="latin"]')).to_have_text("Misaki Sato")
    expect(stage.locator('[data-field="country"]')).to_have_text("Japan")
    expect(stage.locator('[data-field="block-label"]')).to_have_text("Japan block")

    # Misaki Sato runs two minutes over her four: the block's remaining time
    # shrinks to one minute, and so do Kenji Watanabe's three.
    clock["now"] = start + timedelta(minutes=elapsed + 6)
    expect(speaker.locator(".countdown")).to_have_class(
        re.compile("countdown-over"), timeout=WAIT
    )
    expect(block.locator("tr.turn-waiting .cut")).to_have_text("1:00", timeout=WAIT)
    after = seconds(block_left.inner_text())
    assert 50 <= after <= 60 and after < at_start
    expect(stage.locator(".stage-countdown")).to_have_class(
        re.compile("countdown-over"), timeout=WAIT
    )
    assert seconds(stage.locator(".stage-countdown").inner_text()) <= -115
    next_up = stage.locator('[data-field="next"] li').first
    expect(next_up.locator('[data-part="name"]')).to_have_text("Mr. 渡辺 健二")
    assert 50 <= seconds(next_up.locator('[data-part="minutes"]').inner_text()) <= 60

    # The chair asks her to wrap up; the stage screen shows it.
    chair.get_by_role("button", name="Please wrap up").click()
    expect(stage.locator('[data-field="message"]')).to_have_text(
        "Please wrap up", timeout=WAIT
    )
    expect(chair.locator('[data-html="message"]')).to_contain_text("Please wrap up")
    stage_shot = shoot(stage, "stage-screen", tmp_path)
    live_shot = shoot(chair, "live-view", tmp_path)
    assert stage_shot.stat().st_size > 10_000 and live_shot.stat().st_size > 10_000

    # Kenji Watanabe's own page: he is next, expected at 23:10 in Tokyo, two
    # minutes after his planned start (Japan's block began at 14:04 UTC).
    kenji = browser.new_page()
    kenji.goto(f"{base}/me/{rehearsal['kenji']}")
    turn = kenji.locator("#live-turn")
    expect(turn.get_by_text("You're next.")).to_be_visible()
    expect(turn.locator('[data-field="at"]')).to_have_text("23:10")
    expect(turn.locator('[data-field="cut"]')).to_be_visible()
    expect(turn.locator('[data-field="slip"]')).to_have_text("2 min later than planned")
    shoot(kenji, "speaker-page", tmp_path)

    # The chair gives him the floor: his page follows without a reload.
    chair.get_by_role("button", name="Next speaker: Mr. 渡辺 健二").click()
    expect(turn.get_by_text("You have the floor")).to_be_visible(timeout=WAIT)
    expect(stage.locator('[data-field="name"]')).to_have_text(
        "Mr. 渡辺 健二", timeout=WAIT
    )
    clock["now"] = start + timedelta(minutes=elapsed + 7)
    chair.get_by_role("button", name="Next: cue 12").click()
    chair.get_by_role("button", name="Next: cue 13").wait_for()

    # The report shows Misaki Sato's two minutes over her limit.
    report = browser.new_page()
    report.goto(f"{base}/me/{rehearsal['chair']}/run-of-show/report")
    misaki = report.locator("tr", has_text="佐藤 美咲")
    expect(misaki.locator("td.over-limit")).to_have_text("+2.0 min")
    for page in (chair, stage, kenji, report):
        page.close()
