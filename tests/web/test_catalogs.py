"""Every string people read is in every complete catalog, translated.

The strings are extracted from the source as ``make messages`` does
(``babel.cfg``), so a string wrapped but never translated fails here, and so
does a catalog entry whose placeholders differ from its English.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from silkmeet.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def extracted() -> dict:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, "lazy_gettext": None}
    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        key = message if isinstance(message, str) else tuple(message)
        found[(key, context)] = f"{filename}:{lineno}"
    return found


EXTRACTED = extracted()


def catalog(code: str):
    path = ROOT / "silkmeet" / "translations" / code / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as source:
        return read_po(source, locale=code)


def placeholders(text: str) -> set[str]:
    return {match.group(0) for match in PLACEHOLDER.finditer(text)}


def test_strings_are_extracted_and_use_named_placeholders():
    assert EXTRACTED
    positional = [
        where
        for (message, _context), where in EXTRACTED.items()
        for text in ([message] if isinstance(message, str) else message)
        if re.search(r"%[sd]", text)
    ]
    assert positional == [], "use %(name)s, never %s: translators reorder words"


TRANSLATED = [code for code in LANGUAGES if code != "en"]


@pytest.mark.parametrize("code", TRANSLATED)
def test_a_complete_catalog_translates_every_string(code):
    if not LANGUAGES[code].complete:
        pytest.skip(f"{code} is a partial catalog")
    messages = catalog(code)
    missing = []
    for (message, context), where in EXTRACTED.items():
        entry = messages.get(message, context=context)
        strings = () if entry is None else entry.string
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(f"{where}: {message!r}")
    assert missing == [], f"{len(missing)} strings untranslated in {code}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_a_catalog_passes_babels_own_checks(code):
    """What ``pybabel compile`` (``make install``) refuses: a placeholder the
    English form it is checked against does not have, among others."""
    problems = [
        f"{message.id!r}: {error}"
        for message, errors in catalog(code).check()
        for error in errors
    ]
    assert problems == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_their_placeholders_and_are_never_fuzzy(code):
    messages = catalog(code)
    wrong = []
    for entry in messages:
        if not entry.id:
            continue
        if entry.fuzzy:
            wrong.append(f"fuzzy: {entry.id!r}")
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = set().union(*(placeholders(text) for text in ids))
        for text in strings:
            if not text:
                continue
            # A plural form may leave the count out ("一つ"), never add one.
            if not placeholders(text) <= expected or (
                len(ids) == 1 and placeholders(text) != expected
            ):
                wrong.append(f"{entry.id!r} → {text!r}")
            # Translations are trusted markup (newstyle gettext marks them
            # safe), also inside attributes: no quote or tag the English
            # does not have.
            for character in '"<>&':
                if character in text and not any(character in i for i in ids):
                    wrong.append(f"adds {character!r}: {entry.id!r} → {text!r}")
    assert wrong == []
