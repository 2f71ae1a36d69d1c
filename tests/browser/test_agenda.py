import pytest

pytestmark = pytest.mark.browser

SLUG = "silk-cities-2020"


def test_agenda_follows_the_browser_zone_and_switches(browser, live_server, demo):
    context = browser.new_context(timezone_id="Asia/Tokyo")
    page = context.new_page()
    try:
        page.goto(f"{live_server}/c/{SLUG}/agenda")
        page.wait_for_url("**tz=Asia%2FTokyo**")
        assert "Asia/Tokyo" in page.locator("#viewer-zone").inner_text()
        assert (
            "Fri 20 Nov 2020, 22:00 – Sat 21 Nov 2020, 00:00 JST (UTC+09:00)"
            in page.locator("#meeting-when").inner_text()
        )
        page.select_option("#tz-select", "America/Sao_Paulo")
        page.wait_for_url("**tz=America%2FSao_Paulo**")
        assert (
            "Fri 20 Nov 2020, 10:00–12:00 UTC-03:00"
            in page.locator("#meeting-when").inner_text()
        )
        assert "America/Sao_Paulo" in page.locator("#viewer-zone").inner_text()
    finally:
        context.close()


def test_agenda_without_javascript_stays_in_the_reference_zone(
    browser, live_server, demo
):
    context = browser.new_context(timezone_id="Asia/Tokyo", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/c/{SLUG}/agenda")
        assert "tz=" not in page.url
        assert "Europe/Paris" in page.locator("#viewer-zone").inner_text()
        assert (
            "Fri 20 Nov 2020, 14:00–16:00 CET (UTC+01:00)"
            in page.locator("#meeting-when").inner_text()
        )
    finally:
        context.close()
