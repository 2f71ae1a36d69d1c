"""The lineup editor of a congress answers a keyboard move without a visible
wait: the move's request, from the key to its answer, as a ratio to a request
that does nothing (``/healthz``) measured in the same browser and test; and
the page puts in the units that changed, leaving every other row alone."""

from __future__ import annotations

import statistics

import pytest
from playwright.sync_api import expect

from silkmeet.synthetic import synthetic_document

pytestmark = pytest.mark.browser

ITEMS, PEOPLE = 1000, 1200
# A block move of a 1,000-item lineup may cost this many requests that do
# nothing. Before moves were incremental it cost several hundred (every row
# read, computed and rendered again, and sent whole).
BUDGET = 25

# The move's request as the browser timed it (Resource Timing), in ms.
ANSWER = """() => {
  const moves = performance.getEntriesByType("resource")
    .filter((entry) => entry.name.endsWith("/lineup/move"));
  const last = moves[moves.length - 1];
  return last.responseEnd - last.startTime;
}"""

# Every row's element, marked: a change that renders them again loses the mark.
MARK = """() => document.querySelectorAll("#lineup tbody").forEach(
  (tbody) => { tbody.__kept = true; })"""
KEPT = """() => Array.from(document.querySelectorAll("#lineup tbody"))
  .filter((tbody) => tbody.__kept).length"""

TIMED = """async ([url, runs]) => {
  const times = [];
  for (let n = 0; n < runs; n++) {
    const t0 = performance.now();
    await (await fetch(url, {cache: "no-store"})).text();
    times.push(performance.now() - t0);
  }
  return times;
}"""

ORDER = """() => Array.from(document.querySelectorAll("#lineup tbody"),
  (tbody) => tbody.dataset.unitId + ":" + Array.from(tbody.rows, (row) =>
    row.dataset.itemId + "@" + row.querySelector(".num").textContent).join(","))"""

# Press the key on the handle, and time until the status announces the move
# (the rows are in place by then: render() runs before announce()).
MOVE = """async ([unit, key]) => {
  const status = document.getElementById("lineup-status");
  const handle = document.querySelector(`tbody[data-unit-id="${unit}"] .handle`);
  handle.focus();
  const done = new Promise(resolve => new MutationObserver((_, observer) => {
    if (status.textContent.includes("moved to position")) {
      observer.disconnect();
      resolve(performance.now());
    }
  }).observe(status, {childList: true, characterData: true, subtree: true}));
  const t0 = performance.now();
  handle.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true}));
  return (await done) - t0;
}"""


def test_a_keyboard_move_at_congress_size_is_quick(
    page, live_app, live_server, auth, make_conference, log_in
):
    # As a server runs: the suite's check that rebuilds every cache hit (and
    # so every kept page) to compare it is a test of correctness, not speed.
    live_app.extensions["silkmeet_cache"].verify = False
    cid = make_conference(data=synthetic_document("congress", ITEMS, PEOPLE))
    auth.create(conferences=[cid])
    log_in()
    page.goto(live_server + "/organiser/c/congress/lineup")
    blocks = page.locator("tbody.unit.block:not(.pinned)")
    unit = blocks.nth(blocks.count() // 2).get_attribute("data-unit-id")
    order = page.evaluate(ORDER)
    noop = page.evaluate(TIMED, [live_server + "/healthz", 3])  # warm up
    units = page.locator("#lineup tbody").count()
    moves, shown = [], []
    for key in ["ArrowDown", "ArrowUp"] * 3:
        page.evaluate(
            "() => { document.getElementById('lineup-status').textContent = ''; }"
        )
        page.evaluate(MARK)
        shown.append(page.evaluate(MOVE, [unit, key]))
        moves.append(page.evaluate(ANSWER))
        # Two blocks swapped: the other units' rows are the same elements.
        assert page.evaluate(KEPT) == units - 2
        # The moved block keeps its focus and its rows, once each.
        expect(page.locator(f'tbody[data-unit-id="{unit}"] .handle')).to_be_focused()
        noop += page.evaluate(TIMED, [live_server + "/healthz", 3])
    # Down and up again as often: the table is the one the page had.
    assert page.evaluate(ORDER) == order
    page.reload()
    assert page.evaluate(ORDER) == order
    move, nothing = statistics.median(moves), statistics.median(noop)
    print(
        f"keyboard move answered in {move:.1f} ms, shown in "
        f"{statistics.median(shown):.1f} ms; no-op request {nothing:.1f} ms"
    )
    assert move <= BUDGET * nothing, (moves, noop)
