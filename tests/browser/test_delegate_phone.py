"""The delegate's page on a phone (issue 14.10): each item leads with the
reader's own time and its speakers' times; the other zones open on demand,
without JavaScript too."""

import pytest
from sqlalchemy import select

from silkmeet.extensions import db
from silkmeet.models import Participation
from silkmeet.models import Person

pytestmark = pytest.mark.browser

SLUG = "silk-cities-2020"


@pytest.mark.parametrize("javascript", [True, False])
def test_delegate_page_on_a_phone(
    app, browser, live_server, demo, english_readers, javascript
):
    with app.app_context():
        token = db.session.scalar(
            select(Participation.token)
            .join(Person)
            .where(Person.timezone == "Asia/Tokyo")
            .limit(1)
        )
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=javascript
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server}/c/{SLUG}/me/{token}")
        items = page.locator(".my-agenda > li")
        assert items.count() == 18
        japan = items.filter(has_text="11. Japan")
        # The reader's (Tokyo) time leads; the Japanese speaker is in Tokyo too,
        # so their line needs no second time.
        assert japan.locator(".my-item-when").inner_text().startswith("23:04–23:11")
        brazil = items.filter(has_text="6. Brazil")
        assert "10:29–10:36 in Sao Paulo" in brazil.inner_text()
        # The other zones are there, closed, and open by their summary.
        other = brazil.locator("details.other-zones")
        paris = other.get_by_text("Paris (conference zone)")
        assert not paris.is_visible()
        other.locator("summary").click()
        assert paris.is_visible()
        assert "14:29–14:36" in other.inner_text()
        # 7,916 px before the cards (eight zone rows under each of 18 items).
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < 5000, height
    finally:
        context.close()
