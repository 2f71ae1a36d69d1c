import pytest

pytestmark = pytest.mark.browser


def test_home_and_login_in_chromium(page, live_server, demo, auth):
    auth.create()
    page.goto(live_server + "/")
    assert page.get_by_role("heading", name="Conferences").is_visible()
    assert page.get_by_text("Silk Cities and Metropoles").first.is_visible()
    page.get_by_role("link", name="Organiser login").click()
    page.get_by_label("Email").fill("org@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()
    # The organiser lands on their conferences, not the public home page.
    assert page.url == live_server + "/organiser/"
    assert page.get_by_role("heading", name="My conferences").is_visible()
