"""The chair's sheet printed to PDF by chromium, and the live view without reload."""

import os
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import AgendaItem
from silkmeet.models import Participation

pytestmark = pytest.mark.browser

SPEAKERS = (
    "Xavier Lepingle",
    "Nathalie Perrin-Gilbert",
    "Hélène Dromain",
    "Sonia Zdorovtzof",
    "张国强",
    "Valérie De Rosa",
    "Ana Paula Souza",
    "向锋",
    "Claire Fabre",
    "ნინო ბერიძე",
    "Giulia Bernasconi",
    "佐藤 美咲",
    "Carmen Ortega",
    "Dilnoza Karimova",
    "Isabelle Moulin",
)


def chair_url(app, live_server):
    with app.app_context():
        token = db.session.scalar(
            select(Participation.token).where(Participation.role == "chair")
        )
    return f"{live_server}/c/silk-cities-2020/me/{token}/run-of-show"


def media_boxes(pdf: bytes) -> list[tuple[float, float]]:
    """Page sizes in points, read from the MediaBox entries (raw or in streams)."""
    chunks = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            pass
    boxes = []
    for chunk in chunks:
        for match in re.finditer(rb"/MediaBox\s*\[\s*([\d.\s-]+)\]", chunk):
            x0, y0, x1, y1 = (float(n) for n in match.group(1).split())
            boxes.append((x1 - x0, y1 - y0))
    return boxes


def pdf_pages_text(path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def pdf_page_count(path) -> int:
    info = subprocess.run(
        ["pdfinfo", str(path)], check=True, capture_output=True, text=True
    ).stdout
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1))


def large_words(path, points: float) -> list[list[str]]:
    """Per page, the words set at least ``points`` high (their box's height, a
    little more than the font size), read with ``pdftotext -bbox``."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    word = re.compile(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">'
        r"([^<]*)</word>"
    )
    return [
        [
            text
            for top, bottom, text in word.findall(page)
            if float(bottom) - float(top) >= points
        ]
        for page in html.split("<page ")[1:]
    ]


def demo_start_times(app, demo) -> list[str]:
    """Each item's planned start on the demo's sheet (``14:04``), in order."""
    from silkmeet import timetable
    from silkmeet.models import Conference
    from silkmeet.runofshow import operations as ops

    with app.app_context():
        conference = timetable.attach_speakers(db.session.get(Conference, demo))
        rows = ops.planned_rows(conference, conference.timezone)
        return [f"{row.start_reference.wall:%H:%M}" for row in rows]


# A chair holds the sheet during the meeting: this many items on a full page.
ITEMS_PER_PAGE = range(8, 11)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_demo_run_of_show_prints_compact_on_a4(page, live_server, app, demo, tmp_path):
    """As the banner says: record the revision, then print at once. The banner,
    the buttons and the navigation stay on screen; the 18 items fill two A4
    pages, 8 to 10 a page, every one of them once."""
    page.goto(chair_url(app, live_server))
    page.get_by_role("button", name="Record this as revision 1").click()
    banner = page.get_by_text("Revision 1 recorded. Print it now")
    banner.wait_for()
    page.emulate_media(media="print")
    assert not banner.is_visible()
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    boxes = media_boxes(pdf)
    assert boxes, "no MediaBox in the PDF"
    for width, height in boxes:
        assert (round(width), round(height)) == (595, 842)  # A4 portrait

    path = tmp_path / "run-of-show.pdf"
    path.write_bytes(pdf)
    if os.environ.get("SILKMEET_SCREENSHOTS"):
        shutil.copy(path, Path(os.environ["SILKMEET_SCREENSHOTS"]) / path.name)
    pages = pdf_pages_text(path)
    starts = demo_start_times(app, demo)
    assert len(starts) == 18
    assert pdf_page_count(path) == len(pages) == 2
    whole = "\n".join(pages)
    for name in SPEAKERS:
        assert name in whole, name
    for screen_only in ("Revision 1 recorded", "Record this as revision", "Live view"):
        assert screen_only not in whole
    # Each item's start time, large (about 15 pt: 18 pt high with its ascent
    # and descent); every other time on the sheet is small.
    printed = []
    for number, words in enumerate(large_words(path, 15), start=1):
        on_page = [w for w in words if re.fullmatch(r"\d\d:\d\d", w)]
        assert len(on_page) in ITEMS_PER_PAGE, (number, on_page)
        printed += on_page
    assert printed == starts
    for number, text in enumerate(pages, start=1):
        # The table header and the running head repeat on every page.
        assert "Item and speaker" in text, f"page {number} has no table header"
        assert "Silk Cities and Metropoles" in text
        assert f"page {number} of {len(pages)}" in text


def test_live_view_follows_a_second_screen(
    page, browser, live_server, app, demo, tmp_path
):
    """Today is not the demo's day (20 November 2020): the chair rehearses,
    and a second screen follows the rehearsal."""
    url = chair_url(app, live_server) + "/live"
    page.goto(url)
    assert page.get_by_text("Not started", exact=True).is_visible()
    assert page.get_by_role("button", name="Start cue 1").count() == 0
    # Planned times that are not today's carry their date.
    expect(page.locator("table.projection td").nth(2)).to_have_text(
        "Fri 20 Nov 14:00 CET"
    )
    second = browser.new_page()
    second.goto(url)
    page.get_by_role("button", name="Start a rehearsal now").click()
    page.get_by_role("button", name="Next: cue 2").wait_for()
    expect(page.locator(".rehearsal-badge")).to_have_text("Rehearsal")
    # The other screen catches up by polling (reloading once: a rehearsal
    # changes the page around the run).
    second.get_by_role("button", name="Next: cue 2").wait_for(timeout=10000)
    expect(second.locator(".rehearsal-badge")).to_be_visible()
    folder = Path(os.environ.get("SILKMEET_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "live-rehearsal.png"), full_page=True)
    assert (
        second.locator('[data-panel="current"]')
        .get_by_text("Opening of the conference")
        .is_visible()
    )
    with app.app_context():
        opening = db.session.scalar(
            select(AgendaItem.id).order_by(AgendaItem.position).limit(1)
        )
    # The script's Next names the item this screen shows running.
    with second.expect_request(
        lambda r: r.method == "POST" and r.url.endswith("/live/next")
    ) as pressed:
        second.get_by_role("button", name="Next: cue 2").click()
    assert re.search(
        rf'name="item_id"\r?\n\r?\n{opening}\r?\n', pressed.value.post_data
    )
    page.get_by_role("button", name="Next: cue 3").wait_for(timeout=10000)
    assert page.get_by_text("Running").or_(page.get_by_text("On time")).is_visible()
    second.close()
