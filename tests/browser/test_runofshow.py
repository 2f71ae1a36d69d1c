"""The chair's sheet printed to PDF by chromium, and the live view without reload."""

import re
import shutil
import subprocess
import zlib

import pytest
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


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_demo_run_of_show_prints_to_a4_landscape(
    page, live_server, app, demo, tmp_path
):
    page.goto(chair_url(app, live_server))
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True)
    boxes = media_boxes(pdf)
    assert boxes, "no MediaBox in the PDF"
    for width, height in boxes:
        assert round(width) == 842 and round(height) == 595

    path = tmp_path / "run-of-show.pdf"
    path.write_bytes(pdf)
    pages = pdf_pages_text(path)
    assert len(pages) >= 2
    whole = "\n".join(pages)
    for name in SPEAKERS:
        assert name in whole, name
    for number, text in enumerate(pages, start=1):
        # The table header and the running head repeat on every page.
        assert "Item and speaker" in text, f"page {number} has no table header"
        assert "Silk Cities and Metropoles" in text
        assert f"page {number} of {len(pages)}" in text


def test_live_view_follows_a_second_screen(page, browser, live_server, app, demo):
    url = chair_url(app, live_server) + "/live"
    page.goto(url)
    assert page.get_by_text("Not started", exact=True).is_visible()
    second = browser.new_page()
    second.goto(url)
    page.get_by_role("button", name="Start cue 1").click()
    page.get_by_role("button", name="Next: cue 2").wait_for()
    # The other screen catches up by polling, without a reload.
    second.get_by_role("button", name="Next: cue 2").wait_for(timeout=10000)
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
