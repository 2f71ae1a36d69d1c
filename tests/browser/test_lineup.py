"""The lineup editor in chromium, CSRF on: build a conference, reorder it by
drag and drop and by the keyboard, and see the order persist."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def add_person(page, base, name, country, zone=None):
    page.goto(base + "/organiser/c/three-cities/people/new")
    page.get_by_label("Full name (own script)").fill(name)
    page.get_by_label("Country", exact=True).select_option(country)
    if zone:
        # The zone list is filtered by the country (fetched by people.js): wait
        # for the filtered list, where a Paris option no longer appears.
        expect(page.locator("#timezone option[value='Europe/Paris']")).to_have_count(0)
        expect(page.locator(f"#timezone option[value='{zone}']")).to_have_count(1)
        page.get_by_label("Time zone").select_option(zone)
    else:
        expect(page.get_by_label("Time zone")).not_to_have_value("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name=name, exact=True)).to_be_visible()


def add_block(page, base, title, country, speaker):
    page.goto(base + "/organiser/c/three-cities/lineup/items/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Kind").select_option("country_presentation")
    page.get_by_label("Country (for country blocks)").select_option(country)
    page.get_by_label("Duration (minutes)").fill("15")
    page.get_by_label("Speaker").first.select_option(label=speaker)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="Lineup")).to_be_visible()


def titles(page):
    return page.locator("#lineup td.what strong").all_inner_texts()


def test_build_and_reorder_a_lineup(page, live_server, auth):
    auth.create()
    base = live_server
    page.goto(base + "/auth/login")
    page.get_by_label("Email").fill("org@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="My conferences").click()
    page.get_by_role("link", name="New conference").click()
    page.get_by_label("Title").fill("Three cities")
    page.get_by_label("Short name for links").fill("three-cities")
    page.get_by_label("Reference time zone").select_option("Europe/Paris")
    # 13:30 in Paris on 20 March 2026 (a US/EU gap week) is 21:30 in Tokyo.
    page.get_by_label("Start (in the reference zone)").fill("2026-03-20T13:30")
    page.get_by_label("Planned duration (minutes)").fill("45")
    page.get_by_role("button", name="Create conference").click()
    expect(page.get_by_text("Conference created.")).to_be_visible()

    add_person(page, base, "Ana Souza", "BR", "America/Sao_Paulo")
    add_person(page, base, "Claire Fabre", "FR")
    add_person(page, base, "Sato Misaki", "JP")
    add_block(page, base, "Brazil", "BR", "Ana Souza (BR)")
    add_block(page, base, "France", "FR", "Claire Fabre (FR)")
    add_block(page, base, "Japan", "JP", "Sato Misaki (JP)")

    assert titles(page) == ["Brazil", "France", "Japan"]
    japan = page.locator("tr", has_text="Sato Misaki")
    expect(japan).to_contain_text("22:00–22:15 JST")
    warnings = page.locator("#lineup-warnings")
    expect(warnings).to_contain_text("Sato Misaki speaks Fri 20 Mar, 22:00–22:15 JST")
    expect(warnings).to_contain_text("No chair is named")

    # Drag the Japan block above Brazil.
    page.locator("tbody", has_text="Sato Misaki").locator("td.what").drag_to(
        page.locator("tbody", has_text="Ana Souza").locator("td.what"),
        target_position={"x": 5, "y": 2},
    )
    expect(page.locator("#lineup-status")).to_contain_text(
        "Japan moved to position 1 of 3."
    )
    assert titles(page) == ["Japan", "Brazil", "France"]
    expect(page.locator("tr", has_text="Sato Misaki")).to_contain_text(
        "21:30–21:45 JST"
    )
    expect(warnings).not_to_contain_text("Sato Misaki speaks")
    expect(page.locator("#undo-form")).to_be_visible()

    # Keyboard: the handle of Brazil, arrow down.
    handle = page.get_by_role("button", name="Move Brazil with the arrow keys")
    handle.focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#lineup-status")).to_contain_text("moved to position 3 of 3")
    assert titles(page) == ["Japan", "France", "Brazil"]
    expect(
        page.get_by_role("button", name="Move Brazil with the arrow keys")
    ).to_be_focused()

    # The keyboard-reachable buttons: France down, then back up.
    page.get_by_role("button", name="Move France down").click()
    expect(page.locator("#lineup-status")).to_contain_text(
        "“France” moved to position 3"
    )
    assert titles(page) == ["Japan", "Brazil", "France"]
    expect(page.locator("tr", has_text="Claire Fabre")).to_contain_text("14:00–14:15")

    # Moving past the end is refused and changes nothing.
    page.get_by_role("button", name="Move France down").click()
    expect(page.locator("#lineup-error")).to_contain_text("already last")
    assert titles(page) == ["Japan", "Brazil", "France"]

    page.reload()
    assert titles(page) == ["Japan", "Brazil", "France"]
    expect(page.locator("tr", has_text="Claire Fabre")).to_contain_text("14:00–14:15")
