"""The newcomer's path in chromium, CSRF on: people from a CSV file, then one
button builds the lineup; a refused move shows one error and no stale Undo,
with JavaScript and without."""

import os

import pytest
from factories import NEWCOMER_CSV as CSV
from factories import ROME_2027_NO_PEOPLE
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SLUG = ROME_2027_NO_PEOPLE["slug"]
# Where the screenshots go, to be looked at (SILKMEET_SCREENSHOTS=dir).
SHOTS = os.environ.get("SILKMEET_SCREENSHOTS")


@pytest.fixture
def rome(make_conference, auth):
    cid = make_conference(**ROME_2027_NO_PEOPLE)
    auth.create(conferences=[cid])
    return cid


def log_in(page, base):
    page.goto(base + "/auth/login")
    page.get_by_label("Email").fill("org@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()


def titles(page):
    return page.locator("#lineup td.what strong").all_inner_texts()


def import_and_build(page, base):
    page.goto(f"{base}/organiser/c/{SLUG}/people/import")
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("Preview: 7 rows")).to_be_visible()
    page.get_by_role("button", name="Import").click()
    page.goto(f"{base}/organiser/c/{SLUG}/lineup")
    # An empty lineup: the frame is offered, ticked.
    frame = page.get_by_label("Also add the opening")
    expect(frame).to_be_checked()
    page.get_by_role("button", name="Build the lineup").click()


def test_one_button_builds_the_lineup(page, live_server, rome):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server)
    import_and_build(page, live_server)
    expect(page.get_by_text("Lineup built: added 4 country blocks")).to_be_visible()
    assert titles(page) == [
        "Opening of the conference",
        "Welcome by the hosts",
        "Keynote",
        "Brazil",
        "Italy",
        "Japan",
        "Uzbekistan",
        "Closing words",
    ]
    japan = page.locator("tr", has_text="山田 太郎")
    # 13:28 CEST is 20:28 in Tokyo: 7 min each, after 3 frame items of 7.
    expect(japan).to_contain_text("JST")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "lineup-built.png"), full_page=True)
    # The editor adjusts it: Japan up, by its button.
    page.get_by_role("button", name="Move Japan up").click()
    expect(page.locator("#lineup-status")).to_contain_text(
        "“Japan” moved to position 5 of 8."
    )
    assert titles(page)[3:7] == ["Brazil", "Japan", "Italy", "Uzbekistan"]
    # Pressed again after a reload: nothing is added twice.
    page.get_by_role("button", name="Build the lineup").click()
    expect(page.get_by_text("Nothing to add")).to_be_visible()
    assert len(titles(page)) == 8


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_refused_move_shows_one_error_and_no_stale_undo(
    browser, live_server, rome, javascript
):
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    log_in(page, live_server)
    import_and_build(page, live_server)
    # A move that works: Undo offers it.
    page.get_by_role("button", name="Move Brazil down").click()
    expect(page.locator("#undo-form")).to_be_visible()
    expect(page.locator("#undo-what")).to_contain_text("moved to position")
    # Uzbekistan is the last block before the pinned closing: refused.
    page.get_by_role("button", name="Move Uzbekistan down").click()
    error = page.locator("#lineup-error")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    text = error.inner_text().strip()
    # Said once on the page; no "moved … Undo" beside it; no stale status.
    expect(page.get_by_text(text, exact=False)).to_have_count(1)
    expect(page.locator("#undo-form")).to_be_hidden()
    expect(page.locator("#lineup-status")).to_be_hidden()
    if SHOTS:
        name = f"lineup-refused-{'js' if javascript else 'nojs'}.png"
        page.screenshot(path=os.path.join(SHOTS, name))
    context.close()
