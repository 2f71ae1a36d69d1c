import io
import zipfile

import pytest

pytestmark = pytest.mark.browser


def test_zip_download_shows_progress(page, live_server, demo, auth, log_in):
    auth.create(conferences=[demo])
    log_in()
    page.goto(live_server + "/organiser/c/silk-cities-2020/invites")
    assert page.locator("#zip-progress").is_hidden()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download every invite (ZIP)").click()
    download = info.value
    assert download.suggested_filename == "silk-cities-2020-invites.zip"
    with open(download.path(), "rb") as handle:
        names = zipfile.ZipFile(io.BytesIO(handle.read())).namelist()
    assert len(names) == 17
    assert page.locator("#zip-progress").is_visible()
    page.get_by_text("Done.").wait_for()
    # Revoking a link asks first (the browser's dialog, accepted here), then
    # goes through the CSRF-protected form.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Revoke link for Claire Fabre").click()
    page.get_by_text("has a new personal link").wait_for()
    assert asked == [
        "Revoke the personal link of Claire Fabre? The old link stops working at once."
    ]
