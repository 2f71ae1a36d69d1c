"""Which language a page is answered in (silkmeet/i18n.py)."""

from __future__ import annotations

import pytest

from silkmeet.i18n import LANGUAGES
from silkmeet.i18n import html_lang
from silkmeet.i18n import supported_locale


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("fr", "fr"),
        ("fr-CA", "fr"),
        ("FR-ca", "fr"),
        ("zh", "zh_Hans"),
        ("zh-CN", "zh_Hans"),
        ("zh-Hans", "zh_Hans"),
        ("zh_Hans_SG", "zh_Hans"),
        ("zh-TW", None),
        ("zh-Hant", None),
        ("pt", "pt_BR"),
        ("pt-PT", "pt_BR"),
        ("uz", "uz_Latn"),
        ("uz-Latn-UZ", "uz_Latn"),
        ("uz-Cyrl", None),
        ("ka-GE", "ka"),
        ("en-GB", "en"),
        ("de", None),
        ("", None),
        (None, None),
        ("*", None),
        ("not a tag", None),
        ("x" * 200, None),
    ],
)
def test_a_language_tag_finds_the_closest_supported_locale(tag, expected):
    assert supported_locale(tag) == expected


def test_every_language_names_itself_and_has_a_bcp47_tag():
    assert LANGUAGES["fr"].native_name == "français"
    assert LANGUAGES["ja"].native_name == "日本語"
    assert LANGUAGES["zh_Hans"].tag == "zh-Hans"
    assert html_lang("pt_BR") == "pt-BR"


def test_a_page_follows_the_browser_then_lang_in_the_url(client):
    page = client.get("/", headers={"Accept-Language": "de, ja;q=0.8, fr;q=0.5"})
    assert '<html lang="ja" dir="ltr">' in page.text
    assert "Accept-Language" in page.headers["Vary"]

    page = client.get("/?lang=fr", headers={"Accept-Language": "ja"})
    assert '<html lang="fr" dir="ltr">' in page.text

    page = client.get("/?lang=klingon", headers={"Accept-Language": "zh-CN"})
    assert '<html lang="zh-Hans"' in page.text

    page = client.get("/")
    assert '<html lang="en"' in page.text


def test_the_switcher_links_keep_the_page_and_its_arguments(client):
    page = client.get("/?lang=fr")
    assert 'href="/?lang=ja" lang="ja" hreflang="ja"' in page.text
    assert 'aria-current="true">français</a>' in page.text


def test_domain_words_are_translated_in_the_request_language(app):
    """silkmeet.domain.words goes through Flask-Babel once the app is made."""
    from silkmeet.domain import words
    from silkmeet.i18n import force_locale

    with app.test_request_context("/?lang=fr"):
        assert words._("Language") == "Langue"
        assert words._("time-zone rules: tzdata %(version)s", version="2025b") == (
            "règles des fuseaux horaires : tzdata 2025b"
        )
        assert words.ngettext("%(num)s item", "%(num)s items", 2) == "2 items"
    with app.app_context(), force_locale("ja"):
        assert words._("Language") == "言語"
    with app.test_request_context("/"):
        assert words._("Language") == "Language"
    assert words._("%(n)s left", n=3) == "3 left"


def test_domain_words_outside_a_request_are_english(app, runner, tmp_path):
    """A command or the mail worker has an app context and no request: a
    domain message is English there (it once raised "Working outside of
    request context"), and a bad JSON import says so in one line."""
    import json

    from factories import build_doc

    from silkmeet.domain import words

    with app.app_context():
        assert words._("Language") == "Language"
    doc = build_doc(slug="night-owls")
    doc["format"] = 2
    doc["conference"]["day_window"] = {"start": "22:00", "end": "07:00"}
    path = tmp_path / "night.json"
    path.write_text(json.dumps(doc))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "the day must end after it starts (22:00–07:00)" in result.output
    assert "request context" not in result.output
