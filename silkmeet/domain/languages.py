"""The languages silkmeet speaks, and who reads what in which of them.

Pure rules (Babel's CLDR data, no Flask): :mod:`silkmeet.i18n` builds the
request's language on them, :mod:`silkmeet.domain.fields` validates a
participant's preferred language with them, and every page, calendar and
e-mail a participant reads picks its words and titles with them.

- :func:`supported_locale`: which of :data:`SUPPORTED` a language tag reads;
- :func:`reader_locale`: the one language a participant reads, from their
  preferred language, else the languages they speak, else the conference's;
- :func:`localised`: a title or description in that language, falling back
  to the text as the organisers typed it.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import replace

from babel import Locale
from babel import UnknownLocaleError

DEFAULT_LOCALE = "en"

# Babel's identifiers, also the catalogs' folder names (silkmeet/translations/).
SUPPORTED: tuple[str, ...] = (
    "en",
    "fr",
    "es",
    "it",
    "pt_BR",
    "zh_Hans",
    "ja",
    "ru",
    "ka",
    "uz_Latn",
)
# Catalogs translated only in part (the others are held to no missing entry).
PARTIAL = frozenset({"ka", "uz_Latn"})

# Longer than any tag a person types (BCP 47 allows 35 for the useful part).
MAX_TAG = 35

_PARSED = {code: Locale.parse(code) for code in SUPPORTED}


def supported_locale(tag: str | None) -> str | None:
    """The supported locale closest to a language tag, or ``None``.

    ``zh``, ``zh-CN`` and ``zh-Hans`` read Simplified Chinese (``zh-TW`` and
    ``zh-Hant`` do not); every Portuguese reads ``pt_BR``; ``uz`` and
    ``uz-Latn`` read Uzbek in Latin script (``uz-Cyrl`` does not); a region
    never stops a match (``fr-CA`` → ``fr``). Accepts ``-`` or ``_``.
    """
    if not tag or not isinstance(tag, str) or len(tag) > MAX_TAG:
        return None
    try:
        wanted = Locale.parse(tag.strip().replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    for code, have in _PARSED.items():
        if have.language != wanted.language:
            continue
        if have.script and wanted.script and have.script != wanted.script:
            continue
        return code
    return None


def reader_locale(
    preferred: str | None,
    spoken: Iterable[str] | None = (),
    conference_languages: Iterable[str] | None = (),
) -> str:
    """The language a participant reads silkmeet in: their preferred one when
    set; else the first of the languages they speak that silkmeet speaks;
    else the conference's first language that it speaks; else English."""
    for tag in (preferred, *(spoken or ()), *(conference_languages or ())):
        found = supported_locale(tag)
        if found:
            return found
    return DEFAULT_LOCALE


def localised(
    text: str, translations: Mapping[str, str] | None, locale: object | None
) -> str:
    """``text`` in ``locale`` (a supported code, or a Babel ``Locale``) when
    the organisers gave it in that language, else ``text`` as they typed it."""
    if not translations or locale is None:
        return text
    return translations.get(str(locale)) or text


def translation_pairs(
    translations: Mapping[str, str] | None,
) -> tuple[tuple[str, str], ...]:
    """``(code, text)`` of each translation given, in :data:`SUPPORTED` order:
    one order whatever the input's, so export → import → export is identical."""
    translations = translations or {}
    return tuple(
        (code, translations[code]) for code in SUPPORTED if translations.get(code)
    )


def native_name(code: str) -> str:
    """A language's own name for itself (``français``, ``日本語``)."""
    locale = _PARSED[code]
    return locale.get_display_name(locale)


def localised_schedule(scheduled: Sequence, locale: object | None) -> list:
    """A computed schedule with each item's title in ``locale`` where the
    organisers gave one (:func:`localised`); the times are untouched, so one
    schedule, computed once, serves every language."""
    shown = []
    for entry in scheduled:
        item = entry.item
        title = localised(item.title, dict(item.title_translations), locale)
        if title != item.title:
            entry = replace(entry, item=replace(item, title=title))
        shown.append(entry)
    return shown
