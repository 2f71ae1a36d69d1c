"""axe-core (WCAG 2.2 A and AA rules) on the pages that matter, at a desktop and
a phone width: zero violations (issue 14.10)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import Participation
from silkmeet.models import Person

pytestmark = pytest.mark.browser

SLUG = "silk-cities-2020"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PAGES = {
    "home": "/",
    "login": "/auth/login",
    "dashboard": "/organiser/",
    "conference form": f"/organiser/c/{SLUG}/edit",
    "hosts": f"/organiser/c/{SLUG}/hosts",
    "people": f"/organiser/c/{SLUG}/people",
    "lineup": f"/organiser/c/{SLUG}/lineup",
    "planner": f"/organiser/c/{SLUG}/planner",
    "agenda": f"/c/{SLUG}/agenda",
    "delegate page": f"/c/{SLUG}/me/{{token}}",
    "invites": f"/organiser/c/{SLUG}/invites",
    "run-of-show": f"/c/{SLUG}/run-of-show",
}


@pytest.fixture
def tokyo_token(app, demo):
    with app.app_context():
        return db.session.scalar(
            select(Participation.token)
            .join(Person)
            .where(Person.timezone == "Asia/Tokyo")
            .limit(1)
        )


@pytest.mark.parametrize("width", [1280, 390])
def test_no_axe_violations(browser, live_server, auth, demo, tokyo_token, width):
    auth.create(conferences=[demo])
    context = browser.new_context(
        viewport={"width": width, "height": 900}, timezone_id="Europe/Paris"
    )
    page = context.new_page()
    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": WCAG_22_AA}}
    found = {}
    try:
        for name, path in PAGES.items():
            if name == "dashboard":  # the pages before it are seen logged out
                page.goto(live_server + "/auth/login")
                page.get_by_label("Email").fill("org@example.org")
                page.get_by_label("Password").fill("correct horse battery")
                page.get_by_role("button", name="Log in").click()
                page.get_by_role("button", name="Log out").wait_for()
            response = page.goto(live_server + path.format(token=tokyo_token))
            assert response.status == 200, name
            page.wait_for_load_state("networkidle")
            results = axe.run(page, options=options)
            if results.violations_count:
                found[name] = [
                    (v["id"], [n["target"] for n in v["nodes"]][:3])
                    for v in results.response["violations"]
                ]
    finally:
        context.close()
    assert found == {}


def test_each_row_of_the_invites_page_names_its_own_actions(
    browser, live_server, auth, demo, page, log_in
):
    auth.create(conferences=[demo])
    log_in()
    page.goto(f"{live_server}/organiser/c/{SLUG}/invites")
    tree = page.locator("table.invites tbody").aria_snapshot()
    for action in ("Download", "Revoke link", "Preview"):
        names = [
            line.strip()
            for line in tree.splitlines()
            if line.strip().startswith((f'- link "{action}', f'- button "{action}'))
        ]
        assert len(names) >= 17, action  # one per participant of the demo
        assert len(set(names)) == len(names), action
    assert '- link "Download invite for 张国强 (Zhang Guoqiang)"' in tree
