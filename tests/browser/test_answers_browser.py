"""A participant answers on their personal page in chromium; the organisers'
Answers page shows it."""

import pytest
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import Participation
from silkmeet.models import Person

pytestmark = pytest.mark.browser


def test_an_answer_from_the_personal_page_reaches_the_organisers(
    app, page, live_server, demo, english_readers, auth, log_in, tmp_path
):
    with app.app_context():
        token = db.session.scalar(
            select(Participation.token).join(Person).where(Person.full_name == "张国强")
        )
    page.goto(f"{live_server}/c/silk-cities-2020/me/{token}")
    box = page.locator("#answer")
    box.get_by_label("Comment for the organisers (optional)").fill(
        "I join from the Lyon office, with an interpreter."
    )
    box.get_by_role("button", name="Accept").click()
    page.get_by_text("Thank you: your answer is recorded.").wait_for()
    assert (
        box.locator(".current-answer").inner_text().startswith("Your answer: Accepted")
    )
    assert box.get_by_role("button", name="Accept").get_attribute("aria-pressed") == (
        "true"
    )
    box.screenshot(path=tmp_path / "personal-answer.png")

    auth.create(conferences=[demo])
    log_in()
    page.goto(f"{live_server}/organiser/c/silk-cities-2020/edit")
    page.get_by_role("navigation", name="This conference").get_by_role(
        "link", name="Answers"
    ).click()
    row = page.locator("table.answers tr", has_text="张国强")
    assert "Accepted" in row.inner_text()
    assert "I join from the Lyon office, with an interpreter." in row.inner_text()
    assert "Personal page" in row.inner_text()
    summary = page.locator("#answer-summary").inner_text()
    assert summary == (
        "17 participants · 1 accepted · 0 tentative · 0 declined · 16 no answer"
    )
    # An answer taken by phone, through the row's own form.
    xavier = page.locator("table.answers tr", has_text="Xavier Lepingle")
    xavier.locator("summary").click()
    xavier.get_by_label("Answer").select_option("tentative")
    xavier.get_by_label("Comment").fill("Called on Monday")
    xavier.get_by_role("button", name="Save").click()
    page.get_by_text("Xavier Lepingle: Tentative, recorded.").wait_for()
    assert (
        "Organiser"
        in page.locator("table.answers tr", has_text="Xavier Lepingle").inner_text()
    )
    page.screenshot(path=tmp_path / "answers-page.png", full_page=True)
