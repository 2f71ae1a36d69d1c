"""The planner in chromium for issue 14's newcomer: Rome, Sunday 28 March 2027,
the EU clock change that very night. SILKMEET_SCREENSHOTS keeps the picture."""

import os
from pathlib import Path

import pytest
from factories import OCTOBER_NIGHT
from factories import ROME_2027
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_clock_change_notice_for_rome(
    page, live_server, auth, make_conference, tmp_path
):
    cid = make_conference(**ROME_2027)
    auth.create(conferences=[cid])
    page.goto(live_server + "/auth/login")
    page.get_by_label("Email").fill("org@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()
    page.goto(live_server + "/organiser/c/rome/planner")

    notice = page.get_by_role("status").filter(has_text="Time change")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text(
        "clocks go forward 1 hour on Sun 28 Mar 2027, 02:00 → 03:00 local time"
    )
    expect(notice).to_contain_text("on the meeting day, before it starts")
    expect(page.locator(".summary")).to_contain_text(
        "Current start Sun 28 Mar 2027, 10:00–12:30 CEST (UTC+02:00)"
    )
    shots = Path(os.environ.get("SILKMEET_SCREENSHOTS") or tmp_path)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=shots / "planner-rome.png", full_page=True)


def test_a_delegate_page_across_the_october_clock_change(
    app, page, live_server, make_conference, tmp_path
):
    from silkmeet.extensions import db
    from silkmeet.models import Conference

    cid = make_conference(**OCTOBER_NIGHT)
    with app.app_context():
        (token,) = [p.token for p in db.session.get(Conference, cid).participations]
    page.goto(f"{live_server}/c/night/me/{token}")
    both = "Sun 25 Oct 2026, 02:30 CEST (UTC+02:00) – 02:30 CET (UTC+01:00)"
    expect(page.locator("#my-meeting")).to_contain_text(both)
    expect(page.locator(".my-slot")).to_contain_text(both)
    shots = Path(os.environ.get("SILKMEET_SCREENSHOTS") or tmp_path)
    page.set_viewport_size({"width": 1000, "height": 700})
    page.screenshot(path=shots / "delegate-october.png")
